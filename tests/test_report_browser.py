"""The report in a real browser: no errors, no outside requests, every image decoded."""

from __future__ import annotations

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
