-- 010_tidy_tail: tidy() decides without decoding whole strings. 006 read the last character
-- with x[-1], which counts the characters of the whole string (ACLED notes are ~400 bytes),
-- and sent any value with a non-ASCII first or last character to trim(), which is slower
-- still (~3.5 us per 400-character value). trim() strips exactly ' ' and the Unicode space
-- separators listed here (checked over every code point, tests/test_tidy.py), so only a
-- value that starts or ends with one of them goes to trim(). suffix() and strlen() read
-- bytes; x[-1] is read only when the value holds a non-ASCII character.
CREATE OR REPLACE MACRO tidy(x) AS
    CASE WHEN ord(x) = 32 OR suffix(x, ' ')
              OR (ord(x) > 127 AND ord(x) IN (160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198,
                                              8199, 8200, 8201, 8202, 8239, 8287, 12288))
              OR (strlen(x) <> length(x)
                  AND ord(x[-1]) IN (160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199,
                                     8200, 8201, 8202, 8239, 8287, 12288))
         THEN trim(x) ELSE x END;
