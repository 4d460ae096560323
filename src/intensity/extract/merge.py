"""One event per real-world event across articles.

Two extracted events are the same event when they share the day (and date
precision), the country, the admin1 code, the sub-event type and the location
(case and punctuation ignored; a missing location matches only another missing
one). The merged event keeps the first event's fields and evidence from all,
``source_count`` = number of distinct articles, and a conservative numbers rule:

- fatalities / injured: the **largest number that at least two reports support**
  when there are two or more reports with a number, i.e. the second-largest
  value; with a single report, that report's number. Reports that say nothing
  do not lower it; an explicit 0 counts as a report of 0. ``fatalities_low`` /
  ``fatalities_high`` keep the minimum and maximum reported.
- munitions: the same rule.
- confidence: 1 - prod(1 - c_i), capped at 0.99 (independent reports add up).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from intensity.extract.model import ExtractedEvent


def _key(ev: ExtractedEvent) -> tuple:
    loc = re.sub(r"[^a-z0-9]+", " ", (ev.location or "").lower()).strip()
    return (ev.event_date, ev.date_precision, ev.country_iso3, ev.admin1_code, ev.sub_event_type, loc)


def conservative(values: list[int]) -> int | None:
    """The largest value that two reports support (the second largest), or the only one."""
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    return vals[-2] if len(vals) >= 2 else vals[0]


def merge_events(events: Iterable[ExtractedEvent]) -> list[ExtractedEvent]:
    """Merge events that describe the same event (see the module docstring).

    Args:
        events: events from any number of articles.

    Returns:
        One event per key, in order of first appearance; single events pass unchanged.
    """
    groups: dict[tuple, list[ExtractedEvent]] = {}
    for ev in events:
        groups.setdefault(_key(ev), []).append(ev)
    out = []
    for evs in groups.values():
        if len(evs) == 1:
            out.append(evs[0])
            continue
        first = evs[0]
        articles = list(dict.fromkeys(a for e in evs for a in (e.article_ids or [e.article_id]) if a))
        fats = [e.fatalities for e in evs if e.fatalities is not None]
        merged = ExtractedEvent(**{**first.__dict__})
        merged.article_ids = articles
        merged.source_count = max(len(articles), 1)
        merged.fatalities = conservative(fats)
        merged.fatalities_low = min(fats) if fats else None
        merged.fatalities_high = max(fats) if fats else None
        merged.injured = conservative([e.injured for e in evs])
        merged.munitions = conservative([e.munitions for e in evs])
        merged.intercepted = conservative([e.intercepted for e in evs])
        for attr in ("weapon", "actor1", "actor2", "reported_by", "admin2", "latitude", "longitude"):
            if getattr(merged, attr) is None:
                merged.__dict__[attr] = next((getattr(e, attr) for e in evs if getattr(e, attr) is not None), None)
        p = 1.0
        for e in evs:
            p *= 1 - (e.confidence or 0)
        merged.confidence = round(min(0.99, 1 - p), 2)
        merged.evidence = [ev for e in evs for ev in e.evidence]
        out.append(merged)
    return out
