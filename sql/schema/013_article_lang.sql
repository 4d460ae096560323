-- 013_article_lang: the lexicon language an article was read with (`intensity ingest --lang`, or a
-- record's own "lang"), so that `intensity extract --reprocess` re-reads it in that language.
-- NULL: stored before this migration, when every article was read as English. Idempotent DDL.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS lang VARCHAR;
