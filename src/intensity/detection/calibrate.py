"""Thresholds for the NB-CUSUM, calibrated by simulation (a parametric bootstrap per band).

Nominal p-values are anti-conservative on overdispersed, zero-inflated counts, so
the alarm threshold is not a p-value cut-off. Instead, for each band of baseline
rate x dispersion, stationary negative-binomial series are simulated with rates and
dispersions drawn across the band, the *whole* detector is run on them (baseline
estimation, dispersion shrinkage, guard, reset) and the threshold is the smallest
one that keeps alarm episodes at or below the target rate per 1,000 series-days.
The same simulation gives the null distribution of the CUSUM statistic (for the
empirical p-value of a signal) and, with known steps added, the smallest change
the detector sees within 7 days with 80 % probability.

The shipped table lives in ``data/reference/calibration/`` and is regenerated,
bit for bit, by ``python bench/calibrate.py`` (seeded).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from intensity.detection import simulate
from intensity.detection.cusum import episodes, prepare, run_cusum
from intensity.detection.params import DetectParams

MU_EDGES = (0.0, 0.1, 0.2, 0.35, 0.6, 1.0, 1.7, 3.0, 5.0, 8.0, 13.0, 20.0, 35.0, 60.0, np.inf)
ALPHA_EDGES = (0.0, 0.05, 0.15, 0.3, 0.5, 0.8, 1.2, 2.0, np.inf)
# Upper-tail probabilities at which the null distribution of S is stored.
P_GRID = (0.5, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5)
MDC_FACTORS = (1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0)
# The settings a table is only valid for (changing them needs a new calibration).
CALIBRATED_FIELDS = ("baseline_days", "guard_days", "design_ratio", "design_ratio_down", "recent_days",
                     "min_recent_events", "drop_min_rate", "episode_gap", "alpha_max", "tau2_min")
DEFAULT_SEED = 20240312
DEFAULT_TARGET = 0.75  # per 1,000 series-days: below the promised 1.0, for band-lookup noise
# Optional second null (off by default): the drifting null of issue #5 (AR(1) log level,
# phi 0.98, stationary sd 0.25), budget 2 per 1,000 series-days, e.g. calibrated to 1.5.
# Off because on gap-free NB series it raises the thresholds at >= 3/day from about 6 to
# 6.9-8.8 (docs/detection.md), which costs much of the step power there.
DRIFT_NULL = (0.98, 0.25)
DEFAULT_DRIFT_TARGET = None


def _draw_range(lo: float, hi: float, edges) -> tuple[float, float]:
    if edges is MU_EDGES:
        return max(lo, 1.0 / 56.0), (hi if np.isfinite(hi) else 2.5 * lo)
    return lo, (hi if np.isfinite(hi) else 3.0)


@dataclass
class Calibration:
    """A calibrated threshold table (both CUSUM sides) with null distributions.

    Arrays are indexed ``[mu_band, alpha_band]``; ``sf_*`` add the ``P_GRID`` axis.
    """

    mu_edges: np.ndarray
    alpha_edges: np.ndarray
    h_up: np.ndarray
    h_down: np.ndarray
    fa_up: np.ndarray
    fa_down: np.ndarray
    mdc7: np.ndarray
    pos_up: np.ndarray
    pos_down: np.ndarray
    sf_up: np.ndarray
    sf_down: np.ndarray
    p_floor: float
    meta: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ lookup
    def band(self, mean, alpha) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Band indices of each (baseline mean, dispersion) and a validity mask."""
        mean = np.asarray(mean, dtype=float)
        alpha = np.asarray(alpha, dtype=float)
        ok = np.isfinite(mean) & np.isfinite(alpha) & (mean > 0)
        mi = np.clip(np.searchsorted(self.mu_edges, np.where(ok, mean, 1.0), side="right") - 1,
                     0, len(self.mu_edges) - 2)
        ai = np.clip(np.searchsorted(self.alpha_edges, np.where(ok, alpha, 0.0), side="right") - 1,
                     0, len(self.alpha_edges) - 2)
        return mi, ai, ok

    def thresholds(self, mean, alpha) -> tuple[np.ndarray, np.ndarray]:
        """Upper and lower CUSUM thresholds for each element (``inf`` where undefined)."""
        mi, ai, ok = self.band(mean, alpha)
        return np.where(ok, self.h_up[mi, ai], np.inf), np.where(ok, self.h_down[mi, ai], np.inf)

    def lookup(self, side: str, mean: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        """Thresholds of one side for positive baseline means (the hot path of the screen)."""
        mi = np.searchsorted(self.mu_edges[1:-1], mean, side="right")
        ai = np.searchsorted(self.alpha_edges[1:-1], alpha, side="right")
        return (self.h_up if side == "up" else self.h_down)[mi, ai]

    def detectable(self, mean, alpha) -> np.ndarray:
        """Smallest step (rate ratio) seen within 7 days with 80 % probability (NaN: > 20x)."""
        mi, ai, ok = self.band(mean, alpha)
        return np.where(ok, self.mdc7[mi, ai], np.nan)

    def p_empirical(self, side: str, s, mean, alpha) -> np.ndarray:
        """P(S >= s) for a stationary series of this band on a random day.

        Interpolates the stored null quantiles on the log scale; beyond the last one
        the tail is extended log-linearly and floored at the simulation's resolution.
        """
        s = np.asarray(s, dtype=float)
        mi, ai, ok = self.band(mean, alpha)
        pos = self.pos_up if side == "up" else self.pos_down
        sf = self.sf_up if side == "up" else self.sf_down
        out = np.full(s.shape, np.nan)
        out[ok & (s <= 0)] = 1.0
        cell = mi * sf.shape[1] + ai
        need = ok & (s > 0)
        for c in np.unique(cell[need]):
            i, j = divmod(int(c), sf.shape[1])
            p0 = pos[i, j]
            if not np.isfinite(p0):
                continue
            keep = np.array(P_GRID) < p0
            xs = np.concatenate([[0.0], sf[i, j][keep]])
            ys = np.log(np.concatenate([[p0], np.array(P_GRID)[keep]]))
            good = np.concatenate([[True], np.diff(xs) > 0])  # ties in a discrete null
            xs, ys = xs[good], ys[good]
            sel = need & (cell == c)
            v = s[sel]
            lp = np.interp(v, xs, ys)
            if len(xs) >= 2:
                slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2])
                lp = np.where(v > xs[-1], ys[-1] + slope * (v - xs[-1]), lp)
            out[sel] = np.maximum(np.exp(lp), self.p_floor)
        return out

    def check(self, params: DetectParams) -> None:
        """Raise if ``params`` differ from the settings this table was calibrated for."""
        from intensity.errors import UsageError

        cal = self.meta.get("params", {})
        bad = [f for f in CALIBRATED_FIELDS if f in cal and cal[f] != getattr(params, f)]
        if bad:
            raise UsageError(
                f"the calibration table was computed for other settings of {', '.join(bad)}",
                hint="recalibrate with `python bench/calibrate.py --out DIR` and the same settings",
            )


# ---------------------------------------------------------------------- simulation


def _fa_rate(alarms, n_days_eval: int, n_series: int, gap: int) -> float:
    if len(alarms.day) == 0:
        return 0.0
    _, ep = episodes(alarms.series, alarms.day, gap)
    return 1000.0 * (ep[-1] + 1) / (n_series * n_days_eval)


def _bisect(fa_of, target: float, lo: float = 0.5, hi: float = 16.0, iters: int = 16) -> tuple[float, float]:
    if fa_of(lo) <= target:
        return lo, fa_of(lo)
    while fa_of(hi) > target:
        hi *= 2.0
        if hi > 1e4:
            return np.inf, 0.0
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if fa_of(mid) <= target:
            hi = mid
        else:
            lo = mid
    return hi, fa_of(hi)


def calibrate_cell(
    seed_seq: np.random.SeedSequence,
    mu_range: tuple[float, float],
    alpha_range: tuple[float, float],
    *,
    params: DetectParams,
    n_series: int,
    n_days: int,
    target: float,
    n_mdc: int,
    drift_target: float | None = DEFAULT_DRIFT_TARGET,
) -> dict:
    """Calibrate one (rate, dispersion) band: thresholds, null quantiles, detectable change.

    The threshold of each side is the smallest that keeps alarm episodes at or below
    ``target`` on stationary NB series *and* at or below ``drift_target`` on the same
    series with an AR(1) drift of the log level (:data:`DRIFT_NULL`); ``drift_target=None``
    calibrates on the stationary null only.
    """
    rng_null, rng_mdc, rng_drift = (np.random.default_rng(s) for s in seed_seq.spawn(3))
    start = params.history
    t_len = start + n_days
    lo, hi = mu_range
    mu = np.exp(rng_null.uniform(np.log(lo), np.log(hi), n_series))
    alpha = rng_null.uniform(alpha_range[0], alpha_range[1], n_series)
    x = simulate.series(rng_null, n=n_series, days=t_len, rate=mu, alpha=alpha)
    prep = prepare(x, np.zeros(n_series, dtype=np.int64), params)
    gap = params.episode_gap

    def fa_up(h):
        return _fa_rate(run_cusum(prep.llr_up, h, prep.allow_up, start, record=False)[1], n_days, n_series, gap)

    allow_all = np.ones_like(prep.allow_up)

    def fa_down(h):
        return _fa_rate(run_cusum(prep.llr_down, h, allow_all, start, record=False)[1], n_days, n_series, gap)

    h_up, f_up = _bisect(fa_up, target)
    evaluable_down = hi > params.drop_min_rate
    h_down, f_down = _bisect(fa_down, target) if evaluable_down else (np.inf, 0.0)
    out = {"h_up_stationary": h_up, "h_down_stationary": h_down}
    if drift_target is not None:
        # Same rates and dispersions, the level drifting: a slowly moving level is not an
        # escalation, and at high rates the NB ratio is sensitive to small relative moves.
        xd = simulate.series(rng_drift, n=n_series, days=t_len, rate=mu, alpha=alpha, drift=DRIFT_NULL)
        pd_ = prepare(xd, np.zeros(n_series, dtype=np.int64), params)
        del xd

        def fd_up(h):
            return _fa_rate(run_cusum(pd_.llr_up, h, pd_.allow_up, start, record=False)[1], n_days, n_series, gap)

        def fd_down(h):
            return _fa_rate(run_cusum(pd_.llr_down, h, allow_all, start, record=False)[1], n_days, n_series,
                            gap)

        hd_up, _ = _bisect(fd_up, drift_target)
        if hd_up > h_up:
            h_up, f_up = hd_up, fa_up(hd_up)
        if evaluable_down:
            hd_dn, _ = _bisect(fd_down, drift_target)
            if hd_dn > h_down:
                h_down, f_down = hd_dn, fa_down(hd_dn)
        out["fa_drift_up"] = fd_up(h_up)
        out["fa_drift_down"] = fd_down(h_down) if evaluable_down else 0.0
        del pd_
    out.update({"h_up": h_up, "fa_up": f_up, "h_down": h_down, "fa_down": f_down})
    # Null distribution of the statistic without alarm resets (what p-values are read from).
    for side, llr, ok in (("up", prep.llr_up, True), ("down", prep.llr_down, evaluable_down)):
        if not ok:
            out[f"pos_{side}"] = np.nan
            out[f"sf_{side}"] = [np.nan] * len(P_GRID)
            continue
        path, _ = run_cusum(llr, np.inf, allow_all, start)
        v = path[start:].ravel()
        out[f"pos_{side}"] = float(np.mean(v > 0))
        out[f"sf_{side}"] = [float(np.quantile(v, 1.0 - p)) for p in P_GRID]

    # Smallest step detected within 7 days with probability >= 0.8 (at the calibrated h).
    run_in = 28
    c = start + run_in
    k = len(MDC_FACTORS)
    mu_m = np.exp(rng_mdc.uniform(np.log(lo), np.log(hi), n_mdc * k))
    a_m = rng_mdc.uniform(alpha_range[0], alpha_range[1], n_mdc * k)
    fac = np.repeat(np.array(MDC_FACTORS), n_mdc)
    mult = np.where(np.arange(c + 7)[:, None] >= c, fac[None, :], 1.0)
    xm = simulate.nb_draw(rng_mdc, mu_m[None, :] * mult, a_m[None, :])
    pm = prepare(xm, np.zeros(n_mdc * k, dtype=np.int64), params)
    _, al = run_cusum(pm.llr_up, h_up, pm.allow_up, start, record=False)
    hit = np.zeros(n_mdc * k, dtype=bool)
    hit[al.series[al.day >= c]] = True
    power = hit.reshape(k, n_mdc).mean(axis=1)
    ok = np.flatnonzero(power >= 0.8)
    out["mdc7"] = float(MDC_FACTORS[ok[0]]) if len(ok) else np.nan
    out["power7"] = [float(p) for p in power]
    return out


def calibrate(
    *,
    seed: int = DEFAULT_SEED,
    params: DetectParams | None = None,
    n_series: int = 3000,
    n_days: int = 365,
    target: float = DEFAULT_TARGET,
    n_mdc: int = 400,
    drift_target: float | None = DEFAULT_DRIFT_TARGET,
    cells: list[tuple[int, int]] | None = None,
    progress=None,
) -> list[dict]:
    """Calibrate every band (or only ``cells``, as (mu_band, alpha_band) pairs).

    Each band gets its own child of ``SeedSequence(seed)``, so one band can be
    recomputed alone and matches the full run.

    Returns:
        One dict per band with its edges and the calibrated figures.
    """
    params = params or DetectParams()
    n_mu, n_a = len(MU_EDGES) - 1, len(ALPHA_EDGES) - 1
    children = np.random.SeedSequence(seed).spawn(n_mu * n_a)
    todo = cells or [(i, j) for i in range(n_mu) for j in range(n_a)]
    rows = []
    for i, j in todo:
        mu_r = _draw_range(MU_EDGES[i], MU_EDGES[i + 1], MU_EDGES)
        a_r = _draw_range(ALPHA_EDGES[j], ALPHA_EDGES[j + 1], ALPHA_EDGES)
        res = calibrate_cell(children[i * n_a + j], mu_r, a_r, params=params, n_series=n_series,
                             n_days=n_days, target=target, n_mdc=n_mdc, drift_target=drift_target)
        rows.append({"mu_band": i, "alpha_band": j, "mu_lo": MU_EDGES[i], "mu_hi": MU_EDGES[i + 1],
                     "alpha_lo": ALPHA_EDGES[j], "alpha_hi": ALPHA_EDGES[j + 1], **res})
        if progress:
            progress(i, j, rows[-1])
    return rows


# ---------------------------------------------------------------------- table files

THRESHOLDS_FILE = "{name}_thresholds.csv"
NULL_FILE = "{name}_null_sf.csv"
META_FILE = "{name}_meta.json"


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and np.isinf(v):
        return "inf"
    return f"{v:.6g}"


def write_table(rows: list[dict], out_dir: str | Path, *, name: str = "nb_cusum", meta: dict) -> list[Path]:
    """Write calibrated bands as CSV files (thresholds; null quantiles) plus a JSON of settings."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    p1, p2, p3 = (out / f.format(name=name) for f in (THRESHOLDS_FILE, NULL_FILE, META_FILE))
    with open(p1, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["mu_band", "alpha_band", "mu_lo", "mu_hi", "alpha_lo", "alpha_hi", "side",
                    "threshold", "fa_per_1000", "p_positive", "mdc7", "threshold_stationary",
                    "fa_drift_per_1000"])
        for r in rows:
            for side in ("up", "down"):
                w.writerow([r["mu_band"], r["alpha_band"], _fmt(r["mu_lo"]), _fmt(r["mu_hi"]),
                            _fmt(r["alpha_lo"]), _fmt(r["alpha_hi"]), side, _fmt(r[f"h_{side}"]),
                            _fmt(r[f"fa_{side}"]), _fmt(r[f"pos_{side}"]),
                            _fmt(r["mdc7"]) if side == "up" else "",
                            _fmt(r.get(f"h_{side}_stationary", r[f"h_{side}"])),
                            _fmt(r.get(f"fa_drift_{side}", np.nan))])
    with open(p2, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["mu_band", "alpha_band", "side", "p", "s"])
        for r in rows:
            for side in ("up", "down"):
                for p, s in zip(P_GRID, r[f"sf_{side}"]):
                    if np.isfinite(s):
                        w.writerow([r["mu_band"], r["alpha_band"], side, _fmt(p), _fmt(s)])
    p3.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return [p1, p2, p3]


def _num(v: str) -> float:
    return np.nan if v == "" else float(v)


def read_table(directory: str | Path, *, name: str = "nb_cusum") -> Calibration:
    """Load a calibration table written by :func:`write_table`."""
    d = Path(directory)
    meta = json.loads((d / META_FILE.format(name=name)).read_text(encoding="utf-8"))
    mu_edges = np.array(meta["mu_edges"], dtype=float)
    a_edges = np.array(meta["alpha_edges"], dtype=float)
    shape = (len(mu_edges) - 1, len(a_edges) - 1)
    arr = {k: np.full(shape, np.nan) for k in ("h_up", "h_down", "fa_up", "fa_down", "mdc7", "pos_up",
                                                "pos_down")}
    sf = {s: np.full((*shape, len(P_GRID)), np.nan) for s in ("up", "down")}
    with open(d / THRESHOLDS_FILE.format(name=name), newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            i, j, side = int(r["mu_band"]), int(r["alpha_band"]), r["side"]
            arr[f"h_{side}"][i, j] = _num(r["threshold"])
            arr[f"fa_{side}"][i, j] = _num(r["fa_per_1000"])
            arr[f"pos_{side}"][i, j] = _num(r["p_positive"])
            if side == "up":
                arr["mdc7"][i, j] = _num(r["mdc7"])
    grid = {p: k for k, p in enumerate(P_GRID)}
    with open(d / NULL_FILE.format(name=name), newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            k = min(grid, key=lambda p: abs(np.log(p) - np.log(float(r["p"]))))
            sf[r["side"]][int(r["mu_band"]), int(r["alpha_band"]), grid[k]] = float(r["s"])
    for k in ("h_up", "h_down"):  # a band never calibrated never alarms
        arr[k] = np.where(np.isnan(arr[k]), np.inf, arr[k])
    return Calibration(mu_edges=mu_edges, alpha_edges=a_edges, **arr, sf_up=sf["up"], sf_down=sf["down"],
                       p_floor=1.0 / (meta["n_series"] * meta["n_days"]), meta=meta)


def table_meta(*, seed: int, params: DetectParams, n_series: int, n_days: int, target: float,
               n_mdc: int, drift_target: float | None = DEFAULT_DRIFT_TARGET) -> dict:
    """The settings recorded beside a table (what it is valid for, how to regenerate it)."""
    from dataclasses import asdict

    p = asdict(params)
    return {
        "seed": seed, "n_series": n_series, "n_days": n_days, "target_fa_per_1000": target, "n_mdc": n_mdc,
        "drift_null": list(DRIFT_NULL) if drift_target is not None else None,
        "target_drift_fa_per_1000": drift_target,
        "mu_edges": [e if np.isfinite(e) else 1e308 for e in MU_EDGES],
        "alpha_edges": [e if np.isfinite(e) else 1e308 for e in ALPHA_EDGES],
        "p_grid": list(P_GRID), "mdc_factors": list(MDC_FACTORS),
        "params": {f: p[f] for f in CALIBRATED_FIELDS},
        "simulation": "stationary NB (gamma-Poisson); per band: rate log-uniform and dispersion uniform "
                      "across the band; whole detector run; threshold = smallest with alarm episodes "
                      "<= target per 1,000 series-days" + (
                          "" if drift_target is None else
                          " on the stationary series and <= the drift target on the same rates and "
                          "dispersions with an AR(1) drift of the log level"),
        "regenerate": "python bench/calibrate.py",
    }


@cache
def shipped(name: str = "nb_cusum") -> Calibration:
    """The calibration table shipped in ``data/reference/calibration/``."""
    from intensity.resources import reference_dir

    return read_table(reference_dir() / "calibration", name=name)
