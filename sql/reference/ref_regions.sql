-- ref_regions: ISO 3166-2 subdivisions from pycountry's iso3166-2.json, in the file's order
-- (n), with the English name analysts write (data/reference/admin1_names.csv, else the ISO
-- name) and the other spellings of admin1_aliases.csv (`curated`, in file order).
-- `aliases` is the ISO name then the curated ones, each once. A parent code given without
-- its country prefix gets it, as pycountry does.
-- Parameters: $iso2 (path of iso3166-2.json), $names, $aliases (the two CSVs).
-- Reads ref_countries.
WITH sub AS (
    SELECT n, s.code, s.name, s.type, split_part(s.code, '-', 1) AS country_iso2,
           CASE WHEN s.parent IS NULL THEN NULL
                WHEN split_part(s.parent, '-', 1) = split_part(s.code, '-', 1) THEN s.parent
                ELSE split_part(s.code, '-', 1) || '-' || s.parent END AS parent_code
    FROM (
        SELECT unnest(range(1, len("3166-2") + 1)) AS n, unnest("3166-2") AS s
        FROM read_json($iso2, maximum_object_size = 100000000)
    ) AS t
),
english AS (
    SELECT admin1_code, admin1 FROM read_csv($names, header = true, all_varchar = true)
),
curated AS (
    SELECT admin1_code, list(alias ORDER BY line) AS aliases
    FROM (SELECT row_number() OVER () AS line, admin1_code, alias
          FROM read_csv($aliases, header = true, all_varchar = true)) AS a
    GROUP BY admin1_code
),
named AS (
    SELECT s.n, s.code AS admin1_code, c.country_iso3, coalesce(e.admin1, s.name) AS admin1,
           s.name AS local_name, s.type, s.parent_code, s.parent_code IS NULL AS is_admin1,
           coalesce(k.aliases, CAST([] AS VARCHAR[])) AS curated
    FROM sub AS s
    JOIN ref_countries AS c USING (country_iso2)
    LEFT JOIN english AS e ON e.admin1_code = s.code
    LEFT JOIN curated AS k ON k.admin1_code = s.code
)
SELECT *,
       list_filter(list_prepend(local_name, curated),
                   lambda x, i: list_position(list_prepend(local_name, curated), x) = i) AS aliases
FROM named
