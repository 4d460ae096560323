"""Side-by-side benchmarks: intensity against a pandas notebook and DuckDB's own floor.

    python bench/run.py             # 100k, 1M, 10M rows + series growth; writes bench/results.json, bench/RESULTS.md
    python bench/run.py --quick     # tiny sizes, a smoke run (bench/out/quick/)
    python bench/run.py --sizes 1000000 --only ingest,counts --out /tmp/b   # one stage while profiling

Every stage runs as a whole process (start-up counts), on the same seeded data, on the
same machine, in the same run as its references: wall time (median of the runs), CPU
time, peak RSS (``os.wait4``) and rows/s. The references are

* pandas as an analyst writes it: ingest = ``read_csv`` then ``to_parquet``; counts =
  ``read_parquet``, ``groupby``, then ``reindex`` of the full date range per series;
* the DuckDB floor: the bare ``SELECT ..., count(*) ... GROUP BY`` over the same stored
  ``events`` table, no spine, no validation, fetched into a frame like ours;
* for detection, the per-series statsmodels GLM loop of ``bench/bench_detect.py``
  (which this script calls, as it calls ``bench/bench_extract.py`` for text extraction).

Generated data (cached) and stores go under ``bench/out/`` (git-ignored). Run it on a
quiet machine: ``--wait-quiet 600`` waits up to 10 minutes for the load to drop, and the
load averages are recorded with every measurement.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def _ensure_environment() -> None:
    """Re-run under the repository's virtualenv when started with a Python that lacks intensity."""
    try:
        import duckdb  # noqa: F401
        import polars  # noqa: F401

        import intensity  # noqa: F401
    except ImportError:
        venv = REPO / ".venv" / "bin" / "python"
        # (Compare prefixes: the venv's python is often a symlink to this very binary.)
        if venv.exists() and Path(sys.prefix).resolve() != venv.parent.parent.resolve():
            os.execv(str(venv), [str(venv), *sys.argv])
        raise SystemExit("bench/run.py needs the intensity package: pip install -e '.[test]'") from None


_ensure_environment()
sys.path.insert(0, str(BENCH))

import numpy as np  # noqa: E402

from common import (  # noqa: E402
    START, Timing, events_path, intensity_cmd, python_cmd, run_process, write_event_files,
)

FLOOR_INGEST_TOOL = "DuckDB floor (CREATE TABLE AS read_*)"
STAGES = ("startup", "ingest", "counts", "detect", "report", "series", "detection", "extract")

# ----------------------------------------------------------------------------- the other sides

PANDAS_INGEST = "import sys, pandas as pd; pd.read_csv(sys.argv[1]).to_parquet(sys.argv[2])"
PANDAS_INGEST_PQ = "import sys, pandas as pd; pd.read_parquet(sys.argv[1]).to_parquet(sys.argv[2])"

# DuckDB's own write floor: the file read into a new table of a new store file, typed by
# DuckDB's sniffer, and nothing else (no validation, no ids, no index, no rollup).
FLOOR_INGEST = textwrap.dedent("""
    import sys
    import duckdb

    con = duckdb.connect(sys.argv[2])
    con.execute("SET enable_progress_bar = false")
    con.execute(f"CREATE TABLE events AS SELECT * FROM {sys.argv[3]}(?)", [sys.argv[1]])
    con.close()
""")

# What an analyst writes: group, then give every series the full date range with reindex.
PANDAS_COUNTS = textwrap.dedent("""
    import sys
    import pandas as pd

    src, since, until = sys.argv[1:4]
    df = pd.read_parquet(src, columns=["country_iso3", "admin1_code", "event_type", "event_date", "fatalities"])
    df["event_date"] = pd.to_datetime(df["event_date"])
    df = df[(df["event_date"] >= since) & (df["event_date"] <= until)]
    keys = ["country_iso3", "admin1_code", "event_type"]
    daily = df.groupby(keys + ["event_date"], dropna=False).agg(
        events=("event_date", "size"), fatalities=("fatalities", "sum"))
    days = pd.date_range(since, until, freq="D", name="event_date")
    parts = []
    for key, g in daily.groupby(level=keys, dropna=False):
        s = g.droplevel(keys).reindex(days, fill_value=0)
        parts.append(s.assign(country_iso3=key[0], admin1_code=key[1], event_type=key[2]))
    out = pd.concat(parts).reset_index()
    print(len(out), int(out["events"].sum()))
""")

# A careful analyst: one reindex on the product of series and days (an extra, not the target).
PANDAS_COUNTS_PRODUCT = textwrap.dedent("""
    import sys
    import numpy as np
    import pandas as pd

    src, since, until = sys.argv[1:4]
    df = pd.read_parquet(src, columns=["country_iso3", "admin1_code", "event_type", "event_date", "fatalities"])
    df["event_date"] = pd.to_datetime(df["event_date"])
    df = df[(df["event_date"] >= since) & (df["event_date"] <= until)]
    keys = ["country_iso3", "admin1_code", "event_type"]
    daily = df.groupby(keys + ["event_date"], dropna=False).agg(
        events=("event_date", "size"), fatalities=("fatalities", "sum"))
    days = pd.date_range(since, until, freq="D", name="event_date")
    series = daily.index.droplevel("event_date").unique()
    full = pd.MultiIndex.from_arrays(
        [np.repeat(series.get_level_values(k).to_numpy(), len(days)) for k in keys] + [np.tile(days, len(series))],
        names=keys + ["event_date"])
    out = daily.reindex(full, fill_value=0).reset_index()
    print(len(out), int(out["events"].sum()))
""")

FLOOR_SQL = ("SELECT country_iso3, admin1_code, event_type, event_date, count(*) AS events, "
             "sum(fatalities) AS fatalities, sum(injured) AS injured FROM events "
             "WHERE event_date BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) GROUP BY ALL")
FLOOR_COUNTS = textwrap.dedent(f"""
    import sys
    import duckdb

    con = duckdb.connect(sys.argv[1], read_only=True)
    con.execute("SET enable_progress_bar = false")  # as intensity does; it would print into stdout
    df = con.sql({FLOOR_SQL!r}, params=[sys.argv[2], sys.argv[3]]).pl()
    print(df.height, int(df["events"].sum()))
""")

OURS_COUNTS = textwrap.dedent("""
    import sys
    import intensity

    con = intensity.connect(sys.argv[1], read_only=True)
    df = intensity.counts(con, since=sys.argv[2], until=sys.argv[3])
    print(df.height, int(df["events"].sum()))
""")


# ----------------------------------------------------------------------------- helpers


def human(n: float) -> str:
    """100000 -> 100k, 1000000 -> 1M."""
    for div, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= div and n % (div // 10) == 0:
            v = n / div
            return f"{v:g}{suffix}"
    return f"{n:,}"


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def slope(xs, ys) -> float | None:
    """Least-squares exponent b of t = a * x^b (None with fewer than two points)."""
    pts = [(x, y) for x, y in zip(xs, ys) if x and y and y > 0]
    if len(pts) < 2:
        return None
    lx, ly = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return round(float(np.polyfit(lx, ly, 1)[0]), 2)


def wait_quiet(max_wait: float, threshold: float) -> dict:
    """Wait (at most ``max_wait`` s) until the 1-minute load average is below ``threshold``."""
    t0 = time.monotonic()
    first = loadavg()
    while max_wait > 0 and os.getloadavg()[0] >= threshold and time.monotonic() - t0 < max_wait:
        time.sleep(15)
    return {"load_at_start": first, "waited_s": round(time.monotonic() - t0, 1), "load_after_wait": loadavg()}


BASELINE_TAG = "before: "


def prepare_baseline(ref: str, data: Path) -> dict:
    """Unpack the package as of git ``ref`` (src/, sql/, data/reference/); env that runs it instead."""
    import subprocess

    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", ref], capture_output=True, text=True, check=True)
    root = data / f"baseline_{sha.stdout.strip()[:12]}"
    if not (root / "src" / "intensity").exists():
        root.mkdir(parents=True, exist_ok=True)
        arch = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src/intensity", "sql", "data/reference"],
                              capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(root)], input=arch.stdout, check=True)
    # PYTHONPATH comes before the editable install's path entry, so `import intensity` finds this copy.
    return {"PYTHONPATH": str(root / "src")}


def remove_db(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.data = args.data
        self.stores = self.data / "stores"
        self.stores.mkdir(parents=True, exist_ok=True)
        self.records: list[dict] = []
        self.extra: dict = {}
        self.checks: list[dict] = []
        self.until = START + timedelta(days=args.days - 1)
        self.since = START
        self.baseline_env = prepare_baseline(args.baseline_ref, self.data) if args.baseline_ref else None

    # -- measuring

    def repeat_for(self, rows: int, *, ingest: bool = False, series: int | None = None) -> int:
        a = self.args
        if series is not None:  # growth points; the report target keeps the full count
            return a.repeat if series == a.report_target_series else a.series_repeat
        if rows >= a.large:
            return a.repeat_large_ingest if ingest else a.repeat_large
        return a.repeat

    def measure(self, stage: str, tool: str, argv: list[str], *, rows: int | None = None, series: int | None = None,
                repeat: int = 3, baseline: bool = False, **kw) -> Timing:
        """Time ``argv``; with ``baseline`` and ``--baseline-ref``, first the same with the old code."""
        if baseline and self.baseline_env:
            self.measure(stage, f"{tool} [{BASELINE_TAG}{self.args.baseline_ref[:10]}]", argv, rows=rows,
                         series=series, repeat=repeat, env={**kw.pop("env", {}), **self.baseline_env}, **kw)
        before = loadavg()
        t = run_process(f"{stage} / {tool}", argv, repeat=repeat, **kw)
        rec = {
            "stage": stage, "tool": tool, "rows": rows, "series": series, "runs": len(t.seconds),
            "median_s": round(t.median, 3), "runs_s": [round(x, 3) for x in t.seconds],
            "cpu_median_s": round(t.cpu_median, 3), "peak_rss_mb": round(t.peak_rss_mb, 1),
            "rows_per_s": round(rows / t.median) if rows else None,
            "load_before": before, "load_after": loadavg(),
        }
        self.records.append(rec)
        print(f"  {stage:<16} {tool:<34} rows={rows or '-':<9} series={series or '-':<6} "
              f"median {t.median:8.3f} s  cpu {t.cpu_median:7.2f} s  rss {t.peak_rss_mb:7.0f} MB  "
              f"load {before[0]}", flush=True)
        return t

    def check(self, what: str, ok: bool, detail: str) -> None:
        self.checks.append({"check": what, "ok": bool(ok), "detail": detail})
        if not ok:
            print(f"  CHECK FAILED: {what}: {detail}", flush=True)

    def get(self, stage: str, tool: str, rows: int | None = None, series: int | None = None) -> dict | None:
        for r in self.records:
            if r["stage"] == stage and r["tool"] == tool and (rows is None or r["rows"] == rows) \
                    and (series is None or r["series"] == series):
                return r
        return None

    # -- stores

    def store_facts(self, db: Path) -> tuple[int, int]:
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute("SELECT count(*), count(DISTINCT (country_iso3, coalesce(admin1_code, ''), "
                               "event_type)) FROM events").fetchall()[0]
        finally:
            con.close()

    # -- stages

    def startup(self) -> None:
        n = self.args.startup_repeat
        script = Path(sys.executable).parent / "intensity"
        help_cmd = [str(script), "--help"] if script.exists() else intensity_cmd("--help")
        self.measure("startup", "intensity --help", help_cmd, repeat=n, warmup=1)
        self.measure("startup", "python -m intensity --help", intensity_cmd("--help"), repeat=n, warmup=1,
                     baseline=True)
        self.measure("startup", "python -c pass (floor)", python_cmd("pass"), repeat=n, warmup=1)
        self.measure("startup", "python -c 'import duckdb, polars'", python_cmd("import duckdb, polars"), repeat=n,
                     warmup=1)

    def ingest(self, rows: int) -> Path:
        """Time ingest (CSV, Parquet) against pandas; return the store left by the CSV ingest."""
        files = write_event_files(rows, ("csv", "parquet"), out=self.data)
        rep = self.repeat_for(rows, ingest=True)
        db = self.stores / f"store_{rows}.duckdb"
        db_pq = self.stores / f"store_{rows}_pq.duckdb"
        pq_out = self.stores / f"pandas_{rows}.parquet"
        self.measure("ingest CSV", "intensity ingest (new store)", intensity_cmd("ingest", str(files["csv"]), "--db",
                     str(db), "-q"), rows=rows, repeat=rep, setup=lambda: remove_db(db), baseline=True)
        n, series = self.store_facts(db)
        self.check(f"ingest CSV {human(rows)}: every row loaded", n == rows, f"{n} of {rows} events stored")
        self.extra.setdefault("series_per_size", {})[str(rows)] = series
        if rows < self.args.large:  # (at 10M it would cost minutes; idempotency is tested anyway)
            self.measure("ingest CSV", "intensity ingest (same file again)", intensity_cmd(
                "ingest", str(files["csv"]), "--db", str(db), "-q"), rows=rows, repeat=1)
            n2, _ = self.store_facts(db)
            self.check(f"ingest CSV {human(rows)} again: idempotent", n2 == rows,
                       f"{n2} events after the second ingest")
        self.measure("ingest CSV", "pandas read_csv + to_parquet", python_cmd(PANDAS_INGEST) + [
            str(files["csv"]), str(pq_out)], rows=rows, repeat=rep, setup=lambda: pq_out.unlink(missing_ok=True))
        floor_db = self.stores / f"floor_{rows}.duckdb"
        for kind, reader in (("CSV", "read_csv"), ("Parquet", "read_parquet")):
            self.measure(f"ingest {kind}", FLOOR_INGEST_TOOL, python_cmd(FLOOR_INGEST) + [
                str(files[kind.lower()]), str(floor_db), reader], rows=rows, repeat=rep,
                setup=lambda: remove_db(floor_db))
            nf, _ = self.store_facts(floor_db)
            self.check(f"ingest floor {kind} {human(rows)}: every row read", nf == rows,
                       f"{nf} of {rows} rows in the floor's table")
        remove_db(floor_db)
        self.measure("ingest Parquet", "intensity ingest (new store)", intensity_cmd(
            "ingest", str(files["parquet"]), "--db", str(db_pq), "-q"), rows=rows, repeat=rep,
            setup=lambda: remove_db(db_pq), baseline=True)
        n3, _ = self.store_facts(db_pq)
        self.check(f"ingest Parquet {human(rows)}: every row loaded", n3 == rows, f"{n3} of {rows} events stored")
        remove_db(db_pq)
        self.measure("ingest Parquet", "pandas read_parquet + to_parquet", python_cmd(PANDAS_INGEST_PQ) + [
            str(files["parquet"]), str(pq_out)], rows=rows, repeat=rep, setup=lambda: pq_out.unlink(missing_ok=True))
        pq_out.unlink(missing_ok=True)
        return db

    def store_for(self, rows: int) -> Path:
        db = self.stores / f"store_{rows}.duckdb"
        if not db.exists():  # e.g. --only counts: build it once, untimed
            files = write_event_files(rows, ("csv", "parquet"), out=self.data)
            run_process("build store", intensity_cmd("ingest", str(files["parquet"]), "--db", str(db), "-q"), repeat=1)
        return db

    def counts(self, rows: int, db: Path, *, series: int | None = None, pandas: bool = True,
               parquet: Path | None = None) -> None:
        # Reads are cheap and the first one after the store was written meets a cold page
        # cache (2.0 s against 1.1 s at 10M): every contender gets one untimed warm-up run
        # and at least 3 timed ones.
        rep = max(3, self.repeat_for(rows, series=series)) if series is None else self.repeat_for(rows, series=series)
        warm = {"warmup": 1} if series is None else {}
        lo, hi = self.since.isoformat(), self.until.isoformat()
        n_series = self.store_facts(db)[1]
        spine_rows = n_series * self.args.days
        ours = self.measure("counts", "intensity.counts (API, process)", python_cmd(OURS_COUNTS) + [str(db), lo, hi],
                            rows=rows, series=series, repeat=rep, capture=True, baseline=True, **warm)
        self.check(f"counts {human(rows)} ({n_series} series): complete spine, totals equal the events",
                   ours.stdout.split() == [str(spine_rows), str(rows)], f"rows, events = {ours.stdout.strip()}; "
                   f"expected {spine_rows} {rows}")
        if series is not None:
            return
        self.measure("counts", "intensity counts --format csv", intensity_cmd(
            "counts", "--db", str(db), "--since", lo, "--until", hi, "--format", "csv"), rows=rows, repeat=rep,
            baseline=True, **warm)
        floor = self.measure("counts", "DuckDB floor (GROUP BY, no spine)", python_cmd(FLOOR_COUNTS) + [
            str(db), lo, hi], rows=rows, repeat=rep, capture=True, **warm)
        self.check(f"floor {human(rows)}: totals equal the events", floor.stdout.split()[1:] == [str(rows)],
                   floor.stdout.strip())
        if pandas:
            pq = parquet or events_path(rows, "parquet", out=self.data)
            pd_t = self.measure("counts", "pandas groupby + reindex per series", python_cmd(PANDAS_COUNTS) + [
                str(pq), lo, hi], rows=rows, repeat=rep, capture=True, **warm)
            self.check(f"pandas counts {human(rows)}: same spine and totals", pd_t.stdout.split() ==
                       [str(spine_rows), str(rows)], pd_t.stdout.strip())
            if self.args.pandas_product:
                self.measure("counts", "pandas one reindex (product index)", python_cmd(PANDAS_COUNTS_PRODUCT) + [
                    str(pq), lo, hi], rows=rows, repeat=rep, capture=True, **warm)

    def detect(self, rows: int, db: Path, *, series: int | None = None) -> None:
        self.measure("detect", "intensity detect (all series)", intensity_cmd(
            "detect", "--db", str(db), "--no-save", "--format", "csv"), rows=rows, series=series,
            repeat=self.repeat_for(rows, series=series), baseline=True)

    def report(self, rows: int, db: Path, *, series: int | None = None) -> None:
        out = self.stores / "reports"

        def fresh():
            shutil.rmtree(out, ignore_errors=True)

        t = self.measure("report", "intensity report", intensity_cmd("report", "--db", str(db), "--out", str(out),
                         "-q"), rows=rows, series=series, repeat=self.repeat_for(rows, series=series), setup=fresh,
                         capture=True,
                         baseline=True)
        folder = Path(t.stdout.strip().splitlines()[-1]) if t.stdout.strip() else out
        self.check(f"report {human(rows)}{f' / {series} series' if series else ''}: index.html written",
                   (folder / "index.html").exists(), str(folder))
        fresh()

    def series_growth(self) -> None:
        rows = self.args.series_rows
        for s in self.args.series:
            n_regions = math.ceil(s / 6)
            pq = write_event_files(rows, ("parquet",), n_regions=n_regions, out=self.data)["parquet"]
            db = self.stores / f"store_{rows}_s{s}.duckdb"
            self.measure("ingest Parquet", "intensity ingest (new store)", intensity_cmd(
                "ingest", str(pq), "--db", str(db), "-q"), rows=rows, series=s, repeat=1,
                setup=lambda db=db: remove_db(db))
            actual = self.store_facts(db)[1]
            self.extra.setdefault("series_actual", {})[str(s)] = actual
            if "counts" in self.args.stages:
                self.counts(rows, db, series=s)
            if "detect" in self.args.stages:
                self.detect(rows, db, series=s)
            if "report" in self.args.stages:
                self.report(rows, db, series=s)
            remove_db(db)

    def detection(self) -> None:
        """bench_detect.py: 10,000 series x 730 days (SIMULATED), screen, quantification, GLM loop."""
        a = self.args
        out = self.data / "detect"
        runs = []
        for s in sorted(set(a.detect_series)):
            argv = [sys.executable, str(BENCH / "bench_detect.py"), "--series", str(s), "--days", str(a.detect_days),
                    "--glm-sample", str(min(a.glm_sample, s)), "--out", str(out / str(s))]
            full = s == max(a.detect_series)
            for i in range(a.detect_repeat if full else 1):
                # The store run (10M events inserted, detect_signals) only once: it is slow.
                store = full and i == 0 and not a.quick
                t = self.measure("detection", f"bench_detect.py ({s} series)", argv + ([] if store else
                                 ["--no-store"]), series=s, repeat=1)
                res = json.loads((out / str(s) / "bench_detect.json").read_text())
                res["process_s"], res["process_peak_rss_mb"] = round(t.median, 3), round(t.peak_rss_mb, 1)
                # Normalised names (bench_detect.py's own keys have changed between versions).
                best = [k for k in res if k.startswith("screen_best_of_") and k.endswith("_s")]
                res["screen_s"] = res[best[0]] if best else res["screen_first_s"]
                res["screen_best_of"] = best[0].split("_")[3] if best else "1"
                res["glm_loop_s"] = res["glm_loop_10000_extrapolated_s"]  # scaled to this run's series count
                runs.append(res)
        self.extra["detection_runs"] = runs

    def extract(self) -> None:
        a = self.args
        out = self.data / "extract"
        argv = [sys.executable, str(BENCH / "bench_extract.py"), "--no-baseline", "--out", str(out),
                "--articles", str(a.articles), "--notes", str(a.notes), "--repeat", str(a.extract_repeat)]
        t = self.measure("extract", "bench_extract.py", argv, repeat=1)
        res = json.loads((out / "bench_extract.json").read_text())
        res["process_s"] = round(t.median, 3)
        self.extra["extract"] = res


# ----------------------------------------------------------------------------- summary


def med(rec: dict | None) -> float | None:
    return rec["median_s"] if rec else None


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def targets(b: Bench) -> list[dict]:
    a, out = b.args, []
    sizes = sorted(a.sizes)
    big = sizes[-1] if sizes else None

    def add(name, measured, met, note=""):
        out.append({"target": name, "measured": measured, "met": met, "note": note})

    for rows in sizes:
        ours = med(b.get("counts", "intensity.counts (API, process)", rows, None))
        pd_ = med(b.get("counts", "pandas groupby + reindex per series", rows))
        floor = med(b.get("counts", "DuckDB floor (GROUP BY, no spine)", rows))
        if ours and pd_:
            sp = pd_ / ours
            add(f"counts >= 10x faster than pandas ({human(rows)} rows)", f"{sp:.1f}x ({ours:.2f} s vs {pd_:.2f} s)",
                sp >= 10, "target at 10M; other sizes reported" if rows != 10_000_000 else "")
        if ours and floor:
            r = ours / floor
            add(f"counts within 1.5x of the DuckDB floor, whole processes ({human(rows)})",
                f"{r:.2f}x ({ours:.2f} s vs {floor:.2f} s)", r <= 1.5)
        ing = med(b.get("ingest CSV", "intensity ingest (new store)", rows))
        pdi = med(b.get("ingest CSV", "pandas read_csv + to_parquet", rows))
        fli = med(b.get("ingest CSV", FLOOR_INGEST_TOOL, rows))
        if ing and pdi:
            note = (f"DuckDB's own write floor, {FLOOR_INGEST_TOOL}: {fli:.2f} s, {fli / pdi:.2f}x pandas; "
                    f"intensity {ing / fli:.2f}x that floor" if fli else "")
            add(f"CSV ingest no slower than pandas read_csv + to_parquet ({human(rows)})",
                f"{ing / pdi:.2f}x ({ing:.2f} s vs {pdi:.2f} s)", ing <= pdi, note)
    if big:
        rec = b.get("ingest CSV", "intensity ingest (new store)", big)
        if rec:
            add(f"ingest peak RSS < 2 GB ({human(big)} rows)", f"{rec['peak_rss_mb']:.0f} MB",
                rec["peak_rss_mb"] < 2048, "" if big >= 10_000_000 else "target is at 10M rows")
    runs = [r for r in b.extra.get("detection_runs", []) if r["series"] == max(a.detect_series)]
    if runs:
        scr = statistics.median(r["screen_s"] for r in runs)
        full = statistics.median(r["full_detect_s"] for r in runs)
        loop = statistics.median(r["glm_loop_s"] for r in runs)
        tag = f"{runs[0]['series']:,} series x {runs[0]['days']} days"
        add(f"detection screen < 1 s ({tag})", f"{scr:.2f} s", scr < 1)
        add(f"detection with statsmodels quantification < 10 s ({tag})", f"{full:.2f} s", full < 10)
        add(f"screen >= 20x faster than the per-series GLM loop ({tag})", f"{loop / scr:.1f}x "
            f"({scr:.2f} s vs {loop:.1f} s)", loop / scr >= 20, "the loop is timed on a sample and scaled")
        add(f"full detection >= 20x faster than the per-series GLM loop ({tag})", f"{loop / full:.1f}x "
            f"({full:.2f} s vs {loop:.1f} s)", loop / full >= 20, "stricter reading: screen + quantification")
    for rec in b.records:
        if rec["stage"] == "report" and rec["series"] and rec["series"] == a.report_target_series:
            add(f"report over {human(rec['rows'])} events and {rec['series']:,} series < 15 s",
                f"{rec['median_s']:.2f} s", rec["median_s"] < 15, "issue #6" +
                ("" if rec["rows"] == 1_000_000 else "; the target is at 1M events"))
    h = b.get("startup", "intensity --help")
    if h:
        add("`intensity --help` < 0.3 s", f"{h['median_s']:.3f} s", h["median_s"] < 0.3)
    return out


def growth(b: Bench) -> dict:
    a = b.args
    rows_growth, series_growth = {}, {}
    recs = [r for r in b.records if BASELINE_TAG not in r["tool"]]
    keys = sorted({(r["stage"], r["tool"]) for r in recs if r["rows"] and r["series"] is None})
    for k in keys:
        pts = sorted((r["rows"], r["median_s"]) for r in recs if (r["stage"], r["tool"]) == k
                     and r["series"] is None and r["rows"] in a.sizes)
        if len(pts) >= 2:
            xs, ys = zip(*pts)
            rows_growth[" / ".join(k)] = {"points": {str(x): y for x, y in pts}, "exponent": slope(xs, ys),
                                         "exponent_last_step": slope(xs[-2:], ys[-2:])}
    keys = sorted({(r["stage"], r["tool"]) for r in recs if r["series"] and r["stage"] != "detection"})
    pts_by_key = {k: sorted((r["series"], r["median_s"]) for r in recs if (r["stage"], r["tool"]) == k
                            and r["series"]) for k in keys}
    # Detection: the screen time bench_detect.py measures in-process, per series count.
    det = {}
    for r in b.extra.get("detection_runs", []):
        det.setdefault(r["series"], []).append(r["screen_s"])
    pts_by_key[("detection", "screen (bench_detect.py, in-process)")] = sorted(
        (s, statistics.median(v)) for s, v in det.items())
    for k, pts in pts_by_key.items():
        if len(pts) >= 2:
            xs, ys = zip(*pts)
            series_growth[" / ".join(k)] = {"points": {str(x): y for x, y in pts}, "exponent": slope(xs, ys)}
    return {"rows": rows_growth, "series": series_growth}


def markdown(res: dict) -> str:
    cfg, L = res["config"], []
    L += ["# intensity benchmarks", "",
          f"`{res['command']}` on {res['machine']['cpus']} cores ({res['machine']['platform']}), "
          f"{res['finished_at'][:16]} UTC, {res['total_s'] / 60:.1f} min in all. Whole processes; median of "
          f"{cfg['repeat']} runs ({cfg['repeat_large']} at >= {human(cfg['large'])} rows, {cfg['repeat_large_ingest']} "
          f"for ingest there; {cfg['series_repeat']} per series-growth point but the report target; counts: one "
          "warm-up run, then at least 3); load average "
          f"{res['machine']['load_start']} at the start, {res['machine']['load_end']} at the end "
          "(per measurement in results.json). Data: seeded canonical events, "
          f"{cfg['regions']} regions x 6 event types x {cfg['days']} days (overdispersed, NB fatalities).", ""]
    L += ["## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in res["targets"]:
        note = f" ({t['note']})" if t["note"] else ""
        L.append(f"| {t['target']}{note} | {t['measured']} | {'yes' if t['met'] else '**no**'} |")
    L += ["", "## Stages", "",
          "| stage | rows | tool | median s | CPU s | rows/s | peak RSS MB | ratio to intensity |",
          "|---|---:|---|---:|---:|---:|---:|---:|"]
    recs = res["records"]
    ours_tool = {"ingest CSV": "intensity ingest (new store)", "ingest Parquet": "intensity ingest (new store)",
                 "counts": "intensity.counts (API, process)"}
    for r in recs:
        if r["series"] is not None or r["stage"] in ("startup", "detection", "extract"):
            continue
        base = next((x for x in recs if x["stage"] == r["stage"] and x["rows"] == r["rows"] and x["series"] is None
                     and x["tool"] == ours_tool.get(r["stage"])), None)
        rt = ratio(r["median_s"], base["median_s"]) if base and base is not r else None
        L.append(f"| {r['stage']} | {human(r['rows'])} | {r['tool']} | {r['median_s']:.2f} | {r['cpu_median_s']:.2f} "
                 f"| {r['rows_per_s']:,} | {r['peak_rss_mb']:.0f} | {f'{rt:.2f}' if rt else ''} |")
    srecs = [r for r in recs if r["series"] and r["stage"] != "detection"]
    if srecs:
        L += ["", f"## Series growth ({human(cfg['series_rows'])} events over {cfg['days']} days)", "",
              "| stage | series asked | series stored | tool | median s | peak RSS MB |", "|---|---:|---:|---|---:|---:|"]
        for r in srecs:
            L.append(f"| {r['stage']} | {r['series']:,} | {res['series_actual'].get(str(r['series']), '')} | "
                     f"{r['tool']} | {r['median_s']:.2f} | {r['peak_rss_mb']:.0f} |")
    g = res["growth"]
    if g["rows"] or g["series"]:
        L += ["", "## Growth (fitted exponent b of time = a * n^b; 1 = linear)", "",
              "| against | stage / tool | points (n: median s) | b (all points) | b (last step) |",
              "|---|---|---|---:|---:|"]
        for k, v in g["rows"].items():
            pts = ", ".join(f"{human(int(x))}: {y:.2f}" for x, y in v["points"].items())
            L.append(f"| rows | {k} | {pts} | {v['exponent']} | {v['exponent_last_step']} |")
        for k, v in g["series"].items():
            pts = ", ".join(f"{int(x):,}: {y:.2f}" for x, y in v["points"].items())
            L.append(f"| series | {k} | {pts} | {v['exponent']} | |")
    pairs = []
    for r in recs:
        if BASELINE_TAG in r["tool"]:
            tool = r["tool"].split(f" [{BASELINE_TAG}")[0]
            now = next((x for x in recs if x["tool"] == tool and x["stage"] == r["stage"] and x["rows"] == r["rows"]
                        and x["series"] == r["series"]), None)
            if now:
                pairs.append((r, now))
    if pairs:
        ref = pairs[0][0]["tool"].split(BASELINE_TAG)[1].rstrip("]")
        L += ["", f"## Before / after (the code of `{ref}` against the working tree, same run)", "",
              "| stage | rows | series | tool | before s | after s | speed-up | before CPU s | after CPU s | "
              "before RSS MB | after RSS MB |", "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
        for old, new in pairs:
            L.append(f"| {new['stage']} | {human(new['rows']) if new['rows'] else ''} | {new['series'] or ''} | "
                     f"{new['tool']} | {old['median_s']:.2f} | {new['median_s']:.2f} | "
                     f"{old['median_s'] / new['median_s']:.2f}x | {old['cpu_median_s']:.2f} | {new['cpu_median_s']:.2f} | "
                     f"{old['peak_rss_mb']:.0f} | {new['peak_rss_mb']:.0f} |")
    det = res.get("detection_runs")
    if det:
        L += ["", "## Detection (`bench/bench_detect.py`, SIMULATED series; in-process seconds)", "",
              "| series x days | screen (best of n) | full: screen + statsmodels quantification + ranking | "
              "per-series GLM loop (scaled) | signals | process s | peak RSS MB |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in det:
            L.append(f"| {r['series']:,} x {r['days']} | {r['screen_s']:.2f} (of {r['screen_best_of']}) | "
                     f"{r['full_detect_s']:.2f} | {r['glm_loop_s']:.1f} | "
                     f"{r['signals_last_28_days']} | {r['process_s']:.1f} | {r['process_peak_rss_mb']:.0f} |")
        st = [r["store"] for r in det if "store" in r]
        if st:
            L.append(f"\n`detect_signals` on a DuckDB store of {st[0]['events']:,} events (SQL load included): "
                     f"{statistics.median(s['detect_signals_s'] for s in st):.2f} s.")
    ex = res.get("extract")
    if ex:
        L += ["", "## Text extraction (`bench/bench_extract.py`, one core, warm)", "",
              "| documents | n | chars each | articles/s | events |", "|---|---:|---:|---:|---:|"]
        for name, r in ex["sets"].items():
            L.append(f"| {name} | {r['docs']} | {r['chars_per_doc']:.0f} | {r['current_articles_per_s']} | "
                     f"{r['events']} |")
        L.append(f"\nStart-up (lexicon + gazetteer) {ex['startup_s']} s; peak RSS {ex['peak_rss_mb']} MB.")
    st = [r for r in recs if r["stage"] == "startup"]
    if st:
        L += ["", "## Start-up", "", "| command | median s | peak RSS MB |", "|---|---:|---:|"]
        for r in st:
            L.append(f"| {r['tool']} | {r['median_s']:.3f} | {r['peak_rss_mb']:.0f} |")
    bad = [c for c in res["checks"] if not c["ok"]]
    L += ["", f"Correctness checks: {len(res['checks']) - len(bad)} of {len(res['checks'])} passed"
          + ("" if not bad else ": FAILED " + "; ".join(f"{c['check']} ({c['detail']})" for c in bad)) + "."]
    return "\n".join(L) + "\n"


# ----------------------------------------------------------------------------- main


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one run each (a smoke run)")
    ap.add_argument("--sizes", help="comma list of row counts [100000,1000000,10000000]")
    ap.add_argument("--series", help="comma list of series counts for the growth run [100,1000,5000,10000]")
    ap.add_argument("--series-rows", type=int, help="events in each series-growth store [1000000]")
    ap.add_argument("--only", help=f"comma list of stages: {','.join(STAGES)}")
    ap.add_argument("--repeat", type=int, help="runs per measurement [3]")
    ap.add_argument("--repeat-large", type=int, help="runs per measurement at >= --large rows [2]")
    ap.add_argument("--repeat-large-ingest", type=int, help="runs of each ingest at >= --large rows [1]")
    ap.add_argument("--series-repeat", type=int, help="runs per series-growth point (the report target: --repeat) [1]")
    ap.add_argument("--large", type=int, default=5_000_000)
    ap.add_argument("--days", type=int, default=1095, help="the generator's date range (it starts 2022-01-01)")
    ap.add_argument("--no-pandas-product", dest="pandas_product", action="store_false",
                    help="skip the extra pandas variant (one reindex on a product index)")
    ap.add_argument("--out", type=Path, help="where results.json and RESULTS.md go [bench/]")
    ap.add_argument("--data", type=Path, help="generated data and stores [bench/out/]")
    ap.add_argument("--baseline-ref", help="also time our stages with the code of this git ref (before/after)")
    ap.add_argument("--wait-quiet", type=float, default=0, help="wait up to this many seconds for a quiet machine")
    ap.add_argument("--quiet-load", type=float, default=0.7, help="1-minute load average that counts as quiet")
    a = ap.parse_args(argv)
    partial = bool(a.sizes or a.only or a.series or a.baseline_ref)
    q = a.quick
    a.sizes = [int(x) for x in a.sizes.split(",")] if a.sizes else ([2_000, 8_000] if q else
                                                                     [100_000, 1_000_000, 10_000_000])
    a.series = [int(x) for x in a.series.split(",")] if a.series else ([12, 60] if q else [100, 1000, 5000, 10000])
    a.series_rows = a.series_rows or (5_000 if q else 1_000_000)
    a.stages = set(a.only.split(",")) if a.only else set(STAGES)
    unknown = a.stages - set(STAGES)
    if unknown:
        ap.error(f"unknown stage(s) {', '.join(sorted(unknown))}; choose from {', '.join(STAGES)}")
    a.repeat = a.repeat or (1 if q else 3)
    a.repeat_large = a.repeat_large or (1 if q else 2)
    a.repeat_large_ingest = a.repeat_large_ingest or 1
    a.series_repeat = a.series_repeat or 1
    a.startup_repeat = 3 if q else 10
    a.detect_series = [60, 120] if q else [100, 1000, 10_000]
    a.detect_days = 450 if q else 730
    a.detect_repeat = 1 if q else 3
    a.glm_sample = 10 if q else 500
    a.articles, a.notes, a.extract_repeat = (5, 10, 1) if q else (400, 2000, 3)
    a.report_target_series = 60 if q else 5000
    a.regions = 200
    a.data = a.data or (BENCH / "out" / "quick" if q else BENCH / "out")
    a.out = a.out or (BENCH / "out" / "quick" if q else BENCH / "out" / "partial" if partial else BENCH)
    return a


def main(argv=None) -> int:
    a = parse_args(argv)
    t_start = time.perf_counter()
    quiet = wait_quiet(a.wait_quiet, a.quiet_load)
    b = Bench(a)
    print(f"bench: sizes {a.sizes}, stages {sorted(a.stages)}, load {quiet['load_after_wait']}", flush=True)
    if "startup" in a.stages:
        b.startup()
    for rows in a.sizes:
        print(f"[{human(rows)} rows]", flush=True)
        db = b.ingest(rows) if "ingest" in a.stages else None
        if a.stages & {"counts", "detect", "report"}:
            db = db or b.store_for(rows)
        if "counts" in a.stages:
            b.counts(rows, db)
        if "detect" in a.stages:
            b.detect(rows, db)
        if "report" in a.stages:
            b.report(rows, db)
    if "series" in a.stages:
        print("[series growth]", flush=True)
        b.series_growth()
    if "detection" in a.stages:
        print("[detection: bench_detect.py]", flush=True)
        b.detection()
    if "extract" in a.stages:
        print("[extraction: bench_extract.py]", flush=True)
        b.extract()
    import duckdb
    import polars

    res = {
        "command": "python bench/run.py" + ("" if argv is None and len(sys.argv) == 1 else
                                            " " + " ".join(argv if argv is not None else sys.argv[1:])),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "total_s": round(time.perf_counter() - t_start, 1),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(terse=True),
                    "python": platform.python_version(), "duckdb": duckdb.__version__, "polars": polars.__version__,
                    "load_start": quiet["load_after_wait"], "load_end": loadavg(), "quiet_wait": quiet},
        "config": {k: (sorted(v) if isinstance(v, set) else str(v) if isinstance(v, Path) else v)
                   for k, v in vars(a).items()},
        "records": b.records, "checks": b.checks, "targets": targets(b), "growth": growth(b),
        "series_actual": b.extra.get("series_actual", {}), "series_per_size": b.extra.get("series_per_size", {}),
        "detection_runs": b.extra.get("detection_runs", []), "extract": b.extra.get("extract"),
    }
    try:
        import pandas

        res["machine"]["pandas"] = pandas.__version__
    except ImportError:  # pragma: no cover - pandas is in the test extra
        pass
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(res, indent=1) + "\n")
    md = markdown(res)
    (a.out / "RESULTS.md").write_text(md)
    print("\n" + md)
    print(f"wrote {a.out / 'results.json'} and {a.out / 'RESULTS.md'}")
    return 0 if all(c["ok"] for c in b.checks) else 1


if __name__ == "__main__":
    sys.exit(main())
