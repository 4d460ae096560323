"""Place rules added in session 9: region words pick the region over a city region of the same
name, lexicon words are not namesake towns, one-line reports without a full stop, places after
"from", settlements qualified by their region, ``Extractor.locate``, and the per-word dispatch of
the gated scanner. Sentences are written for these tests."""

from __future__ import annotations

import re
from datetime import date

import pytest

from intensity.extract import extract_events, get_extractor
from intensity.extract import gazetteer as gaz
from intensity.extract.lexicon import load
from intensity.extract.scan import Scan, set_gating

PUB = date(2022, 3, 9)


def _places(text: str, **kw) -> list[tuple]:
    return [(e.admin1_code, e.location) for e in extract_events(text, published=PUB, **kw)]


def test_region_word_means_the_oblast_not_the_city_region():
    # ISO 3166-2 has the city of Kyiv (UA-30) and Kyiv oblast (UA-32) under one name
    assert _places("Shelling in the Kyiv region killed two people.") == [("UA-32", None)]
    assert _places("Drones attacked the Moscow region on Monday, injuring one man.")[0][0] == "RU-MOS"
    # the bare name stays the city
    assert _places("Missiles struck Kyiv on Monday, killing three civilians.")[0][0] == "UA-30"
    idx = get_extractor().idx
    assert {"UA-30", "RU-MOW"} <= idx.city_regions and "UA-32" not in idx.city_regions
    assert gaz.region_not_city(("UA-30", "UA-32"), idx) == ("UA-32",)
    assert gaz.region_not_city(("UA-30",), idx) == ("UA-30",)  # nothing else: kept


def test_settlement_qualified_by_its_region_is_the_location():
    assert _places("Russian forces shelled Bucha in Kyiv Oblast on Monday.") == [("UA-32", "Bucha")]


def test_lexicon_words_are_not_namesake_towns():
    # "Drone", "One" and "Tank" are GeoNames alternate names of small towns abroad
    evs = extract_events("Drone footage shows Russian strikes on a school. One person was killed.",
                         published=PUB)
    assert all(e.country_iso3 in (None, "UKR", "RUS") for e in evs)
    ex = get_extractor()
    assert {"drone", "one"} <= ex.lex_words


def test_one_line_report_without_full_stop_is_read():
    # a short line without final punctuation looks like a heading; alone, it is the report
    assert _places("Missile strike on Lviv by the Russians") == [("UA-46", "Lviv")]
    # in a longer text a heading is still skipped
    text = "Missile strike on Lviv\n\nThe mayor said schools would reopen on Monday."
    assert _places(text) == []


def test_place_after_from_only_when_no_other_place():
    ex = get_extractor()
    loc = ex.locate("Drone footage from Bucha shows destroyed houses.", published=PUB)
    assert loc and loc["admin1_code"] == "UA-32" and loc["location"] == "Bucha"
    # another place named: "from" stays the origin of the fire
    evs = extract_events("Russian forces fired rockets from Belgorod at Kharkiv on Monday, injuring two people.",
                         published=PUB)
    assert evs and evs[0].admin1_code == "UA-63"


def test_locate_uses_the_place_rules_without_an_event_word():
    ex = get_extractor()
    loc = ex.locate("Children's hospital damaged in Mariupol", published=PUB)
    assert loc["admin1_code"] == "UA-14" and loc["location"] == "Mariupol"
    assert ex.locate("Footage of soldiers walking", published=PUB) is None
    assert ex.locate("", published=PUB) is None


def test_scanner_tries_only_the_alternatives_of_the_word():
    lex = load("en")
    g = lex.gates["trigger"]
    text = "Russian forces shelled the village and clashed with Ukrainian troops; a drone hit a car."
    sc = Scan(text)
    sub = g.matcher("shelled")
    assert sub is not g.rx and len(sub.pattern) < len(g.rx.pattern) / 5
    spans = [(m.start(), m.end(), m.lastgroup) for m in sc.finditer(g)]
    assert spans == [(m.start(), m.end(), m.lastgroup) for m in g.rx.finditer(text)]
    assert spans  # the sentence has trigger words
    set_gating(False)
    try:
        assert [(m.start(), m.end(), m.lastgroup) for m in Scan(text).finditer(g)] == spans
    finally:
        set_gating(True)
    # every alternative's group name survives in the subsets
    assert all(re.fullmatch(r"g\d+", m.lastgroup) for m in sc.finditer(g))


def _countries(text: str) -> set:
    return {e.country_iso3 for e in extract_events(text, published=PUB)}


def test_common_words_and_first_names_are_not_namesake_towns():
    # GeoNames lists "And" (Anand, India), "Being" (Beijing), "Kills" (Kilis, Turkey), "More"
    # (Mora, Cameroon) and "Philip" (Phillip, Australia) as names: in a title-case headline or a
    # quote they are words, and the event stays where the text puts it.
    assert "IND" not in _countries("''And we are only just getting started'': artillery strikes hit Kherson")
    assert "TUR" not in _countries("Car Bomb Kills Russia-Installed Official In Occupied Melitopol")
    assert "CMR" not in _countries("Ukraine Needs More Rockets After Shelling Of Kharkiv")
    assert "AUS" not in _countries("Philip Breedlove says Ukraine could strike the Kerch bridge")
    assert "CHN" not in _countries("Russian soldiers shelled Izium after being pushed back")
    # a listed word still leads into a region by its administrative word
    assert _places("Fighting in Kherson oblast continued.") == [("UA-65", None)]


def _countries(text: str) -> list[tuple]:
    return [(e.country_iso3, e.admin1_code) for e in extract_events(text, published=PUB)]


def test_country_adjective_before_a_territory_noun_places_the_event():
    # The attacker is the only country named: without the rule it gave a Russian event.
    assert _countries("Russia launched 40 missiles at Ukrainian cities overnight.") == [("UKR", None)]
    assert _countries("Ukrainian drones attacked Russian oil depots overnight.") == [("RUS", None)]
    assert _countries("Ukrainian shelling of Russian border villages injured two people.") == [("RUS", None)]
    ev = extract_events("Russia attacked Ukrainian critical infrastructure with 30 drones.", published=PUB)
    assert [e.country_iso3 for e in ev] == ["UKR"]
    assert any(x.rule == "territory_demonym" and x.text == "Ukrainian" for x in ev[0].evidence)


def test_country_adjective_of_forces_or_origin_is_not_the_place():
    # Strikes on an army's positions happen where the army is, not in its country.
    assert _countries("Ukrainian artillery attack on Russian positions.") == []
    assert _countries("Drones launched from Ukrainian territory were shot down.") == []
    # A named place wins; an agreeing article context keeps its finer region.
    assert _countries("Russian missiles hit Ukrainian cities, among them Kharkiv.") == [("UKR", "UA-63")]
    assert _countries("Shelling hit the Kharkiv region. Russia launched 40 missiles at Ukrainian cities.") \
        == [("UKR", "UA-63")]


def test_territory_rule_reads_two_word_adjectives_and_yields_to_origins_and_control_words():
    # "south sudanese" must match as written, not as its inner "Sudanese" (Sudan)
    assert _countries("Militants attacked South Sudanese villages, killing two.") == [("SSD", None)]
    assert _countries("Gunmen attacked Bissau-Guinean villages, killing two.") == [("GNB", None)]
    # a place after "from" is still the place when the sentence names no other
    assert _places("Footage from Bucha showed Ukrainian homes destroyed by shelling.") == [("UA-32", "Bucha")]
    # occupied territory is not the occupier's; forces are not territory; "from inside" is an origin
    assert _countries("Ukrainian drones struck Russian occupied territories overnight.") == []
    assert _countries("Russian land forces shelled Ukrainian positions overnight.") == []
    assert _countries("Russian jets fired glide bombs from inside Russian territory overnight.") == []


def test_the_attackers_adjective_and_launch_site_do_not_place_the_event():
    # "Israeli airstrikes" named the only country, and the event went to Israel
    assert _countries("Israeli airstrikes hit Syrian military positions overnight.") == []
    assert _countries("Turkish drones struck Kurdish positions overnight.") == []
    assert _countries("Israeli airstrikes hit Gaza City overnight, killing 12.") == [("PSE", "PS-GZA")]
    # where fire was launched from is not where it landed when the target is named
    assert _countries("Russia fired missiles from Crimea at Ukrainian cities on Sunday.") == [("UKR", None)]
    assert _countries("Drones launched from Kursk region were shot down on Monday.") == [("RUS", "RU-KRS")]


def test_armed_group_names_are_not_namesake_towns():
    # "Hamas" is a GeoNames alternate name of Hamm, Germany; the group counts towards Palestine
    assert _countries("Israeli air strikes killed 3 Hamas fighters.") == [("PSE", None)]
    assert _countries("Hamas fighters fired rockets at Israeli towns.") == [("ISR", None)]


@pytest.mark.parametrize("text,code", [
    # cities whose GeoNames division has no automatic ISO 3166-2 match (renamed or split
    # provinces, old names): mapped by hand in geonames_admin1_overrides.csv
    ("Rebels attacked a camp near Bunia and killed four civilians.", "CD-IT"),
    ("Fighting broke out in Kisangani.", "CD-TO"),
    ("Protesters in Nyala burned tyres.", "SD-DS"),
    ("Gunmen shot dead two traders in Wau.", "SS-BW"),
    ("Police dispersed protesters in Bamako.", "ML-BKO"),
    ("Protesters gathered in Alexandria.", "EG-ALX"),
    ("Rockets hit Ashkelon.", "IL-D"),
    ("An air strike hit a house in Tyre.", "LB-JA"),
    ("Students protested in Antananarivo.", "MG-T"),
])
def test_cities_of_unmatched_geonames_divisions_get_their_region(text, code):
    assert [c for c, _ in _places(text)] == [code]


@pytest.mark.parametrize("text,code,location", [
    # the place an armed group attacks is the event's place, as after "in"
    ("Boko Haram attacked Damboa.", "NG-BO", "Damboa"),
    ("Al Shabaab attacked Beledweyne.", "SO-HI", "Beledweyne"),
    # izafe spellings (-e-, -i-, -ye-) are one name; "ANA" is the army, not A'ana, Samoa
    ("Taliban attacked ANA posts in Qala-e Naw.", "AF-BDG", "Qala i Naw"),
    # a two-word name the gazetteer lacks, its region after it: not a namesake of its first word
    ("Russian forces shelled Chervonyi Mayak, Kherson.", "UA-65", "Chervonyi Mayak"),
])
def test_attacked_places_izafe_and_unknown_two_word_names(text, code, location):
    assert _places(text) == [(code, location)]


@pytest.mark.parametrize("text,code", [
    # Afghan districts the GeoNames extract lacks ("Andar" was Andard, France; "Khak-e Safed" Safed, Israel)
    ("On 12 May 2020, Taliban attacked ANA checkpoints in Andar district. 2 soldiers were killed.", "AF-GHA"),
    ("On 12 May 2020, Taliban attacked an ANA checkpoint in Khak-e Safed district. 2 soldiers were killed.", "AF-FRA"),
    ("On 12 May 2020, Taliban clashed with ANDSF in Chahar Dara district. 3 Taliban were killed.", "AF-KDZ"),
    ("On 12 May 2020, Taliban clashed with ANA in Dand wa Patan district. 3 Taliban were killed.", "AF-PIA"),
    # a name of two provinces' districts: the article's context decides
    ("On 12 May 2020, Taliban attacked ANA in Arghandab district of Zabul. 1 soldier was killed.", "AF-ZAB"),
    ("On 12 May 2020, Taliban attacked ANA in Arghandab district, Kandahar. 1 soldier was killed.", "AF-KAN"),
])
def test_afghan_districts(text, code):
    evs = extract_events(text, published=date(2020, 5, 12))
    assert evs and evs[0].admin1_code == code


@pytest.mark.parametrize("text,code,location", [
    # a village the index knows only by its first word, then its region
    ("On 17 March 2023, Russian forces shelled near Krasne Pershe, Kharkiv. Casualties unknown.", "UA-63",
     "Krasne Pershe"),
    ("On 16 March 2023, Russian forces shelled near Mala Vovcha, Kharkiv. Casualties unknown.", "UA-63", "Mala Vovcha"),
    # a renamed town with its other name in brackets: not Yekaterinburg, once Sverdlovsk
    ("On 31 August 2020, a woman was injured in an explosion of a grenade near Sverdlovsk (Dovzhansk) "
     "in Luhansk region.", "UA-09", "Dovzhansk"),
    # a city district as ACLED writes it is the city; a word after a hyphen is not a district
    ("On 14 August 2020, about 20 people protested outside the Embassy of Belarus in Kiev-Shevchenkivskyi.",
     "UA-30", "Kyiv"),
    ("On 14 August 2020, Russian forces shelled Kharkiv-Kyivskyi district.", "UA-63", "Kharkiv"),
    ("On 14 August 2020, a Kyiv-based group said Russian forces shelled Kupiansk, Kharkiv.", "UA-63", "Kupyansk"),
])
def test_names_the_index_knows_in_part_or_by_another_name(text, code, location):
    e = extract_events(text, published=date(2023, 3, 16))[0]
    assert (e.admin1_code, e.location) == (code, location)


def test_a_known_tail_of_an_unknown_district_name_is_no_place():
    # "Kot" is a town in India: not the place of "Taliban attacked ... in Zarkhel Kot district"
    evs = extract_events("On 12 May 2020, Taliban attacked ANP checkpoints in Zarkhel Kot district. 4 police were killed.",
                         published=date(2020, 5, 12))
    assert evs and evs[0].country_iso3 == "AFG" and evs[0].location is None


def test_a_route_between_two_cities_is_neither():
    evs = extract_events("On 14 August 2020, militants ambushed an army convoy on the Kabul-Kandahar highway.",
                         published=date(2020, 8, 14))
    assert all(e.location is None for e in evs)


def test_a_list_of_regions_gives_an_event_in_each_with_the_counts_split():
    evs = extract_events("Air defences destroyed 12 drones over the Belgorod, Kursk and Bryansk regions on "
                         "Tuesday, the defence ministry said.", published=PUB)
    assert [(e.admin1_code, e.location, e.geo_precision) for e in evs] == [
        ("RU-BEL", None, 3), ("RU-KRS", None, 3), ("RU-BRY", None, 3)]  # (not Belgorod city in Kursk region)
    assert {(e.sub_event_type, e.event_date) for e in evs} == {("disrupted_weapons_use", date(2022, 3, 8))}
    # 12 stated for the three together: 4 each, the sum kept, the total in the notes
    assert [e.intercepted for e in evs] == [4, 4, 4] and all("intercepted 12" in e.notes for e in evs)
    assert len({e.event_id for e in evs}) == 3
    # each event's evidence names its own region
    assert [next(x.text for x in e.evidence if x.field == "admin1_code") for e in evs] == ["Belgorod", "Kursk", "Bryansk"]
    # an odd total: the remainder goes to the regions named first
    evs = extract_events("Russian forces shelled the Sumy, Kharkiv, and Kherson regions overnight, killing four "
                         "civilians.", published=PUB)
    assert [(e.admin1_code, e.fatalities) for e in evs] == [("UA-59", 2), ("UA-63", 1), ("UA-65", 1)]
    # the plural word may lead the list
    evs = extract_events("Shelling hit the provinces of Kandahar and Helmand on Tuesday.", published=PUB)
    assert [(e.admin1_code, e.location) for e in evs] == [("AF-KAN", None), ("AF-HEL", None)]
    # no count stated: none invented
    evs = extract_events("Fighting continued in the Kharkiv and Donetsk oblasts on Tuesday.", published=PUB)
    assert [(e.admin1_code, e.fatalities) for e in evs] == [("UA-63", None), ("UA-14", None)]
    assert evs[0].notes == "one of 2 places named together"


def test_names_without_a_plural_region_word_are_no_region_list():
    # the region qualifies the name just before it only, as before
    ms = get_extractor().spot("Russian forces shelled Kherson and Nikopol, Dnipropetrovsk region, on Tuesday.")
    assert [(m.surface, m.qualifier, m.region_list) for m in ms] == [
        ("Kherson", None, None), ("Nikopol", "UA-12", None), ("Dnipropetrovsk", None, None)]
    # one region word, singular: the city of Kyiv and the region of Chernihiv are named, one event
    assert len(extract_events("Drones struck Kyiv and the Chernihiv region on Tuesday.", published=PUB)) == 1


@pytest.mark.parametrize("text,expected", [
    ("Air defences destroyed 16 drones, 13 over Crimea and three over the Volgograd region, on Tuesday.",
     [("UA-43", 13), ("RU-VGG", 3)]),
    ("The ministry said 10 drones were shot down over the Kursk region and two over the Belgorod region on Tuesday.",
     [("RU-KRS", 10), ("RU-BEL", 2)]),
    (("Air defences destroyed eight drones on Tuesday, four over the Bryansk region and two each over the Kursk "
      "and Oryol regions."), [("RU-BRY", 4), ("RU-KRS", 2), ("RU-ORL", 2)]),
])
def test_counts_stated_per_region_stay_with_their_region(text, expected):
    evs = extract_events(text, published=PUB)
    assert [(e.admin1_code, e.intercepted) for e in evs] == expected
    assert all("intercepted as stated per place" in e.notes for e in evs)


@pytest.mark.parametrize("text,expected", [
    ("Russian shelling killed two civilians in Kharkiv and three in Kherson on Tuesday.",
     [("UA-63", "Kharkiv", 2), ("UA-65", "Kherson", 3)]),
    # two settlements of one region are two places
    ("On Tuesday, Russian shelling killed two people in Nikopol and one in Marhanets, Dnipropetrovsk region.",
     [("UA-12", "Nikopol", 2), ("UA-12", "Marhanets", 1)]),
    ("On Tuesday, Russian strikes killed four people, two in Kharkiv and two in the Sumy region.",
     [("UA-63", "Kharkiv", 2), ("UA-59", None, 2)]),
    # the second count shares the first's casualty word: 5 killed, then split
    ("On Tuesday, two people were killed in Kharkiv and three in Sumy by Russian shelling.",
     [("UA-63", "Kharkiv", 2), ("UA-59", "Sumy", 3)]),
])
def test_victims_counted_place_by_place_stay_with_their_place(text, expected):
    evs = extract_events(text, published=PUB)
    assert [(e.admin1_code, e.location, e.fatalities) for e in evs] == expected
    assert all("fatalities as stated per place" in e.notes for e in evs)


def test_counts_by_place_that_do_not_add_up_to_a_field_leave_one_event():
    # two killed here, three injured there: no one casualty field is the sum, so nothing is moved
    (e,) = extract_events("On Tuesday, Russian forces killed two civilians in Kharkiv and injured three in Kherson.",
                          published=PUB)
    assert (e.admin1_code, e.fatalities, e.injured, e.notes) == ("UA-63", 2, 3, None)


@pytest.mark.parametrize("text", [
    "Jim Jordan said on Tuesday that protesters rioted outside the court.",  # (not Jordan, the country)
    "Hugh Grant encouraged protesters on Tuesday.",  # (not Grants, New Mexico)
    "Kamala Harris met protesters on Tuesday.",  # (neither Kamala nor Harris is a place here)
])
def test_a_persons_name_is_no_place(text):
    assert all(e.location is None and e.country_iso3 not in ("JOR", "IRN", "THA") for e in extract_events(text, published=PUB))
    assert get_extractor().locate(text, published=PUB) is None


def test_the_same_names_as_places_stay_places():
    (e,) = extract_events("Protesters rallied in Jordan on Tuesday.", published=PUB)
    assert (e.country_iso3, e.admin1_code) == ("JOR", None)
