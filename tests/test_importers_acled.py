"""ACLED importer: real exports from ../shared/data, and hand-made edge cases."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from conftest import shared_file
from intensity import taxonomy
from intensity.ingest import detect_format, ingest_files

FIXTURES = Path(__file__).parent / "fixtures" / "importers"
SAMPLES = [
    "acled_afghanistan_2020/ACLED.csv",
    "acled_africa_2016/acled.csv",
    "acled_ukraine_peacerep_sample/ACLED-Ukraine.csv",
    "acled_ukraine_pynetworkfriction/ACLED.csv",
]


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def label(row: dict) -> str:
    parts = [row.get("event_type", "").strip(), (row.get("sub_event_type") or "").strip()]
    return ": ".join(p for p in parts if p)


def ingest_one(con, path, **kw):
    (res,) = ingest_files(con, [path], **kw)
    assert res.status == "ok", res.error
    return res


# --------------------------------------------------------------------------- real samples


@pytest.mark.parametrize("sample", SAMPLES)
def test_real_export_lands_row_for_row(con, sample):
    path = shared_file(sample)
    rows = read_rows(path)
    assert detect_format(path) == "acled"
    res = ingest_one(con, path)
    assert (res.rows_read, res.loaded, res.rejected) == (len(rows), len(rows), 0)

    # one event per row, under the ACLED event id
    ids = {r[0] for r in con.execute("SELECT source_event_id FROM events WHERE source = 'acled'").fetchall()}
    assert ids == {r["event_id_cnty"] for r in rows}

    # the per-label counts and fatalities equal the source's
    stored = dict(con.execute("SELECT source_label, count(*) FROM events GROUP BY 1").fetchall())
    assert stored == dict(Counter(label(r) for r in rows))
    fat = con.execute("SELECT sum(fatalities) FROM events").fetchall()[0][0]
    assert fat == sum(int(r["fatalities"]) for r in rows)

    # current labels map to the taxonomy code of the same label (checked against event_types.csv)
    by_label = {r["sub_event_type_label"]: (r["event_type"], r["sub_event_type"]) for r in taxonomy.rows()}
    if "sub_event_type" in rows[0]:
        expected = Counter(by_label[r["sub_event_type"]] for r in rows)
        got = dict(((a, b), n) for a, b, n in con.execute(
            "SELECT event_type, sub_event_type, count(*) FROM events GROUP BY ALL").fetchall())
        assert got == dict(expected)

    # admin1 resolved to ISO 3166-2 for >= 99% of the rows that name one
    named, coded = con.execute(
        "SELECT count(*) FILTER (WHERE admin1 IS NOT NULL), "
        "count(*) FILTER (WHERE admin1 IS NOT NULL AND admin1_code IS NOT NULL) FROM events"
    ).fetchall()[0]
    assert named >= len(rows) - 1
    assert coded / named >= 0.99
    bad = con.execute(
        "SELECT count(*) FROM events AS e JOIN regions AS r USING (admin1_code) WHERE r.country_iso3 <> e.country_iso3"
    ).fetchall()[0][0]
    assert bad == 0
    # unresolved names are reported, never dropped
    unresolved = con.execute("SELECT coalesce(sum(n_events), 0) FROM unresolved_regions").fetchall()[0][0]
    assert unresolved == named - coded == res.unresolved

    # importing the same file again changes nothing
    again = ingest_one(con, path)
    assert (again.loaded, again.replaced, again.unchanged) == (0, 0, len(rows))
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == len(rows)


def test_old_typology_sample_keeps_its_labels(con):
    path = shared_file("acled_africa_2016/acled.csv")
    ingest_one(con, path)
    rows = con.execute(
        "SELECT source_label, event_type, sub_event_type, count(*) FROM events GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    kinds = {(lab, et, st) for lab, et, st, _ in rows}
    assert ("Battle-No change of territory", "battles", "armed_clash") in kinds
    assert ("Remote violence", "explosions_remote_violence", None) in kinds
    riots = {(et, st) for lab, et, st, _ in rows if lab == "Riots/Protests"}
    assert riots <= {("protests", "peaceful_protest"), ("protests", "protest_with_intervention"),
                     ("protests", "excessive_force_against_protesters"), ("riots", "violent_demonstration"),
                     ("riots", "mob_violence")}
    assert len(riots) >= 2


def test_newer_timestamps_replace_exactly_those_rows(con, tmp_path):
    path = shared_file("acled_ukraine_pynetworkfriction/ACLED.csv")
    ingest_one(con, path)
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    newer, older = rows[:5], rows[5:8]
    for r in newer:  # a later ACLED version of the event: new timestamp, revised content
        r["timestamp"] = str(int(r["timestamp"]) + 86400)
        r["fatalities"] = str(int(r["fatalities"]) + 3)
    for r in older:  # an older version must not overwrite what is stored
        r["timestamp"] = str(int(r["timestamp"]) - 86400)
        r["notes"] = "older text that must not win"
    modified = tmp_path / "ACLED_modified.csv"
    with open(modified, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)

    res = ingest_one(con, modified)
    assert (res.replaced, res.skipped, res.loaded) == (5, 3, 0)
    assert res.unchanged == len(rows) - 8
    assert res.rows_read == len(rows)
    got = dict(con.execute(
        "SELECT source_event_id, fatalities FROM events WHERE source_event_id IN ({})".format(
            ", ".join(f"'{r['event_id_cnty']}'" for r in newer))).fetchall())
    assert got == {r["event_id_cnty"]: int(r["fatalities"]) for r in newer}
    notes = [n for (n,) in con.execute("SELECT notes FROM events").fetchall()]
    assert "older text that must not win" not in notes
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == len(rows)
    # the stored timestamp moved forward for the replaced rows, and stayed for the older ones
    stamps = dict(con.execute(
        "SELECT source_event_id, epoch(source_updated_at)::BIGINT FROM events").fetchall())
    assert all(stamps[r["event_id_cnty"]] == int(r["timestamp"]) for r in newer)
    assert all(stamps[r["event_id_cnty"]] == int(r["timestamp"]) + 86400 for r in older)


# --------------------------------------------------------------------------- hand-made edge cases


def test_reordered_columns_extra_columns_and_day_first_dates(con):
    res = ingest_one(con, FIXTURES / "acled_reordered.csv")
    assert (res.loaded, res.rejected, res.unresolved) == (5, 0, 0)
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT source_event_id, CAST(event_date AS VARCHAR), date_precision, country_iso3, admin1_code, "
        "sub_event_type, fatalities FROM events").fetchall()}
    assert got["TST1001"] == ("2024-03-05", 1, "UKR", "UA-63", "shelling_artillery_missile_attack", 2)
    assert got["TST1002"] == ("2024-03-24", 1, "UKR", "UA-14", "armed_clash", 0)
    assert got["TST1003"] == ("2024-03-24", 1, "RUS", "RU-BEL", "air_drone_strike", 1)
    assert got["TST1004"] == ("2024-02-01", 2, "UKR", "UA-30", "disrupted_weapons_use", None)
    assert got["TST1005"] == ("2024-01-12", 1, "UKR", "UA-51", "peaceful_protest", 0)
    attrs = con.execute(
        "SELECT inter1, inter2, interaction, civilian_targeting FROM acled_attributes WHERE event_id = 'acled:TST1001'"
    ).fetchall()
    assert attrs == [(8, 7, 78, "Civilian targeting")]


def test_utf16_export_is_recognised_without_format(con, tmp_path):
    # Excel's "Unicode Text" save: the header sniff read its bytes as UTF-8 and called it canonical
    u16 = tmp_path / "acled_utf16.csv"
    u16.write_text((FIXTURES / "acled_reordered.csv").read_text(encoding="utf-8"), encoding="utf-16")
    assert detect_format(u16) == "acled"
    res = ingest_one(con, u16)
    assert (res.loaded, res.rejected) == (5, 0)
    assert con.execute("SELECT count(*) FROM events WHERE source_event_id = 'TST1003' AND admin1_code = 'RU-BEL'"
                       ).fetchone()[0] == 1


def test_three_date_formats_in_one_file(con):
    res = ingest_one(con, FIXTURES / "acled_dates.csv")
    assert res.loaded == 3
    days = {d for (d,) in con.execute("SELECT CAST(event_date AS VARCHAR) FROM events").fetchall()}
    assert days == {"2024-03-24"}


def test_undecidable_numeric_dates_read_day_first(con, tmp_path):
    p = tmp_path / "acled.csv"
    p.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,country,admin1\n"
        "TST3001,03/04/2024 00:00:00,Battles,Armed clash,Ukraine,Sumy\n"
    )
    ingest_one(con, p)
    assert con.execute("SELECT CAST(event_date AS VARCHAR) FROM events").fetchall() == [("2024-04-03",)]


def test_unreadable_timestamp_loads_the_event_with_a_warning(con, tmp_path):
    p = tmp_path / "acled.csv"
    p.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,country,admin1,fatalities,timestamp\n"
        "TST4001,2024-01-02,Battles,Armed clash,Ukraine,Sumy,0,not a ts\n"
        "TST4002,2024-01-02,Battles,Armed clash,Ukraine,Sumy,0,1700000000\n"
        "TST4003,2024-01-02,Battles,Armed clash,Ukraine,Sumy,0,\n"
    )
    res = ingest_one(con, p)
    assert (res.loaded, res.rejected) == (3, 0)
    assert res.warnings == ["1 row(s) with an unreadable timestamp (e.g. 'not a ts') loaded without it"]
    got = dict(con.execute("SELECT source_event_id, source_updated_at IS NULL FROM events").fetchall())
    assert got == {"TST4001": True, "TST4002": False, "TST4003": True}


def test_old_typology_crosswalk_by_actor_types(con):
    res = ingest_one(con, FIXTURES / "acled_old_typology.csv")
    assert (res.loaded, res.rejected) == (12, 0)
    got = dict((r[0], r[1:]) for r in con.execute(
        "SELECT source_event_id, event_type, sub_event_type FROM events").fetchall())
    assert got == {
        "TST01RTA": ("riots", "violent_demonstration"),
        "TST02RTA": ("riots", "mob_violence"),
        "TST03RTA": ("protests", "peaceful_protest"),
        "TST04RTA": ("protests", "excessive_force_against_protesters"),
        "TST05RTA": ("protests", "protest_with_intervention"),
        "TST06RTA": ("explosions_remote_violence", None),
        "TST07RTA": ("battles", "armed_clash"),
        "TST08RTA": ("strategic_developments", None),
        "TST09RTA": ("violence_against_civilians", None),
        "TST10RTA": ("battles", "government_regains_territory"),
        # the armed actor as actor 1, the protesters as actor 2
        "TST11RTA": ("protests", "protest_with_intervention"),
        "TST12RTA": ("protests", "excessive_force_against_protesters"),
    }
    # the quoted note with a line break survives
    note = con.execute("SELECT notes FROM events WHERE source_event_id = 'TST10RTA'").fetchall()[0][0]
    assert "\n" in note
    assert con.execute("SELECT count(DISTINCT admin1_code) FROM events").fetchall()[0][0] == 2


def test_unknown_label_is_rejected_with_its_name_and_the_rest_loads(con, tmp_path):
    p = tmp_path / "acled.csv"
    p.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,country,admin1\n"
        "TST4001,24 March 2024,Battles,Armed clash,Ukraine,Sumy\n"
        "TST4002,24 March 2024,Battles,Pillow fight,Ukraine,Sumy\n"
        "TST4003,31 February 2024,Battles,Armed clash,Ukraine,Sumy\n"
    )
    res = ingest_one(con, p)
    assert (res.loaded, res.rejected) == (1, 2)
    reasons = dict(con.execute("SELECT line, reason FROM rejects").fetchall())
    assert "pillow fight" in reasons[3]
    assert "31 February 2024" in reasons[4]


def test_unreadable_record_is_rejected_with_its_line_and_the_rest_keep_theirs(con, tmp_path):
    p = tmp_path / "acled.csv"
    p.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,country,admin1\n"
        "TST6001,24 March 2024,Battles,Armed clash,Ukraine,Sumy\n"
        "TST6002,24 March 2024,Battles\n"
        "TST6003,25 March 2024,Battles,Armed clash,Ukraine,Sumy,surplus\n"
        "TST6004,26 March 2024,Battles,Pillow fight,Ukraine,Sumy\n"
    )
    res = ingest_one(con, p)
    assert (res.rows_read, res.loaded, res.rejected) == (4, 1, 3)
    lines = dict(con.execute("SELECT line, reason FROM rejects").fetchall())
    assert set(lines) == {3, 4, 5}
    assert "pillow fight" in lines[5]
    assert con.execute("SELECT source_event_id FROM events").fetchall() == [("TST6001",)]


def test_unresolved_admin1_is_loaded_and_reported(con, tmp_path):
    p = tmp_path / "acled.csv"
    p.write_text(
        "event_id_cnty,event_date,event_type,sub_event_type,country,admin1\n"
        "TST5001,24 March 2024,Battles,Armed clash,Ukraine,Atlantis\n"
        "TST5002,24 March 2024,Battles,Armed clash,Ukraine,Kharkov\n"
    )
    res = ingest_one(con, p)
    assert (res.loaded, res.unresolved) == (2, 1)
    assert con.execute("SELECT admin1, admin1_code FROM events ORDER BY 1").fetchall() == [
        ("Atlantis", None), ("Kharkov", "UA-63")]
    assert con.execute("SELECT country_iso3, admin1, n_events FROM unresolved_regions").fetchall() == [
        ("UKR", "Atlantis", 1)]


def test_not_an_acled_file_is_a_clear_error(con, tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("event_id_cnty,event_type\nA1,Battles\n")
    (res,) = ingest_files(con, [p], format="acled")
    assert res.status == "error" and "event_date" in res.error
    assert con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 0


def test_cli_summary_shows_replaced_and_unresolved(db_path, tmp_path):
    from typer.testing import CliRunner

    from intensity.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["ingest", str(FIXTURES / "acled_reordered.csv"), "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    header = out.stdout.splitlines()[0].split()
    assert {"replaced", "unresolved", "loaded"} <= set(header)
    assert "acled" in out.stdout


def test_row_hashes_recomputed_from_stored_rows_match_the_import(db_path):
    # The importer's extra columns (ACLED timestamp, label, sources) are in the hash; a store
    # whose hashes are recomputed (DuckDB upgrade) must still see this file as unchanged.
    import intensity

    con = intensity.connect(db_path)
    first = ingest_one(con, FIXTURES / "acled_reordered.csv")
    hashes = con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall()
    assert con.execute("SELECT count(source_updated_at) FROM events").fetchall()[0][0] == first.loaded
    con.execute("UPDATE events SET row_hash = 'stale'")
    con.execute("UPDATE meta SET value = 'stale' WHERE key = 'row_hash_fingerprint'")
    con.close()
    con = intensity.connect(db_path)
    assert con.execute("SELECT event_id, row_hash FROM events ORDER BY 1").fetchall() == hashes
    again = ingest_one(con, FIXTURES / "acled_reordered.csv")
    assert (again.loaded, again.replaced, again.unchanged) == (0, 0, first.loaded)
    con.close()


def test_an_acled_event_replaced_from_a_canonical_file_keeps_no_acled_extras(db_path, tmp_path):
    import intensity

    con = intensity.connect(db_path)
    ingest_one(con, FIXTURES / "acled_reordered.csv")
    canonical = tmp_path / "as_canonical.csv"
    con.execute(f"COPY (SELECT event_id, source, event_date, country_iso3, admin1_code, event_type, "
                f"sub_event_type, fatalities, notes FROM events) TO '{canonical}' (HEADER)")
    first = ingest_one(con, canonical)
    assert first.replaced == first.rows_read > 0
    assert con.execute("SELECT count(source_updated_at) + count(source_label) + count(source_refs) "
                       "FROM events").fetchall()[0][0] == 0
    # the stored rows match their hashes: a rehash (DuckDB upgrade) changes nothing
    con.execute("UPDATE meta SET value = 'stale' WHERE key = 'row_hash_fingerprint'")
    con.close()
    con = intensity.connect(db_path)
    again = ingest_one(con, canonical)
    assert (again.loaded, again.replaced, again.unchanged) == (0, 0, first.rows_read)
    con.close()


def test_doubled_line_endings_do_not_change_the_ids(con, tmp_path):
    # "\r\r\n" (a CRLF file saved again with CRLF) once left a line feed before each id
    text = (FIXTURES / "acled_dates.csv").read_text(encoding="utf-8")
    doubled = tmp_path / "doubled.csv"
    doubled.write_bytes(("\r\r\n".join(text.splitlines()) + "\r\r\n").encode("utf-8"))
    assert ingest_one(con, doubled).loaded == 3
    again = ingest_one(con, FIXTURES / "acled_dates.csv")
    assert (again.loaded, again.unchanged) == (0, 3)
    ids = [r[0] for r in con.execute("SELECT event_id FROM events ORDER BY 1").fetchall()]
    assert all(i == i.strip() and "\n" not in i and "\r" not in i for i in ids)


def test_doubled_line_endings_appended_after_a_long_head(con, tmp_path):
    # rows added later to a CRLF export by a tool that doubles the line ending
    lines = (FIXTURES / "acled_dates.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    body = [header] + [r.replace(r.split(",")[0], f"{r.split(',')[0]}{i}", 1) for i in range(800) for r in rows[:1]]
    text = "\r\n".join(body) + "\r\n" + "\r\r\n".join(r.replace(r.split(",")[0], r.split(",")[0] + "x", 1)
                                                     for r in rows) + "\r\r\n"
    path = tmp_path / "appended.csv"
    path.write_bytes(text.encode("utf-8"))
    assert len(text.encode()) > 1 << 16
    res = ingest_one(con, path)
    assert (res.loaded, res.rejected) == (800 + len(rows), 0)
    ids = [r[0] for r in con.execute("SELECT event_id FROM events").fetchall()]
    assert not [i for i in ids if "\n" in i or "\r" in i]
