-- 004_extraction: what the text extractor keeps beside the canonical events. Idempotent.

-- Evidence per extracted event: the sentence(s) and character offsets behind each field,
-- who reported it, interceptions, and the extractor version that produced it.
CREATE TABLE IF NOT EXISTS event_evidence (
    event_id          VARCHAR PRIMARY KEY,     -- events.event_id (text:<hash>)
    article_id        VARCHAR NOT NULL,        -- articles.article_id
    reported_by       VARCHAR,                 -- "Russian defence sources"
    intercepted       INTEGER,                 -- munitions reported shot down
    evidence          JSON NOT NULL,           -- [{field, sentence, start, end, text, rule}, ...]
    extractor_version VARCHAR NOT NULL,
    extracted_at      TIMESTAMP NOT NULL
);
