"""Report rendering: self-contained HTML, escaping, deterministic PNGs, atomic publication."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import matplotlib.colors
import numpy as np
import polars as pl
import pytest

import intensity
from intensity import charts
from intensity.publish import publish, staging_dir, sweep
from intensity.report import headline_sentence, write_report

HOSTILE = "<script>alert(1)</script>"


def _signal(**kw):
    base = {"country_iso3": "RUS", "admin1_code": "RU-BEL", "admin1": "Belgorod", "event_type": "explosions_remote_violence",
            "kind": "escalation", "first_alarm_date": date(2024, 3, 14), "onset_date": date(2024, 3, 12),
            "level": "admin1", "rr7": 3.1, "rr7_lo": 2.2, "rr7_hi": 4.4, "q_value": 0.001,
            "events_since_onset": 41, "fatalities_since_onset": 9}
    base.update(kw)
    return base


def test_headline_sentence_reads_like_the_issue():
    s = headline_sentence(_signal())
    assert s.startswith("Explosions/Remote violence in Belgorod (RU-BEL): 3.1x its 8-week baseline (95% CI 2.2-4.4)")
    assert "since 12 Mar 2024; 41 events, 9 killed" in s
    ended = headline_sentence(_signal(end_date=date(2024, 3, 20)))
    assert "from 12 Mar 2024 to 20 Mar 2024; 41 events, 9 killed" in ended


@pytest.fixture
def hostile_store(con, tmp_path):
    path = tmp_path / "hostile.csv"
    path.write_text(
        "event_id,source,event_date,country_iso3,admin1_code,location,event_type,sub_event_type,actor1,notes\n"
        f'h:1,"{HOSTILE}",2024-03-12,RUS,RU-BEL,"{HOSTILE}",explosions_remote_violence,'
        f'shelling_artillery_missile_attack,"<b>actor</b>","<img src=x onerror=alert(2)> {HOSTILE}"\n'
        "h:2,test,2024-03-13,RUS,RU-BEL,Belgorod,explosions_remote_violence,shelling_artillery_missile_attack,,plain\n"
    )
    intensity.ingest_files(con, [path])
    return con


def _render(con, out: Path, **kw):
    daily = intensity.counts(con, since="2024-03-01", until="2024-03-20")
    sig = pl.DataFrame([_signal()])
    trace = daily.filter(pl.col("admin1_code") == "RU-BEL").select("day", "events").with_columns(
        baseline=pl.lit(0.5), baseline_lo=pl.lit(0.0), baseline_hi=pl.lit(2.0))
    return write_report(
        con, since=date(2024, 3, 1), until=date(2024, 3, 20), out=out, signals=sig, ranked=sig,
        traces={("RUS", "RU-BEL", "explosions_remote_violence"): trace}, daily=daily, intensity=None,
        method={"description": f"test method {HOSTILE}", "parameters": [("threshold", 4.2)]}, **kw)


def test_report_is_self_contained_and_escapes_data(hostile_store, tmp_path):
    res = _render(hostile_store, tmp_path / "reports")
    html = (res.path / "index.html").read_text()
    assert "<script" not in html.lower()  # no script at all: every hostile string is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror=alert(2)" not in html.replace("&lt;img src=x onerror=alert(2)&gt;", "")
    # Nothing is fetched from anywhere: every src is a data URI, no external links to assets.
    assert re.findall(r'src="(?!data:)', html) == []
    assert "http://" not in html and "https://" not in html
    assert html.count("data:image/png;base64,") == 3
    assert res.path.name == "2024-03-01_2024-03-20"
    assert os.readlink(tmp_path / "reports" / "latest") == "2024-03-01_2024-03-20"
    summary = json.loads((res.path / "summary.json").read_text())
    assert summary["signals"][0]["admin1_code"] == "RU-BEL"
    assert summary["report"]["since"] == "2024-03-01"
    for name in summary["charts"]:
        assert (res.path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pngs_are_deterministic(hostile_store, tmp_path):
    a = _render(hostile_store, tmp_path / "a")
    b = _render(hostile_store, tmp_path / "b")
    for name in a.charts:
        assert (a.path / name).read_bytes() == (b.path / name).read_bytes()


def test_chart_data_matches_counts(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    daily = intensity.counts(con, since="2024-03-01", until="2024-03-31")
    con.close()
    weekly = charts.country_weekly(daily)
    assert weekly["events"].sum() == daily["events"].sum()
    per_country = dict(weekly.group_by("country_iso3").agg(pl.col("events").sum()).iter_rows())
    expected = dict(daily.group_by("country_iso3").agg(pl.col("events").sum()).iter_rows())
    assert per_country == expected
    assert weekly["country_iso3"][0] == max(expected, key=expected.get)  # busiest first
    fig = charts.country_totals(daily)
    assert [ax.get_title(loc="left") for ax in fig.axes] == list(dict.fromkeys(weekly["country_iso3"]))


def test_publish_replaces_atomically_and_sweep_cleans(tmp_path):
    out = tmp_path / "reports"
    first = staging_dir(out, "w")
    (first / "index.html").write_text("one")
    publish(first, out, "w")
    # A run killed mid-render leaves only a hidden staging folder; latest still serves "one".
    killed = out / ".w.tmp-999999999-x"  # as left by a process that no longer exists
    killed.mkdir()
    (killed / "index.html").write_text("half")
    live = staging_dir(out, "w")  # this process is alive: its folder must survive a sweep
    assert (out / "latest" / "index.html").read_text() == "one"
    second = staging_dir(out, "w")
    (second / "index.html").write_text("two")
    publish(second, out, "w")
    assert (out / "latest" / "index.html").read_text() == "two"
    assert sweep(out) == [killed]
    assert sorted(p.name for p in out.iterdir()) == sorted(["latest", "w", live.name])


@pytest.fixture(scope="module")
def demo_run(demo_db):
    """The demo store screened as build_report screens it, with its March 2024 signals."""
    from datetime import timedelta

    from intensity import detect
    from intensity.detection import series as series_mod
    from intensity.detection.params import DetectParams

    con = intensity.connect(demo_db, read_only=True)
    params = DetectParams()
    until = date(2024, 3, 31)
    data = series_mod.load(con, until=until, totals=True, severity=params.severity, fatality_coef=params.fatality_coef)
    run = detect.screen_series(data, params=params)
    found = detect.detect_frame(data, since=date(2024, 3, 1), until=until, params=params, run=run)
    yield con, run, found.to_dicts(), until - timedelta(days=28 + params.baseline_days)
    con.close()


def test_panel_traces_equal_trace_run(demo_run):
    from intensity import detect
    from intensity.report import panel_traces

    _, run, sigs, since = demo_run
    wanted = list({(s["country_iso3"], s["admin1_code"], s["event_type"]): s["level"] for s in sigs}.items())[:6]
    assert wanted, "the demo store has signals in March 2024"
    mine = panel_traces(run, wanted, since=since)
    for (c, a, et), level in wanted:
        ref = detect.trace_run(run, country=c, admin1_code=a, event_type=et, level=level, since=since)
        got = mine[(c, a, et)]
        assert got["day"].to_list() == ref["day"].to_list()
        assert got["events"].to_list() == ref["events"].to_list()
        for col, ref_col in (("baseline", "baseline_mean"), ("baseline_lo", "baseline_lo"),
                             ("baseline_hi", "baseline_hi")):
            x, y = got[col].to_numpy().astype(float), ref[ref_col].to_numpy().astype(float)
            assert np.allclose(x, y, rtol=1e-9, equal_nan=True), (c, a, et, col)
        assert got["baseline"].drop_nulls().len() > 0


def test_batched_event_queries_match_one_query_per_signal(demo_run):
    from intensity.report import _events_behind, _since_onset

    con, _, sigs, _ = demo_run
    sigs = sigs[:8] + [s for s in sigs if s["level"] == "country"][:2]
    until = date(2024, 3, 31)
    onset = _since_onset(con, sigs, until)
    behind = _events_behind(con, sigs, until=until, limit=5)
    for s, (n, killed), (rows, total) in zip(sigs, onset, behind):
        region = "" if s["level"] == "country" else f"AND admin1_code = '{s['admin1_code']}'"
        where = (f"country_iso3 = '{s['country_iso3']}' {region} AND event_type = '{s['event_type']}' "
                 "AND event_date BETWEEN $start AND $until")
        start = s["onset_date"] or s["first_alarm_date"]
        # an ended episode counts its own events only, not a later episode's
        stop = min(s["end_date"], until) if s.get("end_date") else until
        want = con.sql(f"SELECT count(*), coalesce(sum(fatalities), 0) FROM events WHERE {where}",
                       params={"start": start, "until": stop}).fetchall()[0]
        assert (n, killed) == (want[0], want[1])
        assert total == want[0] and len(rows) == min(5, want[0])
        latest = con.sql(f"SELECT event_date FROM events WHERE {where} ORDER BY event_date DESC, event_id LIMIT 5",
                         params={"start": start, "until": stop}).fetchall()
        assert [r["event_date"] for r in rows] == [d for (d,) in latest]
    assert sum(n for n, _ in onset) > 0
    assert any(s.get("end_date") and s["end_date"] < until for s in sigs)


def test_summary_json_is_indented_json_with_a_line_per_row():
    from intensity.report import summary_json

    summary = {"report": {"since": date(2024, 3, 1), "title": HOSTILE}, "signals": [],
               "ranked": [{"rank": i, "place": f"R{i}", "rr7": i / 3, "day": date(2024, 3, i)} for i in range(1, 4)],
               "charts": ["a.png"]}
    text = summary_json(summary)
    assert json.loads(text) == json.loads(json.dumps(summary, default=str))
    lines = text.splitlines()
    assert sum(1 for ln in lines if ln.lstrip().startswith('{"rank"')) == 3
    assert '  "report": {' in lines and '  "signals": [],' in lines


def test_series_panel_draws_one_step_per_day():
    from matplotlib.patches import StepPatch

    days = pl.date_range(date(2024, 3, 1), date(2024, 3, 10), eager=True)
    trace = pl.DataFrame({"day": days, "events": [0, 1, 4, 0, 2, 9, 0, 0, 3, 1]})
    fig = charts.series_panel(trace, title="t", event_type="battles")
    (steps,) = [p for p in fig.axes[0].patches if isinstance(p, StepPatch)]
    values, edges, _ = steps.get_data()
    assert values.tolist() == trace["events"].to_list()
    assert len(edges) == 11 and np.allclose(np.diff(edges), 1.0)  # one day wide, centred on each day
    assert steps.get_facecolor()[:3] == pytest.approx(matplotlib.colors.to_rgb(charts.TYPE_COLORS["battles"]))
    assert charts.png_bytes(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_provenance_counts_every_unresolved_name_and_keeps_unreported_fatalities_null(con, tmp_path):
    from intensity.report import _provenance

    # 12 distinct unresolvable names (more than the 10 the report lists), one event each, plus
    # two events of the same name; no event reports fatalities.
    rows = [f"u:{i},test,2024-03-{1 + i:02d},UKR,,Nowhere{i},battles,armed_clash" for i in range(12)]
    rows += ["u:12,test,2024-03-13,UKR,,Nowhere0,battles,armed_clash",
             "u:13,test,2024-03-14,UKR,UA-63,,battles,armed_clash",
             "u:14,test,2024-03-15,UKR,,,battles,armed_clash"]
    path = tmp_path / "unresolved.csv"
    path.write_text("event_id,source,event_date,country_iso3,admin1_code,admin1,event_type,sub_event_type\n"
                    + "\n".join(rows) + "\n")
    (res,) = intensity.ingest_files(con, [path])
    assert res.loaded == 15 and res.unresolved == 13
    sources, prov = _provenance(con, date(2024, 3, 1), date(2024, 3, 31))
    assert prov["unresolved"] == 13 and prov["unresolved_distinct"] == 12
    assert prov["unresolved_names"].startswith("Nowhere0 (2)")
    (src,) = sources
    assert src["fatalities"] is None  # not reported is not zero
    assert src["unresolved_region"] == 13 and src["without_region"] == 14
    view = con.execute("SELECT fatalities, unresolved_region, without_region FROM v_sources").fetchall()
    assert view == [(None, 13, 14)]
    # the provenance line covers the report's window, as the sources table does
    _, prov = _provenance(con, date(2024, 3, 1), date(2024, 3, 6))
    assert prov["unresolved"] == 6 and prov["unresolved_distinct"] == 6


def test_small_q_values_keep_their_digits():
    from intensity.report import _fmt_p

    assert _fmt_p(2.1e-05) == "2.1e-05" and _fmt_p(0.0004) == "0.0004"
    assert _fmt_p(0.034) == "0.034" and _fmt_p(None) == "" and _fmt_p(float("nan")) == ""


def test_weekly_chart_uses_acled_weeks_like_counts(demo_db):
    from intensity.dates import acled_week_start

    con = intensity.connect(demo_db, read_only=True)
    daily = intensity.counts(con, since="2024-03-02", until="2024-03-29")  # four whole Sat-Fri weeks
    weekly_counts = intensity.counts(con, since="2024-03-02", until="2024-03-29", by="week")
    con.close()
    weekly = charts.country_weekly(daily, max_countries=99)
    assert set(weekly["week"].to_list()) == {acled_week_start(d) for d in daily["day"].to_list()}
    assert all(w.weekday() == 5 for w in weekly["week"].to_list())  # Saturdays
    ours = dict(weekly.group_by("country_iso3").agg(pl.col("events").sum()).iter_rows())
    theirs = dict(weekly_counts.group_by("country_iso3").agg(pl.col("events").sum()).iter_rows())
    assert ours == theirs


def test_window_before_the_first_event_is_a_usage_error(demo_db, tmp_path):
    from intensity.errors import UsageError
    from intensity.report import build_report

    con = intensity.connect(demo_db, read_only=True)
    try:
        with pytest.raises(UsageError, match="before the store's first event"):
            build_report(con, since="2023-01", until="2023-02", out=tmp_path / "r")
    finally:
        con.close()
    assert not (tmp_path / "r").exists()


def test_country_index_covers_every_country_and_event_type(demo_db):
    # Each country's index equals the sum of all its region series, also where a country (GEO) or
    # an event type has a single region and so no total series of its own.
    from intensity.detection import series
    from intensity.report import country_intensity

    con = intensity.connect(demo_db, read_only=True)
    try:
        data = series.load(con, until=date(2024, 4, 30), totals=True)
    finally:
        con.close()
    lo, hi = date(2024, 3, 1), date(2024, 4, 30)
    got = country_intensity(data, since=lo, until=hi).group_by("country_iso3").agg(pl.col("intensity").sum())
    d0, d1 = data.index_of(lo), data.index_of(hi)
    regions = data.keys.with_row_index("_i").filter(pl.col("level") == "admin1")
    want = {c: float(data.intensity[d0:d1 + 1, g["_i"].to_numpy()].sum())
            for (c,), g in regions.group_by("country_iso3")}
    assert "GEO" in want and set(got["country_iso3"]) == set(want)
    for c, v in got.iter_rows():
        assert v == pytest.approx(want[c], rel=1e-9), c
