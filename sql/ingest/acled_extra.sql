-- acled_extra: what `events` keeps of an ACLED export beyond the canonical columns, by record:
-- source_updated_at (ACLED `timestamp`), source_label (the export's own "event type:
-- sub-event type") and source_refs (ACLED `source`, the outlets it cites).
-- Input: `imp_view` and the macro imp_acled_ts. A narrow table on purpose: ingest reads it
-- back by _line. DuckDB-only.
SELECT
    _line,
    imp_acled_ts("timestamp")                                                  AS source_updated_at,
    nullif(concat_ws(': ', nullif(trim(event_type), ''), nullif(trim(sub_event_type), '')), '')
                                                                               AS source_label,
    nullif(trim(source), '')                                                   AS source_refs
FROM imp_view
