-- v_daily_counts: observed (non-zero) daily counts per region, event type and sub-event type.
-- For a zero-filled spine over a window use `intensity counts` or intensity.counts().
SELECT
    e.country_iso3,
    e.admin1_code,
    e.event_type,
    e.sub_event_type,
    e.event_date AS day,
    CAST(count(*) AS BIGINT) AS events,
    CAST(sum(coalesce(e.fatalities, 0)) AS BIGINT) AS fatalities,
    CAST(sum(coalesce(e.injured, 0)) AS BIGINT) AS injured
FROM events AS e
GROUP BY e.country_iso3, e.admin1_code, e.event_type, e.sub_event_type, e.event_date
