"""Shared importer machinery: gazetteer spellings, countries, dates, encodings, crosswalk files."""

from __future__ import annotations

import csv

import pytest

from intensity import taxonomy
from intensity.importers import common
from intensity.resources import reference_dir


def _read(name):
    with open(reference_dir() / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


SPELLINGS = [
    ("UKR", "Kyiv City", "", "UA-30"), ("UKR", "Kiev City", "", "UA-30"),
    ("UKR", "Kyiv", "", "UA-32"), ("UKR", "Kiev", "", "UA-32"),
    ("UKR", "Kharkiv", "", "UA-63"), ("UKR", "Kharkov", "", "UA-63"),
    ("UKR", "Kharkivska oblast", "", "UA-63"), ("UKR", "Kharkiv Oblast", "", "UA-63"),
    ("UKR", "Odesa", "", "UA-51"), ("UKR", "Odessa", "", "UA-51"), ("UKR", "Odessa oblast", "", "UA-51"),
    ("UKR", "Zaporizhzhia", "", "UA-23"), ("UKR", "Zaporozhye", "", "UA-23"),
    ("UKR", "Zaporizhia", "", "UA-23"), ("UKR", "Zaporizhzhya oblast", "", "UA-23"),
    ("UKR", "Crimea", "", "UA-43"), ("UKR", "Sevastopol", "", "UA-40"),
    ("UKR", "Kiev Special Republican city", "", "UA-30"), ("UKR", "Mykolayiv oblast", "", "UA-48"),
    ("UKR", "Sumska oblast", "", "UA-59"), ("UKR", "Donetsk oblast", "", "UA-14"),
    ("RUS", "Belgorod", "", "RU-BEL"), ("RUS", "Belgorod Oblast", "", "RU-BEL"), ("RUS", "Kursk", "", "RU-KRS"),
    ("AFG", "Urozgan", "", "AF-URU"), ("EGY", "North Sinai", "", "EG-SIN"),
    # older exports: the pre-reform province in admin1, today's unit in admin2 or a successor table
    ("SDN", "Darfur", "North Darfur", "SD-DN"), ("COD", "Katanga", "Lubumbashi", "CD-HK"),
    ("LBY", "Al Hizam Al Akhdar", "Benghazi", "LY-BA"),
    ("UKR", "Atlantis", "", None),
]


def test_gazetteer_resolves_the_spellings_sources_use(con):
    import polars as pl

    names = pl.DataFrame(SPELLINGS, schema=["country_iso3", "admin1", "admin2", "want"], orient="row")
    con.execute("CREATE TEMP TABLE imp_admin1_names AS SELECT country_iso3, admin1, admin2 FROM names")
    common.resolve_admin1(con)
    got = {(c, a, b): code for c, a, b, code in con.execute(
        "SELECT country_iso3, admin1, admin2, admin1_code FROM imp_admin1_resolved").fetchall()}
    assert {k: got[k] for k in got} == {(c, a, b): w for c, a, b, w in SPELLINGS}


def test_country_keys_codes_numbers_and_names(con):
    common.country_keys(con)
    import polars as pl

    vals = pl.DataFrame({"v": ["UKR", "ua", "804", "4", "Ukraine", "Russia (Soviet Union)", "Democratic Republic of Congo",
                               "Ivory Coast", "DR Congo (Zaire)", "Nowhere"]})
    joins, expr = common.country_lookup_sql("k.v", "k")
    got = dict(con.execute(f"SELECT k.v, {expr} FROM vals AS k {joins}").fetchall())
    assert got == {"UKR": "UKR", "ua": "UKR", "804": "UKR", "4": "AFG", "Ukraine": "UKR",
                   "Russia (Soviet Union)": "RUS", "Democratic Republic of Congo": "COD", "Ivory Coast": "CIV",
                   "DR Congo (Zaire)": "COD", "Nowhere": None}


@pytest.mark.parametrize("values,default,order", [
    (["24/03/2024", "01/02/2024"], "mdy", "dmy"),
    (["9/28/2022 12:00:00 AM", "09/01/2022 00:00"], "dmy", "mdy"),
    (["01/02/2024", "03/04/2024"], "dmy", "dmy"),
    (["01/02/2024", "03/04/2024"], "mdy", "mdy"),
    (["24 March 2024"], "mdy", "mdy"),
])
def test_date_order_detection(con, values, default, order):
    import polars as pl

    con.register("dates_df", pl.DataFrame({"d": values}))
    assert common.detect_date_order(con, "dates_df", "d", default=default) == order


def test_date_macro_formats(con):
    common.date_macro(con, order="mdy")
    cases = {"2024-03-24": "2024-03-24", "2024-03-24 23:10:00+00:00": "2024-03-24", "24 March 2024": "2024-03-24",
             "March 24, 2024": "2024-03-24", "9/28/2022 12:00:00 AM": "2022-09-28",
             "09/01/2022 00:00": "2022-09-01", "28/09/2022": "2022-09-28", "20240324": "2024-03-24",
             "31 February 2024": None, "soon": None}
    for text, want in cases.items():
        got = con.execute("SELECT CAST(imp_parse_date(?) AS VARCHAR)", [text]).fetchall()[0][0]
        assert got == want, text


def test_transcode_cp1252_keeps_undefined_bytes(tmp_path):
    src = tmp_path / "x.csv"
    src.write_bytes(b"a\n\x93quoted\x94 \x80 caf\xe9 \x81\n")
    out = common.transcode_cp1252(src)
    try:
        assert out.read_text(encoding="utf-8") == "a\n“quoted” € café \x81\n"
    finally:
        out.unlink()


# --------------------------------------------------------------------------- crosswalk files


def test_crosswalk_files_use_only_taxonomy_codes():
    pairs = {(r["event_type"], r["sub_event_type"]) for r in taxonomy.rows()}
    types = set(taxonomy.event_types())
    for name in ("acled_labels.csv", "cameo_crosswalk.csv", "ucdp_crosswalk.csv", "ucdp_text_rules.csv"):
        for r in _read(name):
            assert r["event_type"] in types, (name, r)
            if r["sub_event_type"]:
                assert (r["event_type"], r["sub_event_type"]) in pairs, (name, r)


def test_acled_labels_cover_the_current_typology():
    labels = {(r["label"], r["kind"]) for r in _read("acled_labels.csv")}
    for r in taxonomy.rows():
        assert (r["sub_event_type_label"], "sub_event_type") in labels
        assert (r["event_type_label"], "event_type") in labels
    keys = [(r["label"].lower(), r["kind"]) for r in _read("acled_labels.csv")]
    assert len(keys) == len(set(keys))


def test_cameo_crosswalk_covers_the_kept_roots():
    codes = {r["cameo_code"] for r in _read("cameo_crosswalk.csv")}
    assert {"14", "18", "19", "20"} <= codes
    assert {c[:2] for c in codes} == {"14", "18", "19", "20"}
    assert {"190", "193", "194", "195", "183", "1831", "145", "141"} <= codes


def test_fips_tables_point_at_known_iso_codes(con):
    countries = {c for (c,) in con.execute("SELECT country_iso3 FROM countries").fetchall()}
    fips = _read("fips_countries.csv")
    assert len({r["fips"] for r in fips}) == len(fips)
    assert {r["country_iso3"] for r in fips} <= countries
    by = {r["fips"]: r["country_iso3"] for r in fips}
    assert (by["UP"], by["RS"], by["UK"], by["IS"], by["GM"], by["CH"]) == ("UKR", "RUS", "GBR", "ISR", "DEU", "CHN")
    regions = dict(con.execute("SELECT admin1_code, country_iso3 FROM regions WHERE is_admin1").fetchall())
    adm1 = _read("fips_admin1.csv")
    for r in adm1:
        assert regions.get(r["admin1_code"]) == by[r["fips_adm1"][:2]], r
    # every Ukrainian oblast-level unit has its FIPS code
    ua = {r["admin1_code"] for r in adm1 if r["fips_adm1"].startswith("UP")}
    assert ua == {c for c, k in regions.items() if k == "UKR"}
