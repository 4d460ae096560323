-- imp_admin1_resolved: the ISO 3166-2 admin1 code of each distinct (country_iso3, admin1, admin2)
-- in `imp_admin1_names` (admin2 '' when absent), or NULL when nothing matches. Tried in order:
--   1. the admin1 name through `region_aliases`, exactly, then without a trailing administrative
--      word ("Kharkiv Oblast" -> "kharkiv"), as staged_events does for canonical files;
--   2. a pre-reform province split by its admin2 (`imp_admin1_successors`, from
--      data/reference/admin1_successors.csv: old ACLED Africa provinces such as Katanga);
--   3. the admin2 name, when it is itself an admin1 unit of that country (older ACLED exports
--      name Sudan's "Darfur" as admin1 and today's state, "North Darfur", as admin2).
-- `resolved_by` says which step matched. DuckDB-only.
WITH n AS (
    SELECT DISTINCT country_iso3, admin1, admin2,
           norm_name(admin1) AS k1, admin_key(admin1) AS k1b,
           norm_name(admin2) AS k2, admin_key(admin2) AS k2b
    FROM imp_admin1_names
    WHERE admin1 IS NOT NULL AND country_iso3 IS NOT NULL
),
admin1_only AS (
    SELECT a.country_iso3, a.alias_key, a.admin1_code
    FROM region_aliases AS a JOIN regions AS r USING (admin1_code)
    WHERE r.is_admin1
),
successors AS (
    SELECT country_iso3, norm_name(admin1) AS k1, norm_name(admin2) AS k2, any_value(admin1_code) AS admin1_code
    FROM imp_admin1_successors
    GROUP BY ALL
    HAVING count(DISTINCT admin1_code) = 1
)
SELECT
    n.country_iso3,
    n.admin1,
    n.admin2,
    coalesce(a.admin1_code, b.admin1_code, s.admin1_code, c.admin1_code, d.admin1_code) AS admin1_code,
    CASE
        WHEN a.admin1_code IS NOT NULL OR b.admin1_code IS NOT NULL THEN 'admin1'
        WHEN s.admin1_code IS NOT NULL THEN 'successor'
        WHEN c.admin1_code IS NOT NULL OR d.admin1_code IS NOT NULL THEN 'admin2'
    END AS resolved_by
FROM n
LEFT JOIN region_aliases AS a ON a.country_iso3 = n.country_iso3 AND a.alias_key = n.k1
LEFT JOIN region_aliases AS b ON b.country_iso3 = n.country_iso3 AND b.alias_key = n.k1b
LEFT JOIN successors AS s ON s.country_iso3 = n.country_iso3 AND s.k1 = n.k1 AND s.k2 = n.k2
LEFT JOIN admin1_only AS c ON c.country_iso3 = n.country_iso3 AND c.alias_key = n.k2 AND n.k2 <> ''
LEFT JOIN admin1_only AS d ON d.country_iso3 = n.country_iso3 AND d.alias_key = n.k2b AND n.k2b <> ''
