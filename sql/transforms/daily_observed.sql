-- daily_observed: the non-zero cells of daily_counts, for filling the spine outside SQL.
-- Same series, filters and parameters as daily_counts. One row per series and day with
-- at least one event in [$since, $until], plus one row with day NULL (and zero counts)
-- for each series whose events all fall outside the window. `sid` numbers the series
-- 1..n in daily_counts' output order.
WITH series AS (
    SELECT
        k.country_iso3, k.admin1_code, r.admin1, k.event_type, k.sub_event_type,
        row_number() OVER (ORDER BY k.country_iso3, k.admin1_code NULLS LAST, k.event_type,
                                    k.sub_event_type NULLS FIRST) AS sid
    FROM (
        SELECT DISTINCT
            e.country_iso3, e.admin1_code, e.event_type,
            CASE WHEN $by_subtype THEN e.sub_event_type END AS sub_event_type
        FROM events AS e
        WHERE ($country IS NULL OR e.country_iso3 = $country)
          AND ($region IS NULL OR e.admin1_code = $region)
          AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
    ) AS k
    LEFT JOIN regions AS r ON r.admin1_code = k.admin1_code
),
observed AS (
    SELECT
        e.country_iso3, e.admin1_code, e.event_type,
        CASE WHEN $by_subtype THEN e.sub_event_type END AS sub_event_type,
        e.event_date AS day,
        CAST(count(*) AS BIGINT) AS events,
        CAST(coalesce(sum(e.fatalities), 0) AS BIGINT) AS fatalities,
        CAST(coalesce(sum(e.injured), 0) AS BIGINT) AS injured
    FROM events AS e
    WHERE ($country IS NULL OR e.country_iso3 = $country)
      AND ($region IS NULL OR e.admin1_code = $region)
      AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
      AND e.event_date BETWEEN CAST($since AS DATE) AND CAST($until AS DATE)
    GROUP BY e.country_iso3, e.admin1_code, e.event_type, CASE WHEN $by_subtype THEN e.sub_event_type END, e.event_date
)
SELECT
    s.sid, s.country_iso3, s.admin1_code, s.admin1, s.event_type, s.sub_event_type,
    o.day,
    coalesce(o.events, 0) AS events,
    coalesce(o.fatalities, 0) AS fatalities,
    coalesce(o.injured, 0) AS injured
FROM series AS s
LEFT JOIN observed AS o
    ON o.country_iso3 = s.country_iso3
   AND o.admin1_code IS NOT DISTINCT FROM s.admin1_code
   AND o.event_type = s.event_type
   AND o.sub_event_type IS NOT DISTINCT FROM s.sub_event_type
