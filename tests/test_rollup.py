"""The daily rollup stays equal to grouping `events` after every kind of write."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import intensity
from intensity import rollup
from intensity import sql as sqlfiles

FIXTURES = Path(__file__).parent / "fixtures"
CELL = "country_iso3, admin1_code, event_type, sub_event_type, day"


def assert_rollup_exact(con) -> None:
    stored = con.execute(f"SELECT * FROM daily_rollup ORDER BY {CELL}").fetchall()
    fresh = con.execute(f"SELECT * FROM ({sqlfiles.transform('daily_rollup')}) ORDER BY {CELL}").fetchall()
    assert [r[:-1] for r in stored] == [r[:-1] for r in fresh]
    assert [r[-1] for r in stored] == pytest.approx([r[-1] for r in fresh])


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def event(i: int, day: str, region: str = "UA-63", fatalities: str = "1") -> dict:
    return {"event_id": f"rt:{i}", "source": "rt", "event_date": day, "admin1_code": region,
            "sub_event_type": "shelling_artillery_missile_attack", "fatalities": fatalities}


def test_fresh_load_and_reload(con, tmp_path):
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    assert con.execute("SELECT sum(events) FROM daily_rollup").fetchall()[0][0] == 5
    assert_rollup_exact(con)
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])  # unchanged: nothing to redo
    assert_rollup_exact(con)


def test_replaced_events_leave_their_old_day_and_region(con, tmp_path):
    intensity.ingest_files(con, [write_csv(tmp_path / "a.csv", [
        event(1, "2024-03-01"), event(2, "2024-03-01"), event(3, "2024-03-20", fatalities="4")])])
    # event 1 moves ten days and to another region; event 3 changes its fatalities
    (res,) = intensity.ingest_files(con, [write_csv(tmp_path / "b.csv", [
        event(1, "2024-03-11", region="RU-BEL"), event(2, "2024-03-01"), event(3, "2024-03-20", fatalities="0")])])
    assert (res.replaced, res.unchanged) == (2, 1)
    assert_rollup_exact(con)
    cells = con.execute("SELECT admin1_code, day::VARCHAR, events, fatalities FROM daily_rollup ORDER BY 2, 1").fetchall()
    assert cells == [("UA-63", "2024-03-01", 1, 1), ("RU-BEL", "2024-03-11", 1, 1), ("UA-63", "2024-03-20", 1, 0)]


def test_strict_rollback_leaves_the_rollup_as_it_was(con, tmp_path):
    intensity.ingest_files(con, [write_csv(tmp_path / "a.csv", [event(1, "2024-03-01")])])
    before = con.execute("SELECT * FROM daily_rollup").fetchall()
    bad = write_csv(tmp_path / "b.csv", [event(2, "2024-03-02"), event(3, "not a date")])
    (res,) = intensity.ingest_files(con, [bad], strict=True)
    assert res.status == "rejected"
    assert con.execute("SELECT * FROM daily_rollup").fetchall() == before


def test_text_articles_reextracted(db_path, tmp_path):
    seed = Path(__file__).resolve().parents[2] / "shared" / "seed" / "belgorod-2024-03-24.txt"
    text = (seed.read_text(encoding="utf-8") if seed.exists() else
            "date 2024-03-24\n22 shells from Vampire MLRS hit Belgorod on Saturday, one person was injured.")
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps({"id": "n1", "published": "2024-03-24", "text": text.split("\n", 1)[1]}) + "\n",
                 encoding="utf-8")
    con = intensity.connect(db_path)
    try:
        intensity.ingest_files(con, [a])
        assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] > 0
        assert_rollup_exact(con)
        from intensity.extract.store import reprocess

        reprocess(con, force=True)
        assert_rollup_exact(con)
    finally:
        con.close()


def test_rebuilt_when_its_definition_changes(db_path, tmp_path):
    con = intensity.connect(db_path)
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    con.execute("DELETE FROM daily_rollup")  # as if built by another definition
    con.execute("UPDATE meta SET value = 'other' WHERE key = 'rollup_fingerprint'")
    con.close()
    con = intensity.connect(db_path)
    try:
        assert con.execute("SELECT sum(events) FROM daily_rollup").fetchall()[0][0] == 5
        assert_rollup_exact(con)
        from intensity.db import get_meta

        assert get_meta(con, "rollup_fingerprint") == rollup.fingerprint()
    finally:
        con.close()


def test_counts_read_the_rollup(con, tmp_path):
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    df = intensity.counts(con, since="2024-03-01", until="2024-03-05")
    assert int(df["events"].sum()) == 5
    con.execute("DELETE FROM daily_rollup")  # counts come from the rollup, not from events
    assert int(intensity.counts(con, since="2024-03-01", until="2024-03-05")["events"].sum()) == 0
