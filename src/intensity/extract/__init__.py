"""Conflict events from news text: rules, lexicons and a gazetteer; offline and explainable.

Public surface:
- :func:`extract_events` - the events of one article, each with evidence
  (sentence and character offsets per field), a confidence and the extractor version;
- :class:`ExtractedEvent`, :class:`Evidence`, :data:`EXTRACTOR_VERSION`;
- :func:`merge_events` - one event per (day, admin1, sub-type, location) across articles;
- :func:`read_articles` - articles from ``.jsonl``, ``.txt`` or ``.html`` files.

The rules are described in ``docs/extraction.md``; every word they use lives in
``data/reference/lexicon/<lang>/``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from intensity.extract.merge import merge_events
from intensity.extract.model import CANONICAL_FIELDS, EXTRACTOR_VERSION, Evidence, ExtractedEvent
from intensity.extract.readers import Article, read_articles

__all__ = ["extract_events", "ExtractedEvent", "Evidence", "EXTRACTOR_VERSION", "CANONICAL_FIELDS",
           "merge_events", "read_articles", "Article", "get_extractor"]


def get_extractor(lang: str = "en"):
    """The compiled extractor for ``lang`` (lexicon + gazetteer), built once per process."""
    return _extractor(lang)  # (one cache key per language: get_extractor() and ("en") built two)


@cache
def _extractor(lang: str):
    from intensity.extract import gazetteer, lexicon
    from intensity.extract.pipeline import Extractor

    return Extractor(lexicon.load(lang), gazetteer.load_index())


def extract_events(
    text: str,
    *,
    published: date | datetime | str,
    title: str | None = None,
    article_id: str | None = None,
    lang: str = "en",
) -> list[ExtractedEvent]:
    """Extract the conflict events an article reports.

    Args:
        text: the article body (plain text; see :func:`read_articles` for HTML).
        published: the publication day (a date, datetime or ISO string); relative
            wording ("yesterday", "on Saturday") is resolved against it.
        title: the headline, used only when the body yields no event.
        article_id: stored with each event; defaults to a hash of the text.
        lang: lexicon language (``data/reference/lexicon/<lang>/``).

    Returns:
        Events in order of first mention. Commentary, analysis and forecasts
        give none; an event is kept only when a country can be named.
    """
    pub = _as_date(published)
    if not text or not str(text).strip():
        if title and title.strip():
            return get_extractor(lang).extract("", published=pub, title=title, article_id=article_id)
        return []
    return get_extractor(lang).extract(text, published=pub, title=title, article_id=article_id)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from intensity.errors import UsageError

    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        raise UsageError(f"published must be a date like 2024-03-24, not {value!r}") from None
