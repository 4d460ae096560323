"""The command line through typer's CliRunner, plus real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from intensity.cli import app

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args, env=None):
        return runner.invoke(app, [str(a) for a in args], env=env)

    return invoke


def test_version_and_help(run):
    res = run("--version")
    assert res.exit_code == 0 and res.stdout.startswith("intensity ")
    res = run("--help")
    assert res.exit_code == 0
    for cmd in ("ingest", "counts", "sql", "demo"):
        assert cmd in res.stdout


def test_every_command_has_help_text():
    import typer.main

    group = typer.main.get_command(app)
    for name, cmd in group.commands.items():
        assert (cmd.help or "").strip(), f"command {name} has no help"


def test_ingest_twice_then_counts_json(run, db_path):
    csv = FIXTURES / "canonical_small.csv"
    first = run("ingest", csv, "--db", db_path)
    assert first.exit_code == 0, first.output
    second = run("ingest", csv, "--db", db_path)
    assert second.exit_code == 0
    n = run("sql", "SELECT count(*) AS n FROM events", "--db", db_path, "--format", "json")
    assert json.loads(n.stdout) == [{"n": 5}]
    # sums of integers (DuckDB HUGEINT) are JSON numbers, not strings
    f = run("sql", "SELECT sum(fatalities) AS f, CAST(2.5 AS DECIMAL(3, 1)) AS d FROM events", "--db", db_path,
            "--format", "json")
    assert json.loads(f.stdout) == [{"f": 3, "d": 2.5}]
    res = run("counts", "--db", db_path, "--since", "2024-03", "--until", "2024-03-31", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert sum(r["events"] for r in rows) == 5
    assert len(rows) == 4 * 31
    assert {r["day"] for r in rows} == {f"2024-03-{d:02d}" for d in range(1, 32)}


def test_env_var_selects_database(run, db_path):
    run("ingest", FIXTURES / "canonical_small.csv", "--db", db_path)
    res = run("sql", "SELECT count(*) AS n FROM events", "--format", "csv", env={"INTENSITY_DB": str(db_path)})
    assert res.exit_code == 0 and res.stdout.splitlines() == ["n", "5"]


def test_rejects_are_reported_and_strict_exits_65(run, db_path):
    bad = FIXTURES / "canonical_bad.csv"
    res = run("ingest", bad, "--db", db_path)
    assert res.exit_code == 0
    assert "line 3: unparseable event_date" in res.stderr
    res = run("ingest", bad, "--db", db_path, "--strict")
    assert res.exit_code == 65
    # rolled back with the file: the message must not send the user to `rejects`
    assert "first 7 of 7; nothing of the file was stored under --strict" in res.stderr
    assert "all in the `rejects` table" not in res.stderr and "line 3: unparseable event_date" in res.stderr


def test_unreadable_file_exits_65(run, db_path, tmp_path):
    path = tmp_path / "foreign.csv"
    path.write_text("a,b\n1,2\n")
    res = run("ingest", path, "--db", db_path)
    assert res.exit_code == 65
    assert "missing column" in res.stderr
    assert "Traceback" not in res.output


def test_sql_refuses_drop_and_table_survives(run, db_path):
    run("ingest", FIXTURES / "canonical_small.csv", "--db", db_path)
    res = run("sql", "DROP TABLE events", "--db", db_path)
    assert res.exit_code == 2
    assert "refused" in res.stderr
    res = run("sql", "SELECT count(*) AS n FROM events", "--db", db_path, "--format", "csv")
    assert res.stdout.splitlines()[1] == "5"


def test_sql_from_file(run, db_path, tmp_path):
    q = tmp_path / "q.sql"
    q.write_text("SELECT sub_event_type FROM event_types WHERE event_type = 'riots' ORDER BY 1")
    res = run("sql", "--file", q, "--db", db_path, "--format", "csv")
    assert res.stdout.splitlines() == ["sub_event_type", "mob_violence", "violent_demonstration"]


@pytest.mark.parametrize("args", [
    ("counts", "--since", "2024-13"),
    ("counts", "--since", "last tuesday"),
    ("counts", "--since", "2024-04", "--until", "2024-03"),
    ("counts", "--by", "fortnight"),
    ("counts", "--format", "xml"),
    ("counts", "--region", "Atlantis"),
])
def test_usage_errors_exit_2_without_traceback(run, db_path, args):
    res = run(*args, "--db", db_path)
    assert res.exit_code == 2, res.output
    assert "error:" in res.stderr
    assert "Traceback" not in res.output


def test_missing_database_is_a_clear_error(run, tmp_path):
    res = run("counts", "--db", tmp_path / "none.duckdb")
    assert res.exit_code == 2 and "no database" in res.stderr


def test_busy_database_exits_75(run, db_path, hold_write_lock):
    pid = hold_write_lock(db_path)
    res = run("ingest", FIXTURES / "canonical_small.csv", "--db", db_path)
    assert res.exit_code == 75
    assert f"process {pid}" in res.stderr and "retry" in res.stderr


def test_real_subprocess_module_entry_point(tmp_path):
    db = tmp_path / "s.duckdb"
    env = {**os.environ, "INTENSITY_DB": str(db)}
    ing = subprocess.run([sys.executable, "-m", "intensity", "ingest", str(FIXTURES / "canonical_small.csv")],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert ing.returncode == 0, ing.stderr
    out = subprocess.run([sys.executable, "-m", "intensity", "counts", "--since", "2024-03-01",
                          "--until", "2024-03-05", "--region", "UA-63", "--format", "csv"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("country_iso3,admin1_code")
    assert len(lines) == 1 + 2 * 5


def test_default_db_is_relative_to_working_directory(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "INTENSITY_DB"}
    res = subprocess.run([sys.executable, "-m", "intensity", "ingest", str(FIXTURES / "canonical_small.csv"), "-q"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "data" / "intensity.duckdb").is_file()


def test_demo_command_builds_labelled_store(run, tmp_path):
    db = tmp_path / "demo.duckdb"
    res = run("demo", "--db", db)
    assert res.exit_code == 0, res.output
    assert "SIMULATED" in res.stdout
    out = run("sql", "SELECT DISTINCT source FROM events", "--db", db, "--format", "csv")
    assert out.stdout.splitlines() == ["source", "simulated"]


def test_status_gives_per_source_rows_and_one_totals_row(run, db_path, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("event_id,source,event_date,country_iso3,admin1,event_type\n"
                     "o:1,other,2024-03-01,UKR,Nowhere,battles\n")
    for f in (FIXTURES / "canonical_small.csv", FIXTURES / "canonical_bad.csv", other):
        assert run("ingest", f, "--db", db_path).exit_code == 0
    res = run("status", "--db", db_path, "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["source"]: r for r in json.loads(res.stdout)}
    total = rows.pop("(all)")
    assert list(json.loads(res.stdout)[-1].values())[0] == "(all)"  # the totals come last
    assert total["events"] == sum(r["events"] for r in rows.values())
    assert total["files"] == 3 and total["rejects"] > 0 and total["schema_version"] >= 9
    assert all(r["rejects"] is None and r["schema_version"] is None for r in rows.values())
    assert rows["other"]["files"] == 1 and rows["other"]["unresolved_region"] == 1
    assert rows["other"]["fatalities"] is None  # none reported


def test_regions_need_no_store_and_check_the_country(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no data/intensity.duckdb here
    monkeypatch.delenv("INTENSITY_DB", raising=False)
    res = run("regions", "--country", "ukr", "--format", "json")
    assert res.exit_code == 0, res.output
    codes = {r["admin1_code"] for r in json.loads(res.stdout)}
    assert {"UA-63", "UA-30", "UA-43"} <= codes and all(c.startswith("UA-") for c in codes)
    assert not any(tmp_path.rglob("*.duckdb"))  # nothing was created
    res = run("regions", "--country", "XXX")
    assert res.exit_code == 2 and "unknown country" in res.stderr
