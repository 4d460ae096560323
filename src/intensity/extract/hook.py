"""Route article files through ``intensity ingest`` (kept light: no extractor import until used).

``register`` adds the ``articles`` format to the ingest registries: ``.html``/``.htm``
by extension, ``.txt`` unless it looks like a delimited table, and JSON Lines whose
first record has ``text`` and no ``event_date``. The stager itself lives in
:mod:`intensity.extract.store`.
"""

from __future__ import annotations

import contextvars
import json
from pathlib import Path

# Publication day for article files that do not state one (set by `intensity ingest --published`).
PUBLISHED: contextvars.ContextVar = contextvars.ContextVar("intensity_articles_published", default=None)
# Language of article records that name none (`intensity ingest --lang`); English when unset.
LANG: contextvars.ContextVar = contextvars.ContextVar("intensity_articles_lang", default=None)


def sniff_article(path: Path) -> str | None:
    """``"articles"`` when ``path`` holds articles rather than event rows, else None."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "articles"
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16).decode("utf-8-sig", errors="replace")
    except OSError:
        return None
    if suffix == ".txt":
        first = head.lstrip().split("\n", 1)[0]
        if first.lower().startswith("date "):
            return "articles"
        # A delimited table: a header of several separated, short, sentence-free fields.
        for d in (",", "\t", ";", "|"):
            cells = first.split(d)
            if len(cells) >= 3 and all(len(c) < 40 for c in cells) and "event_date" in first.lower():
                return None
            if len(cells) >= 4 and all(0 < len(c.strip()) < 32 and " " not in c.strip() for c in cells):
                return None
        return "articles"
    if suffix in (".jsonl", ".ndjson", ".json"):
        # The first record that parses decides (a broken line is the reader's to reject).
        for line in head.splitlines():
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and isinstance(obj.get("text"), str) and "event_date" not in obj:
                return "articles"
            return None
    return None


def _stage(con, path: Path, **options):
    from intensity.extract.store import stage_articles

    return stage_articles(con, path, **options)


def register(stagers: dict, sniffers: list, extensions: dict, writers: set) -> None:
    """Add the ``articles`` format to the ingest registries (idempotent)."""
    stagers.setdefault("articles", _stage)
    writers.add("articles")  # the stager fills the `articles` table itself
    if sniff_article not in sniffers:
        sniffers.insert(0, sniff_article)
    extensions.setdefault(".html", "articles")
    extensions.setdefault(".htm", "articles")
