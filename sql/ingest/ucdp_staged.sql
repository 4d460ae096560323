-- ucdp_staged: UCDP GED / Candidate rows as canonical event columns, one row out per row in.
-- Input: `imp_view` (the file's columns by name, all VARCHAR), `imp_countries` (country name ->
-- ISO alpha-3), `imp_admin1_resolved`, `imp_ucdp_types` (data/reference/ucdp_crosswalk.csv),
-- `imp_ucdp_rules` (ucdp_text_rules.csv), `imp_precision` (precision_crosswalk.csv) and the
-- macro imp_parse_date. type_of_violence gives the default type; the first text rule (by
-- priority) matching `source_headline` refines it, e.g. shelling reported in a state-based
-- event. A multi-day event counts on date_start, its precision taken from date_prec.
-- Fatalities are `best`, with `low` and `high` kept. DuckDB-only.
WITH v AS (
    SELECT *, try_cast(tidy(type_of_violence) AS INTEGER) AS tov
    FROM imp_view
),
rules AS (
    SELECT CAST(priority AS INTEGER) AS priority, string_split(applies_to, ';') AS applies,
           pattern, event_type, sub_event_type
    FROM imp_ucdp_rules
),
hit AS (
    SELECT v._line,
           arg_min({'et': r.event_type, 'st': r.sub_event_type, 'rule': r.priority}, r.priority) AS h
    FROM v
    JOIN rules AS r
      ON list_contains(r.applies, CAST(v.tov AS VARCHAR))
     AND regexp_matches(coalesce(v.source_headline, ''), r.pattern, 'i')
    GROUP BY v._line
),
prec AS (
    SELECT field, code, CAST(canonical AS TINYINT) AS canonical
    FROM imp_precision WHERE source = 'ucdp'
)
SELECT
    v._line,
    'ucdp:' || tidy(v.id)                                              AS event_id,
    'ucdp'                                                             AS source,
    nullif(tidy(v.id), '')                                             AS source_event_id,
    coalesce(CAST(imp_parse_date(v.date_start) AS VARCHAR), v.date_start) AS event_date,
    coalesce(CAST(dp.canonical AS VARCHAR), v.date_prec)               AS date_precision,
    coalesce(c.country_iso3, v.country)                                AS country_iso3,
    r.admin1_code                                                      AS admin1_code,
    nullif(tidy(v.adm_1), '')                                          AS admin1,
    nullif(tidy(v.adm_2), '')                                          AS admin2,
    nullif(tidy(v.where_coordinates), '')                              AS location,
    v.latitude,
    v.longitude,
    coalesce(CAST(wp.canonical AS VARCHAR), v.where_prec)              AS geo_precision,
    coalesce(hit.h.et, t.event_type, v.type_of_violence)               AS event_type,
    coalesce(hit.h.st, t.sub_event_type)                               AS sub_event_type,
    nullif(tidy(v.side_a), '')                                         AS actor1,
    nullif(tidy(v.side_b), '')                                         AS actor2,
    v.best                                                             AS fatalities,
    v.low                                                              AS fatalities_low,
    v.high                                                             AS fatalities_high,
    nullif(tidy(v.source_headline), '')                                AS notes,
    CAST(NULL AS TIMESTAMP)                                            AS source_updated_at,
    'UCDP type_of_violence ' || coalesce(tidy(v.type_of_violence), '?')
        || coalesce(' (' || t.label || ')', '')
        || coalesce('; text rule ' || hit.h.rule || ': ' || hit.h.st, '') AS source_label,
    nullif(tidy(v.source_office), '')                                  AS source_refs,
    -- kept in ucdp_attributes
    nullif(tidy(v.relid), '')                                          AS relid,
    CAST(v.tov AS TINYINT)                                             AS type_of_violence,
    nullif(tidy(v.conflict_name), '')                                  AS conflict_name,
    nullif(tidy(v.dyad_name), '')                                      AS dyad_name,
    imp_parse_date(v.date_end)                                         AS date_end,
    try_cast(v.date_prec AS TINYINT)                                   AS date_prec,
    try_cast(v.where_prec AS TINYINT)                                  AS where_prec,
    try_cast(v.event_clarity AS TINYINT)                               AS event_clarity,
    try_cast(v.number_of_sources AS INTEGER)                           AS number_of_sources,
    try_cast(v.deaths_a AS INTEGER)                                    AS deaths_a,
    try_cast(v.deaths_b AS INTEGER)                                    AS deaths_b,
    try_cast(v.deaths_civilians AS INTEGER)                            AS deaths_civilians,
    try_cast(v.deaths_unknown AS INTEGER)                              AS deaths_unknown
FROM v
LEFT JOIN hit USING (_line)
LEFT JOIN imp_ucdp_types AS t ON t.type_of_violence = tidy(v.type_of_violence)
LEFT JOIN prec AS dp ON dp.field = 'date_prec' AND dp.code = tidy(v.date_prec)
LEFT JOIN prec AS wp ON wp.field = 'where_prec' AND wp.code = tidy(v.where_prec)
LEFT JOIN imp_countries AS c ON c.country = coalesce(v.country, '')
LEFT JOIN imp_admin1_resolved AS r
    ON r.country_iso3 = c.country_iso3 AND r.admin1 = v.adm_1 AND r.admin2 = coalesce(v.adm_2, '')
