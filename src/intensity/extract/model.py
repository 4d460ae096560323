"""The extractor's output: canonical event columns plus evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

EXTRACTOR_VERSION = "intensity-rules-1.8"  # bumped whenever the rules change what is extracted

# Canonical columns an extracted event fills (the events table, less store bookkeeping).
CANONICAL_FIELDS = (
    "event_id", "source", "source_event_id", "event_date", "date_precision", "country_iso3", "admin1_code",
    "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "fatalities", "fatalities_low", "fatalities_high", "injured", "munitions", "weapon",
    "source_count", "notes", "article_id", "confidence", "extractor_version",
)


@dataclass(frozen=True)
class Evidence:
    """Where one field's value comes from: ``text[start:end]`` of the article body.

    ``sentence`` is the sentence index (``-1`` for the title, offsets then into the
    title); ``rule`` names the rule that fired.
    """

    field: str
    sentence: int
    start: int
    end: int
    text: str
    rule: str


@dataclass
class ExtractedEvent:
    """One event found in an article (or merged from several)."""

    event_date: date
    date_precision: int
    country_iso3: str
    event_type: str
    sub_event_type: str
    admin1_code: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    fatalities_low: int | None = None
    fatalities_high: int | None = None
    injured: int | None = None
    munitions: int | None = None
    intercepted: int | None = None
    weapon: str | None = None
    reported_by: str | None = None
    source_count: int = 1
    notes: str | None = None
    article_id: str | None = None
    article_ids: list[str] = field(default_factory=list)
    confidence: float = 0.5
    extractor_version: str = EXTRACTOR_VERSION
    event_id: str | None = None
    source: str = "text"
    sentences: list[int] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def source_event_id(self) -> str | None:
        return self.event_id.split(":", 1)[1] if self.event_id and ":" in self.event_id else None

    def row(self) -> dict:
        """The canonical columns (JSON-ready: dates as ISO strings)."""
        out = {}
        for f in CANONICAL_FIELDS:
            v = getattr(self, f)
            out[f] = v.isoformat() if isinstance(v, date) else v
        return out

    def to_json(self) -> dict:
        """Canonical columns plus ``reported_by``, ``intercepted``, ``article_ids`` and ``evidence``."""
        out = self.row()
        out["reported_by"] = self.reported_by
        out["intercepted"] = self.intercepted
        out["article_ids"] = self.article_ids or ([self.article_id] if self.article_id else [])
        out["evidence"] = [asdict(e) for e in self.evidence]
        return out
