-- 012_signals_source: signals computed from one source's events (`--source acled`) are
-- stored as such. NULL means all the store's events, as every signal before this migration.
-- The source takes part in the delete scope of a re-run and in signal_id, so one source's
-- signals never replace, or pass for, those of all events. Idempotent DDL.
ALTER TABLE signals ADD COLUMN IF NOT EXISTS source VARCHAR;
