-- v_sources: what each source contributed: events, date range, fatalities.
SELECT
    source,
    count(*) AS events,
    min(event_date) AS first_date,
    max(event_date) AS last_date,
    sum(coalesce(fatalities, 0)) AS fatalities,
    count(*) FILTER (WHERE admin1_code IS NULL) AS unresolved_region
FROM events
GROUP BY source
