"""--source: counts, detection and reports over one dataset of a store that holds several."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import intensity
from intensity.cli import app
from intensity.errors import UsageError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def two_sources(demo_db, tmp_path):
    """The simulated demo store plus the fixture's 5 events of source 'fixture' (Kharkiv,
    Sumy, Belgorod, March 2024: inside the demo's series)."""
    path = tmp_path / "two.duckdb"
    shutil.copy(demo_db, path)
    con = intensity.connect(path)
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    con.close()
    return path


def test_counts_per_source_add_up_to_all_sources(two_sources):
    con = intensity.connect(two_sources, read_only=True)
    try:
        kw = {"since": "2024-03-01", "until": "2024-03-31"}
        keys = ["country_iso3", "admin1_code", "event_type", "day"]
        both = intensity.counts(con, **kw)
        parts = [intensity.counts(con, source=s, **kw) for s in ("simulated", "FIXTURE")]
        direct = con.execute("SELECT source, count(*) FROM events WHERE event_date BETWEEN '2024-03-01' AND "
                             "'2024-03-31' GROUP BY 1 ORDER BY 1").fetchall()
        # the tables are whole again after the call
        assert con.execute("SELECT count(DISTINCT source) FROM events").fetchone()[0] == 2
    finally:
        con.close()
    assert [int(p["events"].sum()) for p in parts] == [n for _, n in sorted(direct, reverse=True)]
    summed = (pl.concat([p.select(*keys, "events", "fatalities") for p in parts])
              .group_by(keys).agg(pl.col("events").sum(), pl.col("fatalities").sum()))
    got = both.filter(pl.col("events") > 0).select(*keys, "events", "fatalities").sort(keys)
    assert summed.filter(pl.col("events") > 0).sort(keys).equals(got)


def test_detection_on_one_source_equals_a_store_of_that_source(demo_db, two_sources):
    def signals(path, **kw):
        con = intensity.connect(path, read_only=True)
        try:
            return intensity.detect_signals(con, since="2024-03", totals=True, **kw).drop("computed_at")
        finally:
            con.close()

    alone = signals(demo_db)
    assert alone.height > 0
    one = signals(two_sources, source="simulated")
    assert one["source"].to_list() == ["simulated"] * one.height  # and their ids include it
    assert one.drop("signal_id", "source").equals(alone.drop("signal_id", "source"))
    assert not signals(two_sources).equals(alone)  # the fixture's events do change the all-sources run


def test_unknown_source_is_a_usage_error(two_sources):
    con = intensity.connect(two_sources, read_only=True)
    try:
        with pytest.raises(UsageError, match="no events of source 'gdelt'"):
            intensity.counts(con, source="gdelt")
    finally:
        con.close()


def test_saved_signals_of_one_source_keep_apart_from_all_sources(two_sources):
    con = intensity.connect(two_sources)
    try:
        def stored(source):
            return con.execute("SELECT signal_id FROM signals WHERE coalesce(source, '') = ? ORDER BY 1",
                               [source or ""]).fetchall()

        every = intensity.detect_signals(con, since="2024-03", save=True)
        one = intensity.detect_signals(con, since="2024-03", source="simulated", save=True)
        assert every.height > 0 and one.height > 0
        assert one["source"].unique().to_list() == ["simulated"] and every["source"].null_count() == every.height
        assert set(one["signal_id"]).isdisjoint(every["signal_id"])
        # Saving one source's window again replaces only its rows: the all-events rows stay.
        again = intensity.detect_signals(con, since="2024-03", source="simulated", save=True)
        assert again["signal_id"].to_list() == one["signal_id"].to_list()
        assert stored(None) == sorted((s,) for s in every["signal_id"])
        assert stored("simulated") == sorted((s,) for s in one["signal_id"])
        intensity.detect_signals(con, since="2024-03", save=True)
        assert stored("simulated") == sorted((s,) for s in one["signal_id"])
    finally:
        con.close()


def test_cli_report_and_detect_with_source(two_sources, tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["report", "--db", str(two_sources), "--since", "2024-03", "--source", "fixture",
                            "--out", str(tmp_path / "r"), "--quiet"])
    assert r.exit_code == 0, r.output
    folder = Path(r.stdout.strip().splitlines()[-1])
    assert folder.name.endswith("_source-fixture")
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["report"]["source"] == "fixture"
    # provenance counts the files this source's events came from, not the whole store's
    con = intensity.connect(two_sources, read_only=True)
    fixture_files = con.execute("SELECT count(DISTINCT file_id) FROM events WHERE lower(source) = 'fixture'").fetchone()[0]
    all_files = con.execute("SELECT count(*) FROM ingest_files").fetchone()[0]
    con.close()
    assert summary["provenance"]["files"] == fixture_files == 1
    r_all = runner.invoke(app, ["report", "--db", str(two_sources), "--since", "2024-03",
                                "--out", str(tmp_path / "all"), "--quiet"])
    assert r_all.exit_code == 0, r_all.output
    whole = json.loads((Path(r_all.stdout.strip().splitlines()[-1]) / "summary.json").read_text())
    assert whole["provenance"]["files"] == all_files
    assert "(fixture events only)" in (folder / "index.html").read_text()
    # detect --source --save stores its signals with their source
    r = runner.invoke(app, ["detect", "--db", str(two_sources), "--since", "2024-03", "--source", "simulated",
                            "--save", "--format", "json"])
    assert r.exit_code == 0, r.output
    listed = json.loads(r.stdout)
    assert listed and {s["source"] for s in listed} == {"simulated"}
    con = intensity.connect(two_sources, read_only=True)
    got = con.execute("SELECT count(*) FROM signals WHERE source = 'simulated'").fetchone()[0]
    con.close()
    assert got == len(listed)


def test_nested_source_scopes_keep_the_outer_views(two_sources):
    from intensity.db import current_source, only_source

    con = intensity.connect(two_sources, read_only=True)
    try:
        with only_source(con, "fixture"):
            intensity.counts(con, since="2024-03-01", until="2024-03-31", source="FIXTURE")
            assert con.execute("SELECT count(*) FROM events").fetchone()[0] == 5
            assert current_source() == "fixture"
            with pytest.raises(UsageError, match="already reading source 'fixture'"):
                intensity.counts(con, source="simulated")
        assert current_source() is None
        assert con.execute("SELECT count(DISTINCT source) FROM events").fetchone()[0] == 2
    finally:
        con.close()


def test_report_until_alone_and_source_simulation_flag(two_sources, tmp_path):
    from intensity.report import build_report

    con = intensity.connect(two_sources, read_only=True)
    try:
        # --until alone: the 28 days up to it (it failed: the default counted back from the data's end)
        res = build_report(con, until="2024-03-15", out=tmp_path / "a")
        assert (res.summary["report"]["since"], res.summary["report"]["until"]) == (date(2024, 2, 17), date(2024, 3, 15))
        assert res.summary["report"]["simulated"] is True
        # the fixture's events are real ones, though the store also holds the simulated demo
        res = build_report(con, since="2024-03", source="fixture", out=tmp_path / "b")
        assert res.summary["report"]["simulated"] is False
    finally:
        con.close()


def test_country_data_ends_where_its_events_end(demo_db, tmp_path):
    # A store holding an older export of one country beside a current one: with --country,
    # spans and the default end count from that country's last day, not the store's.
    path = tmp_path / "mixed.duckdb"
    shutil.copy(demo_db, path)
    old = tmp_path / "old.csv"
    old.write_text("event_id,source,event_date,country_iso3,admin1_code,event_type,fatalities\n"
                   + "".join(f"old:{i},old,2020-03-{10 + i:02d},AFG,AF-KAB,battles,1\n" for i in range(10)))
    con = intensity.connect(path)
    try:
        intensity.ingest_files(con, [old])
        store_last = con.execute("SELECT max(event_date) FROM events").fetchone()[0]
        assert store_last > date(2024, 1, 1)
        df = intensity.counts(con, since="30d", country="AFG")
        assert (df["day"].min(), df["day"].max()) == (date(2020, 2, 19), date(2020, 3, 19))  # 30 days (2020 is a leap year)
        assert int(df["events"].sum()) == 10
        other = intensity.counts(con, since="30d", country="UKR")
        assert other["day"].max() == con.execute(
            "SELECT max(event_date) FROM events WHERE country_iso3 = 'UKR'").fetchone()[0]
        sig = intensity.detect_signals(con, since="30d", country="AFG", method="all")
        assert sig.height == 0 or sig["data_through"].max() <= date(2020, 3, 19)
    finally:
        con.close()
    from intensity.report import build_report
    con = intensity.connect(path, read_only=True)
    try:
        res = build_report(con, since="28d", country="AFG", out=tmp_path / "r")
        assert res.summary["report"]["until"] == date(2020, 3, 19)
        with pytest.raises(UsageError, match="no events of FRA"):
            build_report(con, country="FRA", out=tmp_path / "f")
    finally:
        con.close()
