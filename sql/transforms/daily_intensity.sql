-- daily_intensity: the sparse daily inputs of the escalation detectors, one row per
-- (country_iso3, admin1_code, event_type, day) with at least one event: the number of
-- events, fatalities summed (NULL = not reported counts as 0) and the severity-weighted
-- intensity index  sum over events of severity(sub_event_type) x (1 + c ln(1 + fatalities)).
-- Reads the relation `detect_severity(sub_event_type, severity)` that the caller provides
-- (the shipped weights or the user's; a sub-event type missing there weighs 1). Days
-- without events are not listed (the detector fills the zeros). Events after $until are
-- ignored (no look-ahead). Reads daily_rollup (one row per series, sub-type and day).
-- Parameters: $until (DATE), $event_type (NULL = all; an event type or sub-event type),
-- $fatality_coef (DOUBLE, the c above).
WITH weighted AS (
    SELECT
        e.country_iso3,
        coalesce(e.admin1_code, '') AS admin1_key,
        e.event_type,
        e.day,
        e.events,
        e.fatalities,
        -- the per-event weights summed: severity x (n + c x sum of ln(1 + fatalities))
        coalesce(w.severity, 1.0) * (e.events + CAST($fatality_coef AS DOUBLE) * e.log_fatalities) AS weight
    FROM daily_rollup AS e
    LEFT JOIN detect_severity AS w ON w.sub_event_type = e.sub_event_type
    WHERE e.day <= CAST($until AS DATE)
      AND ($event_type IS NULL OR e.event_type = $event_type OR e.sub_event_type = $event_type)
)
SELECT
    country_iso3,
    nullif(admin1_key, '') AS admin1_code,
    event_type,
    day,
    CAST(sum(events) AS BIGINT) AS events,
    CAST(sum(fatalities) AS BIGINT) AS fatalities,
    sum(weight) AS intensity
FROM weighted
GROUP BY country_iso3, admin1_key, event_type, day
