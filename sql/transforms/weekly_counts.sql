-- weekly_counts: daily_counts summed over ACLED weeks (Saturday to Friday).
-- Reads the relation `daily_counts` (the daily transform over a window that the caller
-- has aligned to whole Saturday-Friday weeks). date_trunc('week') starts weeks on
-- Monday, so shifting by two days puts Saturday at the start.
SELECT
    country_iso3,
    admin1_code,
    admin1,
    event_type,
    sub_event_type,
    CAST(date_trunc('week', day + INTERVAL 2 DAY) - INTERVAL 2 DAY AS DATE) AS week_start,
    CAST(date_trunc('week', day + INTERVAL 2 DAY) + INTERVAL 4 DAY AS DATE) AS week_end,
    CAST(sum(events) AS BIGINT) AS events,
    CAST(sum(fatalities) AS BIGINT) AS fatalities,
    CAST(sum(injured) AS BIGINT) AS injured
FROM daily_counts
GROUP BY country_iso3, admin1_code, admin1, event_type, sub_event_type, week_start, week_end
ORDER BY country_iso3, admin1_code NULLS LAST, event_type, sub_event_type NULLS FIRST, week_start
