"""The speed-ups are exact: gated scans equal plain ``finditer``, the spotter equals the word walk,
the gazetteer keys and cache behave. Texts are written for these tests or generated."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intensity.extract import extract_events, get_extractor
from intensity.extract import gazetteer as gaz
from intensity.extract.lexicon import load
from intensity.extract.scan import Scan, gate, set_gating

PUB = date(2024, 3, 24)
LEX = load("en")
# (every rule of rules.csv too, the pipeline's gated ones among them)
GATES = {**LEX.gates, **{f"rule_{k}": gate(rx) for k, rx in LEX.rules.items()}}

SENTENCES = [
    "On Friday, Russian forces shelled the village of Hryhorivka in Zaporizhzhia oblast, killing two civilians.",
    "A kamikaze drone hit a warehouse in Kharkiv; no one was hurt, the governor said.",
    "Air defences shot down 12 Shahed drones over Kyiv region overnight, but debris damaged houses.",
    "The attack follows a series of evacuations in the Sumy region earlier this week.",
    "Anti-tank mines and IEDs were defused near Izium; sappers cleared the area.",
    "Police dispersed a rally in Minsk with tear gas and arrested dozens of protesters.",
    "\"Kyiv's mayor\" said the air-raid alert lasted 3 hours - the longest this month.",
    "Militants ambushed an Afghan army convoy on the Kabul-Kandahar highway, leaving 5-6 soldiers dead.",
    "Analysts say the shelling could escalate; it underscores the risks.",
    "Ongoing shelling threatens residents of Nikopol.",
    "ATTACKED: GUNMEN STORMED A CHECKPOINT IN HELMAND AND TOOK CONTROL OF THE DISTRICT.",
    "Ünlü köylüler Kahramanmaraş'ta toplandı; Straße und Größe.",
    "Kyïv, Odesa’s port and Mykolaiv’s shipyard were struck by Kalibr and Kh-101 missiles.",
    "Islamic State claimed the suicide bombing at a mosque in Kunduz; at least 40 people were killed.",
    "",
    "-shelled- _attack_ 5km 9M723 x-ray anti-air",
]
WORDS = ["shelled", "Shelling", "attack", "the", "The", "a", "an", "killed", "two", "Kharkiv", "region", "oblast",
         "drone", "drones", "shot", "down", "air", "strike", "strikes", "on", "Saturday", "22", "last", "night",
         "no", "one", "was", "hurt", "in", "recent", "weeks", "-", "’s", "'s", "İ", "ſ", "K", "é", ",", ".", ";",
         "\n", "  ", "(", ")", "[", "]", "anti-tank", "tear", "gas", "according", "to", "said", "Police", "State",
         "Islamic", "Borno", "al-", "Qaeda", "5-Kyiv", "Donetsk", "People's", "Republic"]


def _spans(matches):
    return [(m.start(), m.end(), m.lastgroup, m.group()) for m in matches]


def _assert_same(text: str) -> None:
    sc = Scan(text)
    for name, g in GATES.items():
        assert _spans(sc.finditer(g)) == _spans(g.rx.finditer(text)), (name, text)
        got, want = sc.search(g), g.rx.search(text)
        assert (got and got.span()) == (want and want.span()), (name, text)
        if want is not None:
            assert sc.may_match(g) and g.maybe_in(text), (name, text)


@pytest.mark.parametrize("text", SENTENCES)
def test_gated_scans_equal_plain_finditer(text):
    _assert_same(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join))
def test_gated_scans_equal_plain_finditer_on_word_salad(text):
    _assert_same(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_gated_scans_equal_plain_finditer_on_any_text(text):
    _assert_same(text)


def test_first_word_enumeration():
    g = gate(re.compile(r"(?<![\w-])(?:shell(?:s|ed|ing)?|air ?strikes?|(?:hand )?grenades?)(?![\w])", re.I))
    assert not g.always
    assert g.words == {"shell", "shells", "shelled", "shelling", "air", "airstrike", "airstrikes", "hand",
                       "grenade", "grenades"}
    assert g.second["air"] == {"strike", "strikes"} and g.second["hand"] == {"grenade", "grenades"}
    assert g.second["shell"] is None
    # a match that may start inside a word, or with a non-word character, keeps the plain scan
    assert gate(re.compile(r"ing\b")).always
    assert gate(re.compile(r"\b(?:-x|y)")).always
    # open-ended words give prefixes
    p = gate(re.compile(r"\bcasualt\w*|\bkill"))
    assert not p.always and "casualt" in p.prefixes and "kill" in p.prefixes


def test_sentence_without_first_words_is_skipped_but_same():
    sc = Scan("Residents queued for bread in the rain.")
    assert not sc.may_match(LEX.gates["trigger"])
    assert sc.finditer(LEX.gates["trigger"]) == []


def test_gating_switch_gives_identical_events():
    texts = [s for s in SENTENCES if s] + ["\n\n".join(SENTENCES)]
    on = [[e.to_json() for e in extract_events(t, published=PUB)] for t in texts]
    set_gating(False)
    try:
        off = [[e.to_json() for e in extract_events(t, published=PUB)] for t in texts]
    finally:
        set_gating(True)
    assert on == off
    assert any(on)


# ----------------------------------------------------------------------------- spotting


def _mentions(ms):
    return [(m.start, m.end, m.surface, m.places, m.admin1, m.country, m.demonym, m.admin_word, m.admin2_word,
             m.prep, m.qualifier) for m in ms]


def _assert_spot_same(text: str) -> None:
    ex = get_extractor()
    ref = gaz.spot_reference(text, ex.idx, not_places=ex.lex.not_places, grammar=ex.lex.grammar,
                             rules=ex.lex.rules)
    assert _mentions(ex.spot(text)) == _mentions(ref), text


@pytest.mark.parametrize("text", SENTENCES + [
    "The Islamic State and Borno State; the Donetsk People's Republic near Kyiv Oblast.",
    "In the Kharkivska oblast and Belgorodskaya oblast, 5-Kyiv and al-Qaeda met 'Odesa'.",
    "Nova Kakhovka, Kherson (coded to Kherson region), in Zaporizhzhia district village council.",
])
def test_spotter_equals_the_word_walk(text):
    _assert_spot_same(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS + ["Kyiv", "Oblast", "Sumy", "Belgorodskaya", "village", "council",
                                         "Nova", "Kakhovka", "de", "al", "Kherson", "Russia", "Ukrainian"]),
                max_size=30).map(" ".join))
def test_spotter_equals_the_word_walk_on_word_salad(text):
    _assert_spot_same(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_spotter_equals_the_word_walk_on_any_text(text):
    _assert_spot_same(text)


# ----------------------------------------------------------------------------- gazetteer keys and cache


@pytest.mark.parametrize("name", ["Kup'yans'k", "Avdiyivka", "Zaporizhzhia", "São Tomé", "Ĳmuiden", "ŉ", "İzmir",
                                  "Łódź", "Ærøskøbing", "Kyïv", "Київ", "Straße", "Mazār-e Sharīf", "O’Hare", ""])
def test_loose_table_equals_the_general_path(name):
    assert gaz.loose(name) == gaz._loose_slow(name)


def test_script_filter():
    # Latin and Cyrillic names are indexed (the scripts of the shipped lexicons); others, codes and
    # names with digits are not
    assert gaz._script_ok("Kupiansk") and gaz._script_ok("Kup’yans’k") and gaz._script_ok("Київ")
    assert not gaz._script_ok("KHK") and not gaz._script_ok("Ab2") and not gaz._script_ok("x²y") \
        and not gaz._script_ok("كييف") and not gaz._script_ok("ДНР")


def test_cache_roundtrip_and_stale_files(tmp_path, monkeypatch):
    monkeypatch.setenv("INTENSITY_CACHE_DIR", str(tmp_path))
    idx = get_extractor().idx
    stale = tmp_path / "gazetteer-0000.pickle"
    stale.write_bytes(b"old")
    path = gaz.cache_path()
    assert path.parent == tmp_path
    written = gaz._write_cache(path, idx)
    assert written == path and path.exists() and not stale.exists()
    again = gaz._read_cache(path)
    assert again is not None and again.place_keys == idx.place_keys and again.meta == idx.meta
    path.write_bytes(b"torn")  # a torn file is not an error: it is rebuilt
    assert gaz._read_cache(path) is None


def test_cache_outside_the_package(tmp_path, monkeypatch):
    monkeypatch.delenv("INTENSITY_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    import intensity

    assert gaz.cache_path().parent == tmp_path / "intensity"
    assert not str(gaz.cache_path()).startswith(str(intensity.__path__[0]))


def test_every_shipped_lexicon_gate_can_skip_sentences():
    # One pattern a gate cannot read (a leading "#?", a non-word first character) makes the whole
    # alternation a plain scan of every text: the actor-country one cost a fifth of the run time so.
    ungated = sorted(k for k, g in LEX.gates.items() if g.always)
    assert ungated == []
