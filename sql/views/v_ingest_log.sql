-- v_ingest_log: one row per ingested file, newest first, with its reject count.
SELECT
    f.file_id,
    f.path,
    f.format,
    f.content_hash,
    f.rows_read,
    f.rows_loaded,
    f.rows_replaced,
    f.rows_unchanged,
    f.rows_rejected,
    f.rows_unresolved,
    f.ingested_at
FROM ingest_files AS f
ORDER BY f.ingested_at DESC, f.file_id DESC
