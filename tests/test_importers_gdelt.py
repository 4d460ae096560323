"""GDELT 2.0 importer: the real 15-minute export (header + 62nd column) and hand-made rows."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from conftest import shared_file
from intensity.importers.gdelt import COLUMNS
from intensity.ingest import detect_format, ingest_files

ROOTS = {"14", "18", "19", "20"}


def gdelt_row(gid: int, **fields) -> list[str]:
    base = {"GLOBALEVENTID": str(gid), "SQLDATE": "20240324", "MonthYear": "202403", "Year": "2024",
            "FractionDate": "2024.2247", "IsRootEvent": "1", "QuadClass": "4", "GoldsteinScale": "-10.0",
            "NumMentions": "4", "NumSources": "1", "NumArticles": "4", "AvgTone": "-5.0",
            "ActionGeo_Type": "4", "DATEADDED": "20240324120000",
            "SOURCEURL": f"https://news.example/{gid}"}
    base.update(fields)
    return [base.get(c, "") for c in COLUMNS]


def kharkiv(**kw):
    return dict(ActionGeo_FullName="Kharkiv, Kharkivs'ka Oblast', Ukraine", ActionGeo_CountryCode="UP",
                ActionGeo_ADM1Code="UP07", ActionGeo_Lat="49.98", ActionGeo_Long="36.25", **kw)


ROWS = [
    # two reports of the same shelling (same day, ADM1, CAMEO code, actors): one event
    gdelt_row(1001, EventCode="194", EventBaseCode="194", EventRootCode="19", Actor1Code="RUSMIL",
              Actor1Name="RUSSIA", Actor2Code="UKR", Actor2Name="UKRAINE", NumSources="2", NumMentions="6",
              **kharkiv()),
    gdelt_row(1002, EventCode="194", EventBaseCode="194", EventRootCode="19", Actor1Code="RUSMIL",
              Actor1Name="RUSSIA", Actor2Code="UKR", Actor2Name="UKRAINE", NumSources="3", NumMentions="2",
              SOURCEURL='https://news.example/a "quoted" title', **kharkiv()),
    # an air strike in Belgorod (FIPS RS09)
    gdelt_row(1003, EventCode="195", EventBaseCode="195", EventRootCode="19", Actor1Code="UKRMIL",
              Actor1Name="UKRAINE", ActionGeo_FullName="Belgorod, Belgorod, Russia", ActionGeo_CountryCode="RS",
              ActionGeo_ADM1Code="RS09", ActionGeo_Lat="50.6", ActionGeo_Long="36.6"),
    # a violent protest in Texas (US state ADM1 by postal code)
    gdelt_row(1004, EventCode="145", EventBaseCode="145", EventRootCode="14", Actor1Code="USA",
              Actor1Name="UNITED STATES", ActionGeo_Type="3", ActionGeo_FullName="Austin, Texas, United States",
              ActionGeo_CountryCode="US", ActionGeo_ADM1Code="USTX"),
    # a suicide bombing, country-level place only
    gdelt_row(1005, EventCode="1831", EventBaseCode="183", EventRootCode="18", ActionGeo_Type="1",
              ActionGeo_FullName="Afghanistan", ActionGeo_CountryCode="AF", ActionGeo_ADM1Code="AF"),
    # a statement (root 04): not a conflict event, skipped
    gdelt_row(1006, EventCode="040", EventBaseCode="040", EventRootCode="04", QuadClass="1", **kharkiv()),
    # same shelling but another day: a separate event
    gdelt_row(1007, SQLDATE="20240325", EventCode="194", EventBaseCode="194", EventRootCode="19",
              Actor1Code="RUSMIL", Actor1Name="RUSSIA", Actor2Code="UKR", Actor2Name="UKRAINE", **kharkiv()),
]


def write(path, rows, *, header=False, extra=False):
    lines = []
    if header:
        lines.append("\t".join(COLUMNS + (["WKT"] if extra else [])))
    for r in rows:
        lines.append("\t".join(r + (["POINT(0 0)"] if extra else [])))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("header,extra", [(False, False), (True, True), (False, True)])
def test_roots_crosswalk_fips_and_merge(con, tmp_path, header, extra):
    path = write(tmp_path / "20240324120000.export.CSV", ROWS, header=header, extra=extra)
    assert detect_format(path) == "gdelt"
    (res,) = ingest_files(con, [path])
    assert res.status == "ok", res.error
    assert (res.rows_read, res.loaded, res.merged, res.skipped, res.rejected) == (7, 5, 1, 1, 0)
    got = {r[0]: r[1:] for r in con.execute(
        "SELECT event_id, CAST(event_date AS VARCHAR), country_iso3, admin1_code, event_type, sub_event_type, "
        "source_count, geo_precision FROM events").fetchall()}
    assert got["gdelt:1001"] == ("2024-03-24", "UKR", "UA-63", "explosions_remote_violence",
                                 "shelling_artillery_missile_attack", 2, 1)
    assert got["gdelt:1003"] == ("2024-03-24", "RUS", "RU-BEL", "explosions_remote_violence", "air_drone_strike", 1, 1)
    assert got["gdelt:1004"] == ("2024-03-24", "USA", "US-TX", "riots", "violent_demonstration", 1, 1)
    assert got["gdelt:1005"] == ("2024-03-24", "AFG", None, "explosions_remote_violence", "suicide_bomb", 1, 3)
    assert got["gdelt:1007"][0] == "2024-03-25"
    attrs = con.execute(
        "SELECT global_event_ids, num_sources, num_mentions, event_code, event_root_code, goldstein_scale "
        "FROM gdelt_attributes WHERE event_id = 'gdelt:1001'").fetchall()
    assert attrs == [([1001, 1002], 5, 8, "194", "19", -10.0)]
    refs = con.execute("SELECT source_refs FROM events WHERE event_id = 'gdelt:1001'").fetchall()[0][0]
    assert 'a "quoted" title' in refs
    assert con.execute("SELECT count(*) FROM unresolved_regions").fetchall()[0][0] == 0


def test_reimport_changes_nothing(con, tmp_path):
    path = write(tmp_path / "export.CSV", ROWS)
    ingest_files(con, [path])
    (res,) = ingest_files(con, [path])
    assert (res.loaded, res.replaced, res.unchanged, res.merged, res.skipped) == (0, 0, 5, 1, 1)
    assert con.execute("SELECT count(*) FROM gdelt_attributes").fetchall()[0][0] == 5


def test_too_few_columns_is_a_clear_error(con, tmp_path):
    path = tmp_path / "short.CSV"
    path.write_text("\t".join(ROWS[0][:57]) + "\n")
    (res,) = ingest_files(con, [path], format="gdelt")
    assert res.status == "error" and "61" in res.error
    # without --format too: a GDELT 1.0 row is recognised and the error names the version
    (res,) = ingest_files(con, [path])
    assert res.format == "gdelt" and res.status == "error" and "GDELT 1.0" in res.error


def test_real_export_sample(con):
    path = shared_file("gdelt_export_sample/20180101000000.export.CSV")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    kept = [r for r in rows if r["EventRootCode"] in ROOTS]
    keys = Counter((r["SQLDATE"], r["ActionGeo_ADM1Code"], r["EventCode"], r["Actor1Code"], r["Actor2Code"],
                    r["Actor1Name"], r["Actor2Name"]) for r in kept)
    assert detect_format(path) == "gdelt"
    (res,) = ingest_files(con, [path])
    assert res.status == "ok", res.error
    assert res.rows_read == len(rows)
    assert res.skipped == len(rows) - len(kept)
    assert res.merged == len(kept) - len(keys) > 0
    assert res.loaded + res.rejected == len(keys)
    assert any("merged" in w for w in res.warnings)
    roots = {r for (r,) in con.execute("SELECT DISTINCT event_root_code FROM gdelt_attributes").fetchall()}
    assert roots <= ROOTS
    n, merged_rows = con.execute("SELECT count(*), sum(source_count) FROM events").fetchall()[0]
    assert n == res.loaded
    assert res.rejected == 0 and merged_rows == len(kept)  # every kept row is counted in one event
    # every stored event's GDELT ids are rows of the kept roots, each in one event only
    ids = [i for (l,) in con.execute("SELECT global_event_ids FROM gdelt_attributes").fetchall() for i in l]
    assert len(ids) == len(set(ids))
    assert set(ids) <= {int(r["GLOBALEVENTID"]) for r in kept}
    # FIPS codes became ISO: e.g. IS (FIPS Israel) -> ISR, UK -> GBR, AS -> AUS
    countries = {c for (c,) in con.execute("SELECT DISTINCT country_iso3 FROM events").fetchall()}
    assert {"ISR", "GBR", "AUS", "USA"} <= countries
    assert not countries & {"IS", "UK", "AS", "US"}
    again = ingest_files(con, [path])[0]
    assert (again.loaded, again.replaced) == (0, 0)


@pytest.mark.parametrize("geo_type,fullname", [
    ("4", "London, London, City of, United Kingdom"),  # city, ADM1, country
])
def test_adm1_name_with_a_comma_is_kept_whole(con, tmp_path, geo_type, fullname):
    # was "City of": the name was split at every ", "
    row = gdelt_row(2001, EventCode="190", EventBaseCode="190", EventRootCode="19", Actor1Code="GBR",
                    ActionGeo_Type=geo_type, ActionGeo_FullName=fullname, ActionGeo_CountryCode="UK",
                    ActionGeo_ADM1Code="UKH9", ActionGeo_Lat="51.51", ActionGeo_Long="-0.09")
    (res,) = ingest_files(con, [write(tmp_path / "export.CSV", [row])])
    assert (res.status, res.loaded) == ("ok", 1), res.error
    assert con.execute("SELECT country_iso3, admin1, admin1_code FROM events").fetchall() == [
        ("GBR", "London, City of", "GB-LND")]
    assert con.execute("SELECT admin1 FROM unresolved_regions").fetchall() == []


@pytest.mark.parametrize("geo_type,fullname,admin1", [
    ("2", "District of Columbia, United States", "District of Columbia"),  # US state: state, country
    ("5", "Kaduna State, Kaduna, Nigeria", "Kaduna State"),  # world state: its name, ADM1, country
    ("5", "Kaduna, Nigeria", "Kaduna"),
    ("4", "Kaduna, Nigeria", None),  # a city without its ADM1 part names no ADM1
])
def test_adm1_part_of_the_full_name_by_geo_type(con, tmp_path, geo_type, fullname, admin1):
    country, adm1 = ("US", "USDC") if geo_type == "2" else ("NI", "NI23")
    row = gdelt_row(2002, EventCode="190", EventBaseCode="190", EventRootCode="19", Actor1Code="XYZ",
                    ActionGeo_Type=geo_type, ActionGeo_FullName=fullname, ActionGeo_CountryCode=country,
                    ActionGeo_ADM1Code=adm1)
    ingest_files(con, [write(tmp_path / "export.CSV", [row])])
    assert con.execute("SELECT admin1 FROM events").fetchall() == [(admin1,)]
