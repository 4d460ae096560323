"""intensity.counts() fills the spine in Polars; it must equal the portable SQL transform.

`sql/transforms/daily_counts.sql` is the contract (and what Spark users run); counts()
reads `daily_observed.sql` and builds the zeros as dense arrays. These tests compare
the two, row for row and type for type, on hand-made edge cases and on the demo store.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

import intensity
from intensity import sql as sqlfiles
from intensity.aggregate import fill_spine
from intensity.dates import acled_week_start

HEADER = "event_id,event_date,country_iso3,admin1_code,admin1,event_type,sub_event_type,fatalities,injured\n"
ROWS = [
    # Two sub-types in one series, same day; fatalities not reported on one of them.
    "t:1,2024-03-01,UKR,UA-63,,explosions_remote_violence,shelling_artillery_missile_attack,2,1",
    "t:2,2024-03-01,UKR,UA-63,,explosions_remote_violence,air_drone_strike,,",
    "t:3,2024-03-05,UKR,UA-63,,battles,armed_clash,0,0",
    # An admin1 name that resolves nowhere: its own series with admin1_code NULL.
    "t:4,2024-03-02,UKR,,Atlantis,protests,peaceful_protest,0,",
    "t:5,2024-03-03,UKR,,Atlantis,protests,peaceful_protest,0,",
    # Only outside the usual test window: a series of zeros inside it.
    "t:6,2024-01-15,RUS,RU-BEL,,explosions_remote_violence,shelling_artillery_missile_attack,4,7",
    # No sub-event type: NULL sorts first within its series when split by sub-type.
    "t:7,2024-03-04,RUS,RU-BEL,,explosions_remote_violence,,1,0",
    "t:8,2024-03-07,SYR,SY-DI,,violence_against_civilians,attack,3,2",
]


@pytest.fixture
def edge(con, tmp_path):
    path = tmp_path / "edge.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n")
    res = intensity.ingest_files(con, [path])
    assert res[0].loaded == len(ROWS) and res[0].unresolved == 2
    return con


def sql_daily(con, **params) -> pl.DataFrame:
    full = {"country": None, "region": None, "event_type": None, "by_subtype": False, **params}
    keys = {k: full[k] for k in ("country", "region", "event_type", "by_subtype")}
    con.register("daily_series", con.sql(sqlfiles.transform("daily_series"), params=keys).pl().to_arrow())
    try:
        return con.sql(sqlfiles.transform("daily_counts"), params=full).pl()
    finally:
        con.unregister("daily_series")


def assert_same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    assert a.schema == b.schema
    assert a.height == b.height
    assert a.equals(b), (a.head(20), b.head(20))


CASES = [
    dict(),
    dict(by_subtype=True),
    dict(country="UKR"),
    dict(region="UA-63", by_subtype=True),
    dict(event_type="explosions_remote_violence"),
    dict(event_type="shelling_artillery_missile_attack", by_subtype=True),
    dict(country="NOR"),  # matches nothing: an empty frame of the same shape
]


@pytest.mark.parametrize("params", CASES, ids=[str(c) or "all" for c in CASES])
@pytest.mark.parametrize("window", [(date(2024, 3, 1), date(2024, 3, 7)), (date(2024, 1, 1), date(2024, 3, 31)),
                                    (date(2024, 3, 3), date(2024, 3, 3))])
def test_counts_equal_the_sql_transform(edge, params, window):
    lo, hi = window
    sql = sql_daily(edge, since=lo, until=hi, **params)
    api = intensity.counts(edge, since=lo, until=hi, **{
        {"by_subtype": "by_subtype"}.get(k, k): v for k, v in params.items()})
    assert_same(api, sql)


def test_edge_cases_are_what_the_sql_says(edge):
    df = intensity.counts(edge, since="2024-03-01", until="2024-03-07", by_subtype=True)
    # Unresolved region: its own series, after the resolved ones of its country.
    ukr = df.filter(pl.col("country_iso3") == "UKR").unique(["admin1_code", "event_type", "sub_event_type"],
                                                           maintain_order=True)
    assert ukr["admin1_code"].to_list()[-1] is None
    # Zero series (events only in January) and NULL sub-type first within RU-BEL.
    bel = df.filter(pl.col("admin1_code") == "RU-BEL")
    assert bel["sub_event_type"].to_list()[:7] == [None] * 7
    assert bel.filter(pl.col("sub_event_type").is_not_null())["events"].sum() == 0
    assert df["events"].sum() == 7 and df["fatalities"].sum() == 2 + 0 + 0 + 0 + 1 + 3


def test_weekly_counts_unchanged(edge):
    lo, hi = date(2024, 2, 26), date(2024, 3, 14)
    daily_counts = sql_daily(edge, since=acled_week_start(lo), until=acled_week_start(hi) + timedelta(days=6))
    assert daily_counts.height
    expected = edge.sql(sqlfiles.transform("weekly_counts")).pl()  # reads `daily_counts` by name
    got = intensity.counts(edge, since=lo, until=hi, by="week")
    assert_same(got, expected)


def test_demo_store_all_series_and_subtypes(demo_db):
    con = intensity.connect(demo_db, read_only=True)
    try:
        for by_subtype in (False, True):
            lo, hi = date(2024, 1, 1), date(2024, 6, 30)
            assert_same(intensity.counts(con, since=lo, until=hi, by_subtype=by_subtype),
                        sql_daily(con, since=lo, until=hi, by_subtype=by_subtype))
    finally:
        con.close()


def test_fill_spine_rejects_gaps_in_sid():
    series = pl.DataFrame({"sid": [1, 3], "country_iso3": ["A", "B"], "admin1_code": [None, None],
                           "admin1": [None, None], "event_type": ["x", "y"], "sub_event_type": [None, None]},
                          schema_overrides={"admin1_code": pl.String, "admin1": pl.String, "sub_event_type": pl.String})
    obs = pl.DataFrame({"sid": [1, 3], "day": [date(2024, 1, 1)] * 2, "events": [1, 1], "fatalities": [0, 0],
                        "injured": [0, 0]})
    with pytest.raises(RuntimeError, match="sid"):
        fill_spine(obs, series, since=date(2024, 1, 1), until=date(2024, 1, 2))


def test_daily_observed_is_the_sparse_half_of_daily_counts(edge):
    keys = {"country": None, "region": None, "event_type": None, "by_subtype": True}
    params = {"since": date(2024, 3, 1), "until": date(2024, 3, 7), **keys}
    series = edge.sql(sqlfiles.transform("daily_series"), params=keys).pl()
    edge.register("daily_series", series.to_arrow())
    obs = edge.sql(sqlfiles.transform("daily_observed"), params=params).pl()
    edge.unregister("daily_series")
    full = sql_daily(edge, **{k: v for k, v in params.items() if k not in ("country", "region", "event_type")})
    assert obs["events"].sum() == full["events"].sum()
    assert obs.select("sid", "day").unique().height == full.filter(pl.col("events") > 0).height
    assert series.height == full.select("country_iso3", "admin1_code", "event_type",
                                        "sub_event_type").unique().height
