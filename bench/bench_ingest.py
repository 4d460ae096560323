"""Ingest benchmark: `intensity ingest` of canonical CSV vs pandas read_csv + to_parquet.

Usage: python bench/bench_ingest.py [--rows 1000000] [--repeat 3]
Both sides run as whole processes on the same file, in the same run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from common import OUT, intensity_cmd, python_cmd, run_process, write_events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    csv = write_events(args.rows, "csv")
    db = OUT / "bench_ingest.duckdb"
    pq = OUT / "bench_ingest_pandas.parquet"

    def fresh_db():
        for p in (db, Path(str(db) + ".wal")):
            p.unlink(missing_ok=True)

    ours = run_process("intensity ingest (new store)", intensity_cmd("ingest", str(csv), "--db", str(db), "-q"),
                       repeat=args.repeat, setup=fresh_db)
    again = run_process("intensity ingest (same file again)", intensity_cmd("ingest", str(csv), "--db", str(db), "-q"),
                        repeat=args.repeat)
    pandas = run_process(
        "pandas read_csv + to_parquet",
        python_cmd(f"import pandas as pd; pd.read_csv({str(csv)!r}).to_parquet({str(pq)!r})"),
        repeat=args.repeat,
    )
    rows = []
    for t in (ours, again, pandas):
        rows.append({"label": t.label, "median_s": round(t.median, 3), "runs_s": [round(x, 3) for x in t.seconds],
                     "rows_per_s": round(args.rows / t.median), "peak_rss_mb": round(t.peak_rss_mb)})
    result = {"rows": args.rows, "file_mb": round(csv.stat().st_size / 2**20, 1), "results": rows,
              "ours_vs_pandas": round(ours.median / pandas.median, 2)}
    (OUT / "bench_ingest.json").write_text(json.dumps(result, indent=2))
    print(f"| {args.rows:,} canonical CSV rows ({result['file_mb']} MB) | median s | rows/s | peak RSS MB |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['label']} | {r['median_s']} | {r['rows_per_s']:,} | {r['peak_rss_mb']} |")
    print(f"\nours / pandas = {result['ours_vs_pandas']}")


if __name__ == "__main__":
    main()
