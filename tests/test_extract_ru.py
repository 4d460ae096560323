"""The Russian lexicon (data/reference/lexicon/ru/): a second language added as data, with sentences
written for these tests in the style of military summaries, and one real post of the Russian MoD."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from intensity.extract import extract_events, get_extractor
from intensity.extract.numbers import find_numbers

from conftest import REPO

PUB = "2024-05-14"


def ru(text: str, published: str = PUB):
    return extract_events(text, published=published, lang="ru")


def test_an_interception_over_an_inflected_region_is_disrupted_weapons_use_there():
    (e,) = ru("Вчера около 18.00 мск средствами ПВО над территорией Курской области уничтожены "
              "двенадцать реактивных снарядов РСЗО «Град».")
    assert (e.sub_event_type, e.country_iso3, e.admin1_code) == ("disrupted_weapons_use", "RUS", "RU-KRS")
    assert (e.intercepted, e.weapon, e.event_date, e.date_precision) == (12, "Grad MLRS", date(2024, 5, 13), 1)


def test_the_region_of_the_next_sentence_places_the_attack_the_first_placed_in_a_country():
    evs = ru("Сегодня пресечена попытка киевского режима атаковать объекты на территории Российской Федерации "
             "с применением БПЛА самолетного типа. Дежурными средствами ПВО три беспилотника уничтожены над "
             "Брянской областью.")
    assert [(e.sub_event_type, e.admin1_code, e.intercepted) for e in evs] == [("disrupted_weapons_use", "RU-BRY", 3)]
    assert evs[0].actor1 == "Military Forces of Ukraine (2019-)"


@pytest.mark.parametrize("text, admin1, location", [
    ("Противник обстрелял Херсон из артиллерии, ранены два мирных жителя.", "UA-65", "Kherson"),
    ("В результате обстрела Херсона повреждены жилые дома.", "UA-65", "Kherson"),
    ("В Белгороде при атаке беспилотника пострадали три человека.", "RU-BEL", "Belgorod"),
    ("Ракетный удар нанесен по объектам в Харьковской области.", "UA-63", None),
])
def test_cases_of_a_name_reach_its_base_form(text, admin1, location):
    e = ru(text)[0]
    assert (e.admin1_code, e.location) == (admin1, location)


def test_casualties_and_munitions_in_russian_words():
    e = ru("Противник обстрелял Херсон из артиллерии, ранены два мирных жителя.")[0]
    assert (e.sub_event_type, e.injured, e.fatalities) == ("shelling_artillery_missile_attack", 2, None)
    lex = get_extractor("ru").lex
    text = "атаку двадцатью восемью беспилотниками, уничтожены двадцать два снаряда"
    assert [n.value for n in find_numbers(text, lex)] == [28, 22]
    e = ru("Сегодня пресечена атака двадцатью восемью беспилотниками на Крым; все беспилотники сбиты средствами ПВО.")[0]
    assert (e.sub_event_type, e.admin1_code, e.munitions) == ("disrupted_weapons_use", "UA-43", 28)


def test_russian_dates_resolve_against_the_publication_day():
    e = ru("22 марта противник нанес ракетный удар по Одессе.", published="2024-03-24")[0]
    assert (e.event_date, e.date_precision, e.admin1_code) == (date(2024, 3, 22), 1, "UA-51")
    e = ru("В последние недели противник обстреливает Белгородскую область.", published="2024-03-24")[0]
    assert e.date_precision == 3 and e.event_date < date(2024, 3, 24)


def test_a_text_of_one_language_read_with_the_other_gives_no_event_words():
    ru_text = "Дежурными средствами ПВО три беспилотника уничтожены над Брянской областью."
    assert extract_events(ru_text, published=PUB, lang="en") == []
    assert ru("Russian forces shelled Kharkiv on Monday, killing two civilians.") == []
    assert get_extractor("ru") is not get_extractor("en")


def test_the_seed_articles_counterpart_in_the_russian_mods_own_post():
    # The post of 2024-03-24 15:39 that SOURCE.md names: 22 rockets of an RM-70 "Vampire" MLRS
    # destroyed over Belgorod region (read from ../shared, never copied here).
    path = REPO.parent / "shared" / "data" / "telegram_mod_russia" / "mod_russia_clean.csv"
    if not path.exists():
        pytest.skip("shared sample telegram_mod_russia not available")
    with open(path, newline="", encoding="utf-8") as fh:
        (post,) = [r for r in csv.DictReader(fh) if r["datetime"] == "2024-03-24 15:39"]
    evs = ru(post["text_snippet"], published=post["date"])
    bel = [e for e in evs if e.admin1_code == "RU-BEL"]
    assert [(e.sub_event_type, e.intercepted, e.weapon, e.event_date) for e in bel] == \
        [("disrupted_weapons_use", 22, "Vampire MLRS", date(2024, 3, 24))]


def test_the_command_line_reads_russian_articles_with_lang(tmp_path):
    import json

    from typer.testing import CliRunner

    from intensity.cli import app

    art = tmp_path / "post.txt"
    art.write_text("date 2024-03-24\n\nДежурными средствами ПВО двадцать два реактивных снаряда РСЗО «Вампир» "
                   "уничтожены над Белгородской областью.\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["extract", str(art), "--lang", "ru"])
    assert res.exit_code == 0, res.output
    (ev,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert (ev["admin1_code"], ev["sub_event_type"], ev["weapon"]) == ("RU-BEL", "disrupted_weapons_use", "Vampire MLRS")
    assert runner.invoke(app, ["extract", str(art)]).stdout.strip() == ""  # (English words: none here)
    bad = runner.invoke(app, ["extract", str(art), "--lang", "xx"])
    assert bad.exit_code == 2 and "no extraction lexicon for language 'xx'" in bad.output


RU_POST = "Дежурными средствами ПВО три беспилотника уничтожены над Брянской областью."
EN_POST = "Russian forces shelled Kherson yesterday, killing two civilians."


def test_stored_articles_keep_their_language_through_reprocess(db_path, tmp_path):
    import json

    from typer.testing import CliRunner

    import intensity
    from intensity.cli import app

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [
        {"id": "ru1", "published": "2024-05-14", "text": RU_POST, "lang": "ru"},
        {"id": "en1", "published": "2024-05-14", "text": EN_POST},
        {"id": "xx1", "published": "2024-05-14", "text": RU_POST + " ", "lang": "xx"},
    ]), encoding="utf-8")
    post = tmp_path / "post.txt"
    post.write_text("date 2024-05-14\n\n" + RU_POST.replace("три", "пять").replace("Брянской", "Курской"),
                    encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", str(feed), "--db", str(db_path)])
    assert res.exit_code == 0, res.output  # (the unknown language is one reject; the rest load)
    res = runner.invoke(app, ["ingest", str(post), "--db", str(db_path), "--lang", "ru"])
    assert res.exit_code == 0, res.output
    assert runner.invoke(app, ["ingest", str(post), "--db", str(db_path), "--lang", "xx"]).exit_code == 2

    def stored():
        con = intensity.connect(db_path, read_only=True)
        try:
            arts = con.execute("SELECT article_id, lang FROM articles ORDER BY article_id").fetchall()
            evs = con.execute("SELECT e.admin1_code, e.sub_event_type, v.intercepted FROM events e "
                              "JOIN event_evidence v USING (event_id) ORDER BY 1").fetchall()
            rej = con.execute("SELECT reason FROM rejects").fetchall()
        finally:
            con.close()
        return arts, evs, rej

    arts, evs, rej = stored()
    assert [lang for _, lang in arts] == ["en", "ru", "ru"] and "ru1" in dict(arts)
    assert evs == [("RU-BRY", "disrupted_weapons_use", 3), ("RU-KRS", "disrupted_weapons_use", 5),
                   ("UA-65", "shelling_artillery_missile_attack", None)]
    assert any("no extraction lexicon for language 'xx'" in r for (r,) in rej)
    con = intensity.connect(db_path)
    try:
        con.execute("UPDATE articles SET extractor_version = 'old'")
        con.execute("DELETE FROM event_evidence")
        con.execute("DELETE FROM events")
    finally:
        con.close()
    res = runner.invoke(app, ["extract", "--reprocess", "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    assert stored()[1] == evs  # (each re-read in its own language)


def test_a_list_of_regions_in_the_instrumental_plural_gives_an_event_in_each():
    evs = ru("Вчера дежурными средствами ПВО уничтожены девять беспилотников над Белгородской, Курской и "
             "Брянской областями.")
    assert [(e.admin1_code, e.intercepted) for e in evs] == [("RU-BEL", 3), ("RU-KRS", 3), ("RU-BRY", 3)]
    assert {e.sub_event_type for e in evs} == {"disrupted_weapons_use"}


def test_counts_stated_per_region_in_a_russian_summary():
    evs = ru("Вчера дежурными средствами ПВО уничтожены одиннадцать беспилотников, из них один над территорией "
             "Калужской области и 10 - над Курской.")  # (the second region by its adjective alone)
    assert [(e.admin1_code, e.intercepted) for e in evs] == [("RU-KLU", 1), ("RU-KRS", 10)]
    evs = ru("Вчера уничтожены четыре БПЛА над Воронежской, по два над Курской и Самарской областями.")
    assert [(e.admin1_code, e.intercepted) for e in evs] == [("RU-VOR", 4), ("RU-KRS", 2), ("RU-SAM", 2)]


@pytest.mark.parametrize("text,admin1,location", [
    # of the base forms the endings give, the city (Брянск), not the village Брянское in Crimea
    ("Вчера над Брянском средствами ПВО перехвачены два беспилотника.", "RU-BRY", "Bryansk"),
    # a front sector is its town's region, not a namesake town elsewhere, nor the city itself
    ("Вчера на Донецком направлении подразделения отразили три атаки противника.", "UA-14", None),
    # a district in the genitive chain takes its region ("X района Y области")
    ("Вчера беспилотник уничтожен над Воскресенским районом Московской области.", "RU-MOS", "Воскресенским"),
])
def test_inflected_names_sectors_and_district_chains(text, admin1, location):
    (e,) = ru(text)
    assert (e.admin1_code, e.location) == (admin1, location)


def test_names_of_regimes_fleets_and_quoted_systems_are_no_places():
    assert ru("Вчера Киевский режим атаковал беспилотниками объекты Брянской области.")[0].admin1_code == "RU-BRY"
    # (these read as an event in Malka, Kabardino-Balkaria, before: the sentence names no place)
    assert ru("Вчера ударом РСЗО «Ураган» и САУ «Малка» уничтожены 12 единиц техники противника.") == []
    # (not Chernomorskiy, Krasnodar krai)
    assert get_extractor("ru").locate("Вчера корабль Черноморского флота провёл учения.", published=date(2024, 5, 14)) is None


def test_a_list_of_front_sectors_gives_an_event_in_each_region():
    evs = ru("Вчера подразделения отразили шесть атак на Лисичанском, Артёмовском и Купянском направлениях.")
    assert [e.admin1_code for e in evs] == ["UA-09", "UA-14", "UA-63"]


def test_a_front_sector_that_names_no_region_keeps_its_towns_place():
    # "Курское" is no sector of the aliases: the town the sector is named after, as before
    (e,) = ru("Вчера на Курском направлении отражены три атаки противника.")
    assert (e.admin1_code, e.location) == ("RU-KRS", "Kursk")
    (e,) = ru("Вчера на Кураховском направлении отражены три атаки противника.")
    assert (e.admin1_code, e.location) == ("UA-14", None)


@pytest.mark.parametrize("text,admin1,location", [
    ("Вчера нанесен удар по Кривому Рогу.", "UA-12", "Kryvyy Rih"),
    ("Вчера нанесен удар по объектам в Новой Каховке.", "UA-65", "Nova Kakhovka"),
    # the republic's name in the genitive is the region
    ("Вчера беспилотный летательный аппарат уничтожен над территорией Республики Крым.", "UA-43", None),
])
def test_russian_names_of_several_words_in_their_cases(text, admin1, location):
    (e,) = ru(text)
    assert (e.admin1_code, e.location) == (admin1, location)
