-- region_aliases: the lookup keys of every spelling, norm_name(alias) and admin_key(alias)
-- (the latter 100 lower in priority), each key kept at its best priority. A key that points
-- at two regions of one country at that priority is ambiguous and is dropped, not guessed.
-- Reads ref_region_alias_rows.
WITH keyed AS (
    SELECT country_iso3, norm_name(alias) AS alias_key, admin1_code, priority FROM ref_region_alias_rows
    UNION ALL
    SELECT country_iso3, admin_key(alias), admin1_code, priority + 100 FROM ref_region_alias_rows
),
best AS (
    SELECT country_iso3, alias_key, admin1_code, min(priority) AS priority
    FROM keyed WHERE alias_key <> '' GROUP BY ALL
),
ranked AS (
    SELECT *, count(*) OVER (PARTITION BY country_iso3, alias_key, priority) AS ties,
           rank() OVER (PARTITION BY country_iso3, alias_key ORDER BY priority) AS rnk
    FROM best
)
SELECT country_iso3, alias_key, admin1_code FROM ranked WHERE rnk = 1 AND ties = 1
