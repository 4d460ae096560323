"""Shared fixtures: fresh on-disk event stores, the real samples in ../shared/data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def shared_file(relative: str) -> Path:
    """A real sample under ../shared/data, or skip the test where it is absent."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared sample {relative} not available")
    return path


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory) -> Path:
    import intensity

    path = tmp_path_factory.mktemp("template") / "store.duckdb"
    intensity.connect(path).close()
    return path


@pytest.fixture
def db_path(tmp_path, _migrated_template) -> Path:
    """Path of a fresh, migrated, empty store (a copy of one built per session)."""
    path = tmp_path / "store.duckdb"
    shutil.copy(_migrated_template, path)
    return path


@pytest.fixture
def con(db_path):
    """A read-write connection to a fresh store, closed after the test."""
    import intensity

    c = intensity.connect(db_path)
    yield c
    c.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The simulated demo store, built once per session (treat as read-only)."""
    import intensity

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    intensity.build_demo(path)
    return path


@pytest.fixture
def hold_write_lock():
    """Start a process that holds a store's DuckDB write lock; yields a function taking the path.

    Returns the holder's PID once the lock is held; the process is killed after the test.
    """
    import subprocess
    import sys

    procs = []

    def hold(path) -> int:
        p = subprocess.Popen(
            [sys.executable, "-c",
             "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
             str(path)],
            stdout=subprocess.PIPE, text=True)
        procs.append(p)
        assert p.stdout.readline().strip() == "ready"
        return p.pid

    yield hold
    for p in procs:
        p.kill()
        p.wait()
