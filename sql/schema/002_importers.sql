-- 002_importers: what the source importers (ACLED, UCDP, GDELT) keep beyond the canonical
-- columns. Idempotent.

-- The source's own last-modified stamp (ACLED `timestamp`): a stored event is never
-- replaced by an older version of itself.
ALTER TABLE events ADD COLUMN IF NOT EXISTS source_updated_at TIMESTAMP;
-- The source's own type label before the crosswalk ("Riots/Protests", "CAMEO 194", ...).
ALTER TABLE events ADD COLUMN IF NOT EXISTS source_label VARCHAR;
-- What the source cites: ACLED `source`, UCDP `source_office`, GDELT SOURCEURLs.
ALTER TABLE events ADD COLUMN IF NOT EXISTS source_refs VARCHAR;

-- ACLED columns with no canonical home, one row per stored ACLED event.
CREATE TABLE IF NOT EXISTS acled_attributes (
    event_id           VARCHAR NOT NULL,
    file_id            BIGINT NOT NULL,
    disorder_type      VARCHAR,
    inter1             INTEGER,
    inter2             INTEGER,
    interaction        INTEGER,
    civilian_targeting VARCHAR,
    assoc_actor_1      VARCHAR,
    assoc_actor_2      VARCHAR,
    admin3             VARCHAR,
    source_scale       VARCHAR,
    tags               VARCHAR
);

-- UCDP GED / Candidate columns with no canonical home.
CREATE TABLE IF NOT EXISTS ucdp_attributes (
    event_id          VARCHAR NOT NULL,
    file_id           BIGINT NOT NULL,
    relid             VARCHAR,
    type_of_violence  TINYINT,
    conflict_name     VARCHAR,
    dyad_name         VARCHAR,
    date_end          DATE,
    date_prec         TINYINT,
    where_prec        TINYINT,
    event_clarity     TINYINT,
    number_of_sources INTEGER,
    deaths_a          INTEGER,
    deaths_b          INTEGER,
    deaths_civilians  INTEGER,
    deaths_unknown    INTEGER
);

-- GDELT 2.0 attributes of each stored event; one event may merge several GDELT rows
-- (same day, ADM1, CAMEO code and actors): their ids are in global_event_ids.
CREATE TABLE IF NOT EXISTS gdelt_attributes (
    event_id         VARCHAR NOT NULL,
    file_id          BIGINT NOT NULL,
    global_event_ids BIGINT[] NOT NULL,
    event_code       VARCHAR NOT NULL,
    event_base_code  VARCHAR,
    event_root_code  VARCHAR NOT NULL,
    quad_class       TINYINT,
    goldstein_scale  DOUBLE,
    num_mentions     INTEGER,   -- summed over the merged rows
    num_sources      INTEGER,   -- summed over the merged rows
    num_articles     INTEGER,   -- summed over the merged rows
    avg_tone         DOUBLE,    -- mean weighted by NumMentions
    action_geo_type  TINYINT,
    fips_country     VARCHAR,
    fips_adm1        VARCHAR,
    date_added       TIMESTAMP
);
