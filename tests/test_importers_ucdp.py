"""UCDP GED / Candidate importer: the real Ukraine file (cp1252, mixed dates) and hand-made cases."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from conftest import shared_file
from intensity.ingest import detect_format, ingest_files

HEADER = ("id,relid,year,type_of_violence,conflict_name,dyad_name,side_a,side_b,number_of_sources,"
          "source_office,source_headline,where_prec,where_coordinates,adm_1,adm_2,latitude,longitude,"
          "country,country_id,event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,"
          "deaths_civilians,deaths_unknown,best,high,low")
# Made-up events; the text is Windows-1252 on purpose (’ is byte 0x92, é is 0xE9).
ROWS = [
    '101,T-1,2022,1,Test conflict,Test dyad,Government of Testland,Test rebels,2,Test Wire,'
    '"Army reports artillery shelling near Testivka",1,Testivka,Donetsk oblast,Test raion,48.0,37.8,'
    'Ukraine,369,1,1,9/28/2022 12:00:00 AM,9/28/2022 12:00:00 AM,1,1,1,0,3,5,2',
    '102,T-2,2022,1,Test conflict,Test dyad,Government of Testland,Test rebels,1,Test Wire,'
    '"Soldiers killed in fighting",2,Testove,Luhansk oblast,,48.5,39.0,'
    'Ukraine,369,1,3,09/01/2022 00:00,09/07/2022 00:00,2,0,0,0,2,2,2',
    '103,T-3,2023,3,Test one-sided,Test group - civilians,Test group,Civilians,1,Test Wire,'
    '"Villagers abducted by a test group",1,Kyiv,Kiev Special Republican city,,50.45,30.52,'
    'Ukraine,369,1,2,2/18/2023 12:00:00 AM,2/19/2023 12:00:00 AM,0,0,1,0,1,1,1',
    '104,T-4,2022,2,Test non-state,Group A - Group B,Group A,Group B,1,Test Wire,'
    '"Rival groups clash in Sévérodonetsk",4,Zaporizhzhia region,Zaporizhzhya oblast,,47.8,35.2,'
    'Ukraine,369,2,4,10/15/2022 00:00,10/30/2022 00:00,1,1,0,0,2,4,2',
    '105,T-5,2022,3,Test one-sided,Test group - civilians,Test group,Civilians,1,Test Wire,'
    '"Man’s body found",6,Ukraine,,,49.0,32.0,'
    'Ukraine,369,2,5,11/01/2022 00:00,11/30/2022 00:00,0,0,1,0,1,1,1',
]


@pytest.fixture
def ucdp_file(tmp_path):
    p = tmp_path / "ucdp_test.csv"
    p.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode("cp1252"))
    return p


def test_cp1252_mixed_dates_precisions_and_types(con, ucdp_file):
    assert detect_format(ucdp_file) == "ucdp"
    (res,) = ingest_files(con, [ucdp_file])
    assert res.status == "ok", res.error
    assert (res.loaded, res.rejected) == (5, 0)
    assert any("cp1252" in w for w in res.warnings)
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT source_event_id, CAST(event_date AS VARCHAR), date_precision, geo_precision, admin1_code, "
        "event_type, sub_event_type, fatalities, fatalities_low, fatalities_high FROM events").fetchall()}
    assert got["101"] == ("2022-09-28", 1, 1, "UA-14", "explosions_remote_violence",
                          "shelling_artillery_missile_attack", 3, 2, 5)
    # month first: 09/01 is 1 September, not 9 January; a week's precision is 2
    assert got["102"] == ("2022-09-01", 2, 2, "UA-09", "battles", "armed_clash", 2, 2, 2)
    # a two-day event counts on its start date
    assert got["103"] == ("2023-02-18", 2, 1, "UA-30", "violence_against_civilians",
                          "abduction_forced_disappearance", 1, 1, 1)
    assert got["104"] == ("2022-10-15", 3, 3, "UA-23", "battles", "armed_clash", 2, 2, 4)
    assert got["105"] == ("2022-11-01", 3, 3, None, "violence_against_civilians", "attack", 1, 1, 1)
    notes = dict(con.execute("SELECT source_event_id, notes FROM events").fetchall())
    assert notes["105"] == "Man’s body found"
    assert "Sévérodonetsk" in notes["104"]
    attrs = con.execute(
        "SELECT type_of_violence, CAST(date_end AS VARCHAR), deaths_civilians FROM ucdp_attributes "
        "WHERE event_id = 'ucdp:103'").fetchall()
    assert attrs == [(3, "2023-02-19", 1)]


def test_reimport_changes_nothing(con, ucdp_file):
    ingest_files(con, [ucdp_file])
    (res,) = ingest_files(con, [ucdp_file])
    assert (res.loaded, res.replaced, res.unchanged) == (0, 0, 5)
    assert con.execute("SELECT count(*) FROM ucdp_attributes").fetchall()[0][0] == 5


def _parse_start(text: str) -> date:
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"unexpected UCDP date {text!r}")


def test_real_ucdp_ukraine_file(con):
    path = shared_file("ucdp_ged_ukraine/UCDP-Ukraine.csv")
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252"))))
    (res,) = ingest_files(con, [path])
    assert res.status == "ok", res.error
    assert (res.rows_read, res.loaded, res.rejected) == (len(rows), len(rows), 0)
    assert any("cp1252" in w for w in res.warnings)
    best, low, high, n = con.execute(
        "SELECT sum(fatalities), sum(fatalities_low), sum(fatalities_high), count(*) FROM events").fetchall()[0]
    assert n == len(rows)
    assert best == sum(int(r["best"]) for r in rows)
    assert low == sum(int(r["low"]) for r in rows)
    assert high == sum(int(r["high"]) for r in rows)
    # both month-first formats, start dates day for day
    starts = {r["id"]: _parse_start(r["date_start"]) for r in rows}
    stored = dict(con.execute("SELECT source_event_id, event_date FROM events").fetchall())
    assert stored == starts
    # type_of_violence 3 never becomes a battle; 1 and 2 never violence against civilians
    mixed = con.execute(
        "SELECT count(*) FROM events AS e JOIN ucdp_attributes AS a USING (event_id) "
        "WHERE (a.type_of_violence = 3 AND e.event_type = 'battles') "
        "   OR (a.type_of_violence IN (1, 2) AND e.event_type = 'violence_against_civilians')"
    ).fetchall()[0][0]
    assert mixed == 0
    named, coded = con.execute(
        "SELECT count(*) FILTER (WHERE admin1 IS NOT NULL), count(*) FILTER (WHERE admin1_code IS NOT NULL) "
        "FROM events").fetchall()[0]
    assert coded == named == sum(1 for r in rows if r["adm_1"].strip())
    # reported 2022 deaths (from SOURCE.md): 8,437
    assert con.execute(
        "SELECT sum(fatalities) FROM events WHERE year(event_date) = 2022").fetchall()[0][0] == 8437
