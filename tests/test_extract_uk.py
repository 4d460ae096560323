"""The Ukrainian lexicon (data/reference/lexicon/uk/): a third language added as data, with sentences
written for these tests in the style of Air Force, General Staff and regional administration posts
and of news wires. ../shared/data holds no Ukrainian text, so these sentences are its only measure."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

import intensity
from intensity.cli import app
from intensity.extract import extract_events

PUB = "2024-03-24"  # a Sunday


def uk(text: str, published: str = PUB):
    return extract_events(text, published=published, lang="uk")


@pytest.mark.parametrize("text,admin1,location", [
    # the "-щина" names of regions and the cases of oblast adjectives
    ("Вчора ворог обстріляв Харківщину, поранено двох людей.", "UA-63", None),
    ("Над Сумщиною сили ППО збили п’ять безпілотників.", "UA-59", None),
    ("У суботу на Курщині уражено нафтобазу.", "RU-KRS", "нафтобазу"),
    ("У Бєлгородській області в суботу вибухнув склад боєприпасів після атаки дронів.", "RU-BEL", "склад боєприпасів"),
    # cities whose stem vowel changes with the case (Київ, у Києві; Львів, у Львові; Миколаїв, у Миколаєві)
    ("Вчора російські війська обстріляли Київ, у Києві поранено чотирьох людей.", "UA-30", "Kyiv"),
    ("Вчора у Львові внаслідок ракетного удару ніхто не постраждав.", "UA-46", "Lviv"),
    ("Вчора ворог атакував Миколаїв ударними дронами, у Миколаєві пошкоджено підстанцію.", "UA-48", "Mykolayiv"),
    ("22 березня ворог завдав ракетного удару по Дніпру, у Дніпрі пошкоджено багатоквартирний будинок.", "UA-12",
     "Dnipro"),
    # a front sector is its town's region, not a village of the sector's name
    ("На Покровському напрямку ворог 35 разів атакував позиції наших захисників.", "UA-14", None),
])
def test_ukrainian_places_in_their_cases(text, admin1, location):
    (e,) = uk(text)
    assert (e.admin1_code, e.location) == (admin1, location)


def test_air_force_counts_launched_and_shot_down():
    (e,) = uk("У ніч на 24 березня ворог атакував Україну ударними БпЛА типу «Шахед». Засобами ППО збито 37 з 40 "
              "шахедів.")
    # three got through, so it is the strike itself, placed in the country the post names
    assert (e.country_iso3, e.admin1_code, e.sub_event_type) == ("UKR", None, "air_drone_strike")
    assert (e.munitions, e.intercepted, e.weapon, e.event_date) == (40, 37, "Shahed/Geran drone", date(2024, 3, 24))
    (e,) = uk("Минулої ночі ворог запустив по Україні 88 ракет і 63 шахеди.")
    assert (e.munitions, e.event_date, e.date_precision) == (151, date(2024, 3, 23), 1)


@pytest.mark.parametrize("text,fatalities,injured", [
    ("Вчора окупанти обстріляли Одесу, в Одесі загинули двадцять два мирних жителі.", 22, None),
    ("Вчора росіяни атакували Запоріжжя дронами, у Запоріжжі постраждали троє людей.", None, 3),
    ("Вчора у Херсоні окупанти вбили двох цивільних та поранили трьох.", 2, 3),
    ("Вчора у Львові внаслідок ракетного удару ніхто не постраждав.", 0, 0),
])
def test_ukrainian_casualty_words_and_numbers(text, fatalities, injured):
    (e,) = uk(text)
    assert (e.fatalities, e.injured) == (fatalities, injured)


def test_the_seed_articles_events_in_ukrainian():
    (e,) = uk("У неділю Бєлгород обстріляли 22 реактивними снарядами з РСЗВ «Вампір», частину з них збили, одна "
              "людина поранена.")
    # some shells got through and hurt someone: the shelling itself, not disrupted weapons use
    assert (e.country_iso3, e.admin1_code, e.location, e.sub_event_type) == (
        "RUS", "RU-BEL", "Belgorod", "shelling_artillery_missile_attack")
    assert (e.munitions, e.injured, e.fatalities, e.weapon, e.event_date) == (22, 1, None, "Vampire MLRS",
                                                                             date(2024, 3, 24))


def test_lists_and_breakdowns_by_place():
    evs = uk("Вчора над Сумською, Харківською та Полтавською областями збито 12 безпілотників.")
    assert [(e.admin1_code, e.intercepted) for e in evs] == [("UA-59", 4), ("UA-63", 4), ("UA-53", 4)]
    # names that are a region's alone make a list without a region word
    evs = uk("Вчора збито 12 шахедів над Київщиною, Черкащиною та Вінниччиною.")
    assert [(e.admin1_code, e.intercepted) for e in evs] == [("UA-32", 4), ("UA-71", 4), ("UA-05", 4)]
    evs = uk("Вчора загинули двоє людей у Харкові та троє в Сумах внаслідок обстрілу.")
    assert [(e.location, e.fatalities) for e in evs] == [("Kharkiv", 2), ("Sumy", 3)]


def test_commentary_and_forecasts_are_no_events():
    assert uk("Аналітики вважають, що ворог може атакувати Харків наступного тижня.") == []


def test_a_text_of_another_language_read_as_ukrainian_gives_no_event_words():
    assert uk("Russian forces shelled Kherson yesterday, killing two civilians.") == []


def test_the_command_line_and_the_store_read_ukrainian(db_path, tmp_path):
    post = tmp_path / "post.txt"
    post.write_text("date 2024-03-24\n\nВчора над Сумщиною сили ППО збили п’ять безпілотників.\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(post), "--lang", "uk"])
    assert res.exit_code == 0, res.output
    (ev,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert (ev["admin1_code"], ev["sub_event_type"], ev["intercepted"]) == ("UA-59", "disrupted_weapons_use", 5)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "uk1", "published": PUB, "lang": "uk",
                                "text": "Вчора окупанти обстріляли Херсон, поранено двох людей."}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(feed), "--db", str(db_path)]).exit_code == 0
    con = intensity.connect(db_path, read_only=True)
    try:
        assert con.execute("SELECT lang FROM articles").fetchall() == [("uk",)]
        assert con.execute("SELECT admin1_code, location, injured FROM events").fetchall() == [("UA-65", "Kherson", 2)]
    finally:
        con.close()


@pytest.mark.parametrize("text,location", [
    # every word of a name inflects ("Часів Яр" -> "Часового Яру"; "Кривий Ріг" -> "Кривому Розі")
    ("Вчора ворог обстріляв околиці Часового Яру, поранено двох людей.", "Chasiv Yar"),
    ("Вчора у Кривому Розі внаслідок ракетного удару загинули троє людей.", "Kryvyy Rih"),
    ("Вчора окупанти обстріляли Велику Новосілку.", "Velyka Novosilka"),
])
def test_names_of_several_words_in_their_cases(text, location):
    (e,) = uk(text)
    assert e.location == location
