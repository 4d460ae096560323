"""Shared benchmark helpers: seeded canonical event files, whole-process timing with peak RSS."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(__file__).resolve().parent / "out"
SUBTYPES = {  # sub-event type -> (event type, relative frequency)
    "shelling_artillery_missile_attack": ("explosions_remote_violence", 0.35),
    "air_drone_strike": ("explosions_remote_violence", 0.15),
    "armed_clash": ("battles", 0.2),
    "attack": ("violence_against_civilians", 0.1),
    "peaceful_protest": ("protests", 0.1),
    "mob_violence": ("riots", 0.05),
    "disrupted_weapons_use": ("strategic_developments", 0.05),
}


CONFLICT_COUNTRIES = ("UA", "RU", "SD", "SY", "MM", "NG", "CD", "ML", "BF", "SO")
START = date(2022, 1, 1)


def admin1_codes(n_regions: int) -> list[str]:
    """``n_regions`` ISO 3166-2 admin1 codes: the conflict countries' first (261 of them),
    then every other country's, so that large series counts stay real, resolvable regions."""
    import pycountry

    top = [s for s in pycountry.subdivisions if s.parent_code is None]
    first = sorted(s.code for s in top if s.country_code in CONFLICT_COUNTRIES)
    rest = sorted(s.code for s in top if s.country_code not in CONFLICT_COUNTRIES)
    codes = (first + rest)[:n_regions]
    if len(codes) < n_regions:
        raise ValueError(f"only {len(codes)} admin1 regions are known, {n_regions} asked for")
    return codes


def canonical_events(n_rows: int, *, seed: int = 7, n_regions: int = 200, days: int = 1095) -> pl.DataFrame:
    """``n_rows`` synthetic canonical events over ~``n_regions`` regions, 6 types and ``days`` days.

    Regions get log-normal base rates and days a gamma-distributed intensity, so daily
    counts are overdispersed; fatalities are negative binomial with 10% not reported.
    """
    rng = np.random.default_rng(seed)
    import pycountry

    codes = admin1_codes(n_regions)
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    region_w = rng.lognormal(0, 1.2, len(codes))
    day_w = rng.gamma(2.0, 0.5, days)
    subs = list(SUBTYPES)
    sub_p = np.array([SUBTYPES[s][1] for s in subs])
    r = rng.choice(len(codes), n_rows, p=region_w / region_w.sum())
    d = rng.choice(days, n_rows, p=day_w / day_w.sum())
    s = rng.choice(len(subs), n_rows, p=sub_p / sub_p.sum())
    fat = rng.negative_binomial(1, 0.5, n_rows).astype(float)
    fat[rng.random(n_rows) < 0.1] = np.nan
    codes_arr = np.array(codes)
    start = np.datetime64(START, "D")
    return pl.DataFrame(
        {
            "event_id": None,  # filled below, without a Python loop
            "source": "bench",
            "event_date": start + d,
            "country_iso3": np.array([iso3[c[:2]] for c in codes])[r],
            "admin1_code": codes_arr[r],
            "event_type": np.array([SUBTYPES[x][0] for x in subs])[s],
            "sub_event_type": np.array(subs)[s],
            "fatalities": fat,
        },
        strict=False,
    ).with_columns(
        pl.format("bench:{}", pl.int_range(pl.len())).alias("event_id"),
        pl.col("fatalities").fill_nan(None).cast(pl.Int32),
        pl.col("event_date").cast(pl.Date),
    )


def events_path(n_rows: int, fmt: str = "csv", *, seed: int = 7, n_regions: int = 200,
                out: Path | None = None) -> Path:
    """Where :func:`write_events` caches a file (the default region count keeps the old names)."""
    tag = f"_r{n_regions}" if n_regions != 200 else ""
    return (out or OUT) / f"events_{n_rows}_{seed}{tag}.{fmt}"


def write_events(n_rows: int, fmt: str = "csv", *, seed: int = 7, n_regions: int = 200,
                 out: Path | None = None) -> Path:
    """Write (once, cached under bench/out/) a canonical event file of ``n_rows`` rows."""
    return write_event_files(n_rows, (fmt,), seed=seed, n_regions=n_regions, out=out)[fmt]


def write_event_files(n_rows: int, fmts=("csv", "parquet"), *, seed: int = 7, n_regions: int = 200,
                      out: Path | None = None) -> dict[str, Path]:
    """The same seeded events in several formats, generated once for all missing files."""
    paths = {f: events_path(n_rows, f, seed=seed, n_regions=n_regions, out=out) for f in fmts}
    missing = [f for f, p in paths.items() if not p.exists()]
    if missing:
        paths[missing[0]].parent.mkdir(parents=True, exist_ok=True)
        df = canonical_events(n_rows, seed=seed, n_regions=n_regions)
        for f in missing:
            tmp = paths[f].with_name(paths[f].name + f".{os.getpid()}.tmp")
            df.write_csv(tmp) if f == "csv" else df.write_parquet(tmp)
            tmp.rename(paths[f])  # atomic: a half-written file is never taken for a cached one
    return paths


@dataclass
class Timing:
    label: str
    seconds: list[float]
    peak_rss_mb: float
    cpu_seconds: list[float] = field(default_factory=list)  # user + system, the child's own
    stdout: str = ""  # of the last run, when captured

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else float("nan")


_LAUNCHER: subprocess.Popen | None = None


def _launcher() -> subprocess.Popen:
    """The small process that starts timed commands (see ``bench/launch.py``), started once."""
    global _LAUNCHER
    if _LAUNCHER is None or _LAUNCHER.poll() is not None:
        _LAUNCHER = subprocess.Popen([sys.executable, "-S", "-E", str(Path(__file__).with_name("launch.py"))],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    return _LAUNCHER


def child_env(extra: dict | None = None) -> dict:
    """The environment of timed commands: ours, with bytecode caching on (as after a pip install)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def run_process(label: str, argv: list[str], *, repeat: int = 3, setup=None, env=None,
                capture: bool = False, cwd: Path | None = None, stdout_path: Path | None = None,
                warmup: int = 0) -> Timing:
    """Run ``argv`` as a whole process ``repeat`` times; wall time, CPU time and the largest peak RSS.

    The command is started by a small launcher process and reaped with ``os.wait4``,
    which gives its CPU time and peak RSS (its own, and its children's that it waited
    for). ``capture`` keeps the last run's stdout (keep it small); ``stdout_path`` sends
    it to a file instead; otherwise it goes to /dev/null. ``setup`` runs before each run,
    untimed. ``warmup`` runs are made first and not counted (bytecode and page caches).
    """
    times, cpu, peak, out = [], [], 0.0, ""
    launcher = _launcher()
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        err_path = Path(tmp) / "stderr"
        out_path = stdout_path or (Path(tmp) / "stdout" if capture else None)
        for i in range(warmup + repeat):
            if setup:
                setup()
            req = {"argv": [str(a) for a in argv], "env": child_env(env), "cwd": str(cwd) if cwd else None,
                   "stdout": str(out_path) if out_path else None, "stderr": str(err_path)}
            launcher.stdin.write(json.dumps(req) + "\n")
            launcher.stdin.flush()
            reply = json.loads(launcher.stdout.readline())
            if "error" in reply:
                raise RuntimeError(f"{label}: cannot start {argv[0]}: {reply['error']}")
            if reply["exit"] != 0:
                raise RuntimeError(f"{label} failed ({reply['exit']}): {err_path.read_text(errors='replace')[-2000:]}")
            if i < warmup:
                continue
            times.append(reply["wall_s"])
            cpu.append(reply["cpu_s"])
            peak = max(peak, reply["maxrss_kb"] / 1024)
        if capture:
            out = out_path.read_text(errors="replace")
    return Timing(label, times, peak, cpu, out)


def python_cmd(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def intensity_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "intensity", *args]
