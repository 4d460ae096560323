"""Escalation detection: calibrated, explained signals per region, event type and day.

The public API (all return Polars DataFrames):

* :func:`detect_signals` - one row per alarm episode whose first alarm falls in a
  window (the ``signals`` table's rows); optionally saved to the store.
* :func:`rank_series` - every series on one day, ranked by Benjamini-Hochberg q.
* :func:`series_trace` - the daily traces behind one series (counts, 7-day mean,
  baseline and its band, CUSUM and threshold, alarms and onsets), for plotting.
* :func:`detect_frame` - :func:`detect_signals` on a :class:`~intensity.detection.series.SeriesSet`
  built from any Polars frame (no database).

Methods: ``nb_cusum`` (the default, calibrated; see ``docs/detection.md``) and the
reference detectors ``acled_surge``, ``hdx_fatalities``, ``ears_c2`` and ``pelt``.
Every signal is computed from data up to its ``first_alarm_date`` only; only
``last_alarm_date``, ``n_alarms`` and ``end_date`` follow the episode after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import polars as pl

from intensity.db import current_source, source_filtered
from intensity.detection.params import METHODS, DetectParams
from intensity.errors import UsageError

KINDS = ("escalation", "emergence", "de-escalation")

# Relative windows count back from --as-of (by default the last day with data), so only an
# explicit --as-of or date can put --since after the data's last day.
_AS_OF_HINT = ("the data ends {end}; give an earlier --since (spans such as 8w count back from --as-of, "
               "default the last day with data)")

SIGNAL_COLUMNS = (
    "signal_id", "method", "level", "country_iso3", "admin1_code", "admin1", "event_type", "type_filter",
    "kind", "first_alarm_date", "onset_date", "end_date", "last_alarm_date", "n_alarms", "baseline_rate",
    "recent_count", "rr7", "rr7_lo", "rr7_hi", "rr28", "rr28_lo", "rr28_hi", "p_value", "p_empirical",
    "q_value", "trend_pct_week", "trend_lo", "trend_hi", "intensity_ratio", "intensity_lo", "intensity_hi",
    "intensity_p", "statistic", "threshold", "alpha", "detectable_ratio", "note", "data_through",
    "parameters", "computed_at", "source",
)


# --------------------------------------------------------------------------- helpers


def _methods(method) -> list[str]:
    names = [method] if isinstance(method, str) else list(method)
    out: list[str] = []
    for name in names:
        for m in str(name).split(","):
            m = m.strip().lower().replace("-", "_")
            if m == "all":
                out.extend(METHODS)
            elif m in METHODS:
                out.append(m)
            elif m:
                raise UsageError(f"unknown method {m!r}", hint=f"choose from {', '.join(METHODS)} or all")
    return list(dict.fromkeys(out)) or ["nb_cusum"]


def _calibration(params: DetectParams, calibration):
    from intensity.detection.calibrate import shipped

    cal = calibration or shipped(params.calibration)
    cal.check(params)
    return cal


def _emergence_p(recent: np.ndarray, params: DetectParams) -> np.ndarray:
    """P(>= recent events in the recent window | no events in the baseline window).

    The posterior predictive under a Jeffreys prior on the rate: a negative binomial
    with size 1/2 and probability ``b / (b + r)`` (b baseline days, r recent days).
    """
    from scipy.special import betainc

    b, r = params.baseline_days, params.recent_days
    k = np.asarray(recent, dtype=float)
    p = b / (b + r)
    with np.errstate(invalid="ignore"):
        return np.where(k <= 0, 1.0, 1.0 - betainc(0.5, np.maximum(k, 1e-9), p))


def _p_empirical_day(run, day: int, side: str) -> np.ndarray:
    """Calibrated p of every series on one day (NaN where not evaluable).

    Read from the statistic without alarm resets (the evidence since it was last 0);
    for a silent baseline on the escalation side, the emergence predictive p instead.
    """
    scr = run.screen
    if day < scr.start:
        return np.full(scr.x.shape[1], np.nan)
    st = run.stats(day)
    s = (scr.free_up if side == "up" else scr.free_down)[day].astype(float)
    p = run.calibration.p_empirical(side, s, st.mean[0], st.alpha[0])
    if side == "up":
        p = np.where(st.base_sum[0] == 0, _emergence_p(st.recent[0], run.params), p)
    return p


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values with statsmodels (``method='fdr_bh'``; NaN kept out)."""
    from statsmodels.stats.multitest import multipletests

    q = np.full(len(p), np.nan)
    ok = np.isfinite(p)
    if ok.any():
        q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q


def _note(rate: float, alpha: float, mdc: float, params: DetectParams) -> str:
    if not np.isfinite(rate) or rate <= 0:
        return (f"no baseline events: {params.min_recent_events} or more events in "
                f"{params.recent_days} days flag emergence")
    a = f"{alpha:.2f}" if np.isfinite(alpha) else "?"
    if np.isfinite(mdc):
        return (f"at {rate:.2g}/day (alpha {a}) a step of x{mdc:g} or more is detected within "
                f"{params.recent_days} days with 80% probability")
    return f"at {rate:.2g}/day (alpha {a}) even a x20 step is not reliably detected within 7 days"


def _signal_id(*parts) -> str:
    return hashlib.md5("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


@dataclass
class _Episodes:
    series: np.ndarray
    first: np.ndarray
    last: np.ndarray
    n: np.ndarray
    onset: np.ndarray
    kind: np.ndarray
    statistic: np.ndarray
    threshold: np.ndarray


def _episodes(alarms, kinds, gap: int) -> _Episodes:
    from intensity.detection.cusum import episodes

    if len(alarms.day) == 0:
        z = np.zeros(0, dtype=np.int64)
        return _Episodes(z, z, z, z, z, np.zeros(0, dtype=object), np.zeros(0), np.zeros(0))
    order, ep = episodes(alarms.series, alarms.day, gap)
    starts = np.flatnonzero(np.r_[True, ep[1:] != ep[:-1]])
    o = order[starts]
    day_sorted = alarms.day[order]
    last = np.maximum.reduceat(day_sorted, starts)
    n = np.diff(np.r_[starts, len(order)])
    kinds = np.asarray(kinds, dtype=object)
    return _Episodes(alarms.series[o], alarms.day[o], last, n, alarms.onset[o], kinds[o],
                     alarms.statistic[o], alarms.threshold[o])


def _method_episodes(method: str, data, scr, params: DetectParams) -> list[_Episodes]:
    from intensity.detection import reference as ref

    gap = params.episode_gap
    if method == "nb_cusum":
        return [_episodes(scr.up, scr.up_kind, gap),
                _episodes(scr.down, np.full(len(scr.down.day), "de-escalation", dtype=object), gap)]
    if method == "acled_surge":
        al = ref.acled_surge(data.events, day0_weekday=data.start.weekday(), params=params)
    elif method == "hdx_fatalities":
        al = ref.hdx_fatalities(data.fatalities, params=params)
    elif method == "ears_c2":
        al = ref.ears_c2(data.events, params=params)
    elif method == "pelt":
        al = ref.pelt(data.events, params=params)
    else:  # pragma: no cover - _methods() validates
        raise UsageError(f"unknown method {method!r}")
    return [_episodes(al, np.full(len(al.day), "escalation", dtype=object), gap)]


def _quantify(run, day: np.ndarray, series: np.ndarray, *, use_statsmodels: bool):
    from intensity.detection.quantify import quantify, quantify_statsmodels

    params = run.params
    at = run.values(day, series)
    kw = dict(baseline_days=params.baseline_days, guard_days=params.guard_days, recent_days=params.recent_days)
    fn = quantify_statsmodels if use_statsmodels else quantify
    q = fn(run.data.events, run.data.intensity, at["alpha"], day, series, **kw)
    q.update(at)
    return q


# --------------------------------------------------------------------------- the pipeline


@dataclass
class Run:
    """A screened set of series: the data, the NB-CUSUM screen, settings and the data-through day."""

    data: object
    screen: object
    params: DetectParams
    calibration: object
    through: date

    def __post_init__(self):
        self._stats: dict[int, object] = {}

    def stats(self, day: int):
        """Baseline statistics of every series on ``day`` (cached)."""
        if day not in self._stats:
            self._stats[day] = self.screen.stats(day)
        return self._stats[day]

    def values(self, day: np.ndarray, series: np.ndarray) -> dict[str, np.ndarray]:
        """Baseline mean, dispersion, baseline sum and recent count at (day, series) pairs."""
        out = {k: np.full(len(day), np.nan) for k in ("mean", "alpha", "base_sum")}
        r = self.params.recent_days
        x = self.data.events
        out["recent"] = np.array([x[max(d - r + 1, 0): d + 1, i].sum() for d, i in zip(day, series)], dtype=float)
        for d in np.unique(day):
            if d < self.screen.start:
                continue
            st = self.stats(int(d))
            sel = day == d
            i = series[sel]
            out["mean"][sel], out["alpha"][sel] = st.mean[0, i], st.alpha[0, i]
            out["base_sum"][sel] = st.base_sum[0, i]
        return out


def screen_series(data, *, params: DetectParams | None = None, calibration=None) -> Run:
    """Run the NB-CUSUM screen (both sides, emergence) over every series of ``data``."""
    from intensity.detection.cusum import screen

    params = params or DetectParams()
    cal = _calibration(params, calibration)
    scr = screen(data.events, data.groups, params, cal)
    return Run(data=data, screen=scr, params=params, calibration=cal, through=data.end)


def _signals(run: Run, methods: list[str], lo: int, hi: int, keep: np.ndarray) -> pl.DataFrame:
    from intensity.db import utcnow

    data, scr, params, cal = run.data, run.screen, run.params, run.calibration
    t_last = data.n_days - 1
    frames = []
    q_cache: dict[tuple[int, str], np.ndarray] = {}
    computed_at = utcnow()
    for method in methods:
        for ep in _method_episodes(method, data, scr, params):
            sel = (ep.first >= lo) & (ep.first <= hi) & keep[ep.series]
            if not sel.any():
                continue
            i, d = ep.series[sel], ep.first[sel]
            kind = ep.kind[sel]
            down = kind == "de-escalation"
            q = _quantify(run, d, i, use_statsmodels=True)
            side = np.where(down, "down", "up")
            p_emp = np.full(len(d), np.nan)
            qv = np.full(len(d), np.nan)
            for k in range(len(d)):
                key = (int(d[k]), side[k])
                if key not in q_cache:
                    fam = data.active(key[0])
                    p_day = _p_empirical_day(run, key[0], key[1])
                    p_day = np.where(fam, p_day, np.nan)
                    q_cache[key] = np.stack([p_day, _bh(p_day)])
                p_emp[k], qv[k] = q_cache[key][0, i[k]], q_cache[key][1, i[k]]
            mean = q["mean"]
            mdc = cal.detectable(mean, q["alpha"])
            last = ep.last[sel]
            ended = (t_last - last) > params.episode_gap
            keys = data.keys[i.tolist()]
            f = keys.with_columns(
                method=pl.lit(method),
                type_filter=pl.lit(data.type_filter, dtype=pl.String),
                kind=pl.Series(kind.tolist(), dtype=pl.String),
                first_alarm_date=pl.Series(data.dates(d), dtype=pl.Date),
                onset_date=pl.Series(data.dates(ep.onset[sel]), dtype=pl.Date),
                end_date=pl.Series([x if e else None for x, e in zip(data.dates(last), ended)], dtype=pl.Date),
                last_alarm_date=pl.Series(data.dates(last), dtype=pl.Date),
                n_alarms=pl.Series(ep.n[sel], dtype=pl.Int32),
                baseline_rate=pl.Series(mean, dtype=pl.Float64),
                recent_count=pl.Series(q["recent"], dtype=pl.Float64).cast(pl.Int64),
                **{k: pl.Series(q[k], dtype=pl.Float64) for k in ("rr7", "rr7_lo", "rr7_hi", "rr28", "rr28_lo",
                                                                 "rr28_hi", "trend_pct_week", "trend_lo",
                                                                 "trend_hi", "intensity_ratio", "intensity_lo",
                                                                 "intensity_hi", "intensity_p", "alpha")},
                p_value=pl.Series(np.where(down, q["p_value_down"], q["p_value"]), dtype=pl.Float64),
                p_empirical=pl.Series(p_emp, dtype=pl.Float64),
                q_value=pl.Series(qv, dtype=pl.Float64),
                statistic=pl.Series(ep.statistic[sel], dtype=pl.Float64),
                threshold=pl.Series(ep.threshold[sel], dtype=pl.Float64),
                detectable_ratio=pl.Series(mdc, dtype=pl.Float64),
                note=pl.Series([_note(r, a, m, params) for r, a, m in zip(mean, q["alpha"], mdc)],
                               dtype=pl.String),
                data_through=pl.lit(run.through, dtype=pl.Date),
                parameters=pl.lit(params.to_json(method)),
                computed_at=pl.lit(computed_at, dtype=pl.Datetime("us")),
            )
            frames.append(f)
    if not frames:
        return _empty_signals()
    out = pl.concat(frames, how="vertical").with_columns(pl.col(pl.Float64).fill_nan(None))
    # Signals of one source's events (db.only_source) say so; their ids differ from the
    # all-events ones, whose ids stay as they were before sources were recorded.
    src = current_source()
    ident = (lambda r: _signal_id(*r.values())) if src is None else (lambda r: _signal_id(src, *r.values()))
    out = out.with_columns(
        signal_id=pl.struct("method", "type_filter", "level", "country_iso3", "admin1_code", "event_type",
                            "kind", "first_alarm_date").map_elements(ident, return_dtype=pl.String),
        source=pl.lit(src, dtype=pl.String),
    )
    return out.select(SIGNAL_COLUMNS).sort("first_alarm_date", "q_value", "country_iso3", "admin1_code",
                                           "event_type", "method", nulls_last=True)


def _empty_signals() -> pl.DataFrame:
    schema = {c: pl.Float64 for c in SIGNAL_COLUMNS}
    for c in ("signal_id", "method", "level", "country_iso3", "admin1_code", "admin1", "event_type",
              "type_filter", "source", "kind", "note", "parameters"):
        schema[c] = pl.String
    for c in ("first_alarm_date", "onset_date", "end_date", "last_alarm_date", "data_through"):
        schema[c] = pl.Date
    schema["n_alarms"] = pl.Int32
    schema["recent_count"] = pl.Int64
    schema["computed_at"] = pl.Datetime("us")
    return pl.DataFrame(schema=schema)


def _keep(keys: pl.DataFrame, country, region, event_type) -> np.ndarray:
    m = np.ones(keys.height, dtype=bool)
    if country:
        m &= (keys["country_iso3"] == country).fill_null(False).to_numpy()
    if region:
        m &= (keys["admin1_code"] == region).fill_null(False).to_numpy()
    if event_type:
        m &= (keys["event_type"] == event_type).fill_null(False).to_numpy()
    return m


def detect_frame(
    data,
    *,
    since: date | None = None,
    until: date | None = None,
    method="nb_cusum",
    country: str | None = None,
    region: str | None = None,
    event_type: str | None = None,
    kinds=None,
    params: DetectParams | None = None,
    calibration=None,
    run: Run | None = None,
) -> pl.DataFrame:
    """Signals of a :class:`~intensity.detection.series.SeriesSet` (no database needed).

    Args:
        data: the series (e.g. from :func:`intensity.detection.series.from_frame`).
        since, until: keep episodes whose first alarm falls in this window
            (default: the last 30 days of the data). Data after ``until`` is not used.
        method: a method name, a comma-separated list, a list, or ``all``.
        country, region, event_type: keep only matching series (the screen and the
            q-value family still cover all series, so results do not depend on filters).
        kinds: keep only these kinds (escalation, emergence, de-escalation).
        params, calibration: detector settings and threshold table.
        run: a previous :func:`screen_series` of ``data`` to reuse.

    Returns:
        One row per alarm episode, columns :data:`SIGNAL_COLUMNS`.
    """
    params = params or DetectParams()
    methods = _methods(method)
    hi_date = min(until or data.end, data.end)
    if hi_date < data.end:
        data = _truncate(data, hi_date)
        run = None
    run = run or screen_series(data, params=params, calibration=calibration)
    lo_date = since or (hi_date - timedelta(days=29))
    if lo_date > hi_date:
        raise UsageError(f"--since {lo_date} is after the last day of data {hi_date}",
                         hint=_AS_OF_HINT.format(end=hi_date))
    lo, hi = max(data.index_of(lo_date), 0), data.index_of(hi_date)
    out = _signals(run, methods, lo, hi, _keep(data.keys, country, region, event_type))
    if kinds:
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        bad = set(kinds) - set(KINDS)
        if bad:
            raise UsageError(f"unknown kind {sorted(bad)[0]!r}", hint=f"choose from {', '.join(KINDS)}")
        out = out.filter(pl.col("kind").is_in(kinds))
    return out


def _truncate(data, end: date):
    from intensity.detection.series import SeriesSet

    n = data.index_of(end) + 1
    return SeriesSet(keys=data.keys, start=data.start, events=data.events[:n], fatalities=data.fatalities[:n],
                     intensity=data.intensity[:n], groups=data.groups, type_filter=data.type_filter)


# --------------------------------------------------------------------------- the store


class _Scope(NamedTuple):
    through: date | None  # the window's end: the data-through day (None: no events)
    ref: date | None  # the day relative dates count back from
    country: str | None
    region: str | None
    event_type: str | None
    type_filter: str | None


def _resolve(con, *, until, as_of, country, region, event_type) -> _Scope:
    """Window end (data-through day), reference day, normalised filters and the series type filter."""
    from intensity import taxonomy
    from intensity.aggregate import check_country, resolve_region
    from intensity.dates import last_event_day, parse_date, reference_from

    country = check_country(con, country)
    last = last_event_day(con, country)  # (a country's own: its export may end before the others)
    if last is None:
        return _Scope(None, None, None, None, None, None)
    ref = reference_from(last, as_of)
    through = min(last, ref)
    if until is not None:
        through = min(through, parse_date(until, end=True, as_of=ref))
    region = resolve_region(con, region, country)
    type_filter = None
    if event_type:
        t = event_type.strip().lower()
        if t in taxonomy.event_types():
            event_type = t
        elif t in taxonomy.sub_event_types():
            type_filter, event_type = t, None
        else:
            raise UsageError(f"unknown event type {event_type!r}", hint="see `intensity types`")
    return _Scope(through, ref, country, region, event_type, type_filter)


def _load(con, through, type_filter, params: DetectParams, totals: bool):
    from intensity.detection import series

    return series.load(con, until=through, type_filter=type_filter, totals=totals,
                       severity=params.severity, fatality_coef=params.fatality_coef)


@source_filtered
def detect_signals(
    con,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
    as_of: date | None = None,
    method="nb_cusum",
    country: str | None = None,
    region: str | None = None,
    event_type: str | None = None,
    kinds=None,
    totals: bool = True,
    params: DetectParams | None = None,
    calibration=None,
    save: bool = False,
) -> pl.DataFrame:
    """Escalation signals whose first alarm falls in ``[since, until]``.

    Args:
        con: a connection from :func:`intensity.connect` (read-write if ``save``).
        since, until: the window (see :func:`intensity.dates.parse_date`); ``until``
            defaults to the last day with data (at most ``as_of``), ``since`` to 30
            days before it. Data after ``until`` is ignored, so a past window is a replay.
        as_of: reference day for relative dates (default: the last day with data, at most
            today); data after it is ignored.
        method: ``nb_cusum`` (default), ``acled_surge``, ``hdx_fatalities``,
            ``ears_c2``, ``pelt``, a comma-separated list, or ``all``.
        country: ISO 3166-1 alpha-3 code to keep.
        region: ISO 3166-2 code or admin1 name to keep.
        event_type: an event type (keeps those series) or a sub-event type (builds
            the series from those events only; recorded as ``type_filter``).
        kinds: keep only these kinds of signal.
        totals: include country totals (``level = 'country'``).
        params, calibration: detector settings and threshold table.
        save: replace the window's rows of these methods and filters in the
            ``signals`` table with the result (one transaction).
        source: use only the events of this source; saved signals record it.

    Returns:
        One row per alarm episode (columns :data:`SIGNAL_COLUMNS`), by first alarm date.
    """
    from intensity.dates import parse_date

    params = params or DetectParams()
    methods = _methods(method)
    through, ref, country, region, event_type, type_filter = _resolve(
        con, until=until, as_of=as_of, country=country, region=region, event_type=event_type)
    if through is None:
        return _empty_signals()
    lo = parse_date(since, as_of=ref) if since is not None else through - timedelta(days=29)
    if lo > through:
        bound = ("--until" if until is not None and parse_date(until, end=True, as_of=ref) == through
                 else "--as-of" if as_of is not None and as_of == through else "the last day of data")
        raise UsageError(f"--since {lo} is after {bound} {through}",
                         hint="give an earlier --since" if bound != "the last day of data"
                         else _AS_OF_HINT.format(end=through))
    data = _load(con, through, type_filter, params, totals)
    if data is None:
        return _empty_signals()
    out = detect_frame(data, since=lo, until=through, method=methods, country=country, region=region,
                       event_type=event_type, kinds=kinds, params=params, calibration=calibration)
    if save:
        save_signals(con, out, methods=methods, since=lo, until=through, country=country, region=region,
                     event_type=event_type, type_filter=type_filter)
    return out


def save_signals(con, signals: pl.DataFrame, *, methods, since: date, until: date, country=None,
                 region=None, event_type=None, type_filter=None) -> int:
    """Replace the stored signals of ``methods`` in a window and scope with ``signals``.

    The scope includes the source of :func:`intensity.db.only_source` in force (none: the
    signals of all events), so one source's signals replace only that source's.

    The delete and insert run in one transaction, so re-running a window is
    idempotent and a failure leaves the previous rows in place.

    Returns:
        The number of rows inserted.
    """
    source = current_source()
    if signals.height and set(signals["source"].unique().to_list()) != {source}:
        # The rows replaced are those of the source in force: a frame of another would take their place.
        raise ValueError(f"signals of source {signals['source'][0]!r} saved within the scope of source {source!r}")
    con.begin()
    try:
        con.execute(
            """
            DELETE FROM signals
            WHERE list_contains($methods, method)
              AND first_alarm_date BETWEEN $since AND $until
              AND coalesce(type_filter, '') = coalesce($type_filter, '')
              AND coalesce(source, '') = coalesce($source, '')
              AND ($country IS NULL OR country_iso3 = $country)
              AND ($region IS NULL OR admin1_code = $region)
              AND ($event_type IS NULL OR event_type = $event_type)
            """,
            {"methods": list(methods), "since": since, "until": until, "type_filter": type_filter,
             "source": source,
             "country": country, "region": region, "event_type": event_type},
        )
        if signals.height:
            con.register("_new_signals", signals.to_arrow())
            con.execute("INSERT INTO signals BY NAME SELECT * FROM _new_signals")
            con.unregister("_new_signals")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return signals.height


# --------------------------------------------------------------------------- ranking and traces


RANK_COLUMNS = (
    "rank", "level", "country_iso3", "admin1_code", "admin1", "event_type", "type_filter", "status",
    "episode_start", "baseline_rate", "recent_count", "rr7", "rr7_lo", "rr7_hi", "rr28", "rr28_lo", "rr28_hi",
    "p_value", "p_empirical", "q_value", "trend_pct_week", "trend_lo", "trend_hi", "intensity_ratio",
    "intensity_lo", "intensity_hi", "intensity_p", "cusum", "threshold", "alpha", "detectable_ratio", "note",
    "quantified_by", "day", "computed_at",
)


def rank_run(run: Run, *, day: date | None = None, country=None, region=None, event_type=None,
             top_k: int | None = None) -> pl.DataFrame:
    """:func:`rank_series` on an already screened :class:`Run`."""
    from intensity.db import utcnow

    data, scr, params, cal = run.data, run.screen, run.params, run.calibration
    d = data.index_of(day) if day else data.n_days - 1
    if not 0 <= d < data.n_days:
        raise UsageError(f"no data on {day}")
    fam = data.active(d)
    p_day = np.where(fam, _p_empirical_day(run, d, "up"), np.nan)
    q_day = _bh(p_day)
    keep = fam & _keep(data.keys, country, region, event_type)
    idx = np.flatnonzero(keep)
    dd = np.full(len(idx), d)
    q = _quantify(run, dd, idx, use_statsmodels=False)
    # Order by q, then calibrated p, then the 7-day ratio; refit the top with statsmodels.
    order = np.lexsort((-np.nan_to_num(q["rr7"], nan=0.0), np.nan_to_num(p_day[idx], nan=2.0),
                        np.nan_to_num(q_day[idx], nan=2.0)))
    idx, q = idx[order], {k: v[order] for k, v in q.items()}
    k = min(params.top_k if top_k is None else top_k, len(idx))
    by = np.array(["numpy"] * len(idx), dtype=object)
    if k:
        top = _quantify(run, np.full(k, d), idx[:k], use_statsmodels=True)
        for name in q:
            q[name][:k] = top[name]
        by[:k] = "statsmodels"
    # Open episode (an alarm within episode_gap days) per series, from the default detector.
    status = np.full(data.keys.height, None, dtype=object)
    ep_start = np.full(len(status), -1, dtype=np.int64)
    for ep in _method_episodes("nb_cusum", data, scr, params):
        open_ = (ep.last >= d - params.episode_gap) & (ep.first <= d)
        for s, kd, f in zip(ep.series[open_], ep.kind[open_], ep.first[open_]):
            if f >= ep_start[s]:
                status[s], ep_start[s] = kd, f
    mean = q["mean"]
    mdc = cal.detectable(mean, q["alpha"])
    h_up = cal.thresholds(mean, q["alpha"])[0]
    out = data.keys[idx.tolist()].with_columns(
        rank=pl.Series(np.arange(1, len(idx) + 1), dtype=pl.Int32),
        type_filter=pl.lit(data.type_filter, dtype=pl.String),
        status=pl.Series(status[idx].tolist(), dtype=pl.String),
        episode_start=pl.Series([data.dates([s])[0] if s >= 0 else None for s in ep_start[idx]], dtype=pl.Date),
        baseline_rate=pl.Series(mean, dtype=pl.Float64),
        recent_count=pl.Series(q["recent"], dtype=pl.Float64).cast(pl.Int64),
        **{c: pl.Series(q[c], dtype=pl.Float64) for c in (
            "rr7", "rr7_lo", "rr7_hi", "rr28", "rr28_lo", "rr28_hi", "p_value", "trend_pct_week", "trend_lo",
            "trend_hi", "intensity_ratio", "intensity_lo", "intensity_hi", "intensity_p", "alpha")},
        p_empirical=pl.Series(p_day[idx], dtype=pl.Float64),
        q_value=pl.Series(q_day[idx], dtype=pl.Float64),
        cusum=pl.Series(scr.free_up[d, idx].astype(float), dtype=pl.Float64),
        threshold=pl.Series(h_up, dtype=pl.Float64),
        detectable_ratio=pl.Series(mdc, dtype=pl.Float64),
        note=pl.Series([_note(r, a, m, params) for r, a, m in zip(mean, q["alpha"], mdc)], dtype=pl.String),
        quantified_by=pl.Series(by.tolist(), dtype=pl.String),
        day=pl.lit(data.dates([d])[0], dtype=pl.Date),
        computed_at=pl.lit(utcnow(), dtype=pl.Datetime("us")),
    )
    return out.with_columns(pl.col(pl.Float64).fill_nan(None)).select(RANK_COLUMNS)


@source_filtered
def rank_series(
    con,
    *,
    day: str | date | None = None,
    as_of: date | None = None,
    country: str | None = None,
    region: str | None = None,
    event_type: str | None = None,
    totals: bool = True,
    top_k: int | None = None,
    params: DetectParams | None = None,
    calibration=None,
) -> pl.DataFrame:
    """Every active series on ``day``, ranked by Benjamini-Hochberg q (escalation side).

    Args:
        con: a connection from :func:`intensity.connect`.
        day: the day ranked (default: the last day with data, at most ``as_of``).
            Only data up to it is used.
        as_of, country, region, event_type, totals, params, calibration, source: as in
            :func:`detect_signals`.
        top_k: how many top series are refitted with statsmodels GLMs (default
            ``params.top_k``); the rest use the numerically equal closed forms.

    Returns:
        One row per series with at least one event so far (columns :data:`RANK_COLUMNS`):
        ``status`` names an open episode of the default detector, ``cusum`` and
        ``threshold`` its current state.
    """
    params = params or DetectParams()
    through, _, country, region, event_type, type_filter = _resolve(
        con, until=day, as_of=as_of, country=country, region=region, event_type=event_type)
    if through is None:
        return pl.DataFrame(schema={c: pl.String for c in RANK_COLUMNS})
    data = _load(con, through, type_filter, params, totals)
    run = screen_series(data, params=params, calibration=calibration)
    return rank_run(run, country=country, region=region, event_type=event_type, top_k=top_k)


TRACE_COLUMNS = (
    "day", "events", "fatalities", "intensity", "mean7", "baseline_mean", "baseline_lo", "baseline_hi",
    "alpha", "cusum_up", "threshold_up", "cusum_down", "threshold_down", "alarm", "first_alarm", "onset",
)


def baseline_band(mean: np.ndarray, alpha: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
    """95 % range of a ``days``-day mean under the NB baseline (``mean``, dispersion ``alpha``).

    A sum of r NB(m, a) days is NB(r m, a / r). NaN where the baseline mean is not positive.
    """
    from scipy.stats import nbinom

    size = days / np.where(np.isfinite(alpha), alpha, 1.0)
    mu = days * np.where(np.isfinite(mean), mean, 0.0)
    prob = size / (size + mu)
    with np.errstate(invalid="ignore"):
        lo = np.where(mean > 0, nbinom.ppf(0.025, size, prob) / days, np.nan)
        hi = np.where(mean > 0, nbinom.ppf(0.975, size, prob) / days, np.nan)
    return lo, hi


def trace_run(run: Run, *, country: str, admin1_code: str | None, event_type: str, level: str | None = None,
              method: str = "nb_cusum", since: date | None = None) -> pl.DataFrame:
    """:func:`series_trace` on an already screened :class:`Run`."""
    data, scr, params = run.data, run.screen, run.params
    level = level or ("admin1" if admin1_code else "country")
    k = data.keys.with_row_index("_i").filter(
        (pl.col("level") == level) & (pl.col("country_iso3") == country) & (pl.col("event_type") == event_type)
        & (pl.col("admin1_code").is_null() if admin1_code is None else pl.col("admin1_code") == admin1_code))
    if k.height != 1:
        raise UsageError(f"no series {level} {country} {admin1_code or '(total)'} {event_type}")
    i = int(k["_i"][0])
    col = scr.column(i)
    x = data.events[:, i]
    m, a = col["mean"], col["alpha"]
    r = params.recent_days
    lo, hi = baseline_band(m, a, r)
    c = np.concatenate([[0.0], np.cumsum(x)])
    t = np.arange(len(x))
    mean7 = (c[t + 1] - c[np.maximum(t + 1 - r, 0)]) / np.minimum(t + 1, r)
    alarm = np.full(len(x), None, dtype=object)
    first = np.zeros(len(x), dtype=bool)
    onset = np.zeros(len(x), dtype=bool)
    eps = _method_episodes(method, data, scr, params)
    al_lists = []
    if method == "nb_cusum":
        al_lists = [(scr.up, scr.up_kind), (scr.down, np.full(len(scr.down.day), "de-escalation", dtype=object))]
    for al, kinds in al_lists:
        s = al.series == i
        alarm[al.day[s]] = kinds[s]
    for ep in eps:
        s = ep.series == i
        first[ep.first[s]] = True
        if method != "nb_cusum":
            alarm[ep.first[s]] = ep.kind[s]
        onset[np.clip(ep.onset[s], 0, len(x) - 1)] = True
    out = pl.DataFrame({
        "day": pl.Series(data.dates(t), dtype=pl.Date),
        "events": x, "fatalities": data.fatalities[:, i], "intensity": data.intensity[:, i],
        "mean7": mean7, "baseline_mean": m, "baseline_lo": lo, "baseline_hi": hi, "alpha": a,
        "cusum_up": col["cusum_up"], "threshold_up": col["threshold_up"],
        "cusum_down": col["cusum_down"], "threshold_down": col["threshold_down"],
        "alarm": pl.Series(alarm.tolist(), dtype=pl.String), "first_alarm": first, "onset": onset,
    }, strict=False).with_columns(pl.col(pl.Float64).fill_nan(None))
    if since is not None:
        out = out.filter(pl.col("day") >= since)
    return out.select(TRACE_COLUMNS)


def series_trace(
    con,
    *,
    country: str,
    admin1_code: str | None,
    event_type: str,
    level: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    as_of: date | None = None,
    method: str = "nb_cusum",
    type_filter: str | None = None,
    params: DetectParams | None = None,
    calibration=None,
) -> pl.DataFrame:
    """Daily traces of one series, for plotting a signal.

    The whole store is screened (the dispersion is pooled per event type), so the
    traces are exactly those behind :func:`detect_signals`.

    Args:
        con: a connection from :func:`intensity.connect`.
        country, admin1_code, event_type: the series (``admin1_code=None`` with
            ``level='country'`` for a country total).
        level: ``admin1`` or ``country`` (default: from ``admin1_code``).
        since: first day returned (the computation always starts at the first event).
        until, as_of: the data-through day, as in :func:`detect_signals`.
        method: whose alarms and onsets to mark (``alarm`` is the kind of each alarm day;
            ``first_alarm`` marks the first alarm of each episode; ``onset`` each
            episode's estimated onset).
        type_filter: a sub-event type the series is built from.

    Returns:
        One row per day (columns :data:`TRACE_COLUMNS`); baseline columns are null
        before a full baseline exists (the first 63 days).
    """
    from intensity.dates import parse_date

    params = params or DetectParams()
    through, ref, _, _, _, tf = _resolve(con, until=until, as_of=as_of, country=None, region=None,
                                         event_type=type_filter)
    if through is None:
        raise UsageError("the store holds no events")
    data = _load(con, through, tf, params, totals=True)
    run = screen_series(data, params=params, calibration=calibration)
    lo = parse_date(since, as_of=ref) if since is not None else None
    return trace_run(run, country=country.upper(), admin1_code=admin1_code, event_type=event_type, level=level,
                     method=_methods(method)[0], since=lo)
