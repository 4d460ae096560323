-- daily_intensity: the sparse daily inputs of the escalation detectors, per
-- (country_iso3, admin1_code, event_type, sub_event_type, day) with at least one event:
-- the number of events, fatalities summed (NULL = not reported counts as 0), and the
-- sum over events of ln(1 + fatalities), from which the severity-weighted intensity
-- index  sum_events severity(sub_event_type) x (1 + c ln(1 + fatalities))  is formed
-- with configurable weights. Days without events are not listed (the detector fills
-- the zeros itself). Events after $until are ignored (no look-ahead).
-- Parameters: $until (DATE), $event_type (NULL = all; an event type or sub-event type).
SELECT
    e.country_iso3,
    e.admin1_code,
    e.event_type,
    e.sub_event_type,
    e.event_date AS day,
    CAST(count(*) AS BIGINT) AS events,
    CAST(sum(coalesce(e.fatalities, 0)) AS BIGINT) AS fatalities,
    sum(ln(1 + coalesce(e.fatalities, 0))) AS log1p_fatalities
FROM events AS e
WHERE e.event_date <= CAST($until AS DATE)
  AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
GROUP BY e.country_iso3, e.admin1_code, e.event_type, e.sub_event_type, e.event_date
ORDER BY e.country_iso3, e.admin1_code NULLS LAST, e.event_type, e.sub_event_type NULLS FIRST, day
