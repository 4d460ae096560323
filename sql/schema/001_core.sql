-- 001_core: the event store. Idempotent: every statement may run again.

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE IF NOT EXISTS event_types (
    sub_event_type       VARCHAR PRIMARY KEY,
    sub_event_type_label VARCHAR NOT NULL,
    event_type           VARCHAR NOT NULL,
    event_type_label     VARCHAR NOT NULL,
    severity             DOUBLE  NOT NULL,  -- weight in the intensity index
    violent              BOOLEAN NOT NULL
);

CREATE TABLE IF NOT EXISTS countries (
    country_iso3 VARCHAR PRIMARY KEY,
    country_iso2 VARCHAR NOT NULL,
    name         VARCHAR NOT NULL
);

-- Every ISO 3166-2 subdivision pycountry knows; admin1 units have is_admin1.
CREATE TABLE IF NOT EXISTS regions (
    admin1_code  VARCHAR PRIMARY KEY,      -- ISO 3166-2, e.g. UA-63, RU-BEL
    country_iso3 VARCHAR NOT NULL,
    admin1       VARCHAR NOT NULL,         -- English name as analysts write it
    local_name   VARCHAR NOT NULL,         -- the ISO 3166-2 name
    type         VARCHAR,
    parent_code  VARCHAR,
    is_admin1    BOOLEAN NOT NULL,
    aliases      VARCHAR[]
);

-- Normalised spellings used to resolve free-text admin1 names to codes.
CREATE TABLE IF NOT EXISTS region_aliases (
    country_iso3 VARCHAR NOT NULL,
    alias_key    VARCHAR NOT NULL,         -- norm_name(alias) or admin_key(alias)
    admin1_code  VARCHAR NOT NULL,
    PRIMARY KEY (country_iso3, alias_key)
);

CREATE SEQUENCE IF NOT EXISTS ingest_file_id_seq START 1;

CREATE TABLE IF NOT EXISTS ingest_files (
    file_id         BIGINT PRIMARY KEY,
    path            VARCHAR NOT NULL,
    content_hash    VARCHAR NOT NULL,      -- sha256 of the file's bytes
    format          VARCHAR NOT NULL,
    rows_read       BIGINT NOT NULL,
    rows_loaded     BIGINT NOT NULL,       -- new events
    rows_replaced   BIGINT NOT NULL,       -- events that changed
    rows_unchanged  BIGINT NOT NULL,
    rows_rejected   BIGINT NOT NULL,
    rows_unresolved BIGINT NOT NULL,       -- loaded, but admin1 name not resolved
    ingested_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS rejects (
    file_id     BIGINT NOT NULL,
    path        VARCHAR NOT NULL,
    line        BIGINT,                    -- record number, header = 1
    reason      VARCHAR NOT NULL,
    raw_line    VARCHAR,
    rejected_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS unresolved_regions (
    file_id      BIGINT NOT NULL,
    path         VARCHAR NOT NULL,
    country_iso3 VARCHAR,
    admin1       VARCHAR NOT NULL,
    n_events     BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS articles (
    article_id        VARCHAR PRIMARY KEY,
    source            VARCHAR,
    url               VARCHAR,
    title             VARCHAR,
    published         TIMESTAMP,
    text              VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL UNIQUE,
    extractor_version VARCHAR,
    ingested_at       TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS events (
    event_id          VARCHAR PRIMARY KEY,  -- e.g. acled:UKR40153, text:<hash>
    source            VARCHAR NOT NULL,
    source_event_id   VARCHAR,
    event_date        DATE NOT NULL,
    date_precision    TINYINT NOT NULL,     -- 1 day, 2 week, 3 month
    country_iso3      VARCHAR NOT NULL,
    admin1_code       VARCHAR,              -- NULL when the name did not resolve
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
    fatalities        INTEGER,              -- NULL = not reported, 0 = reported none
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
    row_hash          VARCHAR NOT NULL,     -- md5 of the content, to tell changed from unchanged
    ingested_at       TIMESTAMP NOT NULL
);

-- norm_name: the one normalisation used for region names everywhere (aliases and lookups).
CREATE OR REPLACE MACRO norm_name(x) AS
    trim(regexp_replace(lower(strip_accents(trim(x))), '[^a-z0-9]+', ' ', 'g'));

-- admin_key: norm_name without a trailing administrative word ("Kharkiv Oblast" -> "kharkiv").
CREATE OR REPLACE MACRO admin_key(x) AS
    trim(regexp_replace(norm_name(x),
        '\s+(oblast|oblasts|region|province|governorate|krai|kray|okrug|prefecture|department|county|district|state|raion)$', ''));

-- parse_count: a non-negative whole number from text ("3", "3.0"), else NULL.
CREATE OR REPLACE MACRO parse_count(x) AS
    CASE WHEN try_cast(x AS DOUBLE) >= 0 AND try_cast(x AS DOUBLE) = floor(try_cast(x AS DOUBLE))
         THEN CAST(try_cast(x AS DOUBLE) AS BIGINT) END;

-- parse_iso_date: YYYY-MM-DD, or an ISO timestamp's date.
CREATE OR REPLACE MACRO parse_iso_date(x) AS
    coalesce(try_cast(x AS DATE), CAST(try_cast(x AS TIMESTAMP) AS DATE));
