"""The execution-model speed-ups are exact: sentence splitting read in place equals the first
implementation, and a sentence scanned through its article equals a scan of its own.
Texts are written for these tests or generated."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intensity.extract.lexicon import load
from intensity.extract.scan import ArticleScan, Scan, SentenceScan, gate
from intensity.extract.text import (
    _PARA,
    Sentence,
    _is_heading,
    _lines,
    _sentences_in,
    _trim,
    split_sentences,
)

LEX = load("en")
# (every rule of rules.csv too, the pipeline's gated ones among them)
GATES = {**LEX.gates, **{f"rule_{k}": gate(rx) for k, rx in LEX.rules.items()}}
PIECES = ["Mr", "Dr.", "U.S.", "St", "km", "no", "e.g.", "A", "B.", "...", "....", "Kyiv", "Kharkiv oblast", ".",
          "!", "?", "?!", "\"", "'", "”", "’", ")", "]", "(", "[", "“", "‘", " ", "  ", "\n", "\n\n", "\r\n\r\n",
          "\n \n", "\t", "Е", "Ї", "5", "x" * 95, "Heading Here", "shelled", "the attack", "killed", "two", ",",
          ":", ";", "\u00a0", "\u2028", "\x85", "approx.", "Approx."]
TEXTS = [
    "",
    "   \n\n  ",
    "Aftermath\n\nRussian forces shelled Kharkiv on Saturday. Two people were killed, Mr. Syniehubov said.",
    "Missile strike on Lviv by the Russians",
    "Line one of a paragraph\ncontinues here. Short Heading\nThe next line.\n\nU.S. officials said... it was\n\n",
    "He said \"it's over.\" Then (quietly) left! Did he? Yes...and no. St. Petersburg, approx. 5 km.",
]
_salad = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def split_sentences_reference(text: str) -> list[Sentence]:
    """The first implementation of :func:`split_sentences` (copies of paragraphs and lines)."""
    out: list[Sentence] = []
    pos = 0
    para = 0
    bounds = [(m.start(), m.end()) for m in _PARA.finditer(text)] + [(len(text), len(text))]
    for pstart, pend in bounds:
        chunk_start, chunk_end = pos, pstart
        pos = pend
        chunk = text[chunk_start:chunk_end]
        if not chunk.strip():
            continue
        # Single newlines inside a paragraph: a line that looks like a heading stands alone.
        lines = _lines(chunk, chunk_start)
        for lstart, lend in lines:
            line = text[lstart:lend]
            if _is_heading(line):
                s, e = _trim(text, lstart, lend)
                if s < e:
                    out.append(Sentence(len(out), s, e, text[s:e], para, heading=True))
                continue
            for s, e in _sentences_in(text, lstart, lend):
                out.append(Sentence(len(out), s, e, text[s:e], para))
        para += 1
    return out


def test_split_equals_reference_on_written_texts():
    for t in TEXTS:
        assert split_sentences(t) == split_sentences_reference(t), t


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_salad, st.text(max_size=120)))
def test_split_equals_reference(text):
    assert split_sentences(text) == split_sentences_reference(text)


def _spans(matches):
    return [(m.start(), m.end(), m.lastgroup, m.group()) for m in matches]


def _assert_sentences_scan_alike(text: str) -> None:
    art = ArticleScan(text)
    for s in split_sentences(text):
        own, via = Scan(s.text), art.sentence(s.text, s.start)
        assert (via.low, via.toks, via.exact) == (own.low, own.toks, own.exact)
        for name, g in GATES.items():
            want = _spans(g.rx.finditer(s.text))
            assert _spans(via.finditer(g)) == _spans(own.finditer(g)) == want, name
            # the article's candidates inside the sentence, handed to it (as the trigger scan is)
            cands = art.word_candidates(g)
            if cands is not None:
                mine = [(p - s.start, w) for p, w in cands if s.start <= p < s.end]
                assert _spans(own.finditer_at(g, mine)) == want, name


def _assert_needles_alike(text: str) -> None:
    art = ArticleScan(text)
    sents = split_sentences(text)
    for name, g in GATES.items():
        got = art.needle_sentences(g, [s.start for s in sents], [s.end for s in sents])
        if got is not None:
            assert got == {i for i, s in enumerate(sents) if g.maybe_in(s.text)}, name


def test_sentence_scans_of_an_article():
    for t in TEXTS:
        _assert_needles_alike(t)
    for t in TEXTS:
        _assert_sentences_scan_alike(t)
    assert isinstance(ArticleScan(TEXTS[2]).sentence("Two", 56), SentenceScan)
    assert not isinstance(ArticleScan("Kyïv was shelled.").sentence("Kyïv", 0), SentenceScan)  # not ASCII: own scan


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_salad)
def test_sentence_scans_of_generated_articles(text):
    _assert_sentences_scan_alike(text)
    _assert_needles_alike(text)
