-- 003_signals: escalation signals, one row per alarm episode of one series and method.
-- Written by `intensity detect` (delete the window's rows for the method and scope,
-- insert the new ones, in one transaction). Idempotent DDL.

CREATE TABLE IF NOT EXISTS signals (
    signal_id        VARCHAR PRIMARY KEY,  -- md5 of method, type_filter, series key, kind, first_alarm_date
    method           VARCHAR NOT NULL,     -- nb_cusum, acled_surge, hdx_fatalities, ears_c2, pelt
    level            VARCHAR NOT NULL,     -- admin1, or country (a country total)
    country_iso3     VARCHAR NOT NULL,
    admin1_code      VARCHAR,              -- NULL for country totals and unresolved regions
    admin1           VARCHAR,
    event_type       VARCHAR NOT NULL,
    type_filter      VARCHAR,              -- the --type the series were built from (NULL = all events)
    kind             VARCHAR NOT NULL,     -- escalation, emergence, de-escalation
    first_alarm_date DATE NOT NULL,        -- everything below is computed from data up to this day
    onset_date       DATE,                 -- estimated start of the change
    end_date         DATE,                 -- last alarm of a closed episode; NULL while ongoing
    last_alarm_date  DATE NOT NULL,
    n_alarms         INTEGER NOT NULL,
    baseline_rate    DOUBLE,               -- events/day over the 56-day baseline
    recent_count     BIGINT,               -- events in the last 7 days
    rr7              DOUBLE,               -- rate ratio, last 7 days vs baseline (NB GLM)
    rr7_lo           DOUBLE,
    rr7_hi           DOUBLE,
    rr28             DOUBLE,               -- rate ratio, last 28 days vs the 56 days before
    rr28_lo          DOUBLE,
    rr28_hi          DOUBLE,
    p_value          DOUBLE,               -- one-sided nominal p of rr7 (direction of the kind)
    p_empirical      DOUBLE,               -- P(CUSUM >= observed) on simulated stationary series
    q_value          DOUBLE,               -- Benjamini-Hochberg over the day's series (on p_empirical)
    trend_pct_week   DOUBLE,               -- log-linear NB GLM over the last 28 days
    trend_lo         DOUBLE,
    trend_hi         DOUBLE,
    intensity_ratio  DOUBLE,               -- severity-weighted index, last 7 days vs baseline
    intensity_lo     DOUBLE,
    intensity_hi     DOUBLE,
    intensity_p      DOUBLE,               -- quasi-Poisson, one-sided
    statistic        DOUBLE,               -- the method's statistic at the first alarm
    threshold        DOUBLE,               -- and its threshold
    alpha            DOUBLE,               -- NB dispersion used (shrunk)
    detectable_ratio DOUBLE,               -- smallest step seen within 7 days with 80 % probability
    note             VARCHAR,              -- the detectable-change note, in words
    data_through     DATE NOT NULL,        -- last day of data the run saw
    parameters       VARCHAR NOT NULL,     -- JSON of the settings
    computed_at      TIMESTAMP NOT NULL
);

CREATE INDEX IF NOT EXISTS signals_window ON signals (method, first_alarm_date);
