"""The benchmark scripts still run, end to end, at tiny sizes (no timing is asserted).

`bench/run.py --quick` drives every stage (ingest, counts against pandas and the DuckDB
floor, detect, report, series growth, bench_detect.py, bench_extract.py) and checks its
own results (every row loaded, complete spines, equal totals); this test holds it to
that and to the shape of what it writes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"

pytestmark = pytest.mark.slow
pytest.importorskip("pandas")  # the reference side of the benchmark


def test_run_quick_writes_results_and_passes_its_checks(tmp_path):
    out, data = tmp_path / "out", tmp_path / "data"
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--out", str(out), "--data", str(data)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    res = json.loads((out / "results.json").read_text())
    stages = {r["stage"] for r in res["records"]}
    assert {"startup", "ingest CSV", "ingest Parquet", "counts", "detect", "report", "detection",
            "extract"} <= stages
    tools = {r["tool"] for r in res["records"] if r["stage"] == "counts"}
    assert {"intensity.counts (API, process)", "pandas groupby + reindex per series",
            "DuckDB floor (GROUP BY, no spine)"} <= tools
    for kind in ("CSV", "Parquet"):
        assert "DuckDB floor (CREATE TABLE AS read_*)" in {r["tool"] for r in res["records"]
                                                         if r["stage"] == f"ingest {kind}"}
    assert res["checks"] and all(c["ok"] for c in res["checks"]), res["checks"]
    for r in res["records"]:
        assert r["runs"] >= 1 and r["median_s"] > 0 and r["peak_rss_mb"] > 0
        assert len(r["load_before"]) == 3
    # Two sizes and two series counts: every growth row has a fitted exponent.
    assert res["growth"]["rows"] and all(v["exponent"] is not None for v in res["growth"]["rows"].values())
    assert res["growth"]["series"]
    names = {t["target"] for t in res["targets"]}
    assert any(n.startswith("`intensity --help`") for n in names)
    assert any("GLM loop" in n for n in names)
    md = (out / "RESULTS.md").read_text()
    for heading in ("## Targets", "## Stages", "## Growth", "## Detection", "## Text extraction", "## Start-up"):
        assert heading in md
    # Generated data stays where it was asked to go.
    assert (data / "events_2000_7.csv").exists() and not (out / "events_2000_7.csv").exists()


def test_run_rejects_unknown_stage(tmp_path):
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--only", "nonsense", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "unknown stage" in proc.stderr

