"""The event store: migrations, reference data, read-only SQL, locking."""

from __future__ import annotations

import duckdb
import pytest

import intensity
from intensity import sql as sqlfiles
from intensity import taxonomy
from intensity.errors import DatabaseBusy, UsageError


def test_taxonomy_is_acled_6_types_25_subtypes():
    assert taxonomy.event_types() == [
        "battles", "explosions_remote_violence", "violence_against_civilians", "protests", "riots",
        "strategic_developments",
    ]
    subs = taxonomy.sub_event_types()
    assert len(subs) == 25 == len(set(subs))
    assert taxonomy.parent("disrupted_weapons_use") == "strategic_developments"
    assert taxonomy.parent("air_drone_strike") == "explosions_remote_violence"


def test_schema_tables_and_version(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    for t in ("events", "articles", "regions", "event_types", "ingest_files", "rejects", "schema_version",
              "v_events", "v_daily_counts", "v_sources"):
        assert t in tables
    versions = [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions == [v for v, _, _ in sqlfiles.migrations()]


def test_migrations_are_idempotent(db_path):
    for _ in range(2):
        intensity.connect(db_path).close()
    con = intensity.connect(db_path, read_only=True)
    n = con.execute("SELECT count(*) FROM event_types").fetchone()[0]
    assert n == 25
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(sqlfiles.migrations())
    con.close()


def test_regions_cover_every_pycountry_admin1(con):
    import pycountry

    top = {s.code for s in pycountry.subdivisions if s.parent_code is None}
    stored = {r[0] for r in con.execute("SELECT admin1_code FROM regions WHERE is_admin1").fetchall()}
    assert top <= stored
    rows = dict(con.execute(
        "SELECT admin1_code, admin1 FROM regions WHERE admin1_code IN ('UA-63', 'RU-BEL', 'UA-30', 'UA-32')"
    ).fetchall())
    assert rows == {"UA-63": "Kharkiv", "RU-BEL": "Belgorod", "UA-30": "Kyiv City", "UA-32": "Kyiv"}


def test_seeded_regions_match_pycountry(con):
    # The reference tables are derived in SQL from pycountry's data files; pycountry's own
    # objects are the oracle (its parent codes, names, file order), plus the curated CSVs.
    import csv

    import pycountry

    from intensity.resources import reference_dir

    def read(name):
        with open(reference_dir() / name, newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    english = {r["admin1_code"]: r["admin1"] for r in read("admin1_names.csv")}
    curated = {}
    for r in read("admin1_aliases.csv"):
        curated.setdefault(r["admin1_code"], []).append(r["alias"])
    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    expected = [
        (s.code, iso3[s.country_code], english.get(s.code, s.name), s.name, s.type, s.parent_code,
         s.parent_code is None, list(dict.fromkeys([s.name, *curated.get(s.code, [])])))
        for s in pycountry.subdivisions if s.country_code in iso3
    ]
    stored = con.execute(
        "SELECT admin1_code, country_iso3, admin1, local_name, type, parent_code, is_admin1, aliases "
        "FROM regions ORDER BY admin1_code"
    ).fetchall()
    assert stored == sorted(expected)
    assert any(r[5] is None for r in stored) and any(r[5] is not None for r in stored)
    countries = con.execute("SELECT country_iso3, country_iso2, name FROM countries ORDER BY 1").fetchall()
    assert countries == sorted((c.alpha_3, c.alpha_2, getattr(c, "common_name", None) or c.name)
                               for c in pycountry.countries)


def test_reference_rows_keep_pycountry_order():
    # The extraction gazetteer is built from these rows in order: keep pycountry's.
    import pycountry

    from intensity.regions import reference_rows

    countries, regions, aliases = reference_rows()
    assert [c["country_iso3"] for c in countries] == [c.alpha_3 for c in pycountry.countries]
    assert [r["admin1_code"] for r in regions] == [s.code for s in pycountry.subdivisions]
    first = [a for a in aliases if a["admin1_code"] == "UA-63"]
    assert [a["alias"] for a in first][:2] == ["Kharkiv", "UA-63"] and first[-1]["priority"] == 2


@pytest.mark.parametrize(
    "country,name,code",
    [
        ("UKR", "Kharkiv", "UA-63"), ("UKR", "Kharkov", "UA-63"), ("UKR", "Kharkivska oblast", "UA-63"),
        ("UKR", "Kharkiv Oblast", "UA-63"), ("UKR", "Kyiv City", "UA-30"), ("UKR", "Kyiv", "UA-32"),
        ("UKR", "Odessa", "UA-51"), ("UKR", "Zaporozhye", "UA-23"), ("UKR", "Crimea", "UA-43"),
        ("UKR", "Sevastopol", "UA-40"), ("RUS", "Belgorod region", "RU-BEL"), ("RUS", "Moscow", "RU-MOW"),
        ("RUS", "Moscow Oblast", "RU-MOS"), ("RUS", "Samara region", "RU-SAM"), ("AFG", "Kabul", "AF-KAB"),
    ],
)
def test_region_aliases_resolve(con, country, name, code):
    from intensity.aggregate import resolve_region

    assert resolve_region(con, name, country) == code


@pytest.mark.parametrize(
    "country,name,code",
    [
        # Chinese provinces without Sheng / Zizhiqu / Shi, and the autonomous regions' short names
        ("CHN", "Guangdong", "CN-GD"), ("CHN", "Jiangxi", "CN-JX"), ("CHN", "Beijing", "CN-BJ"),
        ("CHN", "Guangdong Province", "CN-GD"), ("CHN", "Xinjiang", "CN-XJ"), ("CHN", "Tibet", "CN-XZ"),
        ("CHN", "Inner Mongolia", "CN-NM"), ("CHN", "Guangxi", "CN-GX"), ("CHN", "Shanxi", "CN-SX"),
        ("CHN", "Shaanxi", "CN-SN"), ("CHN", "Hong Kong", "CN-HK"),
        ("BLR", "Gomel", "BY-HO"), ("BLR", "Homel Oblast", "BY-HO"), ("BLR", "Gomel Region", "BY-HO"),
        ("BLR", "Minsk", "BY-MI"), ("BLR", "Minsk Oblast", "BY-MI"), ("BLR", "Minsk City", "BY-HM"),
        ("BLR", "Brest", "BY-BR"), ("BLR", "Grodno", "BY-HR"), ("BLR", "Hrodna", "BY-HR"),
        ("BLR", "Vitebsk", "BY-VI"), ("BLR", "Vitsyebsk", "BY-VI"), ("BLR", "Vitebskaya oblast", "BY-VI"),
        ("BLR", "Mogilev", "BY-MA"), ("BLR", "Mahilyow", "BY-MA"),
        ("SYR", "Aleppo", "SY-HL"), ("SYR", "Deir ez-Zor", "SY-DY"), ("SYR", "Rural Damascus", "SY-RD"),
        ("SYR", "Damascus", "SY-DI"), ("LBN", "Beirut", "LB-BA"), ("LBN", "Beirut Governorate", "LB-BA"),
        ("LBN", "Beyrouth", "LB-BA"),
        # Sanaa: GeoNames' and ACLED's admin1 "Sanaa" is the governorate; the city is Amanat al Asimah
        ("YEM", "Sanaa", "YE-SN"), ("YEM", "Sana'a", "YE-SN"), ("YEM", "Amanat al Asimah", "YE-SA"),
        ("YEM", "Sanaa City", "YE-SA"), ("YEM", "Taizz", "YE-TA"),
        ("AFG", "Kabol", "AF-KAB"), ("THA", "Bangkok", "TH-10"), ("THA", "Krung Thep Mahanakhon", "TH-10"),
        ("THA", "Krung Thep Maha Nakhon", "TH-10"),
    ],
)
def test_more_admin1_names_resolve(con, country, name, code):
    from intensity.aggregate import resolve_region

    assert resolve_region(con, name, country) == code


@pytest.mark.parametrize(
    "name,code",
    [("Kharkivs'ka oblast", "UA-63"), ("Kharkiv’s’ka oblast", "UA-63"), ("Donets'ka oblast", "UA-14"),
     ("Zaporiz'ka oblast", "UA-23"), ("Kyivs'ka oblast", "UA-32"), ("Kharkivsʼka oblastʹ", "UA-63"),
     ("L`vivs‘ka oblast", "UA-46"), ("Kharkivska oblast", "UA-63")],
)
def test_apostrophes_in_region_names_are_dropped_not_spaced(con, name, code):
    from intensity.aggregate import resolve_region

    assert con.execute("SELECT norm_name(?)", [name]).fetchall()[0][0].count(" ") == name.count(" ")
    assert resolve_region(con, name, "UKR") == code


def _store_before(path, version: int) -> None:
    """A store as the version before ``version`` left it: migrated up to it and seeded."""
    from intensity import regions
    from intensity.db import _fingerprint, set_meta, utcnow

    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL)")
    for v, name, file in sqlfiles.migrations():
        if v < version:
            raw.execute(file.read_text(encoding="utf-8"))
            raw.execute("INSERT INTO schema_version VALUES (?, ?, ?)", [v, name, utcnow()])
    taxonomy.seed(raw)
    regions.seed(raw)
    set_meta(raw, "reference_fingerprint", _fingerprint())
    raw.close()


def test_store_seeded_before_009_resolves_apostrophes_after_migrating(tmp_path):
    from intensity.aggregate import resolve_region

    path = tmp_path / "old.duckdb"
    _store_before(path, 9)
    old = duckdb.connect(str(path))
    # seeded by the old macro: "L'viv" gave the key "l viv"
    assert old.execute("SELECT admin1_code FROM region_aliases WHERE alias_key = 'l viv'").fetchall() == [("UA-46",)]
    old.close()
    con = intensity.connect(path)
    assert resolve_region(con, "Kharkivs'ka oblast", "UKR") == "UA-63"
    # the keys were re-seeded with the new macro: none keeps a space where an apostrophe was
    assert not con.execute("SELECT 1 FROM region_aliases WHERE alias_key = 'l viv'").fetchall()
    assert con.execute("SELECT count(*) FROM schema_version").fetchone()[0] == len(sqlfiles.migrations())
    con.close()


def test_unknown_region_is_a_usage_error(con):
    from intensity.aggregate import resolve_region

    with pytest.raises(UsageError):
        resolve_region(con, "Atlantis", "UKR")


def test_query_refuses_writes_and_leaves_table(db_path):
    con = intensity.connect(db_path, read_only=True)
    for stmt in ("DROP TABLE events", "DELETE FROM events", "INSERT INTO meta VALUES ('a', 'b')",
                 "SELECT 1; DROP TABLE events", "COPY events TO '/tmp/x.csv'", "ATTACH ':memory:' AS m",
                 "CREATE TABLE t AS SELECT 1"):
        with pytest.raises(UsageError, match="refused"):
            intensity.query(con, stmt)
    assert intensity.query(con, "SELECT count(*) AS n FROM events")["n"][0] == 0
    con.close()


def test_query_syntax_error_is_usage_error(db_path):
    con = intensity.connect(db_path, read_only=True)
    with pytest.raises(UsageError):
        intensity.query(con, "SELEC nope")
    con.close()


def test_read_only_missing_file_is_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no database"):
        intensity.connect(tmp_path / "absent.duckdb", read_only=True)


def test_second_writer_gets_busy_with_pid(db_path, hold_write_lock):
    pid = hold_write_lock(db_path)
    with pytest.raises(DatabaseBusy) as info:
        intensity.connect(db_path)
    assert info.value.exit_code == 75
    assert info.value.pid == pid
    with pytest.raises(DatabaseBusy):
        intensity.connect(db_path, read_only=True, wait=0.3)


def test_no_extension_autoinstall(con):
    setting = con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()[0]
    assert setting in (False, "false")
    with pytest.raises(duckdb.Error):
        con.execute("SELECT * FROM ST_Point(1, 2)")  # spatial is not built in and must not be fetched
