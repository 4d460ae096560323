-- daily_counts: zero-filled daily counts for every series over [$since, $until].
-- A series is (country_iso3, admin1_code, event_type[, sub_event_type when $by_subtype]);
-- every series with at least one stored event matching the filters gets every day of
-- the window, zeros included. Events with a coarser date_precision count on their
-- event_date, as ACLED does. Unresolved regions form their own series (admin1_code NULL).
-- Parameters: $since, $until (DATE), $country, $region, $event_type (NULL = all),
-- $by_subtype (BOOLEAN).
WITH filtered AS (
    SELECT
        e.country_iso3,
        coalesce(e.admin1_code, '') AS admin1_key,
        e.event_type,
        CASE WHEN $by_subtype THEN coalesce(e.sub_event_type, '') ELSE '' END AS sub_key,
        e.event_date,
        e.fatalities,
        e.injured
    FROM events AS e
    WHERE ($country IS NULL OR e.country_iso3 = $country)
      AND ($region IS NULL OR e.admin1_code = $region)
      AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
),
series AS (
    SELECT DISTINCT country_iso3, admin1_key, event_type, sub_key FROM filtered
),
spine AS (
    SELECT CAST(unnest(generate_series(CAST($since AS DATE), CAST($until AS DATE), INTERVAL 1 DAY)) AS DATE) AS day
),
observed AS (
    SELECT
        country_iso3, admin1_key, event_type, sub_key, event_date AS day,
        CAST(count(*) AS BIGINT) AS events,
        CAST(sum(coalesce(fatalities, 0)) AS BIGINT) AS fatalities,
        CAST(sum(coalesce(injured, 0)) AS BIGINT) AS injured
    FROM filtered
    WHERE event_date BETWEEN CAST($since AS DATE) AND CAST($until AS DATE)
    GROUP BY country_iso3, admin1_key, event_type, sub_key, event_date
)
SELECT
    s.country_iso3,
    nullif(s.admin1_key, '') AS admin1_code,
    r.admin1,
    s.event_type,
    nullif(s.sub_key, '') AS sub_event_type,
    d.day,
    coalesce(o.events, 0) AS events,
    coalesce(o.fatalities, 0) AS fatalities,
    coalesce(o.injured, 0) AS injured
FROM series AS s
CROSS JOIN spine AS d
LEFT JOIN observed AS o
    ON o.country_iso3 = s.country_iso3
   AND o.admin1_key = s.admin1_key
   AND o.event_type = s.event_type
   AND o.sub_key = s.sub_key
   AND o.day = d.day
LEFT JOIN regions AS r ON r.admin1_code = s.admin1_key
ORDER BY s.country_iso3, admin1_code NULLS LAST, s.event_type, sub_event_type NULLS FIRST, d.day
