-- 006_tidy: a fast trim for ingest. DuckDB's trim() strips Unicode space separators (Zs)
-- and decodes the whole string to do it: 2-4.7 s per million 500-character strings in a
-- microbenchmark here (ACLED notes are that long). Only ' ' is an ASCII Zs, so a value whose
-- first and last characters are ASCII non-spaces is returned as it is; others go to trim().
CREATE OR REPLACE MACRO tidy(x) AS
    CASE WHEN ord(x) = 32 OR ord(x) > 127 OR ord(x[-1]) = 32 OR ord(x[-1]) > 127 THEN trim(x) ELSE x END;
