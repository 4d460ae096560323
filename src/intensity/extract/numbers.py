"""Numbers in text: digits, number words, ranges and vague quantities.

Rules (conservative, as ACLED codes them):
- "5-6" and "between 5 and 6" give the lower bound (5); the upper bound is kept as ``high``.
- "at least 5", "more than 100", "over 100" give the stated number.
- vague words come from the lexicon (``several`` 10, ``dozens`` 12, ``hundreds`` 100).
- a digit glued to letters by a hyphen is a weapon name ("RM-70", "Kh-101", "S-300"), never a count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intensity.extract.lexicon import Lexicon
from intensity.extract.scan import Scan

# Model names: letters, optional hyphen, digits (RM-70, Kh-101, S-300, Su-25, T-72, M777, 9M723, FAB-500).
_MODEL = re.compile(r"(?<![\w])(?:[A-Za-zА-Яа-я]{1,6}-?\d+[A-Za-z\d-]*|\d+[A-Za-z]+\d+[\w-]*)(?![\w])")
# (the lexicon's rules.csv ``digits`` adds range words, "10 to 15"; without it only "10-15")
_DIGITS = re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+|\d+)(?:\s*(?:-|–)\s*(\d+))?(?![\w]|[.,]\d)")
_ANY_DIGIT = re.compile(r"\d")
_DIGIT_NEXT = re.compile(r"\s+\d")
_NUMBER_WORD_NEXT = re.compile(r"[\s-]+([^\W\d_]+)")


@dataclass(frozen=True)
class Number:
    """A number found at ``text[start:end]``."""

    value: int
    start: int
    end: int
    kind: str  # digits, word, vague, article, zero
    high: int | None = None


def model_spans(text: str) -> list[tuple[int, int]]:
    """Spans of weapon/model names whose digits are not counts."""
    return [(m.start(), m.end()) for m in _MODEL.finditer(text) if re.search(r"[A-Za-zА-Яа-я]", m.group())]


def find_numbers(text: str, lex: Lexicon, scan: Scan | None = None) -> list[Number]:
    """All numbers in ``text``, left to right, non-overlapping.

    ``scan`` (a :class:`~intensity.extract.scan.Scan` of ``text``) only speeds it up.
    """
    out: list[Number] = []
    taken: list[tuple[int, int]] = []
    # Model names and digit counts both need a digit: most sentences have none.
    has_digit = _ANY_DIGIT.search(text) is not None
    mtext = text
    if has_digit:
        spans = model_spans(text)
        if spans:
            masked = list(text)
            for s, e in spans:
                for i in range(s, e):
                    masked[i] = "x"
            mtext = "".join(masked)
    digits = lex.rules.get("digits", _DIGITS)
    for m in (digits.finditer(mtext) if has_digit else ()):
        lo = int(m.group(1).replace(",", ""))
        hi = int(m.group(2)) if m.group(2) else None
        # "2023" or "15 March" style dates are not counts: left to the date resolver.
        if _looks_like_date(mtext, m, lex):
            continue
        if lex.number_label_re is not None and lex.number_label_re.search(mtext, max(0, m.start() - 24), m.start()):
            continue  # a name, "PD 5 of Kabul", "Route 9"
        if hi is not None and hi < lo:
            hi = None
        out.append(Number(lo, m.start(), m.end(), "digits", hi))
        taken.append((m.start(), m.end()))
    words = scan.finditer(lex.gates["number_word"]) if scan is not None else lex.number_word_re.finditer(text)
    for m in words:
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        word = m.group().lower()
        value, kind = lex.numbers[word]
        start, end = m.start(), m.end()
        if kind == "vague" and _DIGIT_NEXT.match(text, end):
            continue  # a modifier of the number after it: "some 20 civilians"
        if kind in ("tens", "cardinal"):
            # twenty-two, twenty two, one hundred, two thousand
            nxt = _NUMBER_WORD_NEXT.match(text[end:end + 20])
            if kind == "tens" and nxt and lex.numbers.get(nxt.group(1).lower(), (0, ""))[1] == "cardinal" \
                    and lex.numbers[nxt.group(1).lower()][0] < 10:
                value += lex.numbers[nxt.group(1).lower()][0]
                end += nxt.end()
                nxt = _NUMBER_WORD_NEXT.match(text[end:end + 20])
            if nxt and lex.numbers.get(nxt.group(1).lower(), (0, ""))[1] == "scale":
                value *= lex.numbers[nxt.group(1).lower()][0]
                end += nxt.end()
            kind = "word"
        elif kind == "scale":
            kind = "word"
        out.append(Number(value, start, end, kind))
        taken.append((start, end))
    out.sort(key=lambda n: n.start)
    return out


# (a clock or a date, "12:30", "5/3": a digit right before; "Kunduz: 3 killed" is a count)
_TIME_BEFORE = re.compile(r"\d[:/]$")


def _looks_like_date(text: str, m: re.Match, lex: Lexicon) -> bool:
    # (rules.csv: the words around a number that make it a year, a date, a time or a measure)
    val = m.group(1)
    after = text[m.end():m.end() + 12].lower()
    before = text[max(0, m.start() - 12):m.start()].lower()
    if len(val) == 4 and 1900 <= int(val) <= 2100 and not lex.rule("year_count").match(after):
        return True
    return bool(lex.rule("month_after").match(after) or lex.rule("month_before").search(before)
                or lex.rule("time_after").match(after) or _TIME_BEFORE.search(before)
                or lex.rule("unit_after").match(after))


def prefix_of(text: str, n: Number, lex: Lexicon) -> str | None:
    """The quantity modifier just before a number ("at least", "more than"), lower case."""
    m = lex.rule("count_modifier").search(text[max(0, n.start - 20):n.start])
    return m.group(1).lower() if m else None
