"""Report rendering: self-contained HTML, escaping, deterministic PNGs, atomic publication."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

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
