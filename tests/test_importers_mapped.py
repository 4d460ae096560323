"""Generic CSV through --map / --mapping: parsing, errors, and the real air-raid alert log."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from conftest import shared_file
from intensity.cli import app
from intensity.errors import UsageError
from intensity.importers.mapped import check_required, load_mapping, parse_map
from intensity.ingest import ingest_files
from intensity.resources import reference_dir

ALERTS = (
    "oblast,raion,started_at,finished_at\n"
    "Sumska oblast,Shostkynskyi raion,2024-03-23 21:30:00+00:00,2024-03-23 22:10:00+00:00\n"
    "Sumska oblast,,2024-03-24 06:00:00+00:00,2024-03-24 07:00:00+00:00\n"
    "Sumy Oblast,,2024-03-24 09:00:00+00:00,2024-03-24 09:20:00+00:00\n"
    "UA-63,,2024-03-24 09:05:00+00:00,2024-03-24 09:40:00+00:00\n"
    "Narnia oblast,,2024-03-24 10:00:00+00:00,2024-03-24 10:30:00+00:00\n"
)
MAP = "date=started_at,region=oblast,admin2=raion,country='UKR',type='other',source='alerts'"


@pytest.fixture
def alerts(tmp_path) -> Path:
    p = tmp_path / "alerts.csv"
    p.write_text(ALERTS)
    return p


def test_parse_map_columns_constants_and_options():
    spec = parse_map("date=started_at, region = oblast ,country='UKR',notes=\"a, b\",type='it''s',"
                     "timezone=Europe/Kyiv,lat=y")
    assert spec.columns == {"event_date": "started_at", "region": "oblast", "latitude": "y"}
    assert spec.constants == {"country": "UKR", "notes": "a, b", "type": "it's"}
    assert spec.options == {"timezone": "Europe/Kyiv"}


@pytest.mark.parametrize("text,needle", [
    ("date=started_at,colour=red", "colour"),
    ("date=started_at,region", "region"),
    ("date=", "date"),
])
def test_parse_map_rejects_bad_items(text, needle):
    with pytest.raises(UsageError) as err:
        parse_map(text)
    assert needle in str(err.value) + (err.value.hint or "")


def test_unmapped_required_fields_are_named():
    with pytest.raises(UsageError) as err:
        check_required(parse_map("region=oblast"))
    assert "date" in str(err.value) and "type" in str(err.value)
    check_required(parse_map("date=d,type='other',region=oblast"))  # region alone may do


@pytest.mark.parametrize("fmt", ["%d.%m.%Y%", "%Q", "day.month"])
def test_a_date_format_duckdb_cannot_read_is_a_usage_error(fmt):
    # "%d.%m.%Y%" once reached DuckDB inside the load and ended in a traceback (exit 1).
    with pytest.raises(UsageError) as err:
        check_required(parse_map(f"date=d,type='other',region=oblast,date_format={fmt}"))
    assert "date_format" in str(err.value) and "%d.%m.%Y" in err.value.hint


def test_toml_mapping_and_override(tmp_path):
    p = tmp_path / "m.toml"
    p.write_text('[columns]\ndate = "started_at"\nregion = "oblast"\n'
                 '[constants]\ncountry = "UKR"\ntype = "other"\n[options]\ntimezone = "Europe/Kyiv"\n')
    spec = load_mapping(p).merged(parse_map("type=kind"))
    assert spec.columns == {"event_date": "started_at", "region": "oblast", "type": "kind"}
    assert spec.constants == {"country": "UKR"}
    assert spec.options == {"timezone": "Europe/Kyiv"}
    bad = tmp_path / "bad.toml"
    bad.write_text("[colums]\ndate = 'x'\n")
    with pytest.raises(UsageError):
        load_mapping(bad)


def test_alerts_load_with_local_days_and_unresolved_names_kept(con, alerts):
    spec = parse_map(MAP + ",timezone=Europe/Kyiv")
    (res,) = ingest_files(con, [alerts], format="mapped", options={"spec": spec})
    assert res.status == "ok", res.error
    assert (res.loaded, res.rejected, res.unresolved) == (5, 0, 1)
    rows = con.execute(
        "SELECT CAST(event_date AS VARCHAR), admin1_code, admin2, event_type, sub_event_type, source "
        "FROM events ORDER BY event_date, admin1_code NULLS LAST").fetchall()
    # 21:30 UTC on 23 March is 23:30 in Kyiv (UTC+2 until 31 March): still the 23rd
    assert rows[0] == ("2024-03-23", "UA-59", "Shostkynskyi raion", "strategic_developments", "other", "alerts")
    assert [r[1] for r in rows[1:]] == ["UA-59", "UA-59", "UA-63", None]
    import intensity

    counts = intensity.counts(con, since="2024-03-23", until="2024-03-24", region="UA-59")
    assert counts.sort("day")["events"].to_list() == [1, 2]
    assert con.execute("SELECT admin1 FROM unresolved_regions").fetchall() == [("Narnia oblast",)]
    # same file again: nothing new; two alerts on one day stay two events
    (again,) = ingest_files(con, [alerts], format="mapped", options={"spec": spec})
    assert (again.loaded, again.unchanged) == (0, 5)


def test_timezone_moves_late_utc_alerts_to_the_next_local_day(con, tmp_path):
    p = tmp_path / "late.csv"
    p.write_text("oblast,started_at\nSumska oblast,2024-04-10 22:30:00+00:00\n")
    spec = parse_map("date=started_at,region=oblast,country='UKR',type='other',timezone=Europe/Kyiv")
    ingest_files(con, [p], format="mapped", options={"spec": spec})
    assert con.execute("SELECT CAST(event_date AS VARCHAR) FROM events").fetchall() == [("2024-04-11",)]


def test_day_first_dates_and_type_column(con, tmp_path):
    p = tmp_path / "log.csv"
    p.write_text("when,what,place,killed\n"
                 "24.03.2024,shelling_artillery_missile_attack,Kharkiv,2\n"
                 "25.03.2024,Air/drone strike,Kharkiv,\n"
                 "26.03.2024,battles,Kharkiv,1\n")
    spec = parse_map("date=when,type=what,region=place,country='Ukraine',fatalities=killed")
    (res,) = ingest_files(con, [p], format="mapped", options={"spec": spec})
    assert (res.loaded, res.rejected) == (3, 0)
    assert con.execute(
        "SELECT CAST(event_date AS VARCHAR), event_type, sub_event_type, fatalities FROM events ORDER BY 1"
    ).fetchall() == [
        ("2024-03-24", "explosions_remote_violence", "shelling_artillery_missile_attack", 2),
        ("2024-03-25", "explosions_remote_violence", "air_drone_strike", None),
        ("2024-03-26", "battles", None, 1),
    ]


def test_cli_bad_map_is_a_usage_error_naming_the_problem(db_path, alerts):
    runner = CliRunner()
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--map", "region=oblast"])
    assert out.exit_code == 2
    assert "date" in out.stderr and "type" in out.stderr
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--map",
                              "date=start_time,region=oblast,country='UKR',type='other'"])
    assert out.exit_code == 2
    assert "start_time" in out.stderr and "started_at" in out.stderr
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--map",
                              "date=started_at,region=oblast,country='UKR',type='teatime'"])
    assert out.exit_code == 2 and "teatime" in out.stderr
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--format", "gdelt", "--map", MAP])
    assert out.exit_code == 2
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--map", MAP + ",timezone=Mars/Olympus"])
    assert out.exit_code == 2 and "Mars/Olympus" in out.stderr
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--format", "mapped"])
    assert out.exit_code == 2 and "--map" in out.stderr
    out = runner.invoke(app, ["ingest", str(alerts), "--db", str(db_path), "--map", MAP])
    assert out.exit_code == 0, out.output
    assert "mapped" in out.stdout


def test_real_air_raid_log_shows_daily_counts_for_sumy(con):
    path = shared_file("air_raid_sirens_ua/official_data_en.csv")
    spec = load_mapping(reference_dir() / "mappings" / "air_raid_alerts_official.toml")
    (res,) = ingest_files(con, [path], format="mapped", options={"spec": spec})
    assert res.status == "ok", res.error
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert (res.rows_read, res.loaded, res.rejected) == (len(rows), len(rows), 0)
    kyiv = ZoneInfo("Europe/Kyiv")
    expected = Counter(
        datetime.fromisoformat(r["started_at"]).astimezone(kyiv).date()
        for r in rows if r["oblast"] == "Sumska oblast"
    )
    import intensity

    counts = intensity.counts(con, since="2022-03-01", until="2024-04-30", region="Sumy",
                              event_type="other")
    daily = {d: n for d, n in zip(counts["day"].to_list(), counts["events"].to_list()) if n}
    assert daily == dict(expected)
    assert sum(daily.values()) > 1000
