"""Shared benchmark helpers: seeded canonical event files, whole-process timing with peak RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
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


def canonical_events(n_rows: int, *, seed: int = 7, n_regions: int = 200, days: int = 1095) -> pl.DataFrame:
    """``n_rows`` synthetic canonical events over ~``n_regions`` regions, 6 types and ``days`` days.

    Regions get log-normal base rates and days a gamma-distributed intensity, so daily
    counts are overdispersed; fatalities are negative binomial with 10% not reported.
    """
    rng = np.random.default_rng(seed)
    import pycountry

    codes = sorted(s.code for s in pycountry.subdivisions if s.parent_code is None
                   and s.country_code in ("UA", "RU", "SD", "SY", "MM", "NG", "CD", "ML", "BF", "SO"))[:n_regions]
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
    start = np.datetime64(date(2022, 1, 1), "D")
    return pl.DataFrame(
        {
            "event_id": [f"bench:{i}" for i in range(n_rows)] if n_rows <= 2_000_000 else None,
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


def write_events(n_rows: int, fmt: str = "csv", *, seed: int = 7) -> Path:
    """Write (once, cached under bench/out/) a canonical event file of ``n_rows`` rows."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"events_{n_rows}_{seed}.{fmt}"
    if not path.exists():
        df = canonical_events(n_rows, seed=seed)
        tmp = path.with_suffix(".tmp")
        df.write_csv(tmp) if fmt == "csv" else df.write_parquet(tmp)
        tmp.rename(path)
    return path


@dataclass
class Timing:
    label: str
    seconds: list[float]
    peak_rss_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_process(label: str, argv: list[str], *, repeat: int = 3, setup=None, env=None) -> Timing:
    """Run ``argv`` as a whole process ``repeat`` times; wall time and the largest peak RSS."""
    times, peak = [], 0.0
    for _ in range(repeat):
        if setup:
            setup()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - t0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{label} failed: {proc.stderr.read().decode()[-2000:]}")
        proc.stderr.close()
        peak = max(peak, usage.ru_maxrss / 1024)
    return Timing(label, times, peak)


def python_cmd(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def intensity_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "intensity", *args]
