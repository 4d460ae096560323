"""events.event_id stays unique: the unique index a bulk load drops and rebuilds (migration 008)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import intensity
from intensity import rollup
from intensity import sql as sqlfiles
from intensity.db import EVENTS_INDEX, utcnow

FIXTURES = Path(__file__).parent / "fixtures"


def has_index(con) -> bool:
    rows = con.execute(
        "SELECT is_unique FROM duckdb_indexes() WHERE table_name = 'events' AND index_name = ?",
        [EVENTS_INDEX],
    ).fetchall()
    return rows == [(True,)]


def insert_copy_of(con, event_id: str) -> None:
    con.execute("INSERT INTO events SELECT * FROM events WHERE event_id = ?", [event_id])


def test_bulk_load_leaves_a_unique_index(con):
    (res,) = intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    assert res.loaded == 5
    assert has_index(con)
    with pytest.raises(duckdb.ConstraintException):
        insert_copy_of(con, "fx:1")
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 5


def test_small_load_into_a_larger_store_keeps_the_index(con, tmp_path):
    # 5 stored, 1 new: below the rebuild share, the index stays in place.
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    one = tmp_path / "one.csv"
    one.write_text("event_id,event_date,country_iso3,admin1,event_type\n"
                   "fx:new,2024-03-09,UKR,Kharkiv,battles\n")
    (res,) = intensity.ingest_files(con, [one])
    assert (res.loaded, res.status) == (1, "ok")
    assert has_index(con)
    with pytest.raises(duckdb.ConstraintException):
        insert_copy_of(con, "fx:new")


def test_failed_bulk_load_loads_nothing_and_restores_the_index(con, monkeypatch):
    def fail(_con):
        raise RuntimeError("injected failure after the events insert")

    monkeypatch.setattr(rollup, "flush", fail)
    with pytest.raises(RuntimeError, match="injected"):
        intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert has_index(con)
    monkeypatch.undo()
    (res,) = intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    assert res.loaded == 5 and has_index(con)


def test_connect_restores_an_index_a_killed_load_left_dropped(db_path):
    con = intensity.connect(db_path)
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    con.execute(f"DROP INDEX {EVENTS_INDEX}")  # as a load killed between drop and rebuild
    con.close()
    con = intensity.connect(db_path)
    assert has_index(con)
    with pytest.raises(duckdb.ConstraintException):
        insert_copy_of(con, "fx:2")
    con.close()


def test_store_with_the_old_primary_key_migrates_with_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL)")
    for version, name, file in sqlfiles.migrations():
        if version < 8:
            raw.execute(file.read_text(encoding="utf-8"))
            raw.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, utcnow()])
    raw.execute(
        "INSERT INTO events (event_id, source, event_date, date_precision, country_iso3, event_type,"
        " source_count, row_hash, ingested_at, source_label)"
        " VALUES ('old:1', 'old', DATE '2024-03-01', 1, 'UKR', 'battles', 1, 'h', now(), 'kept')"
    )
    raw.close()
    con = intensity.connect(path)
    assert con.execute("SELECT event_id, source_label FROM events").fetchall() == [("old:1", "kept")]
    assert has_index(con)
    assert con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'events'"
                       " AND constraint_type = 'PRIMARY KEY'").fetchone()[0] == 0
    not_null = {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'events' AND NOT is_nullable").fetchall()}
    assert {"event_id", "source", "event_date", "row_hash", "ingested_at"} <= not_null
    with pytest.raises(duckdb.ConstraintException):
        insert_copy_of(con, "old:1")
    con.close()
