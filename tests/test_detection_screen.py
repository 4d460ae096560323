"""The vectorised screen against plain references (SIMULATED series, seeded).

The screen sorts series by pooling group, shares prefix sums between blocks and
computes the log-likelihood ratios in float32; these tests check that none of that
changes what it finds.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import nbinom

from intensity.detection import simulate
from intensity.detection.calibrate import shipped
from intensity.detection.cusum import block_stats, nb_llr, nb_llr_pair, prefix_rows, screen
from intensity.detection.params import DetectParams

PARAMS = DetectParams()


def _mixed(seed: int = 11, n: int = 60, days: int = 300):
    rng = np.random.default_rng(seed)
    rate = np.exp(rng.uniform(np.log(0.2), np.log(12.0), n))
    alpha = rng.uniform(0.05, 1.0, n)
    change = simulate.Change("step", 3.0, np.where(rng.random(n) < 0.4, rng.integers(120, days, n), days + 1))
    x = simulate.series(rng, n=n, days=days, rate=rate, alpha=alpha, zero_prob=0.1, weekday=True, change=change)
    groups = rng.integers(0, 4, n)  # interleaved groups, one of them possibly absent
    return x, groups


def test_prefix_rows_equals_cumsum():
    x, _ = _mixed()
    c = prefix_rows(x)
    assert c.shape == (x.shape[0] + 1, x.shape[1])
    assert np.array_equal(c[0], np.zeros(x.shape[1]))
    assert np.array_equal(c[1:], np.cumsum(x, axis=0))


def test_block_statistics_do_not_depend_on_shared_prefix_sums():
    x, groups = _mixed()
    lo = PARAMS.history
    alone = block_stats(x, lo + 5, lo + 90, groups, PARAMS)
    shared = block_stats(x, lo + 5, lo + 90, groups, PARAMS, prefix=(prefix_rows(x), prefix_rows(x * x)))
    for f in ("base_sum", "mean", "alpha", "alpha_pool", "recent"):
        assert np.array_equal(getattr(alone, f), getattr(shared, f)), f


def test_float32_log_likelihood_ratio_matches_scipy():
    rng = np.random.default_rng(3)
    mu = np.exp(rng.uniform(np.log(0.05), np.log(80.0), 4000))
    a = np.exp(rng.uniform(np.log(1e-3), np.log(3.0), 4000))
    x = rng.poisson(mu * rng.uniform(0.2, 4.0, 4000)).astype(float)
    for r in (2.0, 0.5):
        k = 1.0 / a
        ref = nbinom.logpmf(x, k, k / (k + r * mu)) - nbinom.logpmf(x, k, k / (k + mu))
        got = nb_llr(x, mu, a, r)
        # float32: below 3e-4 of max(1, |llr|) per day even at the dispersion floor (1e-3),
        # where L / alpha magnifies the rounding; the CUSUM thresholds are around 3-9.
        assert np.max(np.abs(got - ref) / np.maximum(1.0, np.abs(ref))) < 3e-4
        assert np.median(np.abs(got - ref)) < 1e-5
    up, down = nb_llr_pair(x, mu, a, 2.0, 0.5)
    assert np.array_equal(up, nb_llr(x, mu, a, 2.0)) and np.array_equal(down, nb_llr(x, mu, a, 0.5))


def test_screen_does_not_depend_on_the_order_of_series():
    x, groups = _mixed()
    cal = shipped()
    a = screen(x, groups, PARAMS, cal)
    perm = np.random.default_rng(5).permutation(x.shape[1])
    b = screen(x[:, perm], groups[perm], PARAMS, cal)
    for side in ("up", "down"):
        sa, sb = getattr(a, side), getattr(b, side)
        ka = sorted(zip(sa.series, sa.day, sa.onset))
        kb = sorted(zip(perm[sb.series], sb.day, sb.onset))
        assert ka == kb and len(ka) > 0, side
        if side == "down":  # time order, then series (the up side appends emergence alarms)
            assert list(zip(sb.day, sb.series)) == sorted(zip(sb.day, sb.series))
    # Pooled sums add the group's series in another order: float32 rounding only.
    assert np.allclose(a.free_up[:, perm], b.free_up, rtol=1e-4, atol=1e-4)
    assert np.allclose(a.free_down[:, perm], b.free_down, rtol=1e-4, atol=1e-4)
    assert np.array_equal(a.x, x) and np.array_equal(b.x, x[:, perm])


def test_screen_blocks_do_not_change_results():
    x, groups = _mixed(seed=12)
    cal = shipped()
    a = screen(x, groups, PARAMS, cal, block=128, threads=False)
    for b in (screen(x, groups, PARAMS, cal, block=17, threads=False),
              screen(x, groups, PARAMS, cal, block=17, threads=True)):
        assert np.array_equal(a.up.series, b.up.series) and np.array_equal(a.up.day, b.up.day)
        assert np.array_equal(a.down.series, b.down.series) and np.array_equal(a.up.onset, b.up.onset)
        assert np.allclose(a.free_up, b.free_up, atol=1e-4)
    # The second thread computes the same statistics: bit for bit the same screen.
    one, two = (screen(x, groups, PARAMS, cal, block=17, threads=t) for t in (False, True))
    assert np.array_equal(one.free_up, two.free_up) and np.array_equal(one.free_down, two.free_down)
    assert np.array_equal(one.up.statistic, two.up.statistic)


@pytest.mark.slow  # ~8 s of CPU: 48 small simulations
def test_limits_study_runs_and_matches_its_budget():
    # bench/detect_eval.py --limits on tiny sizes: it must not rot, and each row's threshold
    # must hold its own stationary budget (0.75 per 1,000 series-days).
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "bench" / "detect_eval.py"
    spec = importlib.util.spec_from_file_location("detect_eval_for_test", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.limits(seed=3, n_null=60, n_change=40)
    assert {r["variant"] for r in rows} >= {"evaluation series", "true baseline and dispersion"}
    for r in rows:
        if not r["variant"].startswith("sweep"):
            assert r["fa_stationary"] <= 0.75
        assert 0.0 <= r["step3_p7"] <= r["step3_p28"] <= 1.0
    md = mod.limits_markdown(rows, 3)
    assert md.count("\n| ") == len(rows) + 1
