"""How much, since when, how sure: rate ratios, trends and intensity ratios per series and day.

Two implementations of the same models:

* :func:`quantify` evaluates them for many (day, series) pairs at once with numpy.
  The two-group NB GLM with fixed dispersion has a closed-form MLE (the group means)
  and Wald variance ``(1 + alpha m0)/(n0 m0) + (1 + alpha m1)/(n1 m1)``; the
  quasi-Poisson intensity model likewise, with the Pearson scale; the log-linear
  trend is fitted by batched IRLS (the algorithm statsmodels' GLM uses).
* :func:`quantify_statsmodels` fits the same models one by one with
  ``statsmodels.api.GLM`` (``NegativeBinomial(alpha=...)``; ``Poisson`` with
  ``scale='X2'``): used for every signal and the top-ranked series; tests check that
  both agree.

Windows for a day ``d`` (all days ``<= d``): the 7-day ratio compares days
``d-6..d`` with the CUSUM baseline ``d-63..d-8``; the 28-day ratio compares
``d-27..d`` with the 56 days before them (``d-83..d-28``); the trend is fitted over
``d-27..d``; the intensity ratio uses the 7-day windows. When a window has no events,
0.5 is added to both totals (Haldane's correction; the estimate is then marked
``corrected``); when both are empty there is no ratio (NaN). The trend is left empty when it is not estimable (events on fewer
than 3 of the 28 days, or a slope beyond x20 a week, the sign of quasi-separation).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import ndtr

Z975 = 1.959963984540054
FIELDS = ("rr7", "rr7_lo", "rr7_hi", "p_value", "p_value_down", "rr28", "rr28_lo", "rr28_hi",
          "trend_pct_week", "trend_lo", "trend_hi", "intensity_ratio", "intensity_lo", "intensity_hi",
          "intensity_p", "corrected")


def _sums(c: np.ndarray, day: np.ndarray, series: np.ndarray, lo_off: int, hi_off: int) -> np.ndarray:
    """Sum over days d-lo_off .. d-hi_off from prefix sums ``c`` ((T+1, n)); NaN if incomplete."""
    a = day - lo_off
    ok = a >= 0
    out = np.full(len(day), np.nan)
    out[ok] = c[day[ok] - hi_off + 1, series[ok]] - c[a[ok], series[ok]]
    return out


def _ratio(s1, n1, s0, n0, alpha):
    """log rate ratio, its Wald SE under NB(alpha), and whether a zero total was corrected.

    Two empty windows say nothing about a ratio: NaN (the corrected 0.5 / 0.5 would read
    as a ratio of n0 / n1, 8 for 7 days against 56).
    """
    corrected = (s1 == 0) | (s0 == 0)
    s1c = np.where(corrected, s1 + 0.5, s1)
    s0c = np.where(corrected, s0 + 0.5, s0)
    m1, m0 = s1c / n1, s0c / n0
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where((s1 == 0) & (s0 == 0), np.nan, np.log(m1 / m0))
        se = np.sqrt((1 + alpha * m0) / (n0 * m0) + (1 + alpha * m1) / (n1 * m1))
    return b, se, corrected


def _qp_ratio(w1, n1, w0, n0, ss1, ss0):
    """Quasi-Poisson log ratio of mean intensities and its SE (Pearson scale)."""
    corrected = (w1 <= 0) | (w0 <= 0)
    m1 = np.where(corrected, (w1 + 0.5) / n1, w1 / n1)
    m0 = np.where(corrected, (w0 + 0.5) / n0, w0 / n0)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Pearson X2 = sum (y - m)^2 / m per group, from the sums of y and y^2.
        x2 = (ss1 - 2 * m1 * w1 + n1 * m1 * m1) / m1 + (ss0 - 2 * m0 * w0 + n0 * m0 * m0) / m0
        phi = np.maximum(x2 / (n0 + n1 - 2), 1e-12)
        b = np.where((w1 <= 0) & (w0 <= 0), np.nan, np.log(m1 / m0))  # as in _ratio
        se = np.sqrt(phi * (1 / (n0 * m0) + 1 / (n1 * m1)))
    return b, se


MAX_TREND = 3.0  # |log weekly ratio| above this (x20 a week) means separation, not a trend


def _trend_estimable(y: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A 28-day trend is reported only with events on >= 3 days and a finite, sane slope.

    Counts that are zero for weeks and then jump give a log-linear fit with no finite
    slope (quasi-separation); those are left empty rather than reported as +1e60 %/week.
    """
    return ((y > 0).sum(axis=1) >= 3) & np.isfinite(b) & (np.abs(b) <= MAX_TREND)


def trend_irls(y: np.ndarray, alpha: np.ndarray, *, iters: int = 30, tol: float = 1e-9):
    """Batched NB log-linear fit ``log mu = a + b (t / 7)`` for each row of ``y`` (m, L).

    Returns ``(b, se_b)``: the log weekly ratio and its Wald SE (NaN for all-zero rows).
    """
    m, L = y.shape
    t = (np.arange(L) - (L - 1) / 2.0) / 7.0
    X = np.stack([np.ones(L), t], axis=1)
    ybar = y.mean(axis=1, keepdims=True)
    mu = (y + ybar) / 2.0  # statsmodels' starting values
    mu = np.maximum(mu, 1e-8)
    eta = np.log(mu)
    alpha = alpha[:, None]
    beta = np.zeros((m, 2))
    for _ in range(iters):
        w = mu / (1.0 + alpha * mu)
        z = eta + (y - mu) / mu
        xtw = X.T[None, :, :] * w[:, None, :]          # (m, 2, L)
        a = xtw @ X                                     # (m, 2, 2)
        rhs = (xtw @ z[:, :, None])[:, :, 0]
        det = a[:, 0, 0] * a[:, 1, 1] - a[:, 0, 1] ** 2
        new = np.stack([(a[:, 1, 1] * rhs[:, 0] - a[:, 0, 1] * rhs[:, 1]) / det,
                        (a[:, 0, 0] * rhs[:, 1] - a[:, 0, 1] * rhs[:, 0]) / det], axis=1)
        step = np.abs(new - beta).max(axis=1)
        done = not np.any(step >= tol)  # NaN rows (all-zero windows) do not hold the batch up
        beta = new
        eta = np.clip(beta @ X.T, -30, 30)
        mu = np.exp(eta)
        if done:
            break
    w = mu / (1.0 + alpha * mu)
    a = (X.T[None, :, :] * w[:, None, :]) @ X
    det = a[:, 0, 0] * a[:, 1, 1] - a[:, 0, 1] ** 2
    se = np.sqrt(a[:, 0, 0] / det)
    zero = y.sum(axis=1) == 0
    return np.where(zero, np.nan, beta[:, 1]), np.where(zero, np.nan, se)


def quantify(x: np.ndarray, intensity: np.ndarray, alpha: np.ndarray, day: np.ndarray,
             series: np.ndarray, *, baseline_days: int = 56, guard_days: int = 7,
             recent_days: int = 7, long_days: int = 28) -> dict[str, np.ndarray]:
    """Vectorised quantification at (day, series) pairs of day-major ``x`` and ``intensity``.

    Args:
        x: counts (T, n); intensity: the severity-weighted index (T, n).
        alpha: dispersion per pair (the detector's shrunk estimate on that day).
        day, series: the pairs to evaluate.

    Returns:
        Arrays named as :data:`FIELDS` (rates as ratios, trend in % per week).
    """
    day = np.asarray(day, dtype=np.int64)
    series = np.asarray(series, dtype=np.int64)
    alpha = np.nan_to_num(np.asarray(alpha, dtype=float), nan=0.0)
    # Only the series asked for, and only the days up to the last one asked for.
    cols, series = np.unique(series, return_inverse=True)
    if len(day):
        x, intensity = x[: day.max() + 1, cols], intensity[: day.max() + 1, cols]
    c = np.zeros((x.shape[0] + 1, x.shape[1]))
    np.cumsum(x, axis=0, out=c[1:])
    b, g, r, L = baseline_days, guard_days, recent_days, long_days
    out: dict[str, np.ndarray] = {}
    s1 = _sums(c, day, series, r - 1, 0)
    s0 = _sums(c, day, series, b + g, g + 1)
    lr, se, corr = _ratio(s1, r, s0, b, alpha)
    out["rr7"], out["rr7_lo"], out["rr7_hi"] = np.exp(lr), np.exp(lr - Z975 * se), np.exp(lr + Z975 * se)
    z = lr / se
    out["p_value"], out["p_value_down"] = 1.0 - ndtr(z), ndtr(z)
    out["corrected"] = corr
    l1 = _sums(c, day, series, L - 1, 0)
    l0 = _sums(c, day, series, L + b - 1, L)
    lr, se, _ = _ratio(l1, L, l0, b, alpha)
    out["rr28"], out["rr28_lo"], out["rr28_hi"] = np.exp(lr), np.exp(lr - Z975 * se), np.exp(lr + Z975 * se)
    # Trend over the last 28 days.
    idx = day[:, None] + np.arange(-L + 1, 1)[None, :]
    ok = idx[:, 0] >= 0
    tb = np.full(len(day), np.nan)
    tse = np.full(len(day), np.nan)
    if ok.any():
        y = x[idx[ok], series[ok, None]]
        tb[ok], tse[ok] = trend_irls(y, alpha[ok])
        bad = ~_trend_estimable(y, tb[ok])
        tb[np.flatnonzero(ok)[bad]] = np.nan
    with np.errstate(invalid="ignore", over="ignore"):
        out["trend_pct_week"] = 100.0 * (np.exp(tb) - 1.0)
        out["trend_lo"] = 100.0 * (np.exp(tb - Z975 * tse) - 1.0)
        out["trend_hi"] = 100.0 * (np.exp(tb + Z975 * tse) - 1.0)
    # Intensity: quasi-Poisson ratio of mean daily intensity, recent 7 days vs baseline.
    ci = np.zeros_like(c)
    np.cumsum(intensity, axis=0, out=ci[1:])
    ci2 = np.zeros_like(c)
    np.cumsum(intensity * intensity, axis=0, out=ci2[1:])
    w1, w0 = _sums(ci, day, series, r - 1, 0), _sums(ci, day, series, b + g, g + 1)
    q1, q0 = _sums(ci2, day, series, r - 1, 0), _sums(ci2, day, series, b + g, g + 1)
    lr, se = _qp_ratio(w1, r, w0, b, q1, q0)
    out["intensity_ratio"] = np.exp(lr)
    out["intensity_lo"], out["intensity_hi"] = np.exp(lr - Z975 * se), np.exp(lr + Z975 * se)
    out["intensity_p"] = 1.0 - ndtr(lr / se)
    return out


def _fit(model, start, **fit):
    """Fit from ``start``; retry from statsmodels' own start; ``None`` if both fail."""
    for kw in ({"start_params": start}, {}):
        try:
            res = model.fit(**kw, **fit)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if np.all(np.isfinite(res.params)) and np.all(np.isfinite(res.bse)):
            return res
    return None


def quantify_statsmodels(x: np.ndarray, intensity: np.ndarray, alpha: np.ndarray, day: np.ndarray,
                         series: np.ndarray, *, baseline_days: int = 56, guard_days: int = 7,
                         recent_days: int = 7, long_days: int = 28) -> dict[str, np.ndarray]:
    """The same quantities as :func:`quantify`, each fitted with ``statsmodels.api.GLM``.

    Windows with a zero total fall back to the continuity-corrected closed form
    (a GLM has no finite estimate there).
    """
    # statsmodels.api's GLM and families, imported from their modules: statsmodels.api also
    # imports its datasets and test runner (0.9 s more import time, measured
    # with -X importtime on a loaded machine).
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    day = np.asarray(day, dtype=np.int64)
    series = np.asarray(series, dtype=np.int64)
    alpha = np.nan_to_num(np.asarray(alpha, dtype=float), nan=0.0)
    fast = quantify(x, intensity, alpha, day, series, baseline_days=baseline_days, guard_days=guard_days,
                    recent_days=recent_days, long_days=long_days)
    out = {k: v.copy() for k, v in fast.items()}
    b, g, r, L = baseline_days, guard_days, recent_days, long_days

    def two_group(y0, y1, family, **fit):
        y = np.concatenate([y0, y1])
        X = np.column_stack([np.ones(len(y)), np.r_[np.zeros(len(y0)), np.ones(len(y1))]])
        # Started at the closed-form MLE (the group means), IRLS confirms it in one step.
        start = [np.log(y0.mean()), np.log(y1.mean() / y0.mean())]
        res = _fit(GLM(y, X, family=family), start, **fit)
        return (res.params[1], res.bse[1]) if res is not None else (np.nan, np.nan)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for k, (d, i) in enumerate(zip(day, series)):
            a = max(float(alpha[k]), 1e-8)
            nb = families.NegativeBinomial(alpha=a)
            if d - (b + g) >= 0:
                y0, y1 = x[d - b - g: d - g, i], x[d - r + 1: d + 1, i]
                lr, se = two_group(y0, y1, nb) if y0.sum() > 0 and y1.sum() > 0 else (np.nan, np.nan)
                if np.isfinite(se):  # else the (continuity-corrected) closed form stays
                    out["rr7"][k] = np.exp(lr)
                    out["rr7_lo"][k], out["rr7_hi"][k] = np.exp(lr - Z975 * se), np.exp(lr + Z975 * se)
                    out["p_value"][k], out["p_value_down"][k] = 1.0 - ndtr(lr / se), ndtr(lr / se)
                w0, w1 = intensity[d - b - g: d - g, i], intensity[d - r + 1: d + 1, i]
                lr, se = (two_group(w0, w1, families.Poisson(), scale="X2")
                          if w0.sum() > 0 and w1.sum() > 0 else (np.nan, np.nan))
                if np.isfinite(se):
                    out["intensity_ratio"][k] = np.exp(lr)
                    out["intensity_lo"][k], out["intensity_hi"][k] = np.exp(lr - Z975 * se), np.exp(lr + Z975 * se)
                    out["intensity_p"][k] = 1.0 - ndtr(lr / se)
            if d - (L + b - 1) >= 0:
                y0, y1 = x[d - L - b + 1: d - L + 1, i], x[d - L + 1: d + 1, i]
                lr, se = two_group(y0, y1, nb) if y0.sum() > 0 and y1.sum() > 0 else (np.nan, np.nan)
                if np.isfinite(se):
                    out["rr28"][k] = np.exp(lr)
                    out["rr28_lo"][k], out["rr28_hi"][k] = np.exp(lr - Z975 * se), np.exp(lr + Z975 * se)
            if d - L + 1 >= 0:
                y = x[d - L + 1: d + 1, i]
                if y.sum() > 0:
                    t = (np.arange(L) - (L - 1) / 2.0) / 7.0
                    b0 = fast["trend_pct_week"][k]
                    start = [np.log(y.mean()), np.log1p(b0 / 100.0) if np.isfinite(b0) and b0 > -99 else 0.0]
                    res = _fit(GLM(y, np.column_stack([np.ones(len(t)), t]), family=nb), start)
                    if res is None:
                        continue  # keep the batched IRLS value
                    tb, tse = res.params[1], res.bse[1]
                    if not _trend_estimable(y[None, :], np.array([tb]))[0]:
                        continue
                    out["trend_pct_week"][k] = 100.0 * (np.exp(tb) - 1.0)
                    out["trend_lo"][k] = 100.0 * (np.exp(tb - Z975 * tse) - 1.0)
                    out["trend_hi"][k] = 100.0 * (np.exp(tb + Z975 * tse) - 1.0)
    return out
