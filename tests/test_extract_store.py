"""Articles through `intensity ingest` and `intensity extract` (real store files, CLI runner)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from intensity.cli import app
from intensity.extract import EXTRACTOR_VERSION
from intensity.ingest import ingest_files

ARTICLE = ("date 2024-03-24\nRussian forces shelled Kherson yesterday, killing two civilians. "
           "Separately, police arrested three suspects in Moscow on Saturday.")


def test_article_ingest_is_idempotent_and_deduplicated(con, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    b = tmp_path / "copy.txt"  # the same article under another name
    b.write_text(ARTICLE, encoding="utf-8")
    r1 = ingest_files(con, [a])[0]
    assert r1.format == "articles" and r1.status == "ok" and r1.loaded == 2
    r2 = ingest_files(con, [a, b])
    assert all(r.loaded == 0 and r.unchanged == 2 for r in r2)
    assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 1
    rows = con.execute("SELECT event_id, source, sub_event_type, admin1_code, fatalities, extractor_version "
                       "FROM events ORDER BY sub_event_type").fetchall()
    assert [(r[2], r[3]) for r in rows] == [("arrests", "RU-MOW"), ("shelling_artillery_missile_attack", "UA-65")]
    assert all(r[0].startswith("text:") and r[1] == "text" and r[5] == EXTRACTOR_VERSION for r in rows)
    assert rows[1][4] == 2
    ev = con.execute("SELECT count(*) FROM event_evidence").fetchall()[0][0]
    assert ev == 2
    # The summary's counts are of events; a note says what happened to the articles.
    assert r1.notes == [("1 article(s) read: 1 new, 0 already stored; 2 event(s) extracted "
                            "(the counts above are of events)")]
    assert r2[1].notes[0].startswith("1 article(s) read: 0 new, 1 already stored;")
    jl = tmp_path / "many.jsonl"
    jl.write_text("".join(json.dumps({"id": f"n{i}", "published": "2024-03-24", "text": t}) + "\n"
                          for i, t in enumerate(["Nothing happened today.", ARTICLE.split("\n", 1)[1],
                                                 "Nothing happened today."])), encoding="utf-8")
    r3 = ingest_files(con, [jl])[0]
    assert r3.notes[0].startswith("3 article(s) read: 1 new, 1 already stored, 1 repeating another in this file;")


def test_reprocess_replaces_events_of_older_extractor(db_path, tmp_path):
    import intensity

    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps({"id": "n1", "published": "2024-03-24", "text": ARTICLE.split("\n", 1)[1]}) + "\n",
                 encoding="utf-8")
    con = intensity.connect(db_path)
    try:
        assert ingest_files(con, [a])[0].format == "articles"
        con.execute("UPDATE articles SET extractor_version = 'old'")
        con.execute("UPDATE events SET extractor_version = 'old', fatalities = 99")
    finally:
        con.close()
    res = CliRunner().invoke(app, ["extract", "--reprocess", "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    con = intensity.connect(db_path)
    try:
        assert con.execute("SELECT count(*), max(fatalities) FROM events").fetchall()[0] == (2, 2)
        assert con.execute("SELECT DISTINCT extractor_version FROM articles").fetchall() == [(EXTRACTOR_VERSION,)]
    finally:
        con.close()


def test_extract_cli_prints_jsonl_with_evidence(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text(ARTICLE, encoding="utf-8")
    res = CliRunner().invoke(app, ["extract", str(a), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    objs = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    assert len(objs) == 2
    for o in objs:
        assert o["article_id"] and o["evidence"] and o["event_id"].startswith("text:")
        assert {"event_date", "country_iso3", "admin1_code", "sub_event_type", "fatalities"} <= set(o)
    table = CliRunner().invoke(app, ["extract", str(a), "--format", "table"])
    assert table.exit_code == 0 and "UA-65" in table.stdout
    bad = CliRunner().invoke(app, ["extract", str(a), "--published", "March"])
    assert bad.exit_code == 2


def test_txt_without_date_needs_published(con, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Russian forces shelled Kherson yesterday.", encoding="utf-8")
    r = ingest_files(con, [a])[0]
    assert r.status == "error" and "published" in (r.error + "").lower() or "date" in (r.error or "")
    assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 0


def test_a_broken_article_record_is_one_reject_and_the_rest_load(con, tmp_path):
    good1 = {"id": "a1", "published": "2024-03-24", "text": "Russian forces shelled Kherson yesterday."}
    good2 = {"id": "a2", "published": "2024-03-24", "text": "Police arrested three suspects in Moscow on Saturday."}
    path = tmp_path / "arts.jsonl"
    # a UTF-8 BOM, a line that is not JSON, one without a date, one without text
    path.write_text("\ufeff" + json.dumps(good1) + "\n{not json\n"
                    + json.dumps({"id": "x", "text": "Shelling in Kherson."}) + "\n"
                    + json.dumps({"id": "y", "published": "2024-03-24"}) + "\n" + json.dumps(good2) + "\n",
                    encoding="utf-8")
    (res,) = ingest_files(con, [path])
    assert res.format == "articles" and res.status == "ok"
    assert res.loaded == 2 and res.rejected == 3
    assert {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()} == {"a1", "a2"}
    rejects = con.execute("SELECT line, reason, raw_line FROM rejects ORDER BY line").fetchall()
    assert [r[0] for r in rejects] == [2, 3, 4]
    assert rejects[0][1].startswith("not JSON") and rejects[0][2] == "{not json"
    assert "published" in rejects[1][1] and "text" in rejects[2][1]
    again = ingest_files(con, [path])[0]
    assert again.loaded == 0 and again.unchanged == 2 and again.rejected == 3
    assert con.execute("SELECT count(*) FROM rejects").fetchall()[0][0] == 3


def test_extract_cli_skips_a_broken_record_with_a_warning(tmp_path):
    path = tmp_path / "arts.jsonl"
    path.write_text(json.dumps({"id": "a", "published": "2024-03-24",
                                "text": "Russian forces shelled Kherson yesterday."}) + "\n{bad\n")
    res = CliRunner().invoke(app, ["extract", str(path), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["article_id"] for line in res.stdout.splitlines()] == ["a"]
    assert f"{path}:2: skipped: not JSON" in res.stderr


def test_one_id_for_two_texts_in_a_file_keeps_both(con, tmp_path):
    # a feed repeating a link as the id: both articles and their events are kept, re-reading changes nothing
    p = tmp_path / "dup.jsonl"
    p.write_text('{"id":"a1","published":"2024-03-10","text":"Russian shelling of Kharkiv killed 2 civilians."}\n'
                 '{"id":"a1","published":"2024-03-11","text":"A drone strike on Odesa injured 4 people."}\n')
    (first,) = ingest_files(con, [p])
    assert first.loaded == 2 and first.rejected == 0
    ids = [r[0] for r in con.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()]
    assert ids[0] == "a1" and ids[1].startswith("a1#") and len(ids) == 2
    (again,) = ingest_files(con, [p])
    assert (again.loaded, again.unchanged) == (0, 2)


def test_json_array_of_articles_reads_its_elements(con, tmp_path):
    p = tmp_path / "feed.json"
    p.write_text(json.dumps([
        {"id": "q1", "published": "2024-03-02", "text": "Russian shelling of Kharkiv killed 2 civilians."},
        {"id": "q2", "text": "no date here"},
        5,
    ], indent=2))
    (res,) = ingest_files(con, [p], format="articles")
    assert res.loaded == 1 and res.rejected == 2
    lines = sorted(r[0] for r in con.execute("SELECT line FROM rejects").fetchall())
    # the line each rejected element starts on (indent=2: q2's "{" is line 7, the 5 line 11)
    text = p.read_text().splitlines()
    assert lines == [7, 11] and text[6].strip() == "{" and text[7].strip() == '"id": "q2",' and text[10].strip() == "5"
    r = CliRunner().invoke(app, ["extract", str(p), "--format", "jsonl"])
    assert r.exit_code == 0 and [json.loads(x)["article_id"] for x in r.stdout.splitlines()] == ["q1"]


def test_an_updated_article_is_counted_as_such(con, tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text('{"id":"u1","published":"2024-03-10","text":"Russian shelling of Kharkiv killed 2 civilians."}\n')
    ingest_files(con, [p])
    p.write_text('{"id":"u1","published":"2024-03-10","text":"Russian shelling of Kharkiv killed 3 civilians."}\n')
    (res,) = ingest_files(con, [p])
    assert res.notes[0].startswith("1 article(s) read: 1 new (1 of them updating a stored one), 0 already stored")
    assert res.warnings == []
    assert con.execute("SELECT fatalities FROM events").fetchall() == [(3,)]


def test_old_and_new_text_of_one_id_in_a_file_are_both_kept_once(con, tmp_path):
    # a feed listing the new version of an article beside the stored old one
    t1 = "Russian shelling of Kharkiv killed 3 civilians."
    t2 = "A drone strike on Odesa injured 4 people."
    p = tmp_path / "a.jsonl"
    p.write_text(json.dumps({"id": "X", "published": "2024-03-10", "text": t1}) + "\n")
    ingest_files(con, [p])
    p.write_text(json.dumps({"id": "X", "published": "2024-03-10", "text": t2}) + "\n"
                 + json.dumps({"id": "X", "published": "2024-03-10", "text": t1}) + "\n")
    (res,) = ingest_files(con, [p])
    assert res.status == "ok" and res.notes[0].startswith("2 article(s) read: 1 new, 1 already stored")
    (again,) = ingest_files(con, [p])
    assert again.loaded == 0
    stored = dict(con.execute("SELECT text, article_id FROM articles").fetchall())
    assert stored[t1] == "X" and stored[t2].startswith("X#")
    assert sorted(r[0] for r in con.execute("SELECT article_id FROM events").fetchall()) == sorted(stored.values())


def test_an_article_naming_a_list_of_regions_stores_one_event_per_region_once(con, tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("date 2024-03-24\n\nAir defences destroyed 12 drones over the Belgorod, Kursk and Bryansk regions "
                 "on Saturday.\n", encoding="utf-8")
    for _ in range(2):
        ingest_files(con, [a])
    rows = con.execute("SELECT e.admin1_code, v.intercepted, e.notes LIKE '%intercepted 12%' FROM events e "
                       "JOIN event_evidence v USING (event_id) ORDER BY 1").fetchall()
    assert rows == [("RU-BEL", 4, True), ("RU-BRY", 4, True), ("RU-KRS", 4, True)]
