-- ref_region_alias_rows: every spelling of every region with its priority (lower wins when
-- two regions of a country share a key): the English name and the code (0), the curated
-- spellings (1), the ISO name (2); +10 below admin1 level. In region order, then that order.
-- Reads ref_regions.
WITH r AS (SELECT *, CASE WHEN is_admin1 THEN 0 ELSE 10 END AS level FROM ref_regions),
rows AS (
    SELECT n, 0 AS k, 0 AS m, country_iso3, admin1 AS alias, admin1_code, level AS priority FROM r
    UNION ALL
    SELECT n, 1, 0, country_iso3, admin1_code, admin1_code, level FROM r
    UNION ALL
    SELECT n, 2, unnest(range(1, len(curated) + 1)), country_iso3, unnest(curated), admin1_code, level + 1
    FROM r
    UNION ALL
    SELECT n, 3, 0, country_iso3, local_name, admin1_code, level + 2 FROM r
)
SELECT country_iso3, alias, admin1_code, priority FROM rows ORDER BY n, k, m
