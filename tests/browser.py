"""Open a report in headless Chromium with every non-file request blocked, and report what happened."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync", "--disable-quic"]


def chromium_path() -> str:
    """The Chromium binary, or skip the test where none exists."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (CI installs Debian's chromium)")


def open_report(html: Path, screenshot: Path) -> dict:
    """Load ``html`` from disk; return console errors, page errors, external requests and image states."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = chromium_path()
    seen = {"console_errors": [], "page_errors": [], "external_requests": [], "images": []}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(r):
                url = r.request.url
                if url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    seen["external_requests"].append(url)
                    r.abort()

            page.route("**/*", route)
            page.on("console", lambda m: m.type == "error" and seen["console_errors"].append(m.text))
            page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))
            page.goto(html.resolve().as_uri(), wait_until="load")
            seen["images"] = page.evaluate(
                "() => Array.from(document.images).map(i => ({complete: i.complete, w: i.naturalWidth, h: i.naturalHeight}))"
            )
            seen["title"] = page.title()
            seen["dialogs"] = []
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            seen["text"] = page.inner_text("body")
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    return seen
