"""Text extraction: the seed article, one test per rule family (sentences written for these tests), readers, merging."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from intensity.extract import EXTRACTOR_VERSION, extract_events, merge_events, read_articles
from intensity.extract.numbers import find_numbers
from intensity.extract.lexicon import load

from conftest import REPO

PUB = date(2024, 3, 24)  # a Sunday
SEED = REPO.parent / "shared" / "seed" / "belgorod-2024-03-24.txt"


def one(text, published=PUB, **kw):
    evs = extract_events(text, published=published, **kw)
    assert len(evs) == 1, [e.row() for e in evs]
    return evs[0]


# ----------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_events():
    if not SEED.exists():
        pytest.skip("seed article not available")
    art = read_articles(SEED)[0]
    assert art.published == PUB
    return art, extract_events(art.text, published=art.published, article_id=art.article_id)


def test_seed_gives_exactly_the_three_events(seed_events):
    art, evs = seed_events
    assert [(e.sub_event_type, e.admin1_code) for e in evs] == [
        ("shelling_artillery_missile_attack", "RU-BEL"),
        ("other", "UA-59"),
        ("air_drone_strike", "RU-SAM"),
    ]
    belgorod, sumy, samara = evs
    assert (belgorod.country_iso3, belgorod.location, belgorod.event_date, belgorod.date_precision) == \
        ("RUS", "Belgorod", PUB, 1)
    assert belgorod.weapon == "Vampire MLRS" and belgorod.munitions == 22
    assert belgorod.injured == 1 and belgorod.fatalities is None  # "under verification" is not 0
    assert belgorod.event_type == "explosions_remote_violence"
    assert "defense sources" in (belgorod.reported_by or "")
    assert sumy.event_type == "strategic_developments" and sumy.country_iso3 == "UKR"
    assert samara.country_iso3 == "RUS" and samara.event_type == "explosions_remote_violence"
    for e in (sumy, samara):
        assert e.event_date < PUB and e.date_precision >= 2
    for e in evs:
        assert e.extractor_version == EXTRACTOR_VERSION and e.article_id == art.article_id
        assert e.event_id.startswith("text:") and 0 < e.confidence < 1


def test_seed_evidence_offsets_point_into_the_text(seed_events):
    art, evs = seed_events
    for e in evs:
        for ev in e.evidence:
            if ev.end > ev.start:
                assert art.text[ev.start:ev.end] == ev.text
    fields = {ev.field for ev in evs[0].evidence}
    assert {"sub_event_type", "location", "munitions", "weapon", "injured"} <= fields


def test_seed_commentary_contributes_nothing(seed_events):
    art, evs = seed_events
    commentary_start = art.text.index("These developments point")
    for e in evs:
        assert all(ev.start < commentary_start for ev in e.evidence if ev.end > ev.start)


# ----------------------------------------------------------------------------- types


@pytest.mark.parametrize("text,sub", [
    ("On Friday, troops shelled the village of Hryhorivka in Zaporizhzhia oblast.", "shelling_artillery_missile_attack"),
    ("A kamikaze drone hit a warehouse in Kharkiv on Friday.", "air_drone_strike"),
    ("Warplanes carried out airstrikes on Idlib on Friday.", "air_drone_strike"),
    ("Government troops clashed with rebels near Bakhmut, Donetsk region, on Friday.", "armed_clash"),
    ("On Friday, militants ambushed a police convoy in Ghazni province.", "armed_clash"),
    ("A roadside bomb struck a minibus in Kandahar on Friday.", "remote_explosive_landmine_ied"),
    ("A suicide bomber blew himself up at a checkpoint in Kabul on Friday.", "suicide_bomb"),
    ("On Friday, gunmen abducted two aid workers in Borno state.", "abduction_forced_disappearance"),
    ("Hundreds of people protested peacefully in Lviv on Friday against the new law.", "peaceful_protest"),
    ("On Friday, police dispersed a protest in Minsk with tear gas.", "protest_with_intervention"),
    ("Rioters torched cars in Lagos on Friday.", "violent_demonstration"),
    ("On Friday, police arrested three suspects in Odesa.", "arrests"),
    ("Authorities evacuated residents from Vovchansk, Kharkiv oblast, on Friday.", "other"),
    ("On Friday, air defences shot down 12 Shahed drones over Kyiv region.", "disrupted_weapons_use"),
    ("Sappers defused an unexploded artillery shell in Irpin on Friday.", "disrupted_weapons_use"),
    ("Ukrainian forces recaptured Robotyne, Zaporizhzhia, on Friday.", "government_regains_territory"),
])
def test_rule_families_classify(text, sub):
    assert one(text).sub_event_type == sub


def test_intercepted_but_some_got_through_is_an_attack():
    e = one("On Friday, 10 missiles were fired at Belgorod; most were intercepted but some reached the city.")
    assert e.sub_event_type == "shelling_artillery_missile_attack"


def test_generic_mention_is_not_an_event():
    assert extract_events("Residents of Kherson live under the threat of constant shelling.", published=PUB) == []


def test_commentary_and_forecasts_are_not_events():
    text = ("Analysts say the shelling of Kharkiv could escalate further. "
            "The strike highlights the growing reach of the conflict.")
    assert extract_events(text, published=PUB) == []


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("text,fat,inj", [
    ("On Friday, shelling of Kherson killed two civilians and injured twenty-two.", 2, 22),
    ("On Friday, shelling of Kherson killed dozens of people.", 12, None),
    ("On Friday, more than 100 soldiers were killed in fighting near Avdiivka, Donetsk.", 100, None),
    ("On Friday, shelling hit Nikopol, Dnipropetrovsk. No one was hurt.", 0, 0),
    ("On Friday, shelling hit Nikopol, Dnipropetrovsk. Casualties unknown.", None, None),
    ("On Friday, 5-6 policemen were killed and 1 was wounded when militants attacked a checkpoint in Helmand.", 5, 1),
    ("On Friday, Russian forces fired an RM-70 at Kherson.", None, None),
])
def test_casualty_numbers(text, fat, inj):
    e = one(text)
    assert (e.fatalities, e.injured) == (fat, inj)


def test_munitions_and_interceptions():
    e = one("Overnight, Russia launched 88 missiles and 63 Shahed drones at Kyiv; air defences shot down 37 drones, "
            "and debris damaged houses.")
    assert e.munitions == 151 and e.intercepted == 37


def test_weapon_names_are_not_counts():
    lex = load("en")
    text = "The RM-70 and Kh-101 and S-300 hit 3 houses"
    assert [n.value for n in find_numbers(text, lex)] == [3]


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize("phrase,day,prec", [
    ("on Saturday", date(2024, 3, 23), 1),
    ("yesterday", date(2024, 3, 23), 1),
    ("overnight", date(2024, 3, 23), 1),
    ("last night", date(2024, 3, 23), 1),
    ("on 22 March", date(2024, 3, 22), 1),
    ("on March 20", date(2024, 3, 20), 1),
])
def test_day_dates(phrase, day, prec):
    e = one(f"Russian forces shelled Kherson {phrase}.")
    assert (e.event_date, e.date_precision) == (day, prec)


@pytest.mark.parametrize("phrase,prec", [("earlier this week", 2), ("in recent weeks", 3)])
def test_vague_dates_never_get_day_precision(phrase, prec):
    e = one(f"Russian forces shelled Kherson {phrase}.")
    assert e.date_precision == prec and e.event_date < PUB


@pytest.mark.parametrize("text,fatalities", [
    ("A roadside bomb killed 3 marines near Ramadi on Saturday.", 3),
    ("Russian shelling killed 2 mayors in Kherson on Saturday.", 2),
    ("Russian shelling killed 4 decorated veterans in Kherson on Saturday.", 4),
])
def test_words_starting_with_a_month_are_not_dates(text, fatalities):
    # "3 marines" once read as 3 March (day_month had no word boundary): wrong month, count lost.
    e = one(text)
    assert (e.event_date, e.date_precision, e.fatalities) == (date(2024, 3, 23), 1, fatalities)
    for phrase, day in (("3 Mar.", date(2024, 3, 3)), ("3 March", date(2024, 3, 3)),
                        ("3rd of Mar", date(2024, 3, 3)), ("Sept 3", date(2023, 9, 3))):
        e = one(f"Russian forces shelled Kherson on {phrase}, killing 2.")
        assert (e.event_date, e.fatalities) == (day, 2), phrase


def test_explicit_year_and_ambiguous_day_month():
    e = one("On 15 March 2023, Russian forces shelled Kupiansk, Kharkiv.", published=date(2023, 3, 15))
    assert e.event_date == date(2023, 3, 15)
    # "30 December" said on 2 January is last year's
    e = one("On 30 December, drones struck Odesa.", published=date(2024, 1, 2))
    assert e.event_date == date(2023, 12, 30)


# ----------------------------------------------------------------------------- places


def test_region_forms_resolve_to_iso_codes():
    assert one("Drones struck an oil depot in the Kharkivska oblast on Friday.").admin1_code == "UA-63"
    assert one("Drones struck an oil depot in Belgorod Oblast on Friday.").admin1_code == "RU-BEL"
    assert one("Drones struck an oil refinery in the Samara region on Friday.").admin1_code == "RU-SAM"


def test_settlement_qualified_by_region_wins_over_a_namesake():
    # Several Hryhorivkas exist; the qualifier picks the one in Zaporizhzhia
    e = one("On Friday, Russian forces shelled Hryhorivka, Zaporizhzhia.")
    assert e.admin1_code == "UA-23" and e.location and "ryhorivka" in e.location


def test_city_versus_region_of_the_same_name():
    city = one("On Friday, a missile hit Kharkiv.")
    region = one("On Friday, a missile hit a village in Kharkiv region.")
    assert city.location == "Kharkiv" and city.geo_precision == 1
    assert region.admin1_code == "UA-63" and region.geo_precision == 3


def test_curated_frontline_village():
    e = one("On Friday, Russian troops attacked Ukrainian positions near Robotyne.")
    assert e.admin1_code == "UA-23" and e.geo_precision == 2


# ----------------------------------------------------------------------------- readers and merging


def test_readers(tmp_path):
    (tmp_path / "a.txt").write_text("date 2024-03-24\nShelling hit Kherson yesterday.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Shelling hit Kherson yesterday.", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(
        '{"id": "x1", "published": "2024-03-24T08:00:00Z", "title": "T", "text": "Shelling hit Kherson."}\n',
        encoding="utf-8")
    (tmp_path / "d.html").write_text(
        "<html><head><title>Strike</title><meta property='article:published_time' content='2024-03-24'>"
        "<script>var shelling=1</script></head><body><nav>Home | Subscribe</nav><article><h1>Strike</h1>"
        "<p>Shelling hit Kherson yesterday.</p></article><footer>All rights reserved</footer></body></html>",
        encoding="utf-8")
    a = read_articles(tmp_path / "a.txt")[0]
    assert a.published == PUB and a.text.startswith("Shelling")
    from intensity.errors import InputDataError

    with pytest.raises(InputDataError):
        read_articles(tmp_path / "b.txt")
    assert read_articles(tmp_path / "b.txt", published=PUB)[0].published == PUB
    c = read_articles(tmp_path / "c.jsonl")[0]
    assert (c.article_id, c.published, c.title) == ("x1", PUB, "T")
    d = read_articles(tmp_path / "d.html")[0]
    assert d.text == "Shelling hit Kherson yesterday." and d.title == "Strike" and d.published == PUB


def test_merge_same_event_from_several_articles():
    texts = ["Yesterday shelling of Kherson killed 3 civilians.",
             "Yesterday shelling of Kherson killed 5 civilians.",
             "Yesterday shelling of Kherson killed 4 civilians."]
    evs = [one(t) for t in texts]
    assert len({e.article_id for e in evs}) == 3
    merged = merge_events(evs)
    assert len(merged) == 1
    m = merged[0]
    assert m.source_count == 3 and m.fatalities == 4  # the largest number two reports support
    assert (m.fatalities_low, m.fatalities_high) == (3, 5)
    other = one("Yesterday shelling of Odesa killed 1 civilian.")
    assert len(merge_events(evs + [other])) == 2


def test_one_extractor_per_language_whatever_the_call():
    from intensity.extract import get_extractor

    assert get_extractor() is get_extractor("en") is get_extractor(lang="en")


def test_the_word_lists_of_the_rules_come_from_the_lexicon():
    # (a language's lexicon carries them: without them the rules they feed stay silent, no crash)
    import dataclasses

    from intensity.extract import gazetteer, lexicon
    from intensity.extract.pipeline import Extractor

    lex = lexicon.load("en")
    bare = {k: v for k, v in lex.grammar.items()
            if k not in ("victim_word", "munition_missile_word", "munition_drone_word", "source_tail_word",
                         "name_tail_stop", "metonym_noun", "metonym_force", "metonym_possessed")}
    ex = Extractor(dataclasses.replace(lex, grammar=bare), gazetteer.load_index())
    text = "A victim was stabbed in Kharkiv on Monday."
    assert ex.extract(text, published=date(2024, 3, 25)) == []
    assert [e.sub_event_type for e in extract_events(text, published="2024-03-25")] == ["attack"]
    # the metonymy words: without them "Kiev forces" is the place again
    text = "Militia member killed in Kiev forces shelling of Donetsk republic."
    assert ex.extract(text, published=date(2024, 3, 25))[0].admin1_code == "UA-30"
    assert extract_events(text, published="2024-03-25")[0].admin1_code == "UA-14"


# ---------------------------------------------------------------- the rules' words are the lexicon's

_RE_CALLS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "split"}


def _regex_literals(path: Path):
    """(line, literal text) of every string written as a regex in a module: the first argument
    of ``re.compile/search/...`` and of ``gate``, f-string parts included."""
    import ast

    def parts(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.JoinedStr):
            return [v.value for v in node.values if isinstance(v, ast.Constant)]
        if isinstance(node, ast.BinOp):
            return parts(node.left) + parts(node.right)
        return []

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            fn = node.func
            is_re = isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) and fn.value.id == "re" \
                and fn.attr in _RE_CALLS
            if is_re or (isinstance(fn, ast.Name) and fn.id == "gate"):
                for p in parts(node.args[0]):
                    yield node.lineno, p


def _words_of_regex(pattern: str) -> list[str]:
    """Runs of two or more letters a regex matches literally (not escapes, flags, group names or classes)."""
    p = re.sub(r"\\.", " ", pattern)
    p = re.sub(r"\(\?P<\w+>|\(\?P=\w+\)", " ", p)
    p = re.sub(r"\(\?[aiLmsux-]+[:)]", " ", p)
    p = re.sub(r"\[[^\]]*\]", " ", p)
    return re.findall(r"[A-Za-z]{2,}", p)


def test_the_pipeline_regexes_name_no_word_of_a_language():
    # Every word a rule reads is in data/reference/lexicon/<lang>/ (rules.csv, grammar.csv, ...),
    # so that a second language is a folder, not a code change. ACLED's actor names (English
    # labels of the taxonomy, not of the text) are the one exception.
    import intensity.extract as ex

    src = Path(ex.__file__).parent
    # The exceptions: ACLED's actor labels (the taxonomy's English names, not the text's), and
    # the matching keys the gazetteer builds of its reference names ("Kharkivska oblast" ->
    # "kharkivska", the Persian izafe "-e-"), which read no article.
    allowed = {"pipeline.py": {"Military", "Police", "Security", "Armed", "Forces", "of"},
               "gazetteer.py": {"oblast", "oblasts", "region", "province", "governorate", "krai", "kray", "okrug",
                                "prefecture", "department", "county", "district", "state", "raion", "voblasts",
                                "voblast", "respublika", "republic", "ie"}}
    found = {}
    for name in ("pipeline.py", "gazetteer.py", "numbers.py", "dates.py", "text.py", "scan.py"):
        for line, lit in _regex_literals(src / name):
            words = set(_words_of_regex(lit)) - allowed.get(name, set())
            if words:
                found[f"{name}:{line}"] = sorted(words)
    assert found == {}
    # (the check itself sees words: the old wording of one rule)
    assert _words_of_regex(r"\b(?:killed|murdered)\b(?i:x)[a-z]") == ["killed", "murdered"]


def test_rules_patterns_expand_references_and_fail_clearly():
    from intensity.extract.lexicon import NEVER, compile_rules

    rows = [{"key": "victims", "flags": "i", "pattern": r"(?:${victim})"},
            {"key": "killed_victims", "flags": "", "pattern": r"killed ${victims}\b"},
            {"key": "none_here", "flags": "", "pattern": r"x ${empty}"}]
    rules = compile_rules(rows, {"victim": ["man", "women"], "empty": []})
    assert rules["killed_victims"].pattern == r"killed (?:women|man)\b"
    assert rules["victims"].flags & re.IGNORECASE and not rules["killed_victims"].flags & re.IGNORECASE
    assert rules["none_here"].search("x " + NEVER.pattern) is None  # (an empty list: never fires)
    with pytest.raises(ValueError, match="neither a rule nor a grammar.csv key"):
        compile_rules([{"key": "a", "flags": "", "pattern": "${nothing}"}], {})
    with pytest.raises(ValueError, match="refers to itself"):
        compile_rules([{"key": "a", "flags": "", "pattern": "${b}"}, {"key": "b", "flags": "", "pattern": "${a}"}], {})
    with pytest.raises(ValueError, match="does not compile"):
        compile_rules([{"key": "a", "flags": "", "pattern": "(unclosed"}], {})


def test_a_lexicon_without_rules_lacks_them_and_still_extracts():
    import dataclasses

    from intensity.extract import gazetteer, lexicon
    from intensity.extract.pipeline import Extractor

    lex = lexicon.load("en")
    assert {"according", "digits", "count_modifier", "coord_and"} <= set(lex.rules)
    bare = Extractor(dataclasses.replace(lex, rules={}), gazetteer.load_index())
    text = "Russian forces shelled Kharkiv on Monday, killing at least 3 civilians, according to local officials."
    full = extract_events(text, published="2024-03-26")[0]
    assert (full.sub_event_type, full.fatalities, full.reported_by) == \
        ("shelling_artillery_missile_attack", 3, "local officials")
    got = bare.extract(text, published=date(2024, 3, 26))[0]
    # the event and its place stay; the reporter and the casualty word's reach are rules.csv's
    assert (got.sub_event_type, got.admin1_code) == ("shelling_artillery_missile_attack", "UA-63")
    assert got.reported_by is None
