"""Fast, exact regex scanning: a word gate in front of each lexicon regex.

Python's ``re`` tries every alternative of a long case-insensitive alternation at
every position, so scanning a sentence with the ~60-pattern trigger regex costs
about a microsecond per character. Almost every position fails on its first
word, though. :func:`gate` reads the regex's parse tree once and lists the
*first words* any match can begin with (``shell(?:s|ed|ing)?`` -> shell, shells,
shelled, shelling; open-ended parts give a prefix instead). A :class:`Scan` of
one sentence holds its lower-cased word set; a gated regex whose first words
are disjoint from it cannot match and is skipped, and one that can is tried
only at the positions where one of its first words occurs.

The results are identical to ``rx.finditer(text)``: a match always starts at a
word start whose word is one of the listed first words (the enumeration only
ever over-approximates), candidate positions are tried left to right with
``rx.match(text, pos)`` (which sees the text before ``pos`` for look-behinds),
and a candidate inside the previous match is skipped, as ``finditer`` does.
Whatever the gate cannot prove (a regex that may start mid-word or with a
non-word character, a sentence whose lower-casing is not one character per
character, non-ASCII words, where case folding differs from ``str.lower``)
falls back to the plain scan. ``tests/test_extract_scan.py`` checks the
equivalence on generated text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from re import _constants as C
from re import _parser as P

_OPEN, _DONE, _PFX = 0, 1, 2
_MAX_STATES = 6000
_MAX_REPEAT_EXPAND = 6
_ISWORD = re.compile(r"\w")
_RUN = re.compile(r"\w+")
# ASCII word characters kept, every other byte a space (bytes.translate: ~2x faster than str.translate)
_NON_WORD_BYTES = bytes(i if i < 128 and (chr(i).isalnum() or chr(i) == "_") else 32 for i in range(256))
_GATING = [True]
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}


class _GiveUp(Exception):
    pass


def _is_word(ch: str) -> bool:
    return _ISWORD.match(ch) is not None


def _charset(items) -> list[str] | None:
    """The characters of a ``[...]`` set, or None when it is open (negated, a category, wide range)."""
    out: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > 40:
                return None
            out.extend(chr(c) for c in range(lo, hi + 1))
        elif op is C.CATEGORY and av in (C.CATEGORY_SPACE, C.CATEGORY_NOT_WORD):
            out.append(" ")  # stands for "some non-word character": ends the word
        else:  # NEGATE, word/digit categories
            return None
    return out


def _word_class(items) -> bool:
    """Whether a ``[...]`` set contains every word character (``[\\w]``, ``[\\w-]``)."""
    return any(op is C.CATEGORY and av is C.CATEGORY_WORD for op, av in items)


# A state of the enumeration is (first word, second word, phase, kind): phase 1 reads the
# first word, phase 2 (after the first non-word character) the second one; kind is
# _OPEN (still reading), _DONE (the word is complete) or _PFX (the word starts so, and
# the pattern cannot tell more).


def _feed(st: tuple, ch: str) -> tuple:
    p1, p2, ph, _ = st
    if ph == 1:
        if _is_word(ch):
            return (p1 + ch.lower(), "", 1, _OPEN)
        return (p1, "", 2, _OPEN) if p1 else ("", "", 1, _DONE)  # "" first word: no gate
    if _is_word(ch):
        return (p1, p2 + ch.lower(), 2, _OPEN)
    return st if not p2 else (p1, p2, 2, _DONE)


def _boundary(st: tuple) -> tuple:
    # a word boundary after a word character: the current word ends here
    p1, p2, ph, _ = st
    if ph == 1:
        return (p1, "", 2, _OPEN) if p1 else st
    return (p1, p2, 2, _DONE) if p2 else st


def _unknown(st: tuple) -> tuple:
    p1, p2, ph, _ = st
    return (p1, p2, ph, _PFX)


def _seq(items, states: set) -> set:
    for op, av in items:
        if not any(st[3] == _OPEN for st in states):
            break
        states = _item(op, av, states)
        if len(states) > _MAX_STATES:
            raise _GiveUp
    return states


def _item(op, av, states: set) -> set:
    keep = {st for st in states if st[3] != _OPEN}
    opens = [st for st in states if st[3] == _OPEN]

    if op is C.LITERAL:
        ch = chr(av)
        return keep | {_feed(st, ch) for st in opens}
    if op is C.IN:
        chars = _charset(av)
        if chars is None:
            return keep | {_unknown(st) for st in opens}
        return keep | {_feed(st, ch) for st in opens for ch in chars}
    if op is C.BRANCH:
        out = set(keep)
        for alt in av[1]:
            out |= _seq(alt.data, set(opens))
        return out
    if op is C.SUBPATTERN:
        return keep | _seq(av[-1].data, set(opens))
    if op is getattr(C, "ATOMIC_GROUP", None):
        return keep | _seq(av.data, set(opens))
    if op in _REPEATS:
        lo, hi, sub = av
        if lo > _MAX_REPEAT_EXPAND:
            return keep | {_unknown(st) for st in opens}
        cur = set(opens)
        for _ in range(lo):
            cur = _seq(sub.data, cur)
        out = keep | cur
        unbounded = hi == C.MAXREPEAT or hi > _MAX_REPEAT_EXPAND
        for _ in range(lo, hi if not unbounded else lo + _MAX_REPEAT_EXPAND):
            cur = {st for st in cur if st[3] == _OPEN}
            if not cur:
                return out
            cur = _seq(sub.data, cur)
            new = cur - out
            if not new and unbounded:
                return out  # a fixed point: more repetitions give nothing new
            out |= cur
        if unbounded:  # still growing: what further repetitions add is unknown
            return keep | {_unknown(st) if st[3] == _OPEN else st for st in out}
        return out
    if op is C.AT:
        if av is C.AT_BOUNDARY:
            return keep | {_boundary(st) for st in opens}
        if av in (C.AT_END, C.AT_END_STRING):
            return keep | {_boundary(st) for st in opens}
        return states
    if op is C.ASSERT_NOT:
        direction, sub = av
        d = sub.data
        if direction == 1 and len(d) == 1 and (
                (d[0][0] is C.IN and _word_class(d[0][1])) or (d[0][0] is C.CATEGORY and d[0][1] is C.CATEGORY_WORD)):
            return keep | {_boundary(st) for st in opens}  # (?![\w]): the word ends here
        return states
    if op is C.ASSERT:
        return states  # a look-around only narrows the matches: ignoring it over-approximates
    if op is C.CATEGORY:
        if av in (C.CATEGORY_SPACE, C.CATEGORY_NOT_WORD):
            return keep | {_feed(st, " ") for st in opens}
        return keep | {_unknown(st) for st in opens}
    return keep | {_unknown(st) for st in opens}  # ANY, NOT_LITERAL, group references, ...


def _anchored(items) -> bool | None:
    """True when every match must start at the start of a word (a look-behind for \\w, or \\b)."""
    for op, av in items:
        if op is C.ASSERT or (op is C.ASSERT_NOT and av[0] == 1):
            continue
        if op is C.ASSERT_NOT and av[0] == -1:
            d = av[1].data
            if len(d) == 1 and ((d[0][0] is C.IN and _word_class(d[0][1]))
                                or (d[0][0] is C.CATEGORY and d[0][1] is C.CATEGORY_WORD)):
                return True
            continue
        if op is C.AT:
            if av is C.AT_BOUNDARY:
                return True
            return False
        if op is C.SUBPATTERN:
            r = _anchored(av[-1].data)
            if r is None:
                continue
            return r
        if op is C.BRANCH:
            return all(_anchored(alt.data) for alt in av[1])
        return False
    return None


# Alternations built by the lexicon: (pattern, flags) -> (number of alternatives, builder of the
# alternation of a subset of them, keeping their group names).
_ALTERNATIONS: dict[tuple[str, int], tuple] = {}


def register_alternation(rx: re.Pattern, n: int, build) -> None:
    """Declare ``rx`` an ordered alternation of ``n`` alternatives; ``build(indices)`` compiles a subset.

    A gated scan then tries, at a candidate word, only the alternatives that can start with
    that word (found by gating each alternative on its own): Python's ``re`` tries
    alternatives one by one, so a 100-pattern alternation costs ~20 us per position, a
    subset of one or two ~1 us. The match is the same: the alternatives left out cannot
    match at a position where that word starts, and the order of the others is kept.
    """
    _ALTERNATIONS[(rx.pattern, rx.flags)] = (n, build)


class Gated:
    """A compiled regex plus the first words its matches can begin with (see the module docstring)."""

    __slots__ = ("rx", "words", "second", "prefixes", "always", "needles", "_alts", "_by_word", "_followed_rx")

    def __init__(self, rx: re.Pattern):
        self.rx = rx
        self._followed_rx: dict[str, re.Pattern] = {}
        self._alts = _ALTERNATIONS.get((rx.pattern, rx.flags))  # (n, build), replaced by the per-word index
        self._by_word: dict[str, re.Pattern] = {}
        self.words: frozenset[str] = frozenset()
        self.second: dict[str, frozenset[str] | None] = {}  # first word -> the words that can follow it
        self.prefixes: tuple[str, ...] = ()
        self.needles: tuple[str, ...] = ()  # one of these occurs (lower-cased) in any text the regex matches
        self.always = True
        try:
            parsed = P.parse(rx.pattern, rx.flags & ~re.UNICODE)
        except Exception:  # pragma: no cover - a pattern re compiled always parses
            return
        if not _anchored(parsed.data):
            return
        try:
            states = _seq(parsed.data, {("", "", 1, _OPEN)})
        except _GiveUp:
            return
        second: dict[str, set[str] | None] = {}
        prefixes = set()
        for p1, p2, ph, kind in states:
            if not p1:
                return  # a match may begin with a non-word character: no gate
            if ph == 1:  # the first word is open-ended: only its start is known
                prefixes.add(p1)
            elif kind == _DONE:
                if p1 not in second:
                    second[p1] = {p2}
                elif second[p1] is not None:
                    second[p1].add(p2)
            else:  # the pattern may end after the first word, or the second word is open-ended
                second[p1] = None
        if any(not w.isascii() for w in [*second, *prefixes]):
            return  # case folding beyond str.lower: keep the plain scan
        self.words = frozenset(second)
        self.second = {w: (frozenset(v) if v is not None else None) for w, v in second.items()}
        self.prefixes = tuple(sorted(prefixes))
        # a match starts with an unconstrained first word, or a first word and one of its followers
        needles = set(prefixes)
        for w, nxt in self.second.items():
            if nxt is None:
                needles.add(w)
            else:
                needles |= nxt
        kept: list[str] = []
        for n in sorted(needles, key=len):  # "raids" adds nothing once "raid" is tested
            if not any(k in n for k in kept):
                kept.append(n)
        self.needles = tuple(kept)
        self.always = False

    def matcher(self, word: str) -> re.Pattern:
        """The regex to try at a position where ``word`` (one of the gate's first words) starts."""
        m = self._by_word.get(word)
        if m is not None:
            return m
        alts = self._alts
        if alts is None:
            m = self.rx
        else:
            if isinstance(alts[0], int):  # first use: gate every alternative on its own
                n, build = alts
                index = []
                for i in range(n):
                    g = Gated(build([i]))
                    if g.always:
                        index = None  # one alternative the gate cannot read: always the whole regex
                        break
                    index.append((i, g.words, g.prefixes))
                self._alts = alts = (index, build) if index is not None else None
                if alts is None:
                    self._by_word[word] = self.rx
                    return self.rx
            index, build = alts
            keep = [i for i, words, pfx in index if word in words or (pfx and word.startswith(pfx))]
            m = build(keep) if keep and len(keep) < len(index) else self.rx
        if len(self._by_word) < 5000:
            self._by_word[word] = m
        return m

    def followed_rx(self, w: str) -> re.Pattern:
        """The whole-word occurrences of first word ``w`` that one of its second words follows.

        The next word is the one the scan would read on the lower-cased text of an exact scan (whose
        word characters are ASCII): the run of word characters after any others.
        """
        e = re.escape(w)
        if not self.second[w]:  # (no follower can be read: never a candidate)
            rx = self._followed_rx[w] = re.compile(r"(?!x)x")
            return rx
        alts = "|".join(re.escape(n) for n in sorted(self.second[w], key=lambda n: (-len(n), n)))
        rx = self._followed_rx[w] = re.compile(
            rf"{e}(?<![0-9A-Za-z_]{e})(?![0-9A-Za-z_])(?=[^0-9A-Za-z_]*(?:{alts})(?![0-9A-Za-z_]))")
        return rx

    def maybe_in(self, text: str) -> bool:
        """False only when the regex certainly finds nothing in ``text`` (substring tests, no scan)."""
        if self.always or not _GATING[0]:
            return True
        low = text.lower()
        if not low.isascii():
            return True
        return any(n in low for n in self.needles)

    @property
    def pattern(self) -> str:
        return self.rx.pattern

    def finditer(self, text: str) -> list[re.Match]:
        """``list(rx.finditer(text))`` (ungated: no sentence context)."""
        return list(self.rx.finditer(text))


def set_gating(on: bool) -> None:
    """Switch the gates on or off (off: every scan is the plain ``finditer``; for benchmarks and tests)."""
    _GATING[0] = bool(on)


def gate(rx: re.Pattern | str, flags: int = 0) -> Gated:
    """A :class:`Gated` regex (compiling ``rx`` when it is a string)."""
    return Gated(re.compile(rx, flags) if isinstance(rx, str) else rx)


_WHOLE_WORD: dict[str, re.Pattern] = {}


def _whole_word(w: str) -> re.Pattern:
    """A regex for ``w`` (ASCII word characters) as a whole word of ASCII-word text (memoised)."""
    if len(_WHOLE_WORD) > 20_000:  # arbitrary input must not grow it without bound
        _WHOLE_WORD.clear()
    e = re.escape(w)
    rx = _WHOLE_WORD[w] = re.compile(rf"{e}(?<![0-9A-Za-z_]{e})(?![0-9A-Za-z_])")
    return rx


class Scan:
    """One sentence prepared for gated scanning: its lower-cased text and word set."""

    __slots__ = ("text", "low", "toks", "exact", "numbers")

    def __init__(self, text: str):
        self.text = text
        self.numbers = None  # (the sentence's numbers, read once: see pipeline._numbers_of)
        low = text.lower()
        self.low = low
        if low.isascii():
            # the words (\w runs) of ASCII text: the other characters become spaces (3x faster than findall)
            self.toks = set(low.encode("ascii").translate(_NON_WORD_BYTES).decode("ascii").split())
            self.exact = _GATING[0]
        else:
            self.toks = set(_RUN.findall(low))
            # Offsets must survive lower-casing, and non-ASCII words may fold differently in re.
            self.exact = _GATING[0] and len(low) == len(text) and all(t.isascii() for t in self.toks)

    def _hits(self, g: Gated) -> list[str] | None:
        toks = self.toks
        hits = []
        if not g.words.isdisjoint(toks):
            second = g.second
            for t in g.words & toks:
                nxt = second[t]
                # a first word counts only when one of the words that can follow it occurs too
                if nxt is None or not nxt.isdisjoint(toks):
                    hits.append(t)
        if g.prefixes and any(pre in self.low for pre in g.prefixes):  # (a substring test first: cheap)
            hits += [t for t in toks if t.startswith(g.prefixes) and t not in g.words]
        return hits

    def _positions(self, hits: list[str], g: Gated | None = None) -> list[int]:
        low = self.low
        second = g.second if g is not None else {}
        pos = []
        for w in hits:
            # every hit is a whole word of the text: its whole-word occurrences (found by a regex that
            # starts with the word itself, so the engine skips ahead to it; the same positions as
            # stepping through str.find: whole-word occurrences never overlap); when only some words
            # may follow this one, the regex also looks ahead for one of them as the next word
            nxt = second.get(w)
            if nxt is None:
                rx = _WHOLE_WORD.get(w) or _whole_word(w)
            else:
                rx = g._followed_rx.get(w) or g.followed_rx(w)
            pos += [m.start() for m in rx.finditer(low)]
        if len(hits) > 1:
            pos = sorted(set(pos))
        return pos

    def _word_positions(self, hits: list[str], g: Gated) -> list[tuple[int, str]]:
        """:meth:`_positions` with the word that starts at each position."""
        if len(hits) == 1:
            w = hits[0]
            return [(p, w) for p in self._positions(hits, g)]
        out = [(p, w) for w in hits for p in self._positions([w], g)]
        out.sort()
        return out

    def finditer(self, g: Gated) -> list[re.Match]:
        """Exactly ``list(g.rx.finditer(self.text))``, trying only the candidate positions."""
        if g.always or not self.exact:
            return list(g.rx.finditer(self.text))
        hits = self._hits(g)
        return self.finditer_at(g, self._word_positions(hits, g)) if hits else []

    def search(self, g: Gated) -> re.Match | None:
        """Exactly ``g.rx.search(self.text)``."""
        if g.always or not self.exact:
            return g.rx.search(self.text)
        hits = self._hits(g)
        if not hits:
            return None
        text = self.text
        matcher = g.matcher
        for p, w in self._word_positions(hits, g):
            m = matcher(w).match(text, p)
            if m is not None:
                return m
        return None

    def word_candidates(self, g: Gated) -> list[tuple[int, str]] | None:
        """:meth:`candidates` with the word that starts at each position (for :meth:`finditer_at`)."""
        if g.always or not self.exact:
            return None
        hits = self._hits(g)
        return self._word_positions(hits, g) if hits else []

    def finditer_at(self, g: Gated, cands: list[tuple[int, str]]) -> list[re.Match]:
        """:meth:`finditer`, trying the given (position, word) candidates, sorted.

        ``cands`` must hold every candidate :meth:`finditer` would try, such as a whole article's
        :meth:`word_candidates` that fall inside this sentence, moved to its offsets: positions
        beyond those cannot match (each word's matcher is the regex wherever that word starts),
        so the result is the same.
        """
        if g.always or not self.exact:
            return list(g.rx.finditer(self.text))
        out = []
        last = 0
        text = self.text
        matcher = g.matcher
        for p, w in cands:
            if p < last:
                continue
            m = matcher(w).match(text, p)
            if m is not None:
                out.append(m)
                last = m.end() if m.end() > p else p + 1
        return out

    def candidates(self, g: Gated) -> list[int] | None:
        """Sorted positions where a match of ``g`` may start (a superset), or None when unknown.

        Used on a whole article to find the sentences worth scanning at all.
        """
        if g.always or not self.exact:
            return None
        hits = self._hits(g)
        return self._positions(hits, g) if hits else []

    def may_match(self, g: Gated) -> bool:
        """False only when ``g`` certainly finds nothing in this sentence."""
        if g.always or not self.exact:
            return True
        return bool(self._hits(g))


class ArticleScan(Scan):
    """A :class:`Scan` of a whole article that also prepares its sentences (:meth:`sentence`).

    An ASCII article is lower-cased and reduced to its words once; a sentence's scan then
    takes its slice of both instead of converting its text again. ``str.lower`` and the byte
    table work character by character on ASCII text, so the slice of the article's
    conversion is the conversion of the slice: the sentence scan is the same as ``Scan(text)``.
    """

    __slots__ = ("_words",)

    def __init__(self, text: str):
        low = text.lower()
        if not low.isascii():
            super().__init__(text)
            self._words = None
            return
        self.text = text
        self.low = low
        # (the word characters kept, every other character a space: the article's words, in place;
        # its word set is the one Scan.__init__ makes of the same string)
        self._words = low.encode("ascii").translate(_NON_WORD_BYTES).decode("ascii")
        self.toks = set(self._words.split())
        self.exact = _GATING[0]
        self.numbers = None

    def needle_sentences(self, g: Gated, starts: list[int], ends: list[int]) -> set[int] | None:
        """Which of the sentences ``text[starts[i]:ends[i]]`` pass ``g.maybe_in``: their indices ``i``.

        One ``str.find`` pass per needle over the article instead of every needle tested on every
        sentence (``maybe_in`` lower-cases an ASCII sentence and looks for its needles as substrings;
        an occurrence counts when it lies inside the sentence). None when ``maybe_in`` would pass
        every sentence (the gate is open, gating is off) or the article is not ASCII.
        """
        if g.always or not _GATING[0] or self._words is None:
            return None
        low = self.low
        out: set[int] = set()
        for n in g.needles:
            ln = len(n)
            i = low.find(n)
            while i >= 0:
                j = bisect_right(starts, i) - 1
                if j >= 0 and i + ln <= ends[j]:
                    out.add(j)
                i = low.find(n, i + 1)
        return out

    def sentence(self, text: str, start: int) -> Scan:
        """The scan of ``text``, which is the article's ``text[start:start + len(text)]``."""
        if self._words is None:
            return Scan(text)
        return SentenceScan(text, self, start)


class SentenceScan(Scan):
    """``Scan(text)`` of a sentence of an ASCII :class:`ArticleScan`, sliced from the article's."""

    __slots__ = ()

    def __init__(self, text: str, art: ArticleScan, start: int):  # (no super().__init__: nothing to convert)
        end = start + len(text)
        self.text = text
        self.low = art.low[start:end]
        self.toks = set(art._words[start:end].split())
        self.exact = _GATING[0]
        self.numbers = None
