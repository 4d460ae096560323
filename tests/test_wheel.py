"""The built wheel carries sql/ and the reference data, and works installed non-editably."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    res = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
                         capture_output=True, text=True)
    if res.returncode != 0 and "No module named build" in res.stderr:
        pytest.skip("the build package is not installed")
    assert res.returncode == 0, res.stderr[-2000:]
    (whl,) = out.glob("intensity-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_sql_and_reference_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "intensity/sql/schema/001_core.sql" in names
    assert "intensity/sql/transforms/daily_counts.sql" in names
    assert "intensity/data/reference/event_types.csv" in names
    assert not any(n.endswith(".duckdb") for n in names)


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_runs(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # Dependencies come from this environment's site-packages (appended after the venv's own,
    # so the wheel's copy of intensity wins over any editable install here).
    Path(site, "_deps_from_test_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)], check=True)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "INTENSITY_DB")}
    exe = venv / "bin" / "intensity"
    where = subprocess.run([str(py), "-c", "import intensity, sys; print(intensity.__file__)"],
                           capture_output=True, text=True, cwd=work, env=env, check=True).stdout
    assert str(venv) in where, where
    ver = subprocess.run([str(exe), "--version"], capture_output=True, text=True, cwd=work, env=env)
    assert ver.returncode == 0 and ver.stdout.startswith("intensity ")
    csv = REPO / "tests" / "fixtures" / "canonical_small.csv"
    ing = subprocess.run([str(exe), "ingest", str(csv), "--db", "w.duckdb"], capture_output=True, text=True,
                         cwd=work, env=env)
    assert ing.returncode == 0, ing.stderr
    cnt = subprocess.run([str(exe), "counts", "--db", "w.duckdb", "--since", "2024-03-01", "--until",
                          "2024-03-05", "--format", "csv"], capture_output=True, text=True, cwd=work, env=env)
    assert cnt.returncode == 0, cnt.stderr
    assert len(cnt.stdout.splitlines()) == 1 + 4 * 5
