"""Reference detectors used in practice, implemented exactly as their rules are published.

They take the same day-major arrays as the default detector (``x[t, i]``) and
return :class:`~intensity.detection.cusum.Alarms`. None of them reports
uncertainty or controls false alarms; they are here so users can compare.

* ``acled_surge``: ACLED's conflict surge rule, on Saturday-Friday weeks: a week's
  events are at least 100 % above the mean of the previous four weeks, only where
  that mean is at least 1. Evaluated on each Friday (the day the week is complete).
* ``hdx_fatalities``: HDX Signals-style: the 30-day fatality sum is a new maximum
  over the previous year (``hdx_years``) and at least ``hdx_floor``.
* ``ears_c2``: CDC EARS C2: ``(x_t - mean) / sd > 3`` with mean and sd over days
  ``t-9 .. t-3`` (a 7-day baseline after a 2-day lag), sd floored at ``ears_min_sigma``.
* ``pelt``: ruptures' PELT (l2 cost) on the trailing window of variance-stabilised counts.
"""

from __future__ import annotations

import numpy as np

from intensity.detection.cusum import Alarms, _prefix, trailing_sum, window_sum
from intensity.detection.params import DetectParams


def _alarms(hit: np.ndarray, onset_offset, statistic: np.ndarray, threshold: float) -> Alarms:
    t, i = np.nonzero(hit)
    onset = t - onset_offset if np.ndim(onset_offset) == 0 else onset_offset[t, i]
    return Alarms(i.astype(np.int64), t.astype(np.int64), np.asarray(onset, dtype=np.int64),
                  statistic[t, i].astype(float), np.full(len(t), float(threshold)))


def acled_surge(x: np.ndarray, *, day0_weekday: int, params: DetectParams) -> Alarms:
    """ACLED surge: last Saturday-Friday week >= (1 + 100 %) x mean of the 4 weeks before.

    Args:
        x: day-major counts.
        day0_weekday: weekday of day index 0 (Monday 0 ... Sunday 6).
        params: ``surge_ratio`` (2 = "100 % above") and ``surge_min_avg`` (1).
    """
    c = _prefix(x)
    week = window_sum(c, 6, 0)          # days t-6 .. t
    before = window_sum(c, 34, 7) / 4.0  # mean weekly count of the 4 weeks before
    t_len = x.shape[0]
    friday = ((day0_weekday + np.arange(t_len)) % 7 == 4)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        hit = friday & (before >= params.surge_min_avg) & (week >= params.surge_ratio * before)
        ratio = week / before
    return _alarms(np.nan_to_num(hit, nan=False).astype(bool), 6, ratio, params.surge_ratio)


def _trailing_max(a: np.ndarray, size: int) -> np.ndarray:
    """max(a[t-size+1 .. t]) along axis 0 (NaN while the window is incomplete)."""
    from scipy.ndimage import maximum_filter1d

    filled = np.where(np.isnan(a), -np.inf, a)
    out = maximum_filter1d(filled, size=size, axis=0, origin=(size - 1) // 2, mode="nearest")
    out[: size - 1] = np.nan
    return out


def hdx_fatalities(fatalities: np.ndarray, *, params: DetectParams) -> Alarms:
    """30-day fatality sum at a new ``hdx_years``-year maximum, with a floor of ``hdx_floor``."""
    c = _prefix(fatalities)
    f30 = window_sum(c, 29, 0)
    span = 365 * params.hdx_years
    prior = np.full_like(f30, np.nan)
    prior[1:] = _trailing_max(f30, span)[:-1]  # max over t-span .. t-1
    with np.errstate(invalid="ignore"):
        hit = (f30 >= params.hdx_floor) & (f30 > prior)
    return _alarms(np.nan_to_num(hit, nan=False).astype(bool), 29, f30, params.hdx_floor)


def ears_c2(x: np.ndarray, *, params: DetectParams) -> Alarms:
    """EARS C2: z-score of today's count against days t-9 .. t-3."""
    c, c2 = _prefix(x), _prefix(x * x)
    s1, s2 = window_sum(c, 9, 3), window_sum(c2, 9, 3)
    m = s1 / 7.0
    with np.errstate(invalid="ignore"):
        sd = np.sqrt(np.maximum((s2 - 7.0 * m * m) / 6.0, 0.0))
        z = (x - m) / np.maximum(sd, params.ears_min_sigma)
        hit = z > params.ears_threshold
    return _alarms(np.nan_to_num(hit, nan=False).astype(bool), 0, z, params.ears_threshold)


def pelt(x: np.ndarray, *, params: DetectParams, start: int | None = None) -> Alarms:
    """Changepoints by PELT (ruptures, ``l2`` cost on ``2 sqrt(x + 3/8)``), run online.

    Every ``pelt_step`` days, PELT is fitted to the trailing ``pelt_window`` days only
    (so nothing after the evaluation day is used). An alarm is raised when the last
    change point found lies within ``pelt_recent`` days and the level after it is
    higher; the change point is the onset.

    Raises:
        UsageError: ruptures is not installed.
    """
    try:
        import ruptures as rpt
    except ImportError:  # pragma: no cover - ruptures is a dependency
        from intensity.errors import UsageError

        raise UsageError("--method pelt needs the `ruptures` package", hint="pip install ruptures") from None
    w, step = params.pelt_window, params.pelt_step
    # KernelCPD with the linear kernel is PELT with the l2 cost, in ruptures' C code.
    algo = rpt.KernelCPD(kernel="linear", min_size=7, jump=1)
    t_len, n = x.shape
    y_all = 2.0 * np.sqrt(x + 0.375)
    first = max(w - 1, start or 0)
    out = []
    for t in range(first, t_len, step):
        seg_all = y_all[t - w + 1: t + 1]
        d = np.diff(seg_all, axis=0)
        sigma = 1.4826 * np.median(np.abs(d - np.median(d, axis=0)), axis=0) / np.sqrt(2.0)
        for i in np.flatnonzero(sigma > 0):
            y = seg_all[:, i]
            bkps = algo.fit(y).predict(pen=params.pelt_penalty * sigma[i] ** 2 * np.log(w))
            if len(bkps) < 2:
                continue
            b = int(bkps[-2])
            if w - b > params.pelt_recent:
                continue
            before, after = x[t - w + 1: t - w + 1 + b, i].mean(), x[t - w + 1 + b: t + 1, i].mean()
            if after > before:
                out.append((i, t, t - w + 1 + b, after / max(before, 1e-9)))
    if not out:
        return Alarms.empty()
    a = np.array(out, dtype=float)
    return Alarms(a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2].astype(np.int64), a[:, 3],
                  np.full(len(a), np.nan))


def recent_count(x: np.ndarray, days: int) -> np.ndarray:
    """Events in the last ``days`` days per day and series (partial at the start)."""
    return trailing_sum(_prefix(x), days)
