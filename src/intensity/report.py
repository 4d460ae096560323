"""The escalation report: one self-contained HTML file, PNG charts and summary.json.

:func:`build_report` gathers counts, signals and provenance from the store,
draws the charts, renders ``templates/report.html.j2`` (Jinja2, autoescaped:
titles, places, actors and notes from data are shown as text, never run) and
publishes ``<out>/<slug>/`` atomically, with ``<out>/latest`` pointing at it.
"""

from __future__ import annotations

import base64
import json
import struct
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from intensity import __version__
from intensity.db import get_meta, utcnow
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


def slug_for(since: date, until: date, *, country: str | None = None, region: str | None = None) -> str:
    """Folder name for a report window, e.g. ``2024-03-01_2024-04-15`` (plus filters)."""
    parts = [f"{since.isoformat()}_{until.isoformat()}"]
    parts += [p for p in (country, region) if p]
    return "_".join(parts).replace("/", "-")


def _fmt_num(v, digits: int = 2) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:  # NaN
            return ""
        return f"{v:.{digits}f}"
    return str(v)


def _snippet(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_CHARS else text[: EVIDENCE_CHARS - 1] + "…"


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
    name = row.get("admin1") or "unresolved region"
    code = row.get("admin1_code") or row.get("country_iso3")
    return f"{name} ({code})"


def headline_sentence(sig: dict) -> str:
    """One plain sentence for a signal, e.g.
    ``Shelling/artillery/missile attack in Belgorod (RU-BEL): 3.1x its 8-week baseline
    (95% CI 2.2-4.4) since 12 Mar; 41 events, 9 killed``."""
    what = _type_label(sig["event_type"], sig.get("sub_event_type"))
    since = sig.get("onset_date") or sig.get("first_alarm_date")
    since_txt = f" since {since:%d %b %Y}" if isinstance(since, date) else ""
    rr, lo, hi = sig.get("rate_ratio_7d"), sig.get("rate_ratio_7d_lo"), sig.get("rate_ratio_7d_hi")
    if sig.get("kind") == "emergence":
        size = "new activity after a quiet 8-week baseline"
    elif rr is not None and rr == rr:
        ci = f" (95% CI {lo:.1f}-{hi:.1f})" if lo is not None and hi is not None else ""
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
    ("rank", "#", True), ("place", "region", False), ("type", "event type", False), ("kind", "signal", False),
    ("recent_7d", "last 7 d", True), ("baseline_7d", "baseline / 7 d", True), ("rate_ratio_7d", "RR 7 d", True),
    ("ci_7d", "95% CI", True), ("rate_ratio_28d", "RR 28 d", True), ("q_value", "q", True),
    ("trend", "trend %/wk", True),
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
    sources = con.sql(
        "SELECT source, count(*) AS events, min(event_date) AS first_date, max(event_date) AS last_date, "
        "CAST(sum(coalesce(fatalities, 0)) AS BIGINT) AS fatalities, "
        "count(*) FILTER (WHERE admin1_code IS NULL) AS unresolved_region "
        "FROM events WHERE event_date BETWEEN $since AND $until GROUP BY source ORDER BY events DESC",
        params={"since": since, "until": until},
    ).pl().to_dicts()
    files = con.execute("SELECT count(*) FROM ingest_files").fetchall()[0][0]
    rejects = con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
    unresolved = con.execute(
        "SELECT admin1, sum(n_events) AS n FROM unresolved_regions GROUP BY admin1 ORDER BY n DESC, admin1 LIMIT 10"
    ).fetchall()
    versions = con.execute(
        "SELECT DISTINCT extractor_version FROM events WHERE extractor_version IS NOT NULL ORDER BY 1"
    ).fetchall()
    return sources, {
        "files": files,
        "rejects": rejects,
        "unresolved": sum(n for _, n in unresolved),
        "unresolved_names": ", ".join(f"{name} ({n})" for name, n in unresolved),
        "extractor_versions": ", ".join(v for (v,) in versions),
    }


def _events_behind(con, sig: dict, *, until: date, limit: int = 40) -> tuple[list[dict], int]:
    start = sig.get("onset_date") or sig.get("first_alarm_date") or until - timedelta(days=27)
    params = {"country": sig["country_iso3"], "code": sig.get("admin1_code"), "event_type": sig["event_type"],
              "start": start, "until": until}
    where = ("country_iso3 = $country AND admin1_code IS NOT DISTINCT FROM $code AND event_type = $event_type "
             "AND event_date BETWEEN $start AND $until")
    total = con.sql(f"SELECT count(*) AS n FROM events WHERE {where}", params=params).pl()["n"][0]
    rows = con.sql(
        "SELECT event_date, location, admin1, admin1_code, country_iso3, event_type, sub_event_type, fatalities, "
        f"injured, source, notes FROM events WHERE {where} ORDER BY event_date DESC, event_id LIMIT {int(limit)}",
        params=params,
    ).pl().to_dicts()
    for r in rows:
        r["place"] = ", ".join(p for p in (r.get("location"), r.get("admin1")) if p) or _place(r)
        r["evidence"] = _snippet(r.get("notes"))
    return rows, int(total)


def _is_simulated(con) -> bool:
    if get_meta(con, "simulated") == "true":
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
    """
    from intensity import charts
    from intensity.publish import publish, staging_dir

    slug = slug_for(since, until, country=country, region=region)
    simulated = _is_simulated(con)
    sources, provenance = _provenance(con, since, until)
    data_through = con.sql("SELECT max(event_date) AS d FROM events WHERE event_date <= $u",
                           params={"u": until}).pl()["d"][0]
    sim_note = " Simulated data." if simulated else ""

    overview = [
        Chart("country_totals.png", charts.png_bytes(charts.country_totals(daily)),
              "Events per week by country, stacked by event type (the last week may be partial)." + sim_note,
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

    sig_rows = signals.sort(["q_value", "first_alarm_date"], nulls_last=True).to_dicts() if signals.height else []
    flagged = []
    for i, sig in enumerate(sig_rows[:max_flagged], start=1):
        key = (sig["country_iso3"], sig.get("admin1_code"), sig["event_type"])
        title = f"{_type_label(sig['event_type'])} in {_place(sig)}"
        trace = traces.get(key)
        chart = None
        if trace is not None and trace.height:
            fig = charts.series_panel(trace, title=title, first_alarm=sig.get("first_alarm_date"),
                                      onset=sig.get("onset_date"), event_type=sig["event_type"])
            chart = Chart(f"signal_{i:02d}.png", charts.png_bytes(fig),
                          f"Daily events with their 7-day mean, the 56-day baseline (7-day guard band) and its "
                          f"band; red line: first alarm, dotted: estimated onset.{sim_note}",
                          f"Daily events for {title}")
        events, total = _events_behind(con, sig, until=until)
        flagged.append({"title": f"{i}. {title}", "chart": chart.context() if chart else None,
                        "detail": headline_sentence(sig) + ".", "events": events, "events_total": total,
                        "_chart": chart})

    ranked_rows = []
    for i, r in enumerate(ranked.to_dicts(), start=1):
        lo, hi = r.get("rate_ratio_7d_lo"), r.get("rate_ratio_7d_hi")
        tr = r.get("trend_pct_week")
        ranked_rows.append({
            "rank": i, "place": _place(r), "type": _type_label(r["event_type"]), "kind": r.get("kind") or "",
            "recent_7d": _fmt_num(r.get("recent_7d"), 0), "baseline_7d": _fmt_num(r.get("baseline_7d"), 1),
            "rate_ratio_7d": _fmt_num(r.get("rate_ratio_7d")),
            "ci_7d": f"{lo:.2f}-{hi:.2f}" if lo is not None and hi is not None else "",
            "rate_ratio_28d": _fmt_num(r.get("rate_ratio_28d")), "q_value": _fmt_num(r.get("q_value"), 3),
            "trend": _fmt_num(tr, 0) if tr is not None else "",
        })

    generated_at = utcnow().replace(microsecond=0)
    headlines = [{"kind": s.get("kind", "escalation"), "sentence": headline_sentence(s)} for s in sig_rows[:8]]
    title = "Conflict escalation report" + (f": {country}" if country else "") + (f" {region}" if region else "")
    context = {
        "title": title, "since": since, "until": until, "data_through": data_through,
        "generated_at": generated_at.isoformat(sep=" "), "version": __version__, "simulated": simulated,
        "headlines": headlines,
        "legend": [(k, charts.TYPE_LABELS[k], v) for k, v in charts.TYPE_COLORS.items()],
        "overview_charts": [c.context() for c in overview],
        "flagged": flagged,
        "ranked": ranked_rows,
        "ranked_columns": [{"key": k, "label": lab, "num": num} for k, lab, num in RANKED_COLUMNS],
        "method": {"description": method.get("description", ""), "parameters": method.get("parameters", [])},
        "sources": sources,
        "provenance": provenance,
        "db_name": method.get("db_name", "the event store"),
    }
    html = render_html(context)

    summary = {
        "report": {"since": since, "until": until, "data_through": data_through, "generated_at": generated_at,
                   "country": country, "region": region, "simulated": simulated, "intensity_version": __version__,
                   "slug": slug},
        "method": method,
        "signals": sig_rows,
        "ranked": ranked.to_dicts(),
        "sources": sources,
        "provenance": provenance,
        "charts": [c.name for c in overview] + [f["_chart"].name for f in flagged if f["_chart"]],
    }
    staging = staging_dir(out, slug)
    (staging / "index.html").write_text(html, encoding="utf-8")
    for c in overview + [f["_chart"] for f in flagged if f["_chart"]]:
        (staging / c.name).write_bytes(c.png)
    (staging / "summary.json").write_text(json.dumps(summary, indent=2, default=_json_default), encoding="utf-8")
    final = publish(staging, out, slug, update_latest=update_latest)
    return ReportResult(path=final, summary=summary, charts=summary["charts"])


def _json_default(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, float) and v != v:
        return None
    return str(v)


def resolve_window(con, since, until, as_of) -> tuple[date, date, date]:
    """(since, until, as_of) for a report; ``as_of`` defaults to the data-through day.

    Defaulting to the last day with data (not today) keeps a report on an older
    export from ending in weeks of invented zeros and spurious de-escalations.
    """
    from intensity.dates import parse_date, window

    last = con.execute("SELECT max(event_date) FROM events").fetchall()[0][0]
    if last is None:
        raise UsageError("the store holds no events", hint="load some with `intensity ingest` or `intensity demo`")
    ref = parse_date(as_of) if as_of else min(last, date.today())
    lo, hi = window(since, until if until is not None else ref, as_of=ref)
    return lo, hi, ref
