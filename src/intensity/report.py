"""The escalation report: one self-contained HTML file, PNG charts and summary.json.

:func:`build_report` gathers counts, signals and provenance from the store,
draws the charts, renders ``templates/report.html.j2`` (Jinja2, autoescaped:
titles, places, actors and notes from data are shown as text, never run) and
publishes ``<out>/<slug>/`` atomically, with ``<out>/latest`` pointing at it.
"""

from __future__ import annotations

import base64
import json
import re
import struct
from dataclasses import dataclass, field
from functools import cache
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from intensity import __version__
from intensity.db import current_source, get_meta, source_filtered, utcnow
from intensity.errors import UsageError

EVIDENCE_CHARS = 220


@dataclass
class Chart:
    """A rendered chart: file name, PNG bytes and the caption shown under it."""

    name: str
    png: bytes
    caption: str
    alt: str

    @property
    def b64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")

    @property
    def size(self) -> tuple[int, int]:
        # PNG IHDR: width and height are the two big-endian uint32 after the signature.
        return struct.unpack(">II", self.png[16:24])

    def context(self) -> dict:
        w, h = self.size
        return {"b64": self.b64, "caption": self.caption, "alt": self.alt, "width": w, "height": h}


@dataclass
class ReportResult:
    """Where the report went and what it says."""

    path: Path
    summary: dict
    charts: list[str] = field(default_factory=list)


def slug_for(since: date, until: date, *, country: str | None = None, region: str | None = None,
             source: str | None = None) -> str:
    """Folder name for a report window, e.g. ``2024-03-01_2024-04-15`` (plus filters)."""
    parts = [f"{since.isoformat()}_{until.isoformat()}"]
    parts += [p for p in (country, region) if p]
    parts += [f"source-{re.sub(r'[^A-Za-z0-9._-]+', '-', source)}"] if source else []
    return "_".join(parts).replace("/", "-")


def _fmt_num(v, digits: int = 2) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        return f"{v:.{digits}f}"
    return str(v)


def _fmt_p(v) -> str:
    """A p- or q-value with two significant digits: 0.000 would hide 2e-05 vs 0.0004."""
    if not _finite(v):
        return ""
    v = float(v)
    return f"{v:.2g}" if v < 0.01 else f"{v:.3f}"


def _snippet(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


@cache
def _type_label(event_type: str, sub_event_type: str | None = None) -> str:
    from intensity import taxonomy

    for r in taxonomy.rows():
        if sub_event_type and r["sub_event_type"] == sub_event_type:
            return r["sub_event_type_label"]
    for r in taxonomy.rows():
        if r["event_type"] == event_type:
            return r["event_type_label"]
    return event_type


def _place(row: dict) -> str:
    if row.get("level") == "country":
        return f"{row['country_iso3']} (country total)"
    name = row.get("admin1") or "unresolved region"
    code = row.get("admin1_code") or row.get("country_iso3")
    return f"{name} ({code})"


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and v == v and abs(v) != float("inf")


def headline_sentence(sig: dict) -> str:
    """One plain sentence for a signal, e.g.
    ``Shelling/artillery/missile attack in Belgorod (RU-BEL): 3.1x its 8-week baseline
    (95% CI 2.2-4.4) since 12 Mar; 41 events, 9 killed``."""
    what = _type_label(sig["event_type"], sig.get("sub_event_type"))
    since, end = sig.get("onset_date") or sig.get("first_alarm_date"), sig.get("end_date")
    since_txt = ("" if not isinstance(since, date) else f" from {since:%d %b %Y} to {end:%d %b %Y}"
                 if isinstance(end, date) else f" since {since:%d %b %Y}")
    rr, lo, hi = sig.get("rr7"), sig.get("rr7_lo"), sig.get("rr7_hi")
    if sig.get("kind") == "emergence":
        size = "new activity after a quiet 8-week baseline"
    elif rr is not None and rr == rr:
        ci = f" (95% CI {lo:.1f}-{hi:.1f})" if _finite(lo) and _finite(hi) else ""
        size = f"{rr:.1f}x its 8-week baseline{ci}"
    else:
        size = "changed from its baseline"
    counts = []
    if sig.get("events_since_onset") is not None:
        counts.append(f"{sig['events_since_onset']} events")
    if sig.get("fatalities_since_onset"):
        counts.append(f"{sig['fatalities_since_onset']} killed")
    tail = f"; {', '.join(counts)}" if counts else ""
    alarm = sig.get("first_alarm_date")
    alarm_txt = f" (first alarm {alarm:%d %b})" if isinstance(alarm, date) else ""
    return f"{what} in {_place(sig)}: {size}{since_txt}{tail}{alarm_txt}"


RANKED_COLUMNS = [
    ("rank", "#", True), ("place", "region", False), ("type", "event type", False), ("status", "open signal", False),
    ("recent_7d", "last 7 d", True), ("baseline_7d", "baseline / 7 d", True), ("rr7", "RR 7 d", True),
    ("ci_7d", "95% CI", True), ("rr28", "RR 28 d", True), ("q_value", "q", True),
    ("trend", "trend %/wk (95% CI)", True),
]


def render_html(context: dict) -> str:
    """Render the report template with autoescaping on and undefined names as errors."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("intensity", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**context)


def _provenance(con, since: date, until: date) -> tuple[list[dict], dict]:
    # Fatalities stay NULL (shown as "n/a") where no event of a source reports any: 0 would
    # claim nobody was killed.
    sources = con.sql(
        "SELECT source, count(*) AS events, min(event_date) AS first_date, max(event_date) AS last_date, "
        "CAST(sum(fatalities) AS BIGINT) AS fatalities, "
        "count(*) FILTER (WHERE admin1 IS NOT NULL AND admin1_code IS NULL) AS unresolved_region, "
        "count(*) FILTER (WHERE admin1_code IS NULL) AS without_region "
        "FROM events WHERE event_date BETWEEN $since AND $until GROUP BY source ORDER BY events DESC",
        params={"since": since, "until": until},
    ).pl().to_dicts()
    if current_source() is None:
        files = con.execute("SELECT count(*) FROM ingest_files").fetchall()[0][0]
        rejects = con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
    else:
        # One source's report: the files its events came from (`events` is that source's view),
        # and the rows those files rejected.
        files, rejects = con.execute(
            "WITH f AS (SELECT DISTINCT file_id FROM events WHERE file_id IS NOT NULL) "
            "SELECT (SELECT count(*) FROM f), (SELECT count(*) FROM rejects WHERE file_id IN (SELECT file_id FROM f))"
        ).fetchall()[0]
    # The window's stored events, as in the sources table (not per-file `unresolved_regions`
    # rows: an event replaced by a newer file would count twice there); count(*) OVER () is
    # the number of distinct names before the LIMIT.
    unresolved = con.execute(
        "SELECT admin1, count(*) AS n, count(*) OVER () AS names FROM events "
        "WHERE admin1 IS NOT NULL AND admin1_code IS NULL AND event_date BETWEEN ? AND ? "
        "GROUP BY admin1 ORDER BY n DESC, admin1 LIMIT 10",
        [since, until],
    ).fetchall()
    versions = con.execute(
        "SELECT DISTINCT extractor_version FROM events WHERE extractor_version IS NOT NULL ORDER BY 1"
    ).fetchall()
    return sources, {
        "files": files,
        "rejects": rejects,
        "unresolved": sum(src["unresolved_region"] for src in sources),
        "unresolved_distinct": unresolved[0][2] if unresolved else 0,
        "unresolved_names": ", ".join(f"{name} ({n})" for name, n, _ in unresolved),
        "extractor_versions": ", ".join(v for (v,) in versions),
    }


def _signal_keys(sigs: list[dict], *, fallback: date | None, until: date) -> pl.DataFrame:
    """One row per signal (``_k`` = its index): the series it is about, the day it starts
    (onset, else first alarm, else ``fallback``) and the day it stops: an ended episode's
    ``end_date``, else ``until`` (a later episode of the series has its own events)."""
    return pl.DataFrame({
        "_k": range(len(sigs)),
        "country_iso3": [s["country_iso3"] for s in sigs],
        "admin1_code": [s.get("admin1_code") for s in sigs],
        "total": [s.get("level") == "country" for s in sigs],
        "event_type": [s["event_type"] for s in sigs],
        "start": [s.get("onset_date") or s.get("first_alarm_date") or fallback for s in sigs],
        "stop": [min(s["end_date"], until) if isinstance(s.get("end_date"), date) else until for s in sigs],
    }, schema_overrides={"admin1_code": pl.String, "start": pl.Date, "stop": pl.Date})


def _events_behind(con, sigs: list[dict], *, until: date, limit: int = 40) -> list[tuple[list[dict], int]]:
    """The latest ``limit`` events behind each signal and how many there are: one query for all."""
    if not sigs:
        return []
    want = _signal_keys(sigs, fallback=until - timedelta(days=27), until=until)
    con.register("_report_events_behind", want)
    try:
        got = con.sql(
            "SELECT * FROM (SELECT w._k, e.event_date, e.location, e.admin1, e.admin1_code, e.country_iso3, "
            "e.event_type, e.sub_event_type, e.fatalities, e.injured, e.source, e.notes, "
            "row_number() OVER (PARTITION BY w._k ORDER BY e.event_date DESC, e.event_id) AS _rn, "
            "count(*) OVER (PARTITION BY w._k) AS _total "
            "FROM _report_events_behind w JOIN events e ON e.country_iso3 = w.country_iso3 "
            "AND (w.total OR e.admin1_code IS NOT DISTINCT FROM w.admin1_code) AND e.event_type = w.event_type "
            "AND e.event_date BETWEEN w.start AND w.stop) "
            f"WHERE _rn <= {int(limit)} ORDER BY _k, _rn",
        ).pl()
    finally:
        con.unregister("_report_events_behind")
    out = [([], 0) for _ in sigs]
    for part in got.partition_by("_k", maintain_order=True):
        k, total = int(part["_k"][0]), int(part["_total"][0])
        rows = part.drop("_k", "_rn", "_total").to_dicts()
        for r in rows:
            r["place"] = ", ".join(p for p in (r.get("location"), r.get("admin1")) if p) or _place(r)
            r["evidence"] = _snippet(r.get("notes"))
        out[k] = (rows, total)
    return out


def _is_simulated(con) -> bool:
    if get_meta(con, "simulated") == "true" and current_source() is None:  # (--source: its events decide)
        return True
    return bool(con.execute("SELECT 1 FROM events WHERE source = 'simulated' LIMIT 1").fetchall())


def write_report(
    con,
    *,
    since: date,
    until: date,
    out: Path,
    signals: pl.DataFrame,
    ranked: pl.DataFrame,
    traces: dict,
    daily: pl.DataFrame,
    intensity: pl.DataFrame | None,
    method: dict,
    country: str | None = None,
    region: str | None = None,
    update_latest: bool = True,
    max_flagged: int = 12,
    extra_summary: dict | None = None,
) -> ReportResult:
    """Render and publish a report from already computed inputs (see :func:`build_report`).

    Args:
        signals: one row per alarm episode (detection's signals frame).
        ranked: all series ranked (detection's ranking frame).
        traces: ``{series key tuple: trace frame}`` for the flagged series, where a
            trace has ``day``, ``events`` and optionally ``baseline``/``baseline_lo``/``baseline_hi``.
        daily: zero-filled daily counts over the window.
        intensity: ``country_iso3, day, intensity`` rows, or None.
        method: ``{"description": str, "parameters": [(name, value), ...], ...}``.
        extra_summary: more run metadata for ``summary.json`` (``as_of`` goes under ``report``).
    """
    from intensity import charts
    from intensity.publish import publish, staging_dir

    source = current_source()
    slug = slug_for(since, until, country=country, region=region, source=source)
    simulated = _is_simulated(con)
    sources, provenance = _provenance(con, since, until)
    data_through = con.sql("SELECT max(event_date) AS d FROM events WHERE event_date <= $u",
                           params={"u": until}).pl()["d"][0]
    sim_note = " Simulated data." if simulated else ""

    overview = [
        Chart("country_totals.png", charts.png_bytes(charts.country_totals(daily)),
              "Events per ACLED week (Saturday to Friday) by country, stacked by event type; the first and last weeks may be partial." + sim_note,
              "Weekly events per country, stacked by event type"),
        Chart("region_heatmap.png", charts.png_bytes(charts.region_heatmap(daily)),
              "Events per region and day, all types; colour on a log scale, busiest regions on top." + sim_note,
              "Heatmap of daily events by region"),
    ]
    if intensity is not None and intensity.height:
        overview.append(Chart(
            "intensity_index.png", charts.png_bytes(charts.intensity_lines(intensity)),
            "Severity-weighted intensity index per country (7-day mean): each event weighted by its "
            "sub-event type's severity x (1 + log(1 + fatalities))." + sim_note,
            "Intensity index per country"))

    sig_rows = signals.to_dicts()
    behind = _events_behind(con, sig_rows[:max_flagged], until=until)
    flagged = []
    for i, sig in enumerate(sig_rows[:max_flagged], start=1):
        key = (sig["country_iso3"], sig.get("admin1_code"), sig["event_type"])
        title = f"{_type_label(sig['event_type'])} in {_place(sig)}: {sig.get('kind', 'signal')}"
        trace = traces.get(key)
        chart = None
        if trace is not None and trace.height:
            fig = charts.series_panel(trace, title=title, first_alarm=sig.get("first_alarm_date"),
                                      onset=sig.get("onset_date"), event_type=sig["event_type"])
            chart = Chart(f"signal_{i:02d}.png", charts.png_bytes(fig),
                          f"Daily events with their 7-day mean, the 56-day baseline (7-day guard band) and its "
                          f"band; red line: first alarm, dotted: estimated onset.{sim_note}",
                          f"Daily events for {title}")
        events, total = behind[i - 1]
        flagged.append({"title": f"{i}. {title}", "chart": chart.context() if chart else None,
                        "detail": headline_sentence(sig) + ".", "events": events, "events_total": total,
                        "_chart": chart})

    ranked_dicts = ranked.to_dicts()
    ranked_rows = []
    for r in ranked_dicts:
        lo, hi = r.get("rr7_lo"), r.get("rr7_hi")
        tr, tlo, thi = r.get("trend_pct_week"), r.get("trend_lo"), r.get("trend_hi")
        base = r.get("baseline_rate")
        ranked_rows.append({
            "rank": r.get("rank"), "place": _place(r), "type": _type_label(r["event_type"]),
            "status": r.get("status") or "",
            "recent_7d": _fmt_num(r.get("recent_count"), 0),
            "baseline_7d": f"{7 * base:.1f}" if _finite(base) else "",
            "rr7": _fmt_num(r.get("rr7")),
            "ci_7d": f"{lo:.2f}-{hi:.2f}" if _finite(lo) and _finite(hi) else "",
            "rr28": _fmt_num(r.get("rr28")), "q_value": _fmt_p(r.get("q_value")),
            "trend": (f"{tr:+.0f} ({tlo:+.0f} to {thi:+.0f})" if _finite(tlo) and _finite(thi) else f"{tr:+.0f}")
            if _finite(tr) else "",
        })
    # The template gets (css class, value) cells in column order: no per-cell lookups
    # while rendering (the table has a row per series, thousands on a large store).
    ranked_cells = [[("num" if num else "", row[k]) for k, _, num in RANKED_COLUMNS] for row in ranked_rows]

    generated_at = utcnow().replace(microsecond=0)
    headlines = [{"kind": s.get("kind", "escalation"), "sentence": headline_sentence(s)} for s in sig_rows[:10]]
    title = "Conflict escalation report" + (f": {country}" if country else "") + (f" {region}" if region else "") \
        + (f" ({source} events only)" if source else "")
    context = {
        "title": title, "since": since, "until": until, "data_through": data_through,
        "generated_at": generated_at.isoformat(sep=" "), "version": __version__, "simulated": simulated,
        "headlines": headlines,
        "legend": [(k, charts.TYPE_LABELS[k], v) for k, v in charts.TYPE_COLORS.items()],
        "overview_charts": [c.context() for c in overview],
        "flagged": flagged,
        "ranked": ranked_cells,
        "ranked_columns": [{"key": k, "label": lab, "num": num} for k, lab, num in RANKED_COLUMNS],
        "method": {"description": method.get("description", ""), "parameters": method.get("parameters", [])},
        "sources": sources,
        "provenance": provenance,
        "db_name": method.get("db_name", "the event store"),
    }
    html = render_html(context)

    summary = {
        "report": {"since": since, "until": until, "data_through": data_through, "generated_at": generated_at,
                   "country": country, "region": region, "source": source, "simulated": simulated,
                   "intensity_version": __version__,
                   "slug": slug},
        "method": method,
        "signals": sig_rows,
        "ranked": ranked_dicts,
        "sources": sources,
        "provenance": provenance,
        "charts": [c.name for c in overview] + [f["_chart"].name for f in flagged if f["_chart"]],
    }
    extra = dict(extra_summary or {})
    summary["report"]["as_of"] = extra.pop("as_of", until)
    summary.update(extra)
    staging = staging_dir(out, slug)
    (staging / "index.html").write_text(html, encoding="utf-8")
    for c in overview + [f["_chart"] for f in flagged if f["_chart"]]:
        (staging / c.name).write_bytes(c.png)
    (staging / "summary.json").write_text(summary_json(summary), encoding="utf-8")
    final = publish(staging, out, slug, update_latest=update_latest)
    return ReportResult(path=final, summary=summary, charts=summary["charts"])


ROW_LISTS = ("signals", "ranked")


def summary_json(summary: dict) -> str:
    """``summary.json`` text: indented, with one compact line per row of ``signals`` and ``ranked``.

    ``json.dumps(..., indent=2)`` runs the pure-Python encoder; the row lists (a row
    per series) are encoded by the C encoder, one row per line, so a 5,000-series
    summary stays readable and diffable and costs a fraction of the time.
    """
    parts = []
    for k, v in summary.items():
        if k in ROW_LISTS and isinstance(v, list):
            val = ("[\n" + ",\n".join("    " + json.dumps(r, default=_json_default) for r in v) + "\n  ]") if v else "[]"
        else:
            val = json.dumps(v, indent=2, default=_json_default).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(k)}: {val}")
    return "{\n" + ",\n".join(parts) + "\n}\n" if parts else "{}\n"


def _json_default(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, float) and v != v:
        return None
    return str(v)


def resolve_window(con, since, until, as_of, country: str | None = None) -> tuple[date, date, date]:
    """(since, until, as_of) for a report; ``as_of`` defaults to the data-through day.

    Defaulting to the last day with data (not today) keeps a report on an older
    export from ending in weeks of invented zeros and spurious de-escalations.
    """
    from intensity.dates import last_event_day, parse_date, reference_from, window

    last = last_event_day(con, country)  # (with --country, that country's: see intensity.dates)
    if last is None:
        if country is not None:
            raise UsageError(f"the store holds no events of {country}", hint="see `intensity status`")
        raise UsageError("the store holds no events", hint="load some with `intensity ingest` or `intensity demo`")
    ref = reference_from(last, parse_date(as_of) if as_of else None)
    # (without --since, the 28 days up to --until: "--until 2024-03-15" alone replays that day)
    lo, hi = window(since, until if until is not None else ref, as_of=ref, default_days=28)
    return lo, hi, ref


def _since_onset(con, sigs: list[dict], until: date) -> list[tuple[int, int]]:
    """(events, killed) from each signal's onset (or first alarm) to the end of its episode
    (``until`` while it goes on): one query for all."""
    if not sigs:
        return []
    want = _signal_keys(sigs, fallback=None, until=until)
    con.register("_report_since_onset", want)
    try:
        got = con.execute(
            "SELECT w._k, count(e.event_date), CAST(coalesce(sum(e.fatalities), 0) AS BIGINT) "
            "FROM _report_since_onset w LEFT JOIN events e ON e.country_iso3 = w.country_iso3 "
            "AND (w.total OR e.admin1_code IS NOT DISTINCT FROM w.admin1_code) AND e.event_type = w.event_type "
            "AND e.event_date BETWEEN w.start AND w.stop GROUP BY w._k",
        ).fetchall()
    finally:
        con.unregister("_report_since_onset")
    by = {k: (int(n), int(f)) for k, n, f in got}
    return [by.get(k, (0, 0)) for k in range(len(sigs))]


def panel_traces(run, series: list[tuple[tuple, str | None]], *, since: date) -> dict[tuple, pl.DataFrame]:
    """Chart traces of the flagged series: ``day, events, baseline, baseline_lo, baseline_hi``.

    The same values as :func:`intensity.detect.trace_run` (a test compares them),
    computed for the charted days only: the baseline statistics of every charted
    series come from :meth:`Run.values` (one cached pass per day over all series)
    instead of a full-history recomputation, with CUSUM paths the charts do not
    show, per series. The band is :func:`intensity.detect.baseline_band`.

    Args:
        run: the screened :class:`intensity.detect.Run`.
        series: ``((country_iso3, admin1_code, event_type), level)`` per chart.
        since: first day charted.

    Returns:
        ``{(country_iso3, admin1_code, event_type): trace frame}``.
    """
    import numpy as np

    from intensity import detect

    data, params = run.data, run.params
    if not series:
        return {}
    keys = data.keys.select("level", "country_iso3", "admin1_code", "event_type").iter_rows()
    index = {k: i for i, k in enumerate(keys)}
    cols = []
    for (c, a, et), level in series:
        level = level or ("admin1" if a else "country")
        if (level, c, a, et) not in index:
            raise UsageError(f"no series {level} {c} {a or '(total)'} {et}")
        cols.append(index[(level, c, a, et)])
    d0 = min(max(data.index_of(since), 0), data.n_days)
    t = np.arange(d0, data.n_days)
    n_t, n_s = len(t), len(cols)
    mean = np.full((n_t, n_s), np.nan)
    alpha = np.full((n_t, n_s), np.nan)
    evaluated = t >= run.screen.start
    if evaluated.any():
        dd = np.repeat(t[evaluated], n_s)
        ss = np.tile(np.asarray(cols), int(evaluated.sum()))
        v = run.values(dd, ss)
        mean[evaluated] = v["mean"].reshape(-1, n_s)
        alpha[evaluated] = v["alpha"].reshape(-1, n_s)
    lo, hi = detect.baseline_band(mean, alpha, params.recent_days)
    days = pl.Series("day", data.dates(t), dtype=pl.Date)
    out = {}
    for j, (((c, a, et), _), i) in enumerate(zip(series, cols)):
        out[(c, a, et)] = pl.DataFrame({
            "day": days, "events": data.events[d0:, i], "baseline": mean[:, j],
            "baseline_lo": lo[:, j], "baseline_hi": hi[:, j],
        }).with_columns(pl.col(pl.Float64).fill_nan(None))
    return out


def _method_description(method: str, params, calibration) -> dict:
    meta = getattr(calibration, "meta", {}) or {}
    target = meta.get("target_fa_per_1000")
    achieved = meta.get("achieved_fa_per_1000")
    desc = (
        "Default detector: a negative-binomial log-likelihood-ratio CUSUM per series (country x admin1 x event "
        f"type, and country totals), tested day by day against a trailing {params.baseline_days}-day baseline "
        f"mean with a {params.guard_days}-day guard band, tuned to a rate ratio of {params.design_ratio:g}, reset "
        "after each alarm. Dispersion is estimated per series and shrunk toward its event type's pooled value. "
        "Thresholds come from a parametric-bootstrap calibration per base-rate and dispersion band"
        + (f" targeting {target} false alarms per 1,000 stationary series-days" if target else "")
        + (f" (achieved {achieved})" if achieved else "")
        + ". Rate ratios and trends are negative-binomial GLM estimates (statsmodels) with 95% CIs; q-values "
        "are Benjamini-Hochberg across the day's series, computed from the calibrated (empirical) p-values. "
        f"No escalation is flagged with fewer than {params.min_recent_events} events in the last "
        f"{params.recent_days} days."
    )
    if method != "nb_cusum":
        desc = f"Method: {method} (a reference detector; see docs/detection.md). " + desc
    rows = [("method", method)] + [
        (k, v) for k, v in (
            ("baseline_days", params.baseline_days), ("guard_days", params.guard_days),
            ("design_ratio", params.design_ratio), ("design_ratio_down", params.design_ratio_down),
            ("min_recent_events", params.min_recent_events), ("episode_gap_days", params.episode_gap),
            ("calibration_table", params.calibration),
            ("calibration_target_fa_per_1000_series_days", target),
            ("calibration_achieved_fa_per_1000_series_days", achieved),
        ) if v is not None
    ]
    return {"description": desc, "parameters": rows, "method": method}


@source_filtered
def build_report(
    con,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    as_of: str | date | None = None,
    out: str | Path = "reports",
    country: str | None = None,
    region: str | None = None,
    method: str | None = None,
    store_signals: bool = False,
    lookback_days: int | None = None,
    update_latest: bool = True,
    max_flagged: int = 12,
) -> ReportResult:
    """Detect signals and write the report for a window; see the module docstring.

    Args:
        con: a connection (read-write when ``store_signals``).
        since, until, as_of: the window, as for ``intensity counts``; ``as_of``
            defaults to the last day with data, ``since`` to 28 days before ``until``.
        out: folder that receives ``<slug>/`` and the ``latest`` link.
        country, region: keep only these series in signals, tables and charts.
        method: detector (default ``nb_cusum``).
        store_signals: replace the window's rows in the ``signals`` table.
        source: report on the events of this source only; the folder name and title say
            which, and stored signals record it.
        lookback_days: with ``store_signals``, also re-examine this many days before
            ``since`` (late reports can change recent signals).
        update_latest: point ``out/latest`` at this report.
        max_flagged: flagged series that get their own chart and event table.

    Returns:
        The report's folder and its summary (what ``summary.json`` holds).
    """
    from intensity import detect
    from intensity.aggregate import check_country, counts, resolve_region
    from intensity.detection import series as series_mod
    from intensity.detection.params import DetectParams

    method = method or "nb_cusum"
    country = check_country(con, country)
    lo, hi, ref = resolve_window(con, since, until, as_of, country)
    region_code = resolve_region(con, region, country)
    params = DetectParams()
    data = series_mod.load(con, until=hi, totals=True, severity=params.severity, fatality_coef=params.fatality_coef)
    if data is None:
        first = con.execute("SELECT min(event_date) FROM events").fetchall()[0][0]
        raise UsageError(f"the window ends {hi}, before the store's first event ({first})",
                         hint="give a later --until (or --as-of)")
    run = detect.screen_series(data, params=params)
    scan_lo = lo - timedelta(days=lookback_days or 0) if store_signals else lo
    found = detect.detect_frame(data, since=scan_lo, until=hi, method=method, country=country,
                                region=region_code, params=params, run=run)
    new_signals = 0
    if store_signals:
        known = {s for (s,) in con.execute("SELECT signal_id FROM signals").fetchall()}
        new_signals = int(found.filter(~pl.col("signal_id").is_in(list(known))
                                       & (pl.col("kind") != "de-escalation")).height)
        detect.save_signals(con, found, methods=detect._methods(method), since=scan_lo, until=hi,
                            country=country, region=region_code)
    signals = found.filter(pl.col("first_alarm_date") >= lo)
    # Headline order: most certain first, then the largest change.
    signals = signals.sort(["q_value", "rr7"], descending=[False, True], nulls_last=True)
    ranked = detect.rank_run(run, country=country, region=region_code)

    rows = signals.to_dicts()
    for sig, (n, killed) in zip(rows, _since_onset(con, rows, hi)):
        sig["events_since_onset"], sig["fatalities_since_onset"] = n, killed
    charted = {}  # series key -> level, in signal order
    for sig in rows:
        key = (sig["country_iso3"], sig.get("admin1_code"), sig["event_type"])
        if len(charted) < max_flagged:
            charted.setdefault(key, sig.get("level"))
    traces = panel_traces(run, list(charted.items()), since=lo - timedelta(days=params.baseline_days))
    signals = pl.DataFrame(rows, schema_overrides={"events_since_onset": pl.Int64,
                                                   "fatalities_since_onset": pl.Int64}) if rows else signals

    daily = counts(con, since=lo, until=hi, country=country, region=region_code)
    intensity = None if region_code else country_intensity(data, since=lo, until=hi, country=country)

    from intensity.detection import calibrate as cal_mod

    description = _method_description(method, params, cal_mod.shipped(params.calibration))
    description["db_name"] = "the event store"
    res = write_report(con, since=lo, until=hi, out=Path(out), signals=signals, ranked=ranked, traces=traces,
                       daily=daily, intensity=intensity, method=description, country=country, region=region_code,
                       update_latest=update_latest, max_flagged=max_flagged,
                       # with --until alone the report replays that day: it is what the report is as of
                       extra_summary={"as_of": ref if as_of else hi, "new_signals": new_signals})
    return res


def country_intensity(data, *, since: date, until: date, country: str | None = None) -> pl.DataFrame | None:
    """``country_iso3, day, intensity`` rows of the report's index chart, one per series and day.

    A country's index sums its total series per event type; a type only one region has gets
    no total series (it would repeat that region's), so that region's series stands for it.
    """
    all_keys = data.keys.with_row_index("_i")
    totals = all_keys.filter(pl.col("level") == "country")
    keys = pl.concat([totals, all_keys.filter(pl.col("level") != "country").join(
        totals.select("country_iso3", "event_type"), on=["country_iso3", "event_type"], how="anti")])
    if country:
        keys = keys.filter(pl.col("country_iso3") == country)
    d0, d1 = data.index_of(since), data.index_of(until)
    if not keys.height or d1 < 0:
        return None
    days = data.dates(range(max(d0, 0), d1 + 1))
    return pl.concat([pl.DataFrame({"country_iso3": c, "day": days, "intensity": data.intensity[max(d0, 0): d1 + 1, i]})
                      for i, c in zip(keys["_i"].to_list(), keys["country_iso3"].to_list())])
