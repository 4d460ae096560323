-- stg_admin1_names: the ISO 3166-2 code of each distinct free-text admin1 name in `stg` (the
-- canonical staging view) whose row gives no known admin1_code, through `region_aliases`:
-- exactly, then without a trailing administrative word. name_code is NULL where nothing
-- matches. Resolved once per distinct (country, name), not per row. DuckDB-only.
SELECT n.country, n.admin1_in, coalesce(ra.admin1_code, rb.admin1_code) AS name_code
FROM (SELECT DISTINCT coalesce(k.country_in, r.country_iso3) AS country, k.admin1_in
      FROM (SELECT DISTINCT upper(country_iso3) AS country_in,
                            upper(admin1_code) AS admin1_code_in,
                            admin1 AS admin1_in
            FROM stg WHERE admin1 IS NOT NULL) AS k
      LEFT JOIN regions AS r ON r.admin1_code = k.admin1_code_in
      WHERE r.admin1_code IS NULL) AS n
LEFT JOIN region_aliases AS ra ON ra.country_iso3 = n.country AND ra.alias_key = norm_name(n.admin1_in)
LEFT JOIN region_aliases AS rb ON rb.country_iso3 = n.country AND rb.alias_key = admin_key(n.admin1_in)
