-- country_key_rows: what names a country, as (kind, value, country_iso3, priority): its ISO
-- alpha-3, alpha-2 and numeric codes (0), its ISO, common and official names (1), and the
-- spellings of data/reference/country_aliases.csv (2).
-- Parameters: $country_aliases (path of the CSV). Reads ref_countries.
SELECT 'code' AS kind, country_iso3 AS value, country_iso3, 0 AS priority FROM ref_countries
UNION ALL
SELECT 'code', country_iso2, country_iso3, 0 FROM ref_countries
UNION ALL
SELECT 'number', CAST(CAST(numeric_code AS INTEGER) AS VARCHAR), country_iso3, 0 FROM ref_countries
UNION ALL
SELECT 'name', name, country_iso3, 1
FROM (SELECT unnest([iso_name, common_name, official_name]) AS name, country_iso3 FROM ref_countries) AS c
WHERE name <> ''
UNION ALL
SELECT 'name', alias, country_iso3, 2
FROM read_csv($country_aliases, header = true, all_varchar = true)
