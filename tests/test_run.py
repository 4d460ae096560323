"""`intensity run`: the lock, the runs table, alert exit codes, and kill-safety of reports/latest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import intensity

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path, demo_db):
    """A working folder with a copy of the demo store, an inbox and intensity.toml."""
    shutil.copy(demo_db, tmp_path / "store.duckdb")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (tmp_path / "intensity.toml").write_text(
        '[intensity]\ndb = "store.duckdb"\ninputs = ["inbox"]\nreports = "reports"\nsince = "28d"\n'
    )
    return tmp_path


def _run(site: Path, *args: str, wait: bool = True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTENSITY_")}
    cmd = [sys.executable, "-m", "intensity", "run", "--quiet", *args]
    if not wait:
        return subprocess.Popen(cmd, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, cwd=site, env=env, capture_output=True, text=True)


def _latest_is_complete(reports: Path) -> bool:
    latest = reports / "latest"
    summary = json.loads((latest / "summary.json").read_text())
    html = (latest / "index.html").read_text()
    return html.rstrip().endswith("</html>") and all((latest / c).is_file() for c in summary["charts"])


def test_run_ingests_new_files_once_and_records_runs(site):
    shutil.copy(FIXTURES / "canonical_small.csv", site / "inbox" / "a.csv")
    first = _run(site)
    assert first.returncode == 0, first.stderr
    assert Path(first.stdout.strip()).name == "2024-04-03_2024-04-30"  # the last 28 days
    second = _run(site)
    assert second.returncode == 0, second.stderr
    con = intensity.connect(site / "store.duckdb", read_only=True)
    runs = con.execute("SELECT status, files_ingested, rows_loaded, report_path FROM runs ORDER BY run_id").fetchall()
    con.close()
    assert [r[:3] for r in runs] == [("ok", 1, 5), ("ok", 0, 0)]
    assert _latest_is_complete(site / "reports")


def test_alert_exit_code_only_for_new_signals(site):
    first = _run(site, "--alert-exit-code", "3")
    assert first.returncode == 3, first.stderr
    again = _run(site, "--alert-exit-code", "3")
    assert again.returncode == 0, again.stderr


def test_unreadable_input_exits_65_but_publishes(site):
    (site / "inbox" / "broken.csv").write_text("a,b\n1,2\n")
    res = _run(site)
    assert res.returncode == 65
    assert _latest_is_complete(site / "reports")


def test_two_runs_at_once_one_wins_other_exits_75(site):
    procs = [_run(site, wait=False) for _ in range(2)]
    codes = sorted(p.wait(timeout=120) for p in procs)
    assert codes == [0, 75], [p.stderr.read() for p in procs]
    con = intensity.connect(site / "store.duckdb", read_only=True)
    assert con.execute("SELECT count(*) FROM runs WHERE status = 'ok'").fetchall()[0][0] == 1
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] > 10_000
    con.close()


def test_killed_runs_never_leave_latest_incomplete(site):
    assert _run(site).returncode == 0
    reports = site / "reports"
    for delay in (0.3, 0.8, 1.5, 2.5, 3.5):
        p = _run(site, wait=False)
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        assert _latest_is_complete(reports), f"latest incomplete after SIGKILL at {delay}s"
    # The next run cleans up what the killed ones left and succeeds.
    assert _run(site).returncode == 0
    assert not [p for p in reports.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    con = intensity.connect(site / "store.duckdb", read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] > 10_000
    # A killed run's row is closed by the next run, not left 'running' for ever.
    statuses = con.execute("SELECT status, error FROM runs ORDER BY run_id").fetchall()
    con.close()
    assert statuses[-1][0] == "ok" and all(st != "running" for st, _ in statuses)
    assert any(st == "failed" and "did not finish" in err for st, err in statuses[1:-1])


def test_reader_during_a_write_gets_busy_not_traceback(site, hold_write_lock):
    hold_write_lock(site / "store.duckdb")
    res = subprocess.run([sys.executable, "-m", "intensity", "sql", "SELECT 1", "--db", str(site / "store.duckdb")],
                         capture_output=True, text=True)
    assert res.returncode == 75
    assert "busy" in res.stderr and "retry" in res.stderr and "Traceback" not in res.stderr
    run = _run(site)
    assert run.returncode == 75 and "Traceback" not in run.stderr


def test_missing_input_folder_fails_the_run_and_records_it(site):
    res = _run(site, "--input", str(site / "nowhere"))
    assert res.returncode == 2, res.stderr
    err = res.stderr.splitlines()
    assert err[0].startswith("error: input folder(s) not found: ") and "nowhere" in err[0], res.stderr
    assert err[1].startswith("hint: ") and "Traceback" not in res.stderr
    con = intensity.connect(site / "store.duckdb", read_only=True)
    runs = con.execute("SELECT status, error, finished_at IS NOT NULL FROM runs").fetchall()
    con.close()
    assert len(runs) == 1 and runs[0][0] == "failed" and "nowhere" in runs[0][1] and runs[0][2]
    assert not (site / "reports" / "latest").exists()


def test_alert_exit_code_must_fit_an_exit_status(site):
    # 256 would reach the shell as 0: the alert would be lost
    r = _run(site, "--alert-exit-code", "256")
    assert r.returncode == 2 and "at most 255" in r.stderr
    (site / "intensity.toml").write_text(
        '[intensity]\ndb = "store.duckdb"\ninputs = ["inbox"]\nalert_exit_code = 300\n')
    r = _run(site)
    assert r.returncode == 2 and "at most 255" in r.stderr


def test_source_setting_reports_and_stores_one_source(site):
    shutil.copy(FIXTURES / "canonical_small.csv", site / "inbox" / "a.csv")
    (site / "intensity.toml").write_text(
        '[intensity]\ndb = "store.duckdb"\ninputs = ["inbox"]\nreports = "reports"\nsince = "28d"\n'
        'source = "simulated"\n')
    r = _run(site)
    assert r.returncode == 0, r.stderr
    folder = site / r.stdout.strip()
    assert folder.name.endswith("_source-simulated")
    assert json.loads((folder / "summary.json").read_text())["report"]["source"] == "simulated"
    con = intensity.connect(site / "store.duckdb", read_only=True)
    sources = con.execute("SELECT DISTINCT source FROM signals").fetchall()
    con.close()
    assert sources == [("simulated",)]


def test_settings_of_the_wrong_type_are_usage_errors(site):
    # a TOML list of methods is the CLI's comma list; other types are refused, not stringified
    (site / "intensity.toml").write_text(
        '[intensity]\ndb = "store.duckdb"\ninputs = ["inbox"]\nmethod = ["nb_cusum", "ears_c2"]\n')
    r = _run(site)
    assert r.returncode in (0, 3), r.stderr
    con = intensity.connect(site / "store.duckdb", read_only=True)
    methods = {m for (m,) in con.execute("SELECT DISTINCT method FROM signals").fetchall()}
    con.close()
    assert methods <= {"nb_cusum", "ears_c2"} and "nb_cusum" in methods
    for bad, word in (('source = 5', "source"), ('source = ""', "source"), ('inputs = 3', "inputs"),
                      ('db = 7', "db")):
        (site / "intensity.toml").write_text(f'[intensity]\ndb = "store.duckdb"\ninputs = ["inbox"]\n{bad}\n'
                                             if not bad.startswith(("inputs", "db")) else f"[intensity]\n{bad}\n")
        r = _run(site)
        assert r.returncode == 2 and f"setting {word} must be" in r.stderr, (bad, r.stderr)
