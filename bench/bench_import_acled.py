"""ACLED import benchmark: `intensity ingest` of a 1M-row ACLED-shaped CSV, as a whole process,
against pandas read_csv + to_parquet of the same file in the same run.

Usage: python bench/bench_import_acled.py [--rows 1000000] [--repeat 3]

The file (bench/out/, git-ignored) has the 31 columns of the current ACLED export in
ACLED's order, dates as "24 March 2024", the 25 sub-event labels, ISO numeric country
codes, admin1 names as ACLED writes them (0.5% misspelt, to exercise the unresolved
path), ~150-character notes and Unix timestamps. Three runs: a new store, the same file
again (everything unchanged), and pandas as the reference.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from common import OUT, intensity_cmd, python_cmd

REPO = Path(__file__).resolve().parents[1]
COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
COUNTRIES = {"UA": (804, "Ukraine", "UKR"), "RU": (643, "Russia", "RUS"), "SD": (729, "Sudan", "SDN"),
             "SY": (760, "Syria", "SYR"), "MM": (104, "Myanmar", "MMR"), "NG": (566, "Nigeria", "NGA")}
ACTORS = ["Military Forces of Russia (2000-)", "Military Forces of Ukraine (2019-)", "Rapid Support Forces",
          "Military Forces of Sudan (2019-)", "Protesters (Nigeria)", "Rioters (Myanmar)",
          "Civilians (Ukraine)", "Unidentified Armed Group (Syria)", "Police Forces of Nigeria (1999-)"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]


def admin1_names() -> list[tuple[str, str]]:
    """(alpha-2, admin1 name as ACLED writes it) for the benchmark countries."""
    import pycountry

    english = {}
    with open(REPO / "data" / "reference" / "admin1_names.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            english[r["admin1_code"]] = r["admin1"]
    out = []
    for cc in COUNTRIES:
        for s in pycountry.subdivisions.get(country_code=cc):
            if s.parent_code is None:
                out.append((cc, english.get(s.code, s.name)))
    return out


def acled_file(n_rows: int, *, seed: int = 11) -> Path:
    """Write (once, cached under bench/out/) an ACLED-shaped CSV of ``n_rows`` rows."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"acled_{n_rows}_{seed}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    with open(REPO / "data" / "reference" / "event_types.csv", encoding="utf-8") as fh:
        types = [(r["event_type_label"], r["sub_event_type_label"]) for r in csv.DictReader(fh)]
    regions = admin1_names()
    r = rng.integers(0, len(regions), n_rows)
    t = rng.choice(len(types), n_rows, p=np.r_[np.full(6, 0.1), np.full(len(types) - 6, 0.4 / (len(types) - 6))])
    day = np.datetime64("2018-01-01") + rng.integers(0, 7 * 365, n_rows).astype("timedelta64[D]")
    days = day.astype(object)
    cc = np.array([regions[i][0] for i in r])
    admin1 = np.array([regions[i][1] for i in r], dtype=object)
    typo = rng.random(n_rows) < 0.005
    admin1[typo] = np.char.add(admin1[typo].astype(str), "x")
    fatal = rng.negative_binomial(1, 0.6, n_rows)
    actor1 = rng.integers(0, len(ACTORS), n_rows)
    actor2 = rng.integers(0, len(ACTORS), n_rows)
    df = pl.DataFrame({
        "event_id_cnty": [f"{COUNTRIES[c][2]}{i}" for i, c in enumerate(cc)],
        "event_date": [f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}" for d in days],
        "year": [d.year for d in days],
        "time_precision": rng.choice([1, 2, 3], n_rows, p=[0.85, 0.12, 0.03]),
        "disorder_type": "Political violence",
        "event_type": [types[i][0] for i in t],
        "sub_event_type": [types[i][1] for i in t],
        "actor1": [ACTORS[i] for i in actor1],
        "assoc_actor_1": "",
        "inter1": rng.integers(1, 9, n_rows),
        "actor2": [ACTORS[i] for i in actor2],
        "assoc_actor_2": "",
        "inter2": rng.integers(0, 9, n_rows),
        "interaction": rng.integers(10, 89, n_rows),
        "civilian_targeting": np.where(rng.random(n_rows) < 0.2, "Civilian targeting", ""),
        "iso": [COUNTRIES[c][0] for c in cc],
        "region": "Europe",
        "country": [COUNTRIES[c][1] for c in cc],
        "admin1": admin1.tolist(),
        "admin2": [f"{a} raion" for a in admin1.tolist()],
        "admin3": "",
        "location": [f"Place {i % 5000}" for i in range(n_rows)],
        "latitude": np.round(rng.uniform(44, 52, n_rows), 4),
        "longitude": np.round(rng.uniform(22, 40, n_rows), 4),
        "geo_precision": rng.choice([1, 2, 3], n_rows, p=[0.6, 0.35, 0.05]),
        "source": "Ukrinform; Suspilne Media",
        "source_scale": "National",
        "notes": [f"On {d.day} {MONTHS[d.month - 1]} {d.year}, forces shelled the outskirts of the "
                  f"settlement; {k} people were reported killed and several buildings were damaged."
                  for d, k in zip(days, fatal)],
        "fatalities": fatal,
        "tags": "",
        "timestamp": rng.integers(1_600_000_000, 1_710_000_000, n_rows),
    }).select(COLUMNS)
    tmp = path.with_suffix(".tmp")
    df.write_csv(tmp)
    tmp.rename(path)
    return path


@dataclass
class Run:
    label: str
    seconds: list[float]
    cpu_seconds: list[float]
    peak_rss_mb: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_process(label: str, argv: list[str], *, repeat: int, setup=None, env=None) -> Run:
    """Wall time, CPU time (user + system, all threads) and peak RSS of ``argv`` as a process.

    CPU time is reported because this 2-core machine is shared: other jobs stretch wall time,
    much less the CPU a run needs.
    """
    wall, cpu, peak = [], [], 0.0
    for _ in range(repeat):
        if setup:
            setup()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(proc.pid, 0)
        wall.append(time.perf_counter() - t0)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{label} failed: {err[-2000:]}")
        cpu.append(usage.ru_utime + usage.ru_stime)
        peak = max(peak, usage.ru_maxrss / 1024)
    return Run(label, wall, cpu, peak)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ingest-memory", default=None,
                    help="set INTENSITY_INGEST_MEMORY for the intensity runs (default: the ingest's own cap)")
    args = ap.parse_args()
    env = {"INTENSITY_INGEST_MEMORY": args.ingest_memory} if args.ingest_memory else None

    src = acled_file(args.rows)
    db = OUT / "bench_import_acled.duckdb"
    pq = OUT / "bench_import_acled_pandas.parquet"

    def fresh_db():
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)

    load_before = os.getloadavg()
    cmd = intensity_cmd("ingest", str(src), "--db", str(db), "-q")
    ours = run_process("intensity ingest, ACLED (new store)", cmd, repeat=args.repeat, setup=fresh_db, env=env)
    again = run_process("intensity ingest, ACLED (same file again)", cmd, repeat=args.repeat, env=env)
    pandas = run_process(
        "pandas read_csv + to_parquet",
        python_cmd(f"import pandas as pd; pd.read_csv({str(src)!r}).to_parquet({str(pq)!r})"),
        repeat=args.repeat,
    )
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        stored, unresolved = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE admin1_code IS NULL) FROM events WHERE source = 'acled'"
        ).fetchall()[0]
    finally:
        con.close()
    rows = [{"label": t.label, "median_s": round(t.median, 3), "runs_s": [round(x, 3) for x in t.seconds],
             "median_cpu_s": round(statistics.median(t.cpu_seconds), 3),
             "rows_per_s": round(args.rows / t.median), "peak_rss_mb": round(t.peak_rss_mb)}
            for t in (ours, again, pandas)]
    result = {"rows": args.rows, "file_mb": round(src.stat().st_size / 2**20, 1), "stored_events": stored,
              "unresolved_admin1": unresolved, "results": rows,
              "ingest_memory": args.ingest_memory or "default",
              "load_average_before": [round(x, 2) for x in load_before],
              "load_average_after": [round(x, 2) for x in os.getloadavg()],
              "ours_vs_pandas": round(ours.median / pandas.median, 2)}
    (OUT / "bench_import_acled.json").write_text(json.dumps(result, indent=2))
    print(f"| {args.rows:,} ACLED-shaped CSV rows ({result['file_mb']} MB) | median wall s | runs s "
          "| median CPU s | rows/s | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['median_s']} | {', '.join(map(str, r['runs_s']))} | {r['median_cpu_s']} "
              f"| {r['rows_per_s']:,} | {r['peak_rss_mb']} |")
    print(f"\nINTENSITY_INGEST_MEMORY={result['ingest_memory']}; stored {stored:,} events ({unresolved:,} with unresolved admin1); "
          f"ours / pandas = {result['ours_vs_pandas']}; load average before {result['load_average_before']}, "
          f"after {result['load_average_after']}")


if __name__ == "__main__":
    main()
