-- ref_countries: ISO 3166-1 countries from pycountry's data file (iso3166-1.json, the Debian
-- iso-codes data pycountry ships), in the file's order (n).
-- Parameters: $iso1 (path of iso3166-1.json).
SELECT n,
       c.alpha_3 AS country_iso3,
       c.alpha_2 AS country_iso2,
       coalesce(c.common_name, c.name) AS name,
       c.name AS iso_name,
       c.common_name,
       c.official_name,
       c."numeric" AS numeric_code
FROM (
    SELECT unnest(range(1, len("3166-1") + 1)) AS n, unnest("3166-1") AS c
    FROM read_json($iso1, maximum_object_size = 100000000)
) AS t
