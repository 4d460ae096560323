-- 011_bounded_values: numbers and dates that the store's types cannot hold are rejected
-- like any other unparseable value, instead of failing the whole file's load.
-- parse_count took NaN (NaN >= 0 holds in DuckDB) and numbers beyond INTEGER, whose later
-- CAST raised a conversion error; it now gives NULL for them (a reject). parse_iso_date took
-- DuckDB's special words ('epoch', 'infinity') and years outside 1..9999, which loaded and then
-- broke every reader of the store (Python and Polars have no such dates); a date now starts
-- with a 4-digit year and a separator (2024-03-01, 2024/03/01).
-- Same names and signatures as in 001.
CREATE OR REPLACE MACRO parse_count(x) AS
    CASE WHEN isfinite(try_cast(x AS DOUBLE)) AND try_cast(x AS DOUBLE) BETWEEN 0 AND 2147483647
              AND try_cast(x AS DOUBLE) = floor(try_cast(x AS DOUBLE))
         THEN CAST(try_cast(x AS DOUBLE) AS BIGINT) END;

CREATE OR REPLACE MACRO parse_iso_date(x) AS
    CASE WHEN regexp_matches(trim(x), '^[0-9]{4}[-/.]')
         THEN CASE WHEN year(coalesce(try_cast(x AS DATE), CAST(try_cast(x AS TIMESTAMP) AS DATE)))
                        BETWEEN 1 AND 9999
                   THEN coalesce(try_cast(x AS DATE), CAST(try_cast(x AS TIMESTAMP) AS DATE)) END END;
