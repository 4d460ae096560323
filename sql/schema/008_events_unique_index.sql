-- 008_events_unique_index: events.event_id stays unique, through a unique index instead of
-- a PRIMARY KEY constraint. DuckDB cannot drop a constraint, but it can drop an index: a
-- bulk load drops it, appends in parallel and rebuilds it (ingest.load_staged); a duplicate
-- still fails the load at commit. Appending to a table with a primary key runs on one thread.
-- Same columns, order and NOT NULLs as 001 + 002; ON CONFLICT (event_id) uses the index.
CREATE TABLE events_008 (
    event_id          VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    source_event_id   VARCHAR,
    event_date        DATE NOT NULL,
    date_precision    TINYINT NOT NULL,
    country_iso3      VARCHAR NOT NULL,
    admin1_code       VARCHAR,
    admin1            VARCHAR,
    admin2            VARCHAR,
    location          VARCHAR,
    latitude          DOUBLE,
    longitude         DOUBLE,
    geo_precision     TINYINT,
    event_type        VARCHAR NOT NULL,
    sub_event_type    VARCHAR,
    actor1            VARCHAR,
    actor2            VARCHAR,
    fatalities        INTEGER,
    fatalities_low    INTEGER,
    fatalities_high   INTEGER,
    injured           INTEGER,
    munitions         INTEGER,
    weapon            VARCHAR,
    source_count      INTEGER NOT NULL,
    notes             VARCHAR,
    article_id        VARCHAR,
    confidence        DOUBLE,
    extractor_version VARCHAR,
    file_id           BIGINT,
    row_hash          VARCHAR NOT NULL,
    ingested_at       TIMESTAMP NOT NULL,
    source_updated_at TIMESTAMP,
    source_label      VARCHAR,
    source_refs       VARCHAR
);
INSERT INTO events_008 BY NAME SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_008 RENAME TO events;
CREATE UNIQUE INDEX events_event_id ON events (event_id);
