-- daily_series: the series daily_counts lists, numbered 1..n (sid) in its output order.
-- A series is (country_iso3, admin1_code, event_type[, sub_event_type when $by_subtype])
-- with at least one stored event matching the filters, whatever its date.
-- Parameters: $country, $region, $event_type (NULL = all), $by_subtype (BOOLEAN).
SELECT
    k.country_iso3, k.admin1_code, r.admin1, k.event_type, k.sub_event_type,
    row_number() OVER (ORDER BY k.country_iso3, k.admin1_code NULLS LAST, k.event_type,
                                k.sub_event_type NULLS FIRST) AS sid
FROM (
    SELECT DISTINCT
        e.country_iso3, e.admin1_code, e.event_type,
        CASE WHEN $by_subtype THEN e.sub_event_type END AS sub_event_type
    FROM daily_rollup AS e
    WHERE ($country IS NULL OR e.country_iso3 = $country)
      AND ($region IS NULL OR e.admin1_code = $region)
      AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
) AS k
LEFT JOIN regions AS r ON r.admin1_code = k.admin1_code
