-- gdelt_staged: merged GDELT 2.0 events (`imp_rows`, from gdelt_merged.sql) as canonical
-- event columns plus what gdelt_attributes keeps. The CAMEO code is looked up in `imp_cameo`
-- (data/reference/cameo_crosswalk.csv) as EventCode, then EventBaseCode, then EventRootCode.
-- ADM1: FIPS 10-4 codes through `imp_fips_admin1` (Ukraine, Russia), US states by their
-- postal code, else the ADM1 name through `imp_admin1_resolved`. Precision from
-- ActionGeo_Type through `imp_precision`. DuckDB-only.
WITH named AS (SELECT * FROM imp_rows),
cameo AS (
    SELECT cameo_code, label, event_type, sub_event_type FROM imp_cameo
)
SELECT
    n._line,
    'gdelt:' || CAST(n.gid AS VARCHAR)                                  AS event_id,
    'gdelt'                                                             AS source,
    CAST(n.gid AS VARCHAR)                                              AS source_event_id,
    coalesce(CAST(try_strptime(tidy(n.f.sqldate), '%Y%m%d') AS DATE)::VARCHAR, n.f.sqldate) AS event_date,
    '1'                                                                 AS date_precision,
    coalesce(n.country_iso3, nullif(n.f.country, ''))                   AS country_iso3,
    coalesce(fa.admin1_code, us.admin1_code, r.admin1_code)             AS admin1_code,
    CASE WHEN n.adm1 IS NOT NULL THEN coalesce(nullif(tidy(n.adm1_name), ''), fa.name) END AS admin1,
    nullif(tidy(n.f.adm2), '')                                          AS admin2,
    nullif(tidy(n.f.fullname), '')                                      AS location,
    n.f.lat                                                             AS latitude,
    n.f.lon                                                             AS longitude,
    CAST(gp.canonical AS VARCHAR)                                       AS geo_precision,
    coalesce(c1.event_type, c2.event_type, c3.event_type)               AS event_type,
    CASE
        -- CAMEO 192 "Occupy territory": a state actor regains, anyone else overtakes
        WHEN n.f.eventcode = '192' AND (n.f.actor1type1code IN ('GOV', 'MIL', 'COP', 'SPY')
                                        OR length(tidy(n.f.actor1code)) = 3)
            THEN 'government_regains_territory'
        ELSE coalesce(c1.sub_event_type, c2.sub_event_type, c3.sub_event_type)
    END                                                                 AS sub_event_type,
    nullif(tidy(n.f.actor1name), '')                                    AS actor1,
    nullif(tidy(n.f.actor2name), '')                                    AS actor2,
    CAST(n.n_rows AS VARCHAR)                                           AS source_count,
    'CAMEO ' || n.f.eventcode || coalesce(': ' || coalesce(c1.label, c2.label, c3.label), '') AS notes,
    CAST(NULL AS TIMESTAMP)                                             AS source_updated_at,
    'CAMEO ' || n.f.eventcode                                           AS source_label,
    n.source_refs,
    -- kept in gdelt_attributes
    n.gids                                                              AS global_event_ids,
    n.f.eventcode                                                       AS event_code,
    nullif(n.f.eventbasecode, '')                                       AS event_base_code,
    n.f.eventrootcode                                                   AS event_root_code,
    try_cast(n.f.quadclass AS TINYINT)                                  AS quad_class,
    try_cast(n.f.goldsteinscale AS DOUBLE)                              AS goldstein_scale,
    CAST(n.num_mentions AS INTEGER)                                     AS num_mentions,
    CAST(n.num_sources AS INTEGER)                                      AS num_sources,
    CAST(n.num_articles AS INTEGER)                                     AS num_articles,
    n.avg_tone,
    try_cast(n.f.geo_type AS TINYINT)                                   AS action_geo_type,
    nullif(n.f.country, '')                                             AS fips_country,
    nullif(n.f.adm1, '')                                                AS fips_adm1,
    try_strptime(tidy(n.f.dateadded), '%Y%m%d%H%M%S')                   AS date_added,
    n.n_rows
FROM named AS n
LEFT JOIN cameo AS c1 ON c1.cameo_code = n.f.eventcode
LEFT JOIN cameo AS c2 ON c2.cameo_code = n.f.eventbasecode
LEFT JOIN cameo AS c3 ON c3.cameo_code = n.f.eventrootcode
LEFT JOIN imp_fips_admin1 AS fa ON fa.fips_adm1 = n.adm1
LEFT JOIN regions AS us ON n.f.country = 'US' AND us.admin1_code = 'US-' || substr(n.adm1, 3)
LEFT JOIN imp_admin1_resolved AS r
    ON r.country_iso3 = n.country_iso3 AND r.admin1 = tidy(n.adm1_name) AND r.admin2 = ''
LEFT JOIN imp_precision AS gp ON gp.source = 'gdelt' AND gp.code = n.f.geo_type
