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

ALPHA_FLOOR = 1e-3  # also keeps the float32 log-ratio exact to ~1e-4 per day


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


@dataclass
class Stats:
    """Trailing-window statistics of some days (rows) for every series (columns).

    Attributes:
        base_sum: events in the baseline window.
        mean: baseline mean (``base_sum / baseline_days``).
        alpha: the shrunk dispersion used by the detector and the GLMs (the type's
            pooled value where the baseline has no events).
        alpha_pool: the pooled value of the series' type.
        recent: events in the last ``recent_days`` days, the day itself included.
    """

    base_sum: np.ndarray
    mean: np.ndarray
    alpha: np.ndarray
    alpha_pool: np.ndarray
    recent: np.ndarray


def _onehot(groups: np.ndarray) -> np.ndarray:
    groups = np.asarray(groups, dtype=np.int64)
    k = int(groups.max()) + 1 if groups.size else 1
    onehot = np.zeros((len(groups), k))
    onehot[np.arange(len(groups)), groups] = 1.0
    return onehot


def block_stats(x: np.ndarray, t0: int, t1: int, groups: np.ndarray, params: DetectParams,
                onehot: np.ndarray | None = None) -> Stats:
    """Baseline statistics of days ``t0 .. t1-1`` (``t0 >= baseline_days + guard_days``).

    Only days ``<= t1 - 1`` are read. Each step is one pass over the block; pooled
    quantities are small (days x groups) matrix products.
    """
    b, g, r = params.baseline_days, params.guard_days, params.recent_days
    lo = b + g
    if t0 < lo:
        raise ValueError(f"day {t0} has no full baseline window (needs {lo} days of history)")
    groups = np.asarray(groups, dtype=np.int64)
    onehot = _onehot(groups) if onehot is None else onehot
    w = x[t0 - lo: t1]
    c = np.zeros((w.shape[0] + 1, w.shape[1]))
    np.cumsum(w, axis=0, out=c[1:])
    c2 = np.zeros_like(c)
    np.cumsum(w * w, axis=0, out=c2[1:])
    k = t1 - t0
    # Local row j is day t0 + j: baseline t-63 .. t-8 = c[j + lo - g] - c[j]; recent t-6 .. t.
    s1 = c[lo - g: lo - g + k] - c[:k]
    s2 = c2[lo - g: lo - g + k] - c2[:k]
    recent = c[lo + 1: lo + 1 + k] - c[lo + 1 - r: lo + 1 - r + k]
    del c, c2
    m = s1 * (1.0 / b)
    pos = s1 > 0
    # The dispersion is a statistical estimate: float32 is plenty and halves the work.
    f4 = np.float32
    m4 = m.astype(f4)
    inv_m = np.divide(f4(1.0), m4, out=np.zeros_like(m4), where=pos)
    excess = ((s2 - m * s1) * (1.0 / (b - 1)) - m).astype(f4)      # sample variance minus mean
    excess *= pos
    alpha_raw = excess * inv_m
    alpha_raw *= inv_m
    np.clip(alpha_raw, 0.0, params.alpha_max, out=alpha_raw)
    oh = onehot.astype(f4)
    # Pooled dispersion per type and day: a ratio of pooled moments, which weights
    # high-count series (whose moments say most about alpha) most.
    num, den = excess @ oh, (m4 * m4) @ oh
    pool = np.clip(np.divide(num, den, out=np.zeros_like(num), where=den > 0), 0.0, params.alpha_max)
    pool_i = pool[:, groups]
    # Sampling variance of each moment estimate, and the spread of true values within the type.
    v = inv_m + pool_i
    v *= v
    v *= f4(2.0 / (b - 1))
    v *= pos
    cnt = pos.astype(f4) @ oh
    safe = np.maximum(cnt, 1.0)
    mean_a = (alpha_raw @ oh) / safe
    tau2 = np.maximum(((alpha_raw * alpha_raw) @ oh) / safe - mean_a**2 - (v @ oh) / safe,
                      f4(params.tau2_min))
    tau2 = np.where(cnt >= 3, tau2, f4(1e12))  # too few series to pool: each keeps its own estimate
    tau2_i = tau2[:, groups]
    v += tau2_i
    np.divide(tau2_i, v, out=v)                 # the weight of the series' own estimate
    alpha = alpha_raw - pool_i
    alpha *= v
    alpha += pool_i
    np.copyto(alpha, pool_i, where=~pos)        # no baseline events: the type's pooled value
    np.clip(alpha, ALPHA_FLOOR, params.alpha_max, out=alpha)
    return Stats(base_sum=s1, mean=m, alpha=alpha, alpha_pool=pool_i, recent=recent)


def nb_llr(x: np.ndarray, mu: np.ndarray, alpha: np.ndarray, ratio: float) -> np.ndarray:
    """log P(x | NB(ratio*mu, alpha)) - log P(x | NB(mu, alpha)), element-wise.

    With size ``k = 1/alpha``: ``x log r - (x + k) log((r mu + k) / (mu + k))``, written
    as ``x (log r - L) - L / alpha`` with ``L = log((1 + r alpha mu) / (1 + alpha mu))``,
    which tends smoothly to the Poisson ratio as alpha goes to 0.
    """
    a = np.maximum(alpha, ALPHA_FLOOR)
    am = a * mu
    with np.errstate(invalid="ignore"):
        lg = ratio * am
        lg += 1.0
        am += 1.0
        lg /= am
        # log((1 + r a mu) / (1 + a mu)) in float32: an absolute error of ~6e-8 in L, so
        # below 1e-4 in the daily ratio for alpha >= ALPHA_FLOOR.
        lg = np.log(lg.astype(np.float32)).astype(np.float64)
        out = np.log(ratio) - lg
        out *= x
        lg /= a
        out -= lg
    return out


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
    """Everything the online loop needs, for all days at once (used by the calibration).

    Day-major ``(T, n)`` arrays; rows before ``start`` hold no statistics (``-inf``
    log-likelihood ratios, no guard passes).
    """

    start: int
    stats: Stats | None
    llr_up: np.ndarray
    allow_up: np.ndarray
    llr_down: np.ndarray
    emergence: np.ndarray


def _llrs(x: np.ndarray, st: Stats, params: DetectParams):
    up = nb_llr(x, st.mean, st.alpha, params.design_ratio)
    up[~(st.mean > 0)] = -np.inf  # no baseline events: the ratio is undefined (emergence instead)
    down = nb_llr(x, st.mean, st.alpha, params.design_ratio_down)
    down[~(st.mean >= params.drop_min_rate)] = -np.inf
    allow = st.recent >= params.min_recent_events
    emergence = (st.base_sum == 0) & allow
    return up, down, allow, emergence


def prepare(x: np.ndarray, groups: np.ndarray, params: DetectParams) -> Prepared:
    """Statistics, daily log-likelihood ratios and guards of counts ``x`` (T, n)."""
    lo = params.history
    t_len = x.shape[0]
    llr_up = np.full(x.shape, -np.inf)
    llr_down = np.full(x.shape, -np.inf)
    allow_up = np.zeros(x.shape, dtype=bool)
    emergence = np.zeros(x.shape, dtype=bool)
    st = None
    if t_len > lo:
        st = block_stats(x, lo, t_len, groups, params)
        llr_up[lo:], llr_down[lo:], allow_up[lo:], emergence[lo:] = _llrs(x[lo:], st, params)
    return Prepared(start=lo, stats=st, llr_up=llr_up, allow_up=allow_up, llr_down=llr_down,
                    emergence=emergence)


@dataclass
class Screen:
    """Result of screening all series: alarm days of both sides and the evidence paths.

    Attributes:
        x: the counts screened (day-major).
        groups: pooling group of each series.
        params, calibration: the settings and threshold table used.
        start: first day evaluated (``baseline_days + guard_days``).
        free_up, free_down: the CUSUM statistics *without* alarm resets, per day
            (float32): the evidence accumulated since the statistic was last 0,
            from which calibrated p-values are read.
        up, up_kind: escalation and emergence alarms (``up_kind`` says which).
        down: de-escalation alarms.
    """

    x: np.ndarray
    groups: np.ndarray
    params: DetectParams
    calibration: object
    start: int
    free_up: np.ndarray
    free_down: np.ndarray
    up: Alarms
    up_kind: np.ndarray
    down: Alarms

    def stats(self, day: int) -> Stats:
        """Baseline statistics of every series on one day (``day >= start``)."""
        return block_stats(self.x, day, day + 1, self.groups, self.params)

    def column(self, i: int) -> dict[str, np.ndarray]:
        """Full daily paths of series ``i``: baseline, dispersion, CUSUMs (with resets), thresholds.

        Recomputed from the series' pooling group only (the pooled dispersion needs no
        other series), so it is cheap enough for plotting one series.
        """
        t_len = self.x.shape[0]
        out = {k: np.full(t_len, np.nan) for k in ("mean", "alpha", "cusum_up", "cusum_down",
                                                     "threshold_up", "threshold_down")}
        if t_len <= self.start:
            return out
        cols = np.flatnonzero(self.groups == self.groups[i])
        j = int(np.flatnonzero(cols == i)[0])
        xs = self.x[:, cols]
        st = block_stats(xs, self.start, t_len, np.zeros(len(cols), dtype=np.int64), self.params)
        up, down, allow, _ = _llrs(xs[self.start:, j: j + 1], Stats(*(a[:, j: j + 1] for a in (
            st.base_sum, st.mean, st.alpha, st.alpha_pool, st.recent))), self.params)
        h_up, h_down = self.calibration.thresholds(st.mean[:, j], st.alpha[:, j])
        pad = np.full((self.start, 1), -np.inf)
        su, _ = run_cusum(np.vstack([pad, up]), np.r_[np.full(self.start, np.inf), h_up][:, None],
                          np.vstack([np.zeros((self.start, 1), bool), allow]), self.start)
        sd, _ = run_cusum(np.vstack([pad, down]), np.r_[np.full(self.start, np.inf), h_down][:, None],
                          np.ones((t_len, 1), bool), self.start)
        out["mean"][self.start:], out["alpha"][self.start:] = st.mean[:, j], st.alpha[:, j]
        out["threshold_up"][self.start:], out["threshold_down"][self.start:] = h_up, h_down
        out["cusum_up"][self.start:], out["cusum_down"][self.start:] = su[self.start:, 0], sd[self.start:, 0]
        return out


def screen(x: np.ndarray, groups: np.ndarray, params: DetectParams, calibration, *,
           block: int = 128, threads: bool = False) -> Screen:
    """Run the NB-CUSUM (both sides) and the emergence rule over day-major counts ``x``.

    Statistics are computed block by block of days and the online loop runs inside
    each block, so memory stays small and nothing after a day is read for it.
    Thresholds are looked up only where a statistic exceeds the lowest threshold.

    Args:
        x: counts, shape (days, series).
        groups: event-type index per series, for pooling the dispersion.
        params: detector settings.
        calibration: a :class:`~intensity.detection.calibrate.Calibration`.
        block: days per block (a memory/speed trade-off; results do not depend on it).
        threads: compute the next block's statistics on a second thread (helps only on an idle
            second core; off by default).
    """
    x = np.asarray(x, dtype=float)
    groups = np.asarray(groups, dtype=np.int64)
    t_len, n = x.shape
    lo = params.history
    onehot = _onehot(groups)
    s_up, s_dn, f_up, f_dn = (np.zeros(n) for _ in range(4))
    lz_up = np.full(n, lo - 1, dtype=np.int64)
    lz_dn = lz_up.copy()
    free_up = np.zeros((t_len, n), dtype=np.float32)
    free_dn = np.zeros((t_len, n), dtype=np.float32)
    finite_up = calibration.h_up[np.isfinite(calibration.h_up)]
    finite_dn = calibration.h_down[np.isfinite(calibration.h_down)]
    hmin_up = float(finite_up.min()) if finite_up.size else np.inf
    hmin_dn = float(finite_dn.min()) if finite_dn.size else np.inf
    ups, downs, ems = [], [], []

    def stage(t0):
        t1 = min(t_len, t0 + block)
        st = block_stats(x, t0, t1, groups, params, onehot)
        return t1, st, _llrs(x[t0:t1], st, params)

    # The next block's statistics are computed on a second thread while this block's
    # days run through the online loop (numpy releases the GIL on whole-array work).
    from concurrent.futures import ThreadPoolExecutor

    starts = list(range(lo, t_len, block))
    pool = ThreadPoolExecutor(max_workers=1) if threads and len(starts) > 1 else None
    pending = pool.submit(stage, starts[0]) if pool and starts else None
    for k, t0 in enumerate(starts):
        t1, st, (l_up, l_dn, allow, emer) = pending.result() if pending else stage(t0)
        pending = pool.submit(stage, starts[k + 1]) if pool and k + 1 < len(starts) else None
        et, ei = np.nonzero(emer)
        if len(et):
            ems.append((ei, et + t0, st.recent[et, ei]))
        for r in range(t1 - t0):
            t = t0 + r
            s_up += l_up[r]
            np.maximum(s_up, 0.0, out=s_up)
            lz_up[s_up == 0.0] = t
            f_up += l_up[r]
            np.maximum(f_up, 0.0, out=f_up)
            s_dn += l_dn[r]
            np.maximum(s_dn, 0.0, out=s_dn)
            lz_dn[s_dn == 0.0] = t
            f_dn += l_dn[r]
            np.maximum(f_dn, 0.0, out=f_dn)
            free_up[t] = f_up
            free_dn[t] = f_dn
            cand = np.flatnonzero((s_up > hmin_up) & allow[r])
            if cand.size:
                h = calibration.lookup("up", st.mean[r, cand], st.alpha[r, cand])
                hit = s_up[cand] > h
                if hit.any():
                    idx = cand[hit]
                    ups.append((idx, np.full(len(idx), t), lz_up[idx] + 1, s_up[idx].copy(), h[hit]))
                    s_up[idx] = 0.0
                    lz_up[idx] = t
            cand = np.flatnonzero(s_dn > hmin_dn)
            if cand.size:
                h = calibration.lookup("down", st.mean[r, cand], st.alpha[r, cand])
                hit = s_dn[cand] > h
                if hit.any():
                    idx = cand[hit]
                    downs.append((idx, np.full(len(idx), t), lz_dn[idx] + 1, s_dn[idx].copy(), h[hit]))
                    s_dn[idx] = 0.0
                    lz_dn[idx] = t

    if pool:
        pool.shutdown()

    def collect(parts):
        if not parts:
            return Alarms.empty()
        cols = [np.concatenate(c) for c in zip(*parts)]
        return Alarms(cols[0].astype(np.int64), cols[1].astype(np.int64), cols[2].astype(np.int64),
                      cols[3].astype(float), cols[4].astype(float))

    up, down = collect(ups), collect(downs)
    # Emergence alarms: the onset is the first day with events in the recent window.
    if ems:
        ei, et, rec = (np.concatenate(c) for c in zip(*ems))
    else:
        ei = et = np.zeros(0, dtype=np.int64)
        rec = np.zeros(0)
    r = params.recent_days
    win = np.clip(et[:, None] + np.arange(-r + 1, 1)[None, :], 0, None)
    first = np.argmax(x[win, ei[:, None]] > 0, axis=1) if len(et) else np.zeros(0, dtype=np.int64)
    em = Alarms(ei.astype(np.int64), et.astype(np.int64), win[np.arange(len(et)), first].astype(np.int64)
                if len(et) else np.zeros(0, dtype=np.int64), rec.astype(float),
                np.full(len(et), float(params.min_recent_events)))
    kinds = np.array(["escalation"] * len(up.day) + ["emergence"] * len(em.day), dtype=object)
    allup = Alarms(*(np.concatenate([getattr(up, f), getattr(em, f)])
                     for f in ("series", "day", "onset", "statistic", "threshold")))
    return Screen(x=x, groups=groups, params=params, calibration=calibration, start=lo, free_up=free_up,
                  free_down=free_dn, up=allup, up_kind=kinds, down=down)
