-- acled_staged: ACLED export rows as canonical event columns, one row out per row in.
-- Input: `imp_view` (the export's columns by name, all VARCHAR, NULL where the export lacks
-- them), `imp_places` (each distinct iso / iso3 / country / admin1 / admin2, '' for NULL, with
-- its ISO alpha-3 country and ISO 3166-2 admin1 code),
-- `imp_labels` (data/reference/acled_labels.csv) and the macros imp_parse_date, imp_acled_ts.
-- Labels, countries and dates that do not resolve pass through as written, so validation
-- (staged_events.sql) rejects the row naming them. `stale` marks rows whose stored version
-- carries a newer ACLED `timestamp` (a living dataset never goes back). The extra `events`
-- columns are source_updated_at (ACLED `timestamp`), source_label (the export's own "event
-- type: sub-event type") and source_refs (ACLED `source`, the outlets it cites); the
-- acled_attributes ones come from `imp_view`. DuckDB-only.
-- Work that depends only on a value (labels, dates) is done once per distinct value.
WITH labels AS (
    SELECT regexp_replace(lower(tidy(label)), '[^a-z0-9]+', ' ', 'g') AS key, kind,
           event_type, nullif(sub_event_type, '') AS sub_event_type
    FROM imp_labels
),
kinds AS (
    SELECT
        coalesce(k.event_type, '') AS raw_et,
        coalesce(k.sub_event_type, '') AS raw_st,
        coalesce(le.event_type, nullif(tidy(k.event_type), '')) AS et,
        CASE WHEN k.st_key IS NOT NULL THEN coalesce(ls.sub_event_type, tidy(k.sub_event_type))
             ELSE le.sub_event_type END AS st,
        -- the pre-2019 "Riots/Protests": ACLED's own actor types decide (docs/importers.md)
        k.et_key = 'riots protests' AND k.st_key IS NULL AS riots_protests
    FROM (
        SELECT event_type, sub_event_type,
               nullif(regexp_replace(lower(tidy(event_type)), '[^a-z0-9]+', ' ', 'g'), '') AS et_key,
               nullif(regexp_replace(lower(tidy(sub_event_type)), '[^a-z0-9]+', ' ', 'g'), '') AS st_key
        FROM (SELECT DISTINCT event_type, sub_event_type FROM imp_view)
    ) AS k
    LEFT JOIN labels AS le ON le.kind = 'event_type' AND le.key = k.et_key
    LEFT JOIN labels AS ls ON ls.kind = 'sub_event_type' AND ls.key = k.st_key
),
dates AS (
    SELECT event_date AS raw, CAST(imp_parse_date(event_date) AS VARCHAR) AS iso
    FROM (SELECT DISTINCT event_date FROM imp_view)
),
v AS (
    SELECT
        s.*,
        ty.et, ty.riots_protests,
        CASE
            WHEN ty.riots_protests THEN
                CASE
                    WHEN (try_cast(s.inter1 AS INTEGER) = 5
                          AND coalesce(try_cast(s.inter2 AS INTEGER), 0) IN (3, 4, 5, 7))
                      OR (try_cast(s.inter2 AS INTEGER) = 5 AND try_cast(s.inter1 AS INTEGER) IN (3, 4, 7))
                        THEN 'mob_violence'
                    WHEN 5 IN (try_cast(s.inter1 AS INTEGER), try_cast(s.inter2 AS INTEGER))
                        THEN 'violent_demonstration'
                    -- the armed actor may be either side ("Police Forces" as actor 1, protesters as 2)
                    WHEN (try_cast(s.inter2 AS INTEGER) IN (1, 2, 3, 4, 8)
                          OR (try_cast(s.inter2 AS INTEGER) = 6 AND try_cast(s.inter1 AS INTEGER) IN (1, 2, 3, 4, 8)))
                         AND coalesce(try_cast(s.fatalities AS DOUBLE), 0) > 0
                        THEN 'excessive_force_against_protesters'
                    WHEN try_cast(s.inter2 AS INTEGER) IN (1, 2, 3, 4, 8)
                      OR (try_cast(s.inter2 AS INTEGER) = 6 AND try_cast(s.inter1 AS INTEGER) IN (1, 2, 3, 4, 8))
                        THEN 'protest_with_intervention'
                    ELSE 'peaceful_protest'
                END
            ELSE ty.st
        END AS st,
        coalesce(d.iso, s.event_date) AS event_day,
        imp_acled_ts(s."timestamp") AS ts,
        'acled:' || tidy(s.event_id_cnty) AS eid
    FROM imp_view AS s
    LEFT JOIN kinds AS ty
        ON ty.raw_et = coalesce(s.event_type, '') AND ty.raw_st = coalesce(s.sub_event_type, '')
    LEFT JOIN dates AS d ON d.raw = s.event_date
)
SELECT
    t._line,
    t.eid                                                               AS event_id,
    'acled'                                                             AS source,
    nullif(tidy(t.event_id_cnty), '')                                   AS source_event_id,
    t.event_day                                                         AS event_date,
    t.time_precision                                                    AS date_precision,
    coalesce(pl.country_iso3, nullif(tidy(t.iso3), ''), t.country, t.iso) AS country_iso3,
    pl.admin1_code                                                      AS admin1_code,
    t.admin1,
    t.admin2,
    t.location,
    t.latitude,
    t.longitude,
    t.geo_precision,
    CASE WHEN t.riots_protests AND t.st IN ('violent_demonstration', 'mob_violence') THEN 'riots'
         ELSE t.et END                                                  AS event_type,
    t.st                                                                AS sub_event_type,
    t.actor1,
    t.actor2,
    t.fatalities,
    t.notes,
    coalesce(e.source_updated_at > t.ts, false)                         AS stale,
    t.ts                                                                AS source_updated_at,
    nullif(concat_ws(': ', nullif(tidy(t.event_type), ''), nullif(tidy(t.sub_event_type), '')), '')
                                                                        AS source_label,
    nullif(tidy(t.source), '')                                          AS source_refs
FROM v AS t
LEFT JOIN imp_places AS pl
    ON pl.iso = coalesce(t.iso, '') AND pl.iso3 = coalesce(t.iso3, '') AND pl.country = coalesce(t.country, '')
   AND pl.admin1 = coalesce(t.admin1, '') AND pl.admin2 = coalesce(t.admin2, '')
LEFT JOIN events AS e
    ON e.event_id = t.eid AND e.source = 'acled'
