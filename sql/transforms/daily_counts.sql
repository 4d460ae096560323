-- daily_counts: zero-filled daily counts for every series over [$since, $until].
-- A series is (country_iso3, admin1_code, event_type[, sub_event_type when $by_subtype]);
-- every series with at least one stored event matching the filters gets every day of
-- the window, zeros included. Events with a coarser date_precision count on their
-- event_date, as ACLED does. Unresolved regions form their own series (admin1_code NULL).
-- Parameters: $since, $until (DATE), $country, $region, $event_type (NULL = all),
-- $by_subtype (BOOLEAN). Reads daily_rollup (events per series, sub-type and day) and the
-- series numbered by daily_series. The SQL reference for intensity.counts() (daily_observed
-- + aggregate.fill_spine), which tests hold to the same output.
-- Speed: series are numbered once (sid, in output order), so the spine is joined and
-- sorted on (sid, day) rather than on four text keys.
-- One row per series, numbered in output order.
WITH series AS (
    SELECT * FROM daily_series
),
spine AS (
    SELECT CAST(unnest(generate_series(CAST($since AS DATE), CAST($until AS DATE), INTERVAL 1 DAY)) AS DATE) AS day
),
observed AS (
    SELECT
        s.sid, a.day, a.events, a.fatalities, a.injured
    FROM (
        SELECT
            e.country_iso3, e.admin1_code, e.event_type,
            CASE WHEN $by_subtype THEN e.sub_event_type END AS sub_event_type,
            e.day,
            CAST(sum(e.events) AS BIGINT) AS events,
            CAST(coalesce(sum(e.fatalities), 0) AS BIGINT) AS fatalities,
            CAST(coalesce(sum(e.injured), 0) AS BIGINT) AS injured
        FROM daily_rollup AS e
        WHERE ($country IS NULL OR e.country_iso3 = $country)
          AND ($region IS NULL OR e.admin1_code = $region)
          AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
          AND e.day BETWEEN CAST($since AS DATE) AND CAST($until AS DATE)
        GROUP BY e.country_iso3, e.admin1_code, e.event_type, CASE WHEN $by_subtype THEN e.sub_event_type END,
                 e.day
    ) AS a
    JOIN series AS s
        ON s.country_iso3 = a.country_iso3
       AND s.admin1_code IS NOT DISTINCT FROM a.admin1_code
       AND s.event_type = a.event_type
       AND s.sub_event_type IS NOT DISTINCT FROM a.sub_event_type
)
SELECT
    s.country_iso3,
    s.admin1_code,
    s.admin1,
    s.event_type,
    s.sub_event_type,
    d.day,
    coalesce(o.events, 0) AS events,
    coalesce(o.fatalities, 0) AS fatalities,
    coalesce(o.injured, 0) AS injured
FROM series AS s
CROSS JOIN spine AS d
LEFT JOIN observed AS o ON o.sid = s.sid AND o.day = d.day
ORDER BY s.sid, d.day
