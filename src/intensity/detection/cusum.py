"""The default detector: a negative-binomial log-likelihood-ratio CUSUM over all series at once.

Arrays here are *day-major*: ``x[t, i]`` is the count of series ``i`` on day ``t``,
so the online loop reads one contiguous row per day. Everything a day's decision
uses comes from days ``<= t`` (no look-ahead):

* baseline mean ``m[t]`` = mean of days ``t-63 .. t-8`` (56 days, then a 7-day guard band);
* dispersion ``alpha[t]``: method-of-moments over the same window, shrunk toward the
  pooled value of the series' event type on that day (empirical Bayes weight
  ``tau^2 / (tau^2 + V)``, where ``V ~ 2 (1/m + alpha)^2 / (n - 1)`` is the sampling
  variance of the moment estimate);
* log-likelihood ratio of NB(mean r*m, alpha) against NB(mean m, alpha) for the day's
  count, accumulated as ``S[t] = max(0, S[t-1] + llr[t])``; an alarm when ``S`` exceeds
  the calibrated threshold of the series' (base rate, dispersion) band, after which
  ``S`` restarts at 0. The onset estimate is the day after ``S`` was last 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from intensity.detection.params import DetectParams

ALPHA_FLOOR = 1e-6


@dataclass
class Baseline:
    """Trailing-window statistics per day and series (day-major ``(T, n)`` arrays).

    Attributes:
        start: first day index with a full baseline window (``baseline_days + guard_days``).
        base_sum: events in the baseline window (NaN before ``start``).
        mean: baseline mean per day (``base_sum / baseline_days``).
        alpha_raw: the series' own moment estimate of the dispersion (NaN where mean is 0).
        alpha: the shrunk dispersion used by the detector and the GLMs.
        alpha_pool: the pooled value of the series' event type.
        recent: events in the last ``recent_days`` days, the day itself included.
    """

    start: int
    base_sum: np.ndarray
    mean: np.ndarray
    alpha_raw: np.ndarray
    alpha: np.ndarray
    alpha_pool: np.ndarray
    recent: np.ndarray


def _prefix(x: np.ndarray) -> np.ndarray:
    c = np.zeros((x.shape[0] + 1, x.shape[1]))
    np.cumsum(x, axis=0, out=c[1:])
    return c


def window_sum(c: np.ndarray, lo_off: int, hi_off: int) -> np.ndarray:
    """Sums over days ``t-lo_off .. t-hi_off`` for every ``t`` from a prefix sum ``c``.

    Days with an incomplete window are NaN.
    """
    t_len = c.shape[0] - 1
    out = np.full((t_len, c.shape[1]), np.nan)
    if lo_off < t_len:
        # sum x[t-lo .. t-hi] = c[t-hi+1] - c[t-lo]
        out[lo_off:] = c[lo_off - hi_off + 1: t_len - hi_off + 1] - c[: t_len - lo_off]
    return out


def trailing_sum(c: np.ndarray, days: int) -> np.ndarray:
    """Sums over the last ``days`` days (the day included); partial at the start."""
    t_len = c.shape[0] - 1
    idx = np.arange(1, t_len + 1)
    return c[idx] - c[np.maximum(idx - days, 0)]


def baseline(x: np.ndarray, groups: np.ndarray, params: DetectParams) -> Baseline:
    """Baseline mean and shrunk dispersion per day for day-major counts ``x`` (T, n).

    Args:
        x: counts, shape (days, series).
        groups: event-type index per series (pooling groups), shape (series,).
        params: detector settings.
    """
    b, g = params.baseline_days, params.guard_days
    c = _prefix(x)
    c2 = _prefix(x * x)
    lo, hi = b + g, g + 1  # days t-63 .. t-8
    s1 = window_sum(c, lo, hi)
    s2 = window_sum(c2, lo, hi)
    m = s1 / b
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (s2 - b * m * m) / (b - 1)
        pos = m > 0
        excess = np.where(pos, var - m, 0.0)
        m2 = np.where(pos, m * m, 0.0)
        alpha_raw = np.where(pos, np.clip(excess / np.where(pos, m2, 1.0), 0.0, params.alpha_max), np.nan)

        groups = np.asarray(groups, dtype=np.int64)
        k = int(groups.max()) + 1 if groups.size else 1
        onehot = np.zeros((len(groups), k))
        onehot[np.arange(len(groups)), groups] = 1.0
        # Pooled dispersion per type and day: a ratio of pooled moments, which weights
        # high-count series (whose moments say most about alpha) most.
        num = excess @ onehot
        den = m2 @ onehot
        pool = np.clip(np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0), 0.0, params.alpha_max)
        pool_i = pool[:, groups]
        v = np.where(pos, 2.0 * (1.0 / np.where(pos, m, 1.0) + pool_i) ** 2 / (b - 1), 0.0)
        a0 = np.where(pos, alpha_raw, 0.0)
        cnt = pos.astype(float) @ onehot
        mean_a = (a0 @ onehot) / np.maximum(cnt, 1)
        var_a = (a0 * a0) @ onehot / np.maximum(cnt, 1) - mean_a**2
        tau2 = np.maximum(var_a - (v @ onehot) / np.maximum(cnt, 1), params.tau2_min)
        tau2 = np.where(cnt >= 3, tau2, np.inf)  # too few series to pool: keep each own estimate
        tau2_i = tau2[:, groups]
        w = np.where(np.isinf(tau2_i), 1.0, tau2_i / (tau2_i + v))
        alpha = np.where(pos, w * alpha_raw + (1.0 - w) * pool_i, np.nan)
    alpha = np.clip(alpha, ALPHA_FLOOR, params.alpha_max)
    recent = trailing_sum(c, params.recent_days)
    return Baseline(start=lo, base_sum=s1, mean=m, alpha_raw=alpha_raw, alpha=alpha,
                    alpha_pool=pool_i, recent=recent)


def nb_llr(x: np.ndarray, mu: np.ndarray, alpha: np.ndarray, ratio: float) -> np.ndarray:
    """log P(x | NB(ratio*mu, alpha)) - log P(x | NB(mu, alpha)), element-wise.

    With size ``k = 1/alpha``: ``x log r - (x + k) log((r mu + k) / (mu + k))``, written
    with ``log1p`` so that small alpha tends smoothly to the Poisson ratio.
    """
    a = np.maximum(alpha, ALPHA_FLOOR)
    am = a * mu
    with np.errstate(invalid="ignore"):
        return x * np.log(ratio) - (x + 1.0 / a) * np.log1p((ratio - 1.0) * am / (1.0 + am))


@dataclass
class Alarms:
    """Alarm days of one side of the CUSUM: parallel arrays, in time order."""

    series: np.ndarray
    day: np.ndarray
    onset: np.ndarray
    statistic: np.ndarray
    threshold: np.ndarray

    @classmethod
    def empty(cls) -> "Alarms":
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z.copy(), z.copy(), np.zeros(0), np.zeros(0))


def run_cusum(llr: np.ndarray, threshold, allow: np.ndarray, start: int,
              *, record: bool = True) -> tuple[np.ndarray | None, Alarms]:
    """Run ``S[t] = max(0, S[t-1] + llr[t])`` with alarms and reset, over all series at once.

    Args:
        llr: (T, n) daily log-likelihood ratios; ``-inf`` holds ``S`` at 0 that day.
        threshold: scalar, or (T, n) thresholds.
        allow: (T, n) boolean guard: an alarm needs ``S > threshold`` and ``allow``.
        start: first day evaluated.
        record: keep the (T, n) path of ``S`` (before any reset).

    Returns:
        ``(S, alarms)``; ``S`` is None unless ``record``.
    """
    t_len, n = llr.shape
    s = np.zeros(n)
    last_zero = np.full(n, start - 1, dtype=np.int64)
    path = np.zeros((t_len, n)) if record else None
    scalar = np.ndim(threshold) == 0
    out = []
    for t in range(start, t_len):
        s += llr[t]
        np.maximum(s, 0.0, out=s)
        last_zero[s == 0.0] = t
        if record:
            path[t] = s
        h = threshold if scalar else threshold[t]
        hit = (s > h) & allow[t]
        if hit.any():
            idx = np.flatnonzero(hit)
            out.append((idx, np.full(len(idx), t), last_zero[idx] + 1, s[idx].copy(),
                        np.full(len(idx), h) if scalar else h[idx]))
            s[idx] = 0.0
            last_zero[idx] = t
    if not out:
        return path, Alarms.empty()
    cols = [np.concatenate(c) for c in zip(*out)]
    return path, Alarms(cols[0].astype(np.int64), cols[1].astype(np.int64), cols[2].astype(np.int64),
                        cols[3].astype(float), cols[4].astype(float))


def episodes(series: np.ndarray, day: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray]:
    """Group alarm days into episodes: alarms of a series at most ``gap`` days apart.

    Returns:
        ``(order, episode)``: the sort order of the alarms (series, day) and, for each
        sorted alarm, its episode number (0, 1, ...).
    """
    order = np.lexsort((day, series))
    s, d = series[order], day[order]
    new = np.ones(len(s), dtype=bool)
    if len(s) > 1:
        new[1:] = (s[1:] != s[:-1]) | (d[1:] - d[:-1] > gap)
    return order, np.cumsum(new) - 1


@dataclass
class Prepared:
    """Everything the online loop needs, computed in bulk (day-major arrays)."""

    base: Baseline
    llr_up: np.ndarray
    allow_up: np.ndarray
    llr_down: np.ndarray
    emergence: np.ndarray


def prepare(x: np.ndarray, groups: np.ndarray, params: DetectParams) -> Prepared:
    """Baselines, daily log-likelihood ratios and guards for counts ``x`` (T, n)."""
    base = baseline(x, groups, params)
    with np.errstate(invalid="ignore"):
        ok = base.mean > 0
        llr_up = np.where(ok, nb_llr(x, base.mean, base.alpha, params.design_ratio), -np.inf)
        allow_up = base.recent >= params.min_recent_events
        ok_down = base.mean >= params.drop_min_rate
        llr_down = np.where(ok_down, nb_llr(x, base.mean, base.alpha, params.design_ratio_down), -np.inf)
        # New activity after a silent baseline: the NB ratio is undefined there.
        emergence = (base.base_sum == 0) & allow_up
    emergence[: base.start] = False
    return Prepared(base=base, llr_up=llr_up, allow_up=allow_up, llr_down=llr_down, emergence=emergence)


@dataclass
class Screen:
    """Result of screening all series: paths, thresholds and alarm days of both sides.

    ``up`` holds escalation and emergence alarms (``up_kind`` says which),
    ``down`` the de-escalation alarms. Paths are day-major ``(T, n)``.
    """

    x: np.ndarray
    prep: Prepared
    s_up: np.ndarray
    s_down: np.ndarray
    h_up: np.ndarray
    h_down: np.ndarray
    up: Alarms
    up_kind: np.ndarray
    down: Alarms


def screen(x: np.ndarray, groups: np.ndarray, params: DetectParams, calibration) -> Screen:
    """Run the NB-CUSUM (both sides) and the emergence rule over day-major counts ``x``.

    Args:
        x: counts, shape (days, series).
        groups: event-type index per series, for pooling the dispersion.
        params: detector settings.
        calibration: a :class:`~intensity.detection.calibrate.Calibration` giving the
            threshold for each (baseline rate, dispersion) band.
    """
    prep = prepare(x, groups, params)
    base = prep.base
    h_up, h_down = calibration.thresholds(base.mean, base.alpha)
    s_up, up = run_cusum(prep.llr_up, h_up, prep.allow_up, base.start)
    s_down, down = run_cusum(prep.llr_down, h_down, np.ones_like(prep.allow_up), base.start)
    # Emergence alarms: onset is the first day with events in the recent window.
    et, ei = np.nonzero(prep.emergence)
    r = params.recent_days
    win = np.clip(et[:, None] + np.arange(-r + 1, 1)[None, :], 0, None)
    first = np.argmax(x[win, ei[:, None]] > 0, axis=1)
    em = Alarms(ei.astype(np.int64), et.astype(np.int64), (win[np.arange(len(et)), first]).astype(np.int64),
                base.recent[et, ei].astype(float), np.full(len(et), float(params.min_recent_events)))
    kinds = np.array(["escalation"] * len(up.day) + ["emergence"] * len(em.day), dtype=object)
    allup = Alarms(*(np.concatenate([getattr(up, f), getattr(em, f)])
                     for f in ("series", "day", "onset", "statistic", "threshold")))
    return Screen(x=x, prep=prep, s_up=s_up, s_down=s_down, h_up=h_up, h_down=h_down,
                  up=allup, up_kind=kinds, down=down)
