-- v_sources: what each source contributed: events, date range, fatalities (NULL where no event
-- of the source reports any), events whose admin1 name did not resolve to a code (as the
-- ingest summary and `unresolved_regions` count them) and events without any admin1 code.
SELECT
    source,
    count(*) AS events,
    min(event_date) AS first_date,
    max(event_date) AS last_date,
    sum(fatalities) AS fatalities,
    count(*) FILTER (WHERE admin1 IS NOT NULL AND admin1_code IS NULL) AS unresolved_region,
    count(*) FILTER (WHERE admin1_code IS NULL) AS without_region
FROM events
GROUP BY source
