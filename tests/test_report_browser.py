"""The report in a real browser: no errors, no outside requests, every image decoded."""

from __future__ import annotations

from datetime import date

import pytest

from browser import open_report
from test_report import HOSTILE, _render, hostile_store  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_hostile_report_in_chromium(hostile_store, tmp_path):  # noqa: F811
    res = _render(hostile_store, tmp_path / "reports")
    shot = tmp_path / "shot.png"
    seen = open_report(res.path / "index.html", shot)
    assert seen["console_errors"] == [] and seen["page_errors"] == []
    assert seen["external_requests"] == []
    assert seen["images"] and all(i["complete"] and i["w"] > 0 for i in seen["images"])
    assert HOSTILE in seen["text"]  # shown as text, not run
    assert shot.stat().st_size > 10_000


def test_demo_report_in_chromium(demo_db, tmp_path):
    import intensity
    from intensity.report import build_report

    con = intensity.connect(demo_db, read_only=True)
    res = build_report(con, since="2024-03", out=tmp_path / "reports")
    con.close()
    seen = open_report(res.path / "index.html", tmp_path / "demo.png")
    assert seen["console_errors"] == [] and seen["page_errors"] == [] and seen["external_requests"] == []
    assert len(seen["images"]) >= 3 and all(i["complete"] and i["w"] > 0 for i in seen["images"])
    assert "SIMULATED DATA" in seen["text"]
    # The injected Belgorod shelling step (x3 from 2024-03-12) is among the flagged series.
    flagged = seen["text"].split("Flagged series")[1].split("All series, ranked")[0]
    assert "Belgorod (RU-BEL)" in flagged


def test_acled_sample_report_in_chromium(db_path, tmp_path):
    import intensity
    from conftest import shared_file
    from intensity.report import build_report

    sample = shared_file("acled_ukraine_peacerep_sample/ACLED-Ukraine.csv")
    con = intensity.connect(db_path)
    (res,) = intensity.ingest_files(con, [sample])
    assert res.status == "ok" and res.loaded > 900
    rep = build_report(con, since="2023-03-01", until="2023-03-31", out=tmp_path / "reports")
    con.close()
    # --until alone replays that day: the summary is as of it, not of the store's last day
    assert rep.summary["report"]["as_of"] == date(2023, 3, 31)
    seen = open_report(rep.path / "index.html", tmp_path / "acled.png")
    assert seen["console_errors"] == [] and seen["page_errors"] == [] and seen["external_requests"] == []
    assert seen["images"] and all(i["complete"] and i["w"] > 0 for i in seen["images"])
    assert "SIMULATED" not in seen["text"]
    assert "acled" in seen["text"].lower()
