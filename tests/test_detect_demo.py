"""End to end on the SIMULATED demo store: injected escalations are found, quiet series mostly not."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import polars as pl
import pytest
from typer.testing import CliRunner

import intensity
from intensity import taxonomy
from intensity.cli import app
from intensity.datasets import DEMO_INJECTIONS


@pytest.fixture(scope="module")
def demo_signals(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    try:
        yield intensity.detect_signals(con, since="2023-09-01", totals=False)
    finally:
        con.close()


def _injection(code):
    return next(i for i in DEMO_INJECTIONS if i.admin1_code == code)


def test_belgorod_shelling_step_is_flagged_near_its_date(demo_signals):
    inj = _injection("RU-BEL")
    s = demo_signals.filter(pl.col("admin1_code") == "RU-BEL", pl.col("event_type") == taxonomy.parent(inj.sub_event_type),
                            pl.col("kind") == "escalation", pl.col("first_alarm_date") >= inj.start)
    assert s.height >= 1
    first = s.sort("first_alarm_date").row(0, named=True)
    assert first["first_alarm_date"] <= inj.start + timedelta(days=14)
    assert abs((first["onset_date"] - inj.start).days) <= 4
    assert first["rr7"] > 1.5 and first["q_value"] < 0.1


def test_sumy_ramp_is_flagged_during_the_ramp(demo_signals):
    inj = _injection("UA-59")
    s = demo_signals.filter(pl.col("admin1_code") == "UA-59", pl.col("event_type") == taxonomy.parent(inj.sub_event_type),
                            pl.col("kind") == "escalation", pl.col("first_alarm_date") >= inj.start)
    assert s.height >= 1
    first = s.sort("first_alarm_date").row(0, named=True)
    assert first["first_alarm_date"] <= inj.start + timedelta(days=inj.ramp_days + 7)
    assert inj.start - timedelta(days=3) <= first["onset_date"] <= inj.start + timedelta(days=inj.ramp_days)
    assert first["trend_pct_week"] > 0


def test_stationary_demo_series_are_mostly_not_flagged(demo_signals, demo_db):
    injected = {(i.admin1_code, taxonomy.parent(i.sub_event_type)) for i in DEMO_INJECTIONS}
    con = intensity.connect(demo_db, read_only=True)
    try:
        series = con.sql("SELECT DISTINCT admin1_code, event_type FROM events").fetchall()
    finally:
        con.close()
    quiet = {s for s in series if s not in injected}
    flagged = {(r["admin1_code"], r["event_type"]) for r in demo_signals.iter_rows(named=True)
               if r["kind"] != "de-escalation"}
    assert len(quiet) >= 20
    assert len(flagged & quiet) <= 0.25 * len(quiet)
    # and every injected escalation series is flagged at some point after its change
    for inj in DEMO_INJECTIONS:
        if inj.kind in ("step", "ramp") and inj.factor >= 2.5:
            key = (inj.admin1_code, taxonomy.parent(inj.sub_event_type))
            later = demo_signals.filter(pl.col("admin1_code") == key[0], pl.col("event_type") == key[1],
                                        pl.col("first_alarm_date") >= inj.start)
            assert later.height >= 1, key


def test_demo_replay_has_no_look_ahead(demo_db, demo_signals):
    cut = date(2024, 3, 20)
    con = intensity.connect(demo_db, read_only=True)
    try:
        replay = intensity.detect_signals(con, since="2023-09-01", until=cut, totals=False)
    finally:
        con.close()
    cols = ["admin1_code", "event_type", "kind", "first_alarm_date", "onset_date", "rr7", "p_empirical", "q_value"]
    later = demo_signals.filter(pl.col("first_alarm_date") <= cut)
    assert replay.height >= 3
    assert replay.select(cols).sort(cols[:4]).equals(later.select(cols).sort(cols[:4]))


def test_rank_and_trace_from_the_store(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    try:
        ranked = intensity.rank_series(con, day="2024-03-22")
        tr = intensity.series_trace(con, country="RUS", admin1_code="RU-BEL",
                                    event_type="explosions_remote_violence", since="2024-02-01")
        sig = intensity.detect_signals(con, since="2024-03-01", region="RU-BEL")
    finally:
        con.close()
    assert ranked["rank"].to_list() == list(range(1, ranked.height + 1))
    assert (ranked["quantified_by"] == "statsmodels").sum() == min(50, ranked.height)
    top = ranked.head(5)["admin1_code"].to_list()
    assert "RU-BEL" in top
    assert tr["day"][0] == date(2024, 2, 1) and tr["day"][-1] == date(2024, 4, 30)
    assert sig.height >= 1 and set(sig["admin1_code"].to_list()) == {"RU-BEL"}
    assert set(sig["first_alarm_date"].to_list()) <= set(tr.filter(pl.col("first_alarm"))["day"].to_list())


def test_sub_event_type_series(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    try:
        sig = intensity.detect_signals(con, since="2024-03-01", event_type="shelling_artillery_missile_attack",
                                       region="RU-BEL")
    finally:
        con.close()
    assert sig.height >= 1
    assert set(sig["type_filter"].to_list()) == {"shelling_artillery_missile_attack"}
    first = sig.filter(pl.col("kind") == "escalation").sort("first_alarm_date").row(0, named=True)
    assert date(2024, 3, 12) <= first["first_alarm_date"] <= date(2024, 3, 22)


@pytest.fixture
def demo_copy(demo_db, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


def test_cli_detect_saves_signals_idempotently(demo_copy):
    runner = CliRunner()
    args = ["detect", "--db", str(demo_copy), "--since", "2024-03", "--method", "nb_cusum,acled_surge",
            "--format", "json"]
    r1 = runner.invoke(app, args)
    assert r1.exit_code == 0, r1.output
    rows = json.loads(r1.stdout)
    assert rows and {r["method"] for r in rows} <= {"nb_cusum", "acled_surge"}
    assert all(r["first_alarm_date"] >= "2024-03-01" for r in rows)
    r2 = runner.invoke(app, args)
    assert r2.exit_code == 0
    con = intensity.connect(demo_copy, read_only=True)
    try:
        stored = con.sql("SELECT * FROM signals ORDER BY signal_id").pl()
    finally:
        con.close()
    assert stored.height == len(rows)
    assert sorted(stored["signal_id"].to_list()) == sorted(r["signal_id"] for r in rows)
    params = json.loads(stored.filter(pl.col("method") == "nb_cusum")["parameters"][0])
    assert params["design_ratio"] == 2.0 and params["baseline_days"] == 56
    # A narrower re-run replaces only its own scope.
    r3 = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2024-03", "--country", "GEO",
                             "--format", "csv"])
    assert r3.exit_code == 0
    con = intensity.connect(demo_copy, read_only=True)
    try:
        assert con.sql("SELECT count(*) FROM signals").fetchall()[0][0] == len(rows)
    finally:
        con.close()


def test_cli_detect_table_ranked_and_errors(demo_copy):
    runner = CliRunner()
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2024-03-10", "--until", "2024-03-31",
                            "--no-save", "--kind", "escalation"])
    assert r.exit_code == 0, r.output
    assert "first_alarm_date" in r.stdout and "RU-BEL" in r.stdout
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--ranked", "--until", "2024-03-25", "-f", "csv"])
    assert r.exit_code == 0 and r.stdout.startswith("rank,")
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--method", "nope"])
    assert r.exit_code == 2 and "unknown method" in r.stderr
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2030-01"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--kind", "boom", "--no-save"])
    assert r.exit_code == 2


def test_relative_since_counts_back_from_the_demo_data_end(demo_db):
    # The demo data ends 2024-04-30: "8w" is its last 8 weeks, as in `intensity report`.
    con = intensity.connect(demo_db, read_only=True)
    try:
        end = con.execute("SELECT max(event_date) FROM events").fetchone()[0]
        relative = intensity.detect_signals(con, since="8w", totals=False)
        explicit = intensity.detect_signals(con, since=end - timedelta(weeks=8), totals=False)
    finally:
        con.close()
    assert relative.height > 0
    assert relative.drop("computed_at").equals(explicit.drop("computed_at"))


def test_window_errors_name_the_bound_that_was_passed(demo_copy):
    runner = CliRunner()
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2024-04", "--as-of", "2024-03-15"])
    assert r.exit_code == 2 and "is after --as-of 2024-03-15" in r.output
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2024-04", "--until", "2024-03-15"])
    assert r.exit_code == 2 and "is after --until 2024-03-15" in r.output


def test_until_spans_count_back_from_the_data_end_in_detection_too(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    try:
        ranked = intensity.rank_series(con, day="1w")
        daily = intensity.counts(con, since="2024-04-01", until="1w")
    finally:
        con.close()
    assert set(ranked["day"]) == {date(2024, 4, 23)} == {daily["day"].max()}


def test_table_shows_the_sub_type_the_series_were_built_from(demo_copy):
    runner = CliRunner()
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2024-03", "--no-save",
                            "--type", "shelling_artillery_missile_attack"])
    assert r.exit_code == 0 and "type_filter" in r.stdout.splitlines()[0]
    r = runner.invoke(app, ["detect", "--db", str(demo_copy), "--since", "2024-03", "--no-save"])
    assert r.exit_code == 0 and "type_filter" not in r.stdout.splitlines()[0]
