-- daily_observed: the non-zero cells of daily_counts, for filling the spine outside SQL:
-- the daily_rollup rows in [$since, $until] with their series number (sid, from the
-- relation daily_series). A series-day appears once per sub-event type unless
-- $by_subtype, so the caller sums rows per (sid, day). Numbers only, and no GROUP BY over
-- a million groups: the rows reach Polars cheaply and numpy adds them up.
-- Parameters: as daily_counts. Reads daily_rollup and daily_series.
SELECT s.sid, e.day, e.events, e.fatalities, e.injured
FROM daily_rollup AS e
JOIN daily_series AS s
    ON s.country_iso3 = e.country_iso3
   AND s.admin1_code IS NOT DISTINCT FROM e.admin1_code
   AND s.event_type = e.event_type
   AND s.sub_event_type IS NOT DISTINCT FROM (CASE WHEN $by_subtype THEN e.sub_event_type END)
WHERE e.day BETWEEN CAST($since AS DATE) AND CAST($until AS DATE)
  AND ($country IS NULL OR e.country_iso3 = $country)
  AND ($region IS NULL OR e.admin1_code = $region)
  AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
