-- acled_staged: ACLED export rows as canonical event columns, one row out per row in.
-- Input: `imp_view` (the export's columns by name, all VARCHAR, NULL where the export lacks
-- them), `imp_countries` (iso / iso3 / country -> ISO alpha-3), `imp_admin1_resolved`,
-- `imp_labels` (data/reference/acled_labels.csv) and the macro imp_parse_date.
-- Labels, countries and dates that do not resolve pass through as written, so validation
-- (staged_events.sql) rejects the row naming them. `stale` marks rows whose stored version
-- carries a newer ACLED `timestamp` (a living dataset never goes back). DuckDB-only.
WITH v AS (
    SELECT
        *,
        nullif(regexp_replace(lower(trim(event_type)), '[^a-z0-9]+', ' ', 'g'), '') AS et_key,
        nullif(regexp_replace(lower(trim(sub_event_type)), '[^a-z0-9]+', ' ', 'g'), '') AS st_key,
        try_cast(inter1 AS INTEGER) AS i1,
        coalesce(try_cast(inter2 AS INTEGER), 0) AS i2,
        coalesce(try_cast(fatalities AS DOUBLE), 0) > 0 AS deadly,
        CASE
            WHEN regexp_full_match(trim("timestamp"), '[0-9]+')
                THEN make_timestamp(CAST(trim("timestamp") AS BIGINT) * 1000000)
            ELSE try_cast(trim("timestamp") AS TIMESTAMP)
        END AS ts
    FROM imp_view
),
labels AS (
    SELECT regexp_replace(lower(trim(label)), '[^a-z0-9]+', ' ', 'g') AS key, kind,
           event_type, nullif(sub_event_type, '') AS sub_event_type
    FROM imp_labels
),
typed AS (
    SELECT
        v.*,
        coalesce(le.event_type, nullif(trim(v.event_type), '')) AS et,
        CASE
            WHEN v.st_key IS NOT NULL THEN coalesce(ls.sub_event_type, trim(v.sub_event_type))
            -- the pre-2019 "Riots/Protests": ACLED's own actor types decide (docs/importers.md)
            WHEN v.et_key = 'riots protests' THEN
                CASE
                    WHEN (v.i1 = 5 AND v.i2 IN (3, 4, 5, 7)) OR (v.i2 = 5 AND v.i1 IN (3, 4, 7))
                        THEN 'mob_violence'
                    WHEN 5 IN (v.i1, v.i2) THEN 'violent_demonstration'
                    WHEN v.i2 IN (1, 2, 3, 4, 8) AND v.deadly THEN 'excessive_force_against_protesters'
                    WHEN v.i2 IN (1, 2, 3, 4, 8) THEN 'protest_with_intervention'
                    ELSE 'peaceful_protest'
                END
            ELSE le.sub_event_type
        END AS st
    FROM v
    LEFT JOIN labels AS le ON le.kind = 'event_type' AND le.key = v.et_key
    LEFT JOIN labels AS ls ON ls.kind = 'sub_event_type' AND ls.key = v.st_key
)
SELECT
    t._line,
    'acled:' || trim(t.event_id_cnty)                                   AS event_id,
    'acled'                                                             AS source,
    nullif(trim(t.event_id_cnty), '')                                   AS source_event_id,
    coalesce(CAST(imp_parse_date(t.event_date) AS VARCHAR), t.event_date) AS event_date,
    t.time_precision                                                    AS date_precision,
    coalesce(c.country_iso3, nullif(trim(t.iso3), ''), t.country, t.iso) AS country_iso3,
    r.admin1_code                                                       AS admin1_code,
    nullif(trim(t.admin1), '')                                          AS admin1,
    nullif(trim(t.admin2), '')                                          AS admin2,
    nullif(trim(t.location), '')                                        AS location,
    t.latitude,
    t.longitude,
    t.geo_precision,
    CASE WHEN t.et_key = 'riots protests' AND t.st_key IS NULL
              AND t.st IN ('violent_demonstration', 'mob_violence') THEN 'riots'
         ELSE t.et END                                                  AS event_type,
    t.st                                                                AS sub_event_type,
    nullif(trim(t.actor1), '')                                          AS actor1,
    nullif(trim(t.actor2), '')                                          AS actor2,
    t.fatalities,
    nullif(trim(t.notes), '')                                           AS notes,
    t.ts                                                                AS source_updated_at,
    nullif(concat_ws(': ', nullif(trim(t.event_type), ''), nullif(trim(t.sub_event_type), '')), '')
                                                                        AS source_label,
    nullif(trim(t.source), '')                                          AS source_refs,
    coalesce(e.source_updated_at > t.ts, false)                         AS stale,
    -- kept in acled_attributes
    nullif(trim(t.disorder_type), '')                                   AS disorder_type,
    t.i1                                                                AS inter1,
    try_cast(t.inter2 AS INTEGER)                                       AS inter2,
    try_cast(t.interaction AS INTEGER)                                  AS interaction,
    nullif(trim(t.civilian_targeting), '')                              AS civilian_targeting,
    nullif(trim(t.assoc_actor_1), '')                                   AS assoc_actor_1,
    nullif(trim(t.assoc_actor_2), '')                                   AS assoc_actor_2,
    nullif(trim(t.admin3), '')                                          AS admin3,
    nullif(trim(t.source_scale), '')                                    AS source_scale,
    nullif(trim(t.tags), '')                                            AS tags
FROM typed AS t
LEFT JOIN imp_countries AS c
    ON c.iso = coalesce(t.iso, '') AND c.iso3 = coalesce(t.iso3, '') AND c.country = coalesce(t.country, '')
LEFT JOIN imp_admin1_resolved AS r
    ON r.country_iso3 = c.country_iso3 AND r.admin1 = t.admin1 AND r.admin2 = coalesce(t.admin2, '')
LEFT JOIN events AS e
    ON e.event_id = 'acled:' || trim(t.event_id_cnty) AND e.source = 'acled'
