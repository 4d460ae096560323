"""The ingest fast paths (bench/run.py found them): same results on every mix of rows.

A file of only new events skips the join with `incoming`; a mixed file (new, changed,
unchanged, duplicated ids) takes the other path. DuckDB's memory limit is lowered
while loading and restored afterwards.
"""

from __future__ import annotations

import polars as pl
import pytest

import intensity
from intensity import ingest as ingest_mod
from intensity.errors import UsageError

HEADER = "event_id,event_date,country_iso3,admin1_code,event_type,fatalities\n"


def write(path, rows):
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return path


def events(con) -> pl.DataFrame:
    return con.sql("SELECT event_id, event_date, fatalities, file_id FROM events ORDER BY event_id").pl()


def test_new_changed_unchanged_and_duplicates_in_one_file(con, tmp_path):
    first = write(tmp_path / "a.csv", [f"p:{i},2024-03-0{i},UKR,UA-63,battles,{i}" for i in range(1, 5)])
    r1 = intensity.ingest_files(con, [first])[0]
    assert (r1.loaded, r1.replaced, r1.unchanged) == (4, 0, 0)
    mixed = write(tmp_path / "b.csv", [
        "p:1,2024-03-01,UKR,UA-63,battles,1",   # unchanged
        "p:2,2024-03-02,UKR,UA-63,battles,20",  # changed
        "p:5,2024-03-05,UKR,UA-63,battles,5",   # new
        "p:6,2024-03-06,UKR,UA-63,battles,6",   # new, then superseded below
        "p:6,2024-03-07,UKR,UA-63,battles,7",
        "p:7,not a date,UKR,UA-63,battles,7",   # rejected
    ])
    r2 = intensity.ingest_files(con, [mixed])[0]
    assert (r2.loaded, r2.replaced, r2.unchanged, r2.rejected) == (2, 1, 1, 2)
    df = events(con)
    assert df["event_id"].to_list() == ["p:1", "p:2", "p:3", "p:4", "p:5", "p:6"]
    assert dict(zip(df["event_id"], df["fatalities"])) == {"p:1": 1, "p:2": 20, "p:3": 3, "p:4": 4, "p:5": 5,
                                                            "p:6": 7}
    # Unchanged rows keep the file that loaded them; new and replaced ones name the new file.
    files = dict(zip(df["event_id"], df["file_id"]))
    assert files["p:1"] == files["p:3"] == r1.file_id and files["p:2"] == files["p:5"] == r2.file_id
    # The hooks' view of the load: `incoming` is gone after the transaction.
    assert not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'incoming'").fetchall()


def test_all_new_rows_take_the_plain_insert(con, tmp_path, monkeypatch):
    seen = []
    real = con.execute

    class Spy:
        def __getattr__(self, name):
            return getattr(con, name)

        def execute(self, query, *args):
            seen.append(" ".join(query.split()))
            return real(query, *args)

    path = write(tmp_path / "new.csv", [f"n:{i},2024-03-01,UKR,UA-63,battles,0" for i in range(50)])
    res = intensity.ingest_files(Spy(), [path])[0]
    assert res.loaded == 50
    inserts = [q for q in seen if q.startswith("INSERT INTO events")]
    assert len(inserts) == 1 and "JOIN incoming" not in inserts[0]
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 50


def test_memory_limit_lowered_while_loading_and_restored(con, tmp_path, monkeypatch):
    before = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    during = []

    def hook(c, res, *, file_id):
        during.append(c.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])

    monkeypatch.setitem(ingest_mod.AFTER_LOAD, "csv", hook)
    monkeypatch.setenv("INTENSITY_INGEST_MEMORY", "300MB")
    intensity.ingest_files(con, [write(tmp_path / "m.csv", ["m:1,2024-03-01,UKR,UA-63,battles,0"])])
    assert during and ingest_mod._bytes(during[0]) <= 300e6
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == before


def test_memory_limit_never_raised(con, tmp_path, monkeypatch):
    con.execute("SET memory_limit = '200MB'")
    monkeypatch.setenv("INTENSITY_INGEST_MEMORY", "2GB")
    intensity.ingest_files(con, [write(tmp_path / "m.csv", ["m:1,2024-03-01,UKR,UA-63,battles,0"])])
    assert ingest_mod._bytes(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]) <= 200e6


def test_bad_memory_setting_is_a_usage_error(con, tmp_path, monkeypatch):
    monkeypatch.setenv("INTENSITY_INGEST_MEMORY", "lots")
    with pytest.raises(UsageError, match="INTENSITY_INGEST_MEMORY"):
        intensity.ingest_files(con, [write(tmp_path / "m.csv", ["m:1,2024-03-01,UKR,UA-63,battles,0"])])
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 0
