-- daily_rollup: the stored events counted per (country_iso3, admin1_code, event_type,
-- sub_event_type, day): events, fatalities and injured summed (NULL = not reported counts
-- as 0), and log_fatalities = sum of ln(1 + fatalities), which is what the severity-weighted
-- intensity index needs from each event (daily_intensity.sql). The counting transforms read
-- this relation instead of `events`. DuckDB keeps it as a table, updated in the same
-- transaction as every write to `events` (src/intensity/rollup.py); elsewhere (e.g. Spark)
-- define it as a view of this SELECT.
SELECT
    e.country_iso3,
    e.admin1_code,
    e.event_type,
    e.sub_event_type,
    e.event_date AS day,
    CAST(count(*) AS BIGINT) AS events,
    CAST(coalesce(sum(e.fatalities), 0) AS BIGINT) AS fatalities,
    CAST(coalesce(sum(e.injured), 0) AS BIGINT) AS injured,
    sum(ln(1 + coalesce(e.fatalities, 0))) AS log_fatalities
FROM events AS e
GROUP BY e.country_iso3, e.admin1_code, e.event_type, e.sub_event_type, e.event_date
