-- 007_daily_rollup: the table behind the daily_rollup relation (sql/transforms/daily_rollup.sql).
-- Filled by intensity.rollup, which rebuilds it whenever that SELECT changes.
CREATE TABLE IF NOT EXISTS daily_rollup (
    country_iso3   VARCHAR NOT NULL,
    admin1_code    VARCHAR,
    event_type     VARCHAR NOT NULL,
    sub_event_type VARCHAR,
    day            DATE NOT NULL,
    events         BIGINT NOT NULL,
    fatalities     BIGINT NOT NULL,
    injured        BIGINT NOT NULL,
    log_fatalities DOUBLE NOT NULL
);
