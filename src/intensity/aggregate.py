"""Daily and weekly counts on a complete, zero-filled date spine."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from intensity import sql as sqlfiles
from intensity.dates import acled_week_start, last_event_day, reference_from, window
from intensity.db import source_filtered
from intensity.errors import UsageError


def resolve_region(con, region: str | None, country: str | None = None) -> str | None:
    """An ISO 3166-2 code for a code or an admin1 name (``UA-63`` or ``Kharkiv``).

    Raises:
        UsageError: no region, or more than one across countries, has that name.
    """
    if region is None:
        return None
    code = region.strip().upper()
    owner = con.execute("SELECT country_iso3 FROM regions WHERE admin1_code = ?", [code]).fetchall()
    if owner:
        if country and owner[0][0] != country:
            # (an empty result would look like a quiet region)
            raise UsageError(f"region {code} is in {owner[0][0]}, not {country}", hint="drop --country or fix --region")
        return code
    # Same precedence as ingest: the exact spelling first, then without "oblast"/"region".
    for key_fn in ("norm_name", "admin_key"):
        rows = con.execute(
            f"SELECT DISTINCT admin1_code FROM region_aliases "
            f"WHERE (? IS NULL OR country_iso3 = ?) AND alias_key = {key_fn}(?)",
            [country, country, region],
        ).fetchall()
        if rows:
            break
    codes = sorted(r[0] for r in rows)
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise UsageError(f"unknown region {region!r}", hint="give an ISO 3166-2 code such as UA-63")
    raise UsageError(
        f"region {region!r} is ambiguous: {', '.join(codes)}", hint="give the code or --country"
    )


def check_country(con, country: str | None) -> str | None:
    """The upper-cased ISO 3166-1 alpha-3 code, or None.

    Raises:
        UsageError: not a known alpha-3 code (an unknown code would give no rows, silently).
    """
    if country is None:
        return None
    code = country.strip().upper()
    if not con.execute("SELECT 1 FROM countries WHERE country_iso3 = ?", [code]).fetchall():
        raise UsageError(f"unknown country {country!r}", hint="give an ISO 3166-1 alpha-3 code such as UKR or RUS")
    return code


def _check_type(con, event_type: str | None) -> str | None:
    if event_type is None:
        return None
    t = event_type.strip().lower()
    ok = con.execute(
        "SELECT 1 FROM event_types WHERE event_type = ? OR sub_event_type = ? LIMIT 1", [t, t]
    ).fetchall()
    if not ok:
        raise UsageError(f"unknown event type {event_type!r}", hint="see `intensity types`")
    return t


@source_filtered
def counts(
    con,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    as_of: date | None = None,
    country: str | None = None,
    region: str | None = None,
    event_type: str | None = None,
    by: str = "day",
    by_subtype: bool = False,
) -> pl.DataFrame:
    """Zero-filled event counts per series and day (or ACLED week).

    Args:
        con: a connection from :func:`intensity.connect` (read-only is fine).
        since, until: the window; see :func:`intensity.dates.parse_date`.
            ``until`` defaults to the last day with data (at most ``as_of``);
            ``since`` to 90 days before ``until``.
        as_of: reference day for relative dates (default: the last day with data, at
            most today).
        country: ISO 3166-1 alpha-3 code to keep.
        region: ISO 3166-2 code or admin1 name to keep.
        event_type: an event type or sub-event type code to keep.
        by: ``day``, or ``week`` for ACLED's Saturday-to-Friday weeks (the window
            is widened to whole weeks).
        by_subtype: split series by sub-event type too.
        source: count only the events of this source (``acled``, ``gdelt``, ...).

    Returns:
        One row per series and period, with ``events``, ``fatalities`` and ``injured``.
    """
    if by not in ("day", "week"):
        raise UsageError(f"--by must be day or week, not {by!r}", hint="--by week gives ACLED's Saturday-Friday weeks")
    country = check_country(con, country)
    # The data-through day (of the country's events with --country), so a stale export does
    # not end in invented zeros.
    last = last_event_day(con, country)
    ref = reference_from(last, as_of)
    if until is None:
        until = min(last, ref) if last else ref
    lo, hi = window(since, until, as_of=ref)
    params = {
        "since": lo,
        "until": hi,
        "country": country,
        "region": resolve_region(con, region, country),
        "event_type": _check_type(con, event_type),
        "by_subtype": by_subtype,
    }
    if by == "week":
        params["since"] = acled_week_start(lo)
        params["until"] = acled_week_start(hi) + timedelta(days=6)
    keys = {k: params[k] for k in ("country", "region", "event_type", "by_subtype")}
    # Fetched as Python rows and numpy arrays, not through Arrow: DuckDB's Polars export
    # imports pyarrow, 0.13 s of a counts call that is ~1.3 s as a whole process.
    con.execute(f"CREATE OR REPLACE TEMP TABLE daily_series AS {sqlfiles.transform('daily_series')}", keys)
    try:
        series = pl.DataFrame(
            con.execute(f"SELECT sid, {', '.join(_SERIES_COLUMNS)} FROM daily_series").fetchall(),
            schema={"sid": pl.Int64, **{c: pl.String for c in _SERIES_COLUMNS}}, orient="row")
        observed = con.execute(sqlfiles.transform("daily_observed"), params).fetchnumpy()
    finally:
        con.execute("DROP TABLE IF EXISTS temp.daily_series")
    daily_counts = fill_spine(observed, series, since=params["since"], until=params["until"])
    t = params["event_type"]
    if t and not by_subtype and not con.execute("SELECT 1 FROM event_types WHERE event_type = ? LIMIT 1",
                                                [t]).fetchall():
        # --type of a sub-event type: the rows count only it, so they say so
        daily_counts = daily_counts.with_columns(sub_event_type=pl.lit(t, dtype=pl.String))
    if by == "day":
        return daily_counts
    return con.sql(sqlfiles.transform("weekly_counts")).pl()  # reads the frame `daily_counts` by name


_SERIES_COLUMNS = ("country_iso3", "admin1_code", "admin1", "event_type", "sub_event_type")
_COUNT_COLUMNS = ("events", "fatalities", "injured")
DAILY_SCHEMA = {**{c: pl.String for c in _SERIES_COLUMNS}, "day": pl.Date,
                **{c: pl.Int64 for c in _COUNT_COLUMNS}}


def fill_spine(observed, series: pl.DataFrame, *, since: date, until: date) -> pl.DataFrame:
    """The ``daily_counts`` relation from ``daily_series`` and ``daily_observed``: every series on every day.

    ``observed`` holds the ``daily_observed`` columns (a Polars frame or numpy arrays by name).

    Same rows, order and types as ``sql/transforms/daily_counts.sql``, built as dense
    arrays (series x days) instead of a spine join, a GROUP BY and a sort.
    """
    n_days = (until - since).days + 1
    series = series.sort("sid")
    n = series.height
    if n and series["sid"][-1] != n:  # sid is row_number() in SQL: 1..n
        raise RuntimeError("daily_series returned gaps in sid")
    pos = ((np.asarray(observed["sid"]) - 1) * n_days
           + (np.asarray(observed["day"]).astype("datetime64[D]") - np.datetime64(since, "D")).astype(np.int64))
    counts = {}
    for c in _COUNT_COLUMNS:
        col = np.zeros(n * n_days, dtype=np.int64)
        np.add.at(col, pos, np.asarray(observed[c]))  # a cell repeats once per sub-event type
        counts[c] = pl.Series(c, col)
    days = np.arange(np.datetime64(since, "D"), np.datetime64(since, "D") + n_days)
    out = series.select(_SERIES_COLUMNS).gather(np.repeat(np.arange(n), n_days)).with_columns(
        pl.Series("day", np.tile(days, n)).cast(pl.Date), *counts.values())
    return out.select(list(DAILY_SCHEMA)).cast(DAILY_SCHEMA)
