"""Daily and weekly counts: complete zero-filled spine, totals, filters, ACLED weeks."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

import intensity
from intensity.errors import UsageError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def loaded(con):
    intensity.ingest_files(con, [FIXTURES / "canonical_small.csv"])
    return con


def test_daily_spine_is_complete_and_zero_filled(loaded):
    df = intensity.counts(loaded, since="2024-03-01", until="2024-03-07")
    series = df.select("country_iso3", "admin1_code", "event_type").unique()
    # 4 series in the fixture: UA-63 shelling, UA-63 battles, RU-BEL shelling, UA-59 strategic.
    assert series.height == 4
    assert df.height == 4 * 7
    per_series = df.group_by("country_iso3", "admin1_code", "event_type").agg(
        pl.col("day").n_unique().alias("days"), pl.col("day").min().alias("lo"), pl.col("day").max().alias("hi"))
    assert per_series["days"].to_list() == [7] * 4
    assert set(per_series["lo"]) == {date(2024, 3, 1)} and set(per_series["hi"]) == {date(2024, 3, 7)}
    assert df["events"].sum() == 5
    kh = df.filter((pl.col("admin1_code") == "UA-63") & (pl.col("event_type") == "explosions_remote_violence"))
    assert kh.sort("day")["events"].to_list() == [1, 0, 0, 0, 1, 0, 0]
    assert kh["fatalities"].sum() == 3
    assert kh["admin1"][0] == "Kharkiv"


def test_totals_equal_events_in_window(loaded):
    df = intensity.counts(loaded, since="2024-03-02", until="2024-03-04")
    assert df["events"].sum() == 1  # only fx:3 on 2024-03-03
    # Series with no events in the window still appear, as zeros.
    assert df.select("admin1_code", "event_type").unique().height == 4


def test_filters(loaded):
    by_country = intensity.counts(loaded, since="2024-03", until="2024-03-31", country="rus")
    assert set(by_country["country_iso3"]) == {"RUS"} and by_country["events"].sum() == 1
    by_name = intensity.counts(loaded, since="2024-03", until="2024-03-31", region="Kharkiv")
    assert set(by_name["admin1_code"]) == {"UA-63"} and by_name["events"].sum() == 3
    by_sub = intensity.counts(loaded, since="2024-03", until="2024-03-31",
                              event_type="shelling_artillery_missile_attack", by_subtype=True)
    assert set(by_sub["sub_event_type"]) == {"shelling_artillery_missile_attack"}
    assert by_sub["events"].sum() == 3
    with pytest.raises(UsageError):
        intensity.counts(loaded, since="2024-03", until="2024-03-31", event_type="skirmish")


def test_weekly_counts_use_saturday_weeks(loaded):
    df = intensity.counts(loaded, since="2024-03-01", until="2024-03-14", by="week")
    weeks = sorted(set(df["week_start"]))
    # 2024-03-01 is a Friday: its week starts Saturday 2024-02-24.
    assert weeks == [date(2024, 2, 24), date(2024, 3, 2), date(2024, 3, 9)]
    assert all(d.weekday() == 5 for d in weeks)
    assert set(df["week_end"]) == {w + timedelta(days=6) for w in weeks}
    kh = df.filter((pl.col("admin1_code") == "UA-63") & (pl.col("event_type") == "explosions_remote_violence"))
    assert kh.sort("week_start")["events"].to_list() == [1, 1, 0]
    assert df["events"].sum() == 5


def test_until_defaults_to_data_through_day(loaded):
    df = intensity.counts(loaded, since="2024-03-01")
    assert df["day"].max() == date(2024, 3, 5)


def test_unresolved_region_is_its_own_series(con, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("event_id,source,event_date,country_iso3,admin1,event_type\n"
                    "u:1,t,2024-03-01,UKR,Atlantis,battles\nu:2,t,2024-03-01,UKR,Kharkiv,battles\n")
    intensity.ingest_files(con, [path])
    df = intensity.counts(con, since="2024-03-01", until="2024-03-01")
    assert df["admin1_code"].null_count() == 1
    assert set(df["admin1_code"].drop_nulls()) == {"UA-63"}
    assert df["events"].sum() == 2


def test_demo_counts_match_events(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    df = intensity.counts(con, since="2023-09-01", until="2024-04-30")
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert df["events"].sum() == total
    n_series = con.execute("SELECT count(*) FROM (SELECT DISTINCT country_iso3, admin1_code, event_type FROM events)").fetchone()[0]
    assert df.height == n_series * 243
    con.close()


def test_unknown_country_is_a_usage_error_not_an_empty_result(loaded):
    assert intensity.counts(loaded, since="2024-03-01", until="2024-03-07", country=" ukr ").height > 0
    with pytest.raises(UsageError, match="unknown country 'XXX'"):
        intensity.counts(loaded, since="2024-03-01", until="2024-03-07", country="XXX")
    with pytest.raises(UsageError, match="unknown country"):
        intensity.detect_signals(loaded, since="2024-03-01", country="UK")


def test_relative_since_after_the_data_names_as_of(loaded):
    with pytest.raises(UsageError) as err:
        intensity.detect_signals(loaded, since="8w", as_of=date(2030, 1, 1))
    assert "--as-of" in err.value.hint and str(err.value).startswith("--since 2029-")


def test_relative_since_counts_back_from_the_last_day_with_data(loaded):
    # The fixture's data ends 2024-03-05, years before today: "3d" is its last 3 days,
    # not an error or an empty window, unless --as-of says otherwise.
    df = intensity.counts(loaded, since="3d")
    assert (df["day"].min(), df["day"].max()) == (date(2024, 3, 3), date(2024, 3, 5))
    assert df["day"].n_unique() == 3
    df = intensity.counts(loaded, since="3d", as_of=date(2024, 3, 4))
    assert (df["day"].min(), df["day"].max()) == (date(2024, 3, 2), date(2024, 3, 4))


def test_region_of_another_country_is_a_usage_error(loaded):
    with pytest.raises(UsageError, match="UA-63 is in UKR, not RUS"):
        intensity.counts(loaded, since="2024-03-01", until="2024-03-07", country="RUS", region="UA-63")


def test_sub_type_filter_names_the_sub_type_in_its_rows(loaded):
    df = intensity.counts(loaded, since="2024-03", until="2024-03-31", event_type="shelling_artillery_missile_attack")
    assert set(df["sub_event_type"]) == {"shelling_artillery_missile_attack"} and df["events"].sum() == 3
    assert set(intensity.counts(loaded, since="2024-03", until="2024-03-31", event_type="battles")["sub_event_type"]) \
        == {None}
    weekly = intensity.counts(loaded, since="2024-03", until="2024-03-31", by="week",
                              event_type="shelling_artillery_missile_attack")
    assert weekly["events"].sum() == 3
