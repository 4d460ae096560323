-- 005_runs: one row per scheduled `intensity run`, for monitoring and alerting.
CREATE SEQUENCE IF NOT EXISTS run_id_seq START 1;

CREATE TABLE IF NOT EXISTS runs (
    run_id         BIGINT PRIMARY KEY,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP,
    status         VARCHAR NOT NULL,        -- running, ok, input_error, failed
    as_of          DATE,
    window_since   DATE,
    window_until   DATE,
    inputs         VARCHAR[],
    files_ingested INTEGER,
    rows_loaded    BIGINT,
    rows_rejected  BIGINT,
    signals        INTEGER,
    new_signals    INTEGER,
    report_path    VARCHAR,
    version        VARCHAR NOT NULL,
    pid            INTEGER,
    error          VARCHAR
);
