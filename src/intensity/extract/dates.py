"""Event dates from wording, resolved against the publication day.

Precision follows the events table: 1 day, 2 week, 3 month. Day precision is
given only for an explicit day ("on 22 March", "2024-03-22"), a weekday ("on
Saturday": the latest such day on or before publication), or a day offset
("yesterday", "overnight", "last night": the day before). Vague wording
("earlier this week" -> 2, "recent weeks", "a series of", "recently" -> 3)
gives the midpoint of the implied period strictly before publication. The
resolver never invents day precision: an event with no date wording gets the
publication day only through the caller's documented default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from intensity.extract.lexicon import Lexicon
from intensity.extract.scan import Scan, gate

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
_ANY_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class DateMention:
    """A resolved date expression at ``text[start:end]``."""

    day: date
    precision: int
    start: int
    end: int
    rule: str


def _month_re(lex: Lexicon) -> tuple:
    cached = lex.extra.get("month_re")
    if cached:
        return cached
    months: dict[str, int] = {}
    words = []
    for i, ((kind, value), pat) in enumerate(zip(lex.date_entries, lex.date_patterns)):
        if kind == "month":
            words.append(f"(?P<m{i}>{pat})")
            months[f"m{i}"] = int(value)
    rx = re.compile(r"(?<![\w])(?:" + "|".join(words) + r")(?![\w])", re.IGNORECASE)
    # (rules.csv: ordinal suffixes "15th", range words "13 to 15", "of" in "3rd of May")
    ordinal, span, of = (lex.rule(k).pattern for k in ("ordinal_suffix", "day_range_word", "day_month_of"))
    day_month = re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}})(?:{ordinal})?(?:\s*(?:-|–|{span})\s*(?P<d2>\d{{1,2}})(?:{ordinal})?)?\s+(?:(?:{of})\s+)?(?P<mon>"
        # not followed by a letter: "3 marines", "2 mayors" and "4 MARS" are not dates
        + "|".join(words).replace("(?P<m", "(?P<a") + r")(?![^\W\d_])\.?(?:,?\s+(?P<y>\d{4}))?",
        re.IGNORECASE,
    )
    month_day = re.compile(
        r"(?<![\w])(?=[^\W\d_])(?P<mon>" + "|".join(words).replace("(?P<m", "(?P<b") + rf")\.?\s+(?P<d>\d{{1,2}})(?:{ordinal})?(?!\d)"
        rf"(?:\s*(?:-|–|{span})\s*(?P<d2>\d{{1,2}}))?(?:,?\s+(?P<y>\d{{4}}))?",
        re.IGNORECASE,
    )
    out = (rx, months, day_month, month_day, gate(month_day))
    lex.extra["month_re"] = out
    return out


def _month_value(m: re.Match, months: dict[str, int]) -> int:
    for k, v in m.groupdict().items():
        if v and k[0] in "mab" and k[1:].isdigit():
            return months["m" + k[1:]]
    raise KeyError("no month group")


def _infer_year(day: int, month: int, published: date) -> date | None:
    for year in (published.year, published.year - 1):
        try:
            d = date(year, month, day)
        except ValueError:
            return None
        if d <= published + timedelta(days=1):
            return d
    return None


def find_dates(text: str, published: date, lex: Lexicon, scan: Scan | None = None) -> list[DateMention]:
    """Every date expression in ``text`` (one sentence), resolved against ``published``.

    ``scan`` (a :class:`~intensity.extract.scan.Scan` of ``text``) only speeds it up.
    """
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(d: date | None, prec: int, s: int, e: int, rule: str) -> None:
        if d is None or any(a < e and s < b for a, b in taken):
            return
        out.append(DateMention(d, prec, s, e, rule))
        taken.append((s, e))

    # ISO, d/m/y and "15 March" forms all need a digit: most sentences have none.
    has_digit = _ANY_DIGIT.search(text) is not None
    for m in (_ISO.finditer(text) if has_digit else ()):
        try:
            add(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), 1, m.start(), m.end(), "iso")
        except ValueError:
            pass
    for m in (_DMY.finditer(text) if has_digit else ()):
        try:
            add(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), 1, m.start(), m.end(), "dmy")
        except ValueError:
            pass
    _, months, day_month, month_day, month_day_gate = _month_re(lex)
    for rx in ((day_month, month_day) if has_digit else ()):
        it = scan.finditer(month_day_gate) if scan is not None and rx is month_day else rx.finditer(text)
        for m in it:
            try:
                mon = _month_value(m, months)
                d1 = int(m.group("d"))
                if m.group("y"):
                    d = date(int(m.group("y")), mon, d1)
                else:
                    d = _infer_year(d1, mon, published)
            except (ValueError, KeyError):
                continue
            # A span of days ("13-15 March") is reported at its first day with week precision.
            prec = 2 if m.group("d2") else 1
            add(d, prec, m.start(), m.end(), "day_month")
    for m in (scan.finditer(lex.gates["date"]) if scan is not None else lex.date_re.finditer(text)):
        kind, value = lex.date_entries[int(m.lastgroup[1:])]
        if kind == "weekday":
            back = (published.weekday() - int(value)) % 7
            # "last Saturday" said on a Saturday means a week ago.
            if back == 0 and lex.rule("weekday_last").search(text[max(0, m.start() - 6):m.start()]):
                back = 7
            add(published - timedelta(days=back), 1, m.start(), m.end(), "weekday")
        elif kind == "offset":
            add(published + timedelta(days=int(value)), 1, m.start(), m.end(), "offset")
        elif kind == "vague_week":
            monday = published - timedelta(days=published.weekday())
            lo = monday if monday < published else published - timedelta(days=7)
            if lex.rule("week_past").search(m.group()):
                lo = published - timedelta(days=7)
            add(_mid(lo, published - timedelta(days=1)), 2, m.start(), m.end(), "vague_week")
        elif kind == "vague_month":
            add(_mid(published - timedelta(days=30), published - timedelta(days=1)), 3, m.start(), m.end(),
                "vague_month")
    out.sort(key=lambda d: d.start)
    return out


def _mid(lo: date, hi: date) -> date:
    if hi < lo:
        return hi
    return lo + (hi - lo) // 2
