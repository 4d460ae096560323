-- v_daily_counts: observed (non-zero) daily counts per region, event type and sub-event type.
-- For a zero-filled spine over a window use `intensity counts` or intensity.counts().
-- Reads daily_rollup, which ingest keeps equal to grouping `events` by these columns.
SELECT
    r.country_iso3,
    r.admin1_code,
    r.event_type,
    r.sub_event_type,
    r.day,
    r.events,
    r.fatalities,
    r.injured
FROM daily_rollup AS r
