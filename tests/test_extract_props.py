"""Property tests: the extractor never crashes, whatever the text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intensity.extract import extract_events
from intensity.extract.readers import html_to_text

PUB = date(2024, 3, 24)
WORDS = ["shelled", "Kharkiv", "region", "killed", "22", "dozens", "drone", "Saturday", "RM-70", "oblast",
         "no one was hurt", "intercepted", ".", ",", "\n\n", "On 5 March", "Belgorod", "[", "]", "(", ")",
         # (lists of places and counts by place)
         "and", "regions", "over", "in", "each", "two", "Kursk", "Sumy", "drone footage", "filmed by"]


def _check(events):
    for e in events:
        assert e.country_iso3 and e.event_type and e.sub_event_type
        assert e.date_precision in (1, 2, 3)
        assert 0 <= e.confidence <= 1
        for n in (e.fatalities, e.injured, e.munitions):
            assert n is None or n >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_unicode_never_crashes(text):
    _check(extract_events(text, published=PUB))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join))
def test_conflict_word_salad_never_crashes(text):
    _check(extract_events(text, published=PUB))


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.text(max_size=30), lambda inner: st.builds(
    lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(["p", "div", "script", "article", "b", "nav", "x y"]),
    inner), max_leaves=12))
def test_html_never_crashes(markup):
    body, _, _ = html_to_text(markup)
    _check(extract_events(body, published=PUB))


def test_empty_and_whitespace():
    assert extract_events("", published=PUB) == []
    assert extract_events("   \n\n\t ", published=PUB) == []


def test_huge_text():
    para = "On Saturday, Russian forces shelled Kherson, killing two civilians. Analysts say it could escalate.\n\n"
    events = extract_events(para * 3000, published=PUB)  # ~300 KB
    _check(events)
    assert events and events[0].admin1_code == "UA-65"


_REGIONS = [("Belgorod", "RU-BEL"), ("Kursk", "RU-KRS"), ("Bryansk", "RU-BRY"), ("Oryol", "RU-ORL"),
            ("Voronezh", "RU-VOR"), ("Tula", "RU-TUL")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_REGIONS), min_size=2, max_size=5, unique=True), st.integers(1, 400),
       st.booleans())
def test_a_count_split_over_a_list_of_regions_keeps_its_total(regions, n, oxford):
    names = [r[0] for r in regions]
    listed = ", ".join(names[:-1]) + ("," if oxford and len(names) > 2 else "") + " and " + names[-1]
    evs = extract_events(f"Air defences destroyed {n} drones over the {listed} regions on Saturday.", published=PUB)
    assert [e.admin1_code for e in evs] == [r[1] for r in regions]
    assert sum(e.intercepted for e in evs) == n
    assert max(e.intercepted for e in evs) - min(e.intercepted for e in evs) <= 1  # (evenly)
    assert all(f"intercepted {n}" in e.notes for e in evs)


_ALPHABETS = {  # (the letters of each lexicon's language, with its punctuation and digits)
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ .,«»-0123456789",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇКЛМНОПРСТУФХЦЧШЩЮЯ’ .,«»-0123456789",
}


@pytest.mark.parametrize("lang", sorted(_ALPHABETS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_text_reads_with_every_lexicon_without_error(lang, data):
    text = data.draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
                     | st.text(alphabet=_ALPHABETS[lang], max_size=400))
    _check(extract_events(text, published=PUB, lang=lang))


_SALAD = {  # (event, place, number and list words of each lexicon)
    "ru": ["уничтожены", "над", "Белгородской", "Курской", "областями", "области", "и", ",", "по", "два", "10",
           "-", "на", "Донецком", "направлении", "Кривому", "Рогу", "«Малка»", "вчера", "погибли", "в", "."],
    "uk": ["збито", "над", "Київщиною", "Сумською", "областями", "та", ",", "по", "два", "10", "-", "у",
           "Харкові", "Часового", "Яру", "напрямку", "Покровському", "вчора", "загинули", "в", "."],
}


@pytest.mark.parametrize("lang", sorted(_SALAD))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_word_salad_of_every_lexicon_never_crashes(lang, data):
    text = " ".join(data.draw(st.lists(st.sampled_from(_SALAD[lang]), max_size=60)))
    _check(extract_events(text, published=PUB, lang=lang))
