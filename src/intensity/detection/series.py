"""Dense daily series for the detectors, from the event store or from a Polars frame.

A *series* is (level, country_iso3, admin1_code, event_type): ``level`` is
``admin1`` for one region (``admin1_code`` NULL for events whose region did not
resolve) or ``country`` for a country total over its regions (built where a country
has at least two region series of that type). Days run from the first event in the
data to the data-through day, zeros filled in.

The severity-weighted intensity of a day is ``sum over events of
severity(sub_event_type) x (1 + c ln(1 + fatalities))`` with the ``severity`` column
of ``data/reference/event_types.csv`` (overridable) and ``c = fatality_coef``
(unreported fatalities count as 0; a missing sub-event type weighs 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

KEY = ("level", "country_iso3", "admin1_code", "event_type")


@dataclass
class SeriesSet:
    """Day-major arrays of all series, with their keys.

    Attributes:
        keys: one row per series (``level``, ``country_iso3``, ``admin1_code``,
            ``admin1``, ``event_type``), row ``i`` describing column ``i`` of the arrays.
        start: the date of day index 0.
        events, fatalities, intensity: (days, series) arrays.
        groups: pooling group (level x event type) of each series.
        type_filter: the sub-event type the series were restricted to, if any.
    """

    keys: pl.DataFrame
    start: date
    events: np.ndarray
    fatalities: np.ndarray
    intensity: np.ndarray
    groups: np.ndarray
    type_filter: str | None = None

    @property
    def n_days(self) -> int:
        return self.events.shape[0]

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.n_days - 1)

    def index_of(self, d: date) -> int:
        """Day index of a date (may fall outside the arrays)."""
        return (d - self.start).days

    def dates(self, idx) -> list[date | None]:
        """Dates of day indices (``None`` for negative ones)."""
        return [self.start + timedelta(days=int(i)) if i is not None and i >= 0 else None for i in idx]

    def active(self, day: int) -> np.ndarray:
        """Series with at least one event on or before ``day`` (the day's testing family)."""
        return self.events[: day + 1].sum(axis=0) > 0


def severity_weights(overrides: dict | None = None) -> dict[str, float]:
    """Severity per sub-event type (shipped taxonomy, then ``overrides``)."""
    from intensity import taxonomy

    w = {r["sub_event_type"]: float(r["severity"]) for r in taxonomy.rows()}
    w.update({k: float(v) for k, v in (overrides or {}).items()})
    return w


def from_frame(
    df: pl.DataFrame,
    *,
    until: date | None = None,
    totals: bool = True,
    severity: dict | None = None,
    fatality_coef: float = 1.0,
    type_filter: str | None = None,
    names: dict[str, str] | None = None,
) -> SeriesSet:
    """Build a :class:`SeriesSet` from long daily rows.

    Args:
        df: rows with ``country_iso3``, ``admin1_code``, ``event_type``, ``day``,
            ``events`` and optionally ``fatalities``, ``admin1`` and either
            ``intensity`` (already weighted; rows then must be unique per series and
            day, as ``daily_intensity.sql`` gives them) or ``sub_event_type`` with
            ``log1p_fatalities`` (sum over events of ln(1 + fatalities); without it
            ``ln(1 + fatalities of the day)`` is used). The output of
            :func:`intensity.counts` works.
        until: last day (default: the last day in ``df``).
        totals: add country totals.
        severity, fatality_coef: intensity weights (when ``intensity`` is not given).
        type_filter: recorded on the result.
        names: admin1 names by code (else the ``admin1`` column, if any).
    """
    if df.height == 0:
        raise ValueError("no events to build series from")
    cols = df.columns
    d = df.with_columns(
        admin1_code=pl.col("admin1_code").cast(pl.String),
        fatalities=(pl.col("fatalities") if "fatalities" in cols else pl.lit(0)).cast(pl.Float64).fill_null(0),
    ).filter(pl.col("events") > 0)
    if "intensity" in cols:
        agg = d.select("country_iso3", "admin1_code", "event_type", "day", pl.col("events").cast(pl.Float64),
                       "fatalities", pl.col("intensity").cast(pl.Float64))
    else:
        sev = severity_weights(severity)
        sub = (pl.col("sub_event_type") if "sub_event_type" in cols else pl.lit(None)).cast(pl.String)
        lf = pl.col("log1p_fatalities") if "log1p_fatalities" in cols else pl.col("fatalities").log1p()
        d = d.with_columns(
            w=sub.replace_strict(sev, default=1.0, return_dtype=pl.Float64).fill_null(1.0)
            * (pl.col("events").cast(pl.Float64) + fatality_coef * lf.cast(pl.Float64).fill_null(0.0)))
        agg = (d.group_by("country_iso3", "admin1_code", "event_type", "day")
               .agg(pl.col("events").sum().cast(pl.Float64), pl.col("fatalities").sum(),
                    intensity=pl.col("w").sum()))
    agg = agg.with_columns(_a=pl.col("admin1_code").fill_null(""))
    keys = (agg.select("country_iso3", "_a", "event_type").unique()
            .sort("country_iso3", "_a", "event_type").with_row_index("_i"))
    agg = agg.join(keys, on=["country_iso3", "_a", "event_type"])
    start = agg["day"].min()
    end = until or agg["day"].max()
    agg = agg.filter(pl.col("day") <= end)
    t_len = (end - start).days + 1
    n1 = keys.height
    # Country totals over regions, where a country has at least two region series of a type.
    kt = keys.group_by("country_iso3", "event_type", maintain_order=True).agg(pl.col("_i"))
    kt = kt.filter(pl.col("_i").list.len() >= 2) if totals else kt.clear()
    n = n1 + kt.height
    ti = agg.select((pl.col("day").cast(pl.Date) - pl.lit(start, dtype=pl.Date)).dt.total_days()
                    ).to_series().to_numpy().astype(np.int64)
    si = agg["_i"].to_numpy().astype(np.int64)
    arrays = []
    members = [np.asarray(m, dtype=np.int64) for m in kt["_i"].to_list()]
    for col in ("events", "fatalities", "intensity"):
        a = np.zeros((t_len, n))
        a[ti, si] = agg[col].to_numpy().astype(float)
        for j, m in enumerate(members):
            a[:, n1 + j] = a[:, m].sum(axis=1)
        arrays.append(a)
    if names is None and "admin1" in cols:
        names = dict(df.select("admin1_code", "admin1").drop_nulls().unique("admin1_code").iter_rows())
    names = names or {}
    k1 = keys.select(level=pl.lit("admin1"), country_iso3="country_iso3",
                     admin1_code=pl.when(pl.col("_a") == "").then(None).otherwise(pl.col("_a")),
                     event_type="event_type")
    k2 = kt.select(level=pl.lit("country"), country_iso3="country_iso3",
                   admin1_code=pl.lit(None, dtype=pl.String), event_type="event_type")
    allk = pl.concat([k1, k2], how="vertical").with_columns(
        admin1=pl.col("admin1_code").replace_strict(names, default=None, return_dtype=pl.String),
    ).select("level", "country_iso3", "admin1_code", "admin1", "event_type")
    grp = allk.select(g=pl.concat_str("level", "event_type")).to_series()
    _, groups = np.unique(grp.to_numpy().astype(str), return_inverse=True)
    return SeriesSet(keys=allk, start=start, events=arrays[0], fatalities=arrays[1], intensity=arrays[2],
                     groups=groups.astype(np.int64), type_filter=type_filter)


def load(con, *, until: date, type_filter: str | None = None, totals: bool = True,
         severity: dict | None = None, fatality_coef: float = 1.0) -> SeriesSet | None:
    """Build the series of the whole store up to ``until`` (``None`` if it holds no events).

    ``type_filter`` (a sub-event type) builds the series from those events only. The
    weighting and the daily aggregation run in DuckDB (``daily_intensity.sql``).
    """
    from intensity import sql as sqlfiles

    weights = pl.DataFrame(list(severity_weights(severity).items()), schema=["sub_event_type", "severity"],
                           orient="row")
    con.register("detect_severity", weights.to_arrow())
    try:
        df = con.sql(sqlfiles.transform("daily_intensity"),
                     params={"until": until, "event_type": type_filter, "fatality_coef": fatality_coef}).pl()
    finally:
        con.unregister("detect_severity")
    if df.height == 0:
        return None
    names = dict(con.execute("SELECT admin1_code, admin1 FROM regions").fetchall())
    return from_frame(df, until=until, totals=totals, type_filter=type_filter, names=names)
