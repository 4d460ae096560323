"""Sentences with character offsets into the original text.

Offsets are what the evidence contract promises: ``text[start:end]`` of the
article as given is the sentence, so nothing here rewrites the text; it only
finds boundaries (paragraph breaks, sentence-final punctuation not after a
known abbreviation, and headings: short lines without final punctuation).
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs", "etc", "jr", "sr",
    "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "km", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "gov", "sen", "rep", "prof", "adm", "brig", "cpl", "pvt",
}
_ABBREV_MAX = max(map(len, _ABBREV))
_PARA = re.compile(r"\n[ \t]*\n+|\r\n[ \t]*\r\n")
# (one leading character class, so the engine skips ahead to the next [.!?] without trying each position)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:(?=\s+[\"'“‘(\[]?[A-Z0-9А-ЯЁЇІЄҐ])|\s*$)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


class Sentence(NamedTuple):
    """One sentence: ``text[start:end]`` of the article."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    heading: bool = False


def _is_heading(chunk: str) -> bool:
    s = chunk.strip()
    if not s or len(s) > 90 or "\n" in s:
        return False
    if s[-1] in ".!?:;,\"'”’":
        return False
    words = s.split()
    return 1 <= len(words) <= 12 and s[0].isupper()


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences (and headings), keeping offsets.

    Args:
        text: the article body, as stored.

    Returns:
        Sentences in order; headings are flagged ``heading=True``.
    """
    # The first implementation's rules (kept in tests/test_extract_speed.py, which checks the
    # two agree), read in place: bounds into ``text`` instead of copies of paragraphs and
    # lines, the common full stop's abbreviation test inline, the tuples built directly.
    out: list[Sentence] = []
    append = out.append
    new = tuple.__new__
    end_iter = _END.finditer
    n = len(text)
    pos = 0
    para = 0
    bounds = [m.span() for m in _PARA.finditer(text)]
    bounds.append((n, n))
    for pstart, pend in bounds:
        cs, ce = pos, pstart
        pos = pend
        s0, e0 = _trim(text, cs, ce)
        if s0 == e0:  # (a blank chunk)
            continue
        # Single newlines inside a paragraph: a line that looks like a heading stands alone.
        lines = _lines(text[cs:ce], cs) if text.find("\n", cs, ce) >= 0 else None
        if lines is None and _heading_span(text, s0, e0):
            append(new(Sentence, (len(out), s0, e0, text[s0:e0], para, True)))
            para += 1
            continue
        for lstart, lend in lines or ((cs, ce),):
            if lines is not None and _is_heading(text[lstart:lend]):
                s, e = _trim(text, lstart, lend)
                if s < e:
                    append(new(Sentence, (len(out), s, e, text[s:e], para, True)))
                continue
            cur = lstart
            for m in end_iter(text, lstart, lend):
                ms, me = m.span()
                # a single full stop after a known abbreviation or an initial does not end the sentence
                if text[ms] == "." and (me - ms == 1 or text[ms + 1:me].isspace()) \
                        and not (ms - lstart > _ABBREV_MAX and text[ms - _ABBREV_MAX - 1:ms].isalnum()) \
                        and _abbreviation_at(text, lstart, ms):
                    continue
                s = cur
                while s < me and text[s].isspace():
                    s += 1
                if s < me:
                    e = me
                    while text[e - 1].isspace():
                        e -= 1
                    append(new(Sentence, (len(out), s, e, text[s:e], para, False)))
                cur = me
            s, e = _trim(text, cur, lend)
            if s < e:
                append(new(Sentence, (len(out), s, e, text[s:e], para, False)))
        para += 1
    return out


def _heading_span(text: str, s: int, e: int) -> bool:
    """``_is_heading(text[a:b])`` for a line without newlines whose trimmed bounds are ``s < e``."""
    if e - s > 90 or text[e - 1] in ".!?:;,\"'”’":
        return False
    return 1 <= len(text[s:e].split()) <= 12 and text[s].isupper()


def _abbreviation_at(text: str, b: int, pos: int) -> bool:
    """``_abbreviation_before(text[b:end], pos - b)``, read in place."""
    lo = max(b, pos - (_ABBREV_MAX + 4))
    m = _WORD_BEFORE.search(text, lo, pos)
    if m is None:
        return False
    if m.start() == lo and lo > b:
        if not text.endswith("....", b, pos):
            return False
        m = _WORD_BEFORE.search(text, b, pos)
    w = m.group(1).lower().rstrip(".")
    return w in _ABBREV or (len(w) == 1 and w.isalpha())


def _lines(chunk: str, offset: int) -> list[tuple[int, int]]:
    # Keep lines together unless one of them is a heading.
    if "\n" not in chunk:
        return [(offset, offset + len(chunk))]
    parts = []
    start = 0
    for m in re.finditer(r"\n", chunk):
        parts.append((start, m.start()))
        start = m.end()
    parts.append((start, len(chunk)))
    merged: list[tuple[int, int]] = []
    for s, e in parts:
        line = chunk[s:e]
        if _is_heading(line) or not merged or _is_heading(chunk[merged[-1][0]:merged[-1][1]]):
            merged.append((s, e))
        else:
            merged[-1] = (merged[-1][0], e)
    return [(offset + s, offset + e) for s, e in merged]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    # text[s:e] without surrounding whitespace (str.strip and str.isspace agree on what that is);
    # sentences carry a space or two at most, so stepping over them beats copying the sentence
    while s < e and text[s].isspace():
        s += 1
    if s == e:
        return e, e
    while text[e - 1].isspace():
        e -= 1
    return s, e


def _abbreviation_before(seg: str, pos: int) -> bool:
    """Whether the run of word characters and dots ending at ``pos`` is a known abbreviation or an initial."""
    # A short window is enough: a run longer than it cannot be an abbreviation (at most
    # _ABBREV_MAX characters) unless it ends in four dots or more, and then the whole run is read.
    if pos > _ABBREV_MAX and seg[pos - _ABBREV_MAX - 1:pos].isalnum():
        return False  # the word before is longer than any abbreviation (the common case)
    lo = max(0, pos - (_ABBREV_MAX + 4))
    m = _WORD_BEFORE.search(seg, lo, pos)
    if m is None:
        return False
    if m.start() == lo and lo > 0:
        if not seg.endswith("....", 0, pos):
            return False
        m = _WORD_BEFORE.search(seg, 0, pos)
    w = m.group(1).lower().rstrip(".")
    return w in _ABBREV or (len(w) == 1 and w.isalpha())


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    seg = text[start:end]
    out = []
    cur = 0
    for m in _END.finditer(seg):
        g = m.group()
        # a single full stop after a known abbreviation or an initial does not end the sentence
        if g[0] == "." and len(g.rstrip()) == 1 and _abbreviation_before(seg, m.start()):
            continue
        s, e = _trim(text, start + cur, start + m.end())
        if s < e:
            out.append((s, e))
        cur = m.end()
    s, e = _trim(text, start + cur, end)
    if s < e:
        out.append((s, e))
    return out
