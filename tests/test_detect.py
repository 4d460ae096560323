"""Escalation detection on seeded simulated series with known change points.

In the style of ``ruptures.datasets``: every series is SIMULATED with a known
truth (a step, a ramp, silence then activity, a drop, or no change at all), and
the tests check the detector against that truth.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from intensity.detect import detect_frame, rank_run, screen_series, trace_run
from intensity.detection import reference, simulate
from intensity.detection.calibrate import shipped
from intensity.detection.cusum import screen
from intensity.detection.params import DetectParams
from intensity.detection.quantify import quantify, quantify_statsmodels
from intensity.detection.series import SeriesSet, from_frame

START = date(2023, 1, 7)  # a Saturday
PARAMS = DetectParams()


def as_set(x: np.ndarray, *, event_type: str = "battles", fatalities: np.ndarray | None = None,
           start: date = START) -> SeriesSet:
    """Wrap day-major counts as admin1 series of one event type (no totals)."""
    n = x.shape[1]
    keys = pl.DataFrame({
        "level": ["admin1"] * n, "country_iso3": ["UKR"] * n,
        "admin1_code": [f"UA-{i:02d}" for i in range(n)], "admin1": [f"region {i}" for i in range(n)],
        "event_type": [event_type] * n,
    })
    f = np.zeros_like(x) if fatalities is None else fatalities
    return SeriesSet(keys=keys, start=start, events=x, fatalities=f, intensity=x.copy(),
                     groups=np.zeros(n, dtype=np.int64))


def first_alarms_after(alarms, day: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Delay and onset of each series' first alarm on or after ``day`` (inf / -1 when none)."""
    delay = np.full(n, np.inf)
    onset = np.full(n, -1)
    for s, d, o in sorted(zip(alarms.series, alarms.day, alarms.onset), key=lambda r: (r[0], r[1])):
        if d >= day and not np.isfinite(delay[s]):
            delay[s], onset[s] = d - day, o
    return delay, onset


# --------------------------------------------------------------------------- the default detector


def test_step_is_flagged_within_the_expected_delay():
    # 3x step at 5/day, alpha 0.1: the calibration table promises detection within
    # 7 days with >= 80 % probability for this band; onsets should be within days.
    rng = np.random.default_rng(11)
    change = simulate.Change("step", 3.0, 200)
    x = simulate.series(rng, n=300, days=260, rate=5.0, alpha=0.1, change=change)
    scr = screen(x, np.zeros(300, dtype=np.int64), PARAMS, shipped())
    delay, onset = first_alarms_after(scr.up, 200, 300)
    assert np.mean(delay < 7) >= 0.85
    assert np.median(delay) <= 4
    assert np.median(np.abs(onset[np.isfinite(delay)] - 200)) <= 2


def test_a_single_step_series_alarms_after_the_change_not_before():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.poisson(4.0, 150), rng.poisson(12.0, 40)]).astype(float)[:, None]
    out = detect_frame(as_set(x), since=START, method="nb_cusum")
    esc = out.filter(pl.col("kind") == "escalation")
    change = START + timedelta(days=150)
    assert esc.height >= 1
    first = esc.sort("first_alarm_date").row(0, named=True)
    assert change <= first["first_alarm_date"] <= change + timedelta(days=4)
    assert abs((first["onset_date"] - change).days) <= 2
    # Two days in, the 7-day window still holds pre-change days: the ratio is diluted.
    assert first["rr7"] > 1.5 and first["p_value"] < 0.05
    assert first["p_empirical"] <= 0.01


def test_stationary_series_stay_below_the_calibrated_false_alarm_rate():
    rng = np.random.default_rng(21)
    n, days = 400, 428
    x = simulate.series(rng, n=n, days=days, rate=np.exp(rng.uniform(np.log(0.3), np.log(8.0), n)),
                        alpha=rng.uniform(0.05, 0.6, n))
    scr = screen(x, np.zeros(n, dtype=np.int64), PARAMS, shipped())
    from intensity.detection.cusum import episodes

    _, ep = episodes(scr.up.series, scr.up.day, PARAMS.episode_gap)
    n_episodes = ep[-1] + 1 if len(ep) else 0
    per_1000 = 1000 * n_episodes / (n * (days - PARAMS.history))
    assert per_1000 <= 1.3  # calibrated to 0.8 per band; binomial noise on ~135k series-days


def test_a_quiet_stationary_series_raises_nothing():
    rng = np.random.default_rng(8)
    x = simulate.series(rng, n=1, days=300, rate=2.0, alpha=0.2)
    assert detect_frame(as_set(x), since=START).height == 0


def test_guard_no_escalation_with_fewer_than_three_recent_events():
    rng = np.random.default_rng(4)
    x = simulate.series(rng, n=200, days=300, rate=0.15, alpha=0.3,
                        change=simulate.Change("step", 4.0, 150))
    scr = screen(x, np.zeros(200, dtype=np.int64), PARAMS, shipped())
    assert len(scr.up.day) > 0
    recent = [scr.stats(int(d)).recent[0, i] for d, i in zip(scr.up.day, scr.up.series)]
    assert min(recent) >= PARAMS.min_recent_events
    # The screen is blockwise; the same alarms come out whatever the block size.
    other = screen(x, np.zeros(200, dtype=np.int64), PARAMS, shipped(), block=7)
    assert np.array_equal(other.up.day, scr.up.day) and np.array_equal(other.up.series, scr.up.series)


def test_emergence_after_a_silent_baseline():
    x = np.zeros((200, 2))
    x[120:, 0] = [1, 0, 2, 1, 3, 0, 2, 1, 2, 2] * 8  # activity from day 120 on
    x[:, 1] = np.random.default_rng(1).poisson(2.0, 200)
    out = detect_frame(as_set(x), since=START)
    em = out.filter(pl.col("kind") == "emergence")
    assert em.height == 1 and em["admin1_code"][0] == "UA-00"
    assert em["onset_date"][0] == START + timedelta(days=120)
    assert em["first_alarm_date"][0] == START + timedelta(days=122)  # 1 + 0 + 2 = 3 events
    assert em["p_empirical"][0] < 0.05


def test_de_escalation_is_its_own_kind():
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.poisson(8.0, 160), rng.poisson(2.0, 60)]).astype(float)[:, None]
    out = detect_frame(as_set(x), since=START)
    down = out.filter(pl.col("kind") == "de-escalation")
    assert down.height >= 1
    d = down.sort("first_alarm_date").row(0, named=True)
    change = START + timedelta(days=160)
    assert change <= d["first_alarm_date"] <= change + timedelta(days=10)
    assert d["rr7"] < 0.8 and d["rr7_hi"] < 1.2 and d["p_value"] < 0.05  # diluted by pre-drop days
    assert out.filter(pl.col("kind") == "escalation", pl.col("first_alarm_date") > change).height == 0


def test_ramp_is_flagged_during_the_ramp():
    rng = np.random.default_rng(9)
    x = simulate.series(rng, n=200, days=260, rate=5.0, alpha=0.1,
                        change=simulate.Change("ramp", 3.0, 200, ramp_days=21))
    scr = screen(x, np.zeros(200, dtype=np.int64), PARAMS, shipped())
    delay, _ = first_alarms_after(scr.up, 200, 200)
    assert np.mean(delay < 28) >= 0.95
    assert 5 <= np.median(delay) <= 21


# --------------------------------------------------------------------------- no look-ahead


def _series_frame(x: np.ndarray, start: date) -> pl.DataFrame:
    t, i = np.nonzero(x)
    return pl.DataFrame({
        "country_iso3": "UKR", "admin1_code": [f"UA-{k:02d}" for k in i],
        "event_type": ["battles" if k % 2 else "explosions_remote_violence" for k in i],
        "day": [start + timedelta(days=int(d)) for d in t], "events": x[t, i].astype(np.int64),
        "fatalities": (x[t, i] // 2).astype(np.int64),
    })


STABLE = ("level", "country_iso3", "admin1_code", "event_type", "kind", "first_alarm_date", "onset_date",
          "baseline_rate", "recent_count", "rr7", "rr7_lo", "rr7_hi", "rr28", "p_value", "p_empirical",
          "q_value", "trend_pct_week", "intensity_ratio", "statistic", "threshold", "alpha", "detectable_ratio")


def test_appending_future_days_never_changes_earlier_signals():
    rng = np.random.default_rng(17)
    n, t1, extra = 12, 300, 80
    rates = rng.uniform(0.5, 6.0, n)
    x = simulate.series(rng, n=n, days=t1 + extra, rate=rates, alpha=0.3,
                        change=simulate.Change("step", 2.5, rng.integers(120, t1 + extra - 10, n)))
    x[: t1 + 20, n - 1] = 0  # a series that only appears after t1 (must not enter earlier families)
    x[t1 + 20:, n - 1] = rng.poisson(3.0, extra - 20)
    # The future also holds a surge in every series, which could only leak backwards.
    x[t1:, : n - 1] *= 3
    cut = START + timedelta(days=t1 - 1)
    full = from_frame(_series_frame(x, START), totals=True)
    early = from_frame(_series_frame(x[:t1], START), until=cut, totals=True)
    a = detect_frame(early, since=START, until=cut, method="all").select(STABLE)
    b = (detect_frame(full, since=START, method="all").filter(pl.col("first_alarm_date") <= cut)
         .select(STABLE))
    assert a.height >= 5
    key = ["level", "admin1_code", "event_type", "kind", "first_alarm_date"]
    a, b = a.sort(key, nulls_last=True), b.sort(key, nulls_last=True)
    assert a.height == b.height
    for col in STABLE:
        if a.schema[col].is_float():
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-9, atol=1e-8, equal_nan=True,
                                       err_msg=col)
        else:
            assert a[col].to_list() == b[col].to_list(), col


def test_until_replays_the_past_exactly():
    rng = np.random.default_rng(2)
    x = simulate.series(rng, n=6, days=320, rate=3.0, alpha=0.2, change=simulate.Change("step", 3.0, 250))
    data = from_frame(_series_frame(x, START), totals=False)
    cut = START + timedelta(days=260)
    replay = detect_frame(data, since=START, until=cut).select(STABLE)
    later = detect_frame(data, since=START).filter(pl.col("first_alarm_date") <= cut).select(STABLE)
    assert replay.height >= 1
    assert replay.sort("admin1_code", "first_alarm_date").equals(later.sort("admin1_code", "first_alarm_date"))


# --------------------------------------------------------------------------- statistics


def test_q_values_equal_statsmodels_bh_over_the_days_series():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(6)
    x = simulate.series(rng, n=40, days=300, rate=rng.uniform(0.5, 5, 40), alpha=0.2,
                        change=simulate.Change("step", 3.0, rng.integers(200, 290, 40)))
    x[:, 39] = 0  # never active: not in any family
    run = screen_series(as_set(x))
    ranked = rank_run(run)
    assert "UA-39" not in ranked["admin1_code"].to_list()
    p = ranked["p_empirical"].to_numpy()
    np.testing.assert_allclose(ranked["q_value"].to_numpy(), multipletests(p, method="fdr_bh")[1], rtol=1e-12)
    assert np.all(np.diff(ranked["q_value"].to_numpy()) >= -1e-15)  # ranked by q
    # A signal's q is BH over every active series on its first alarm day.
    sig = detect_frame(as_set(x), since=START, run=run)
    assert sig.height > 0
    for row in sig.head(5).iter_rows(named=True):
        day_rank = rank_run(run, day=row["first_alarm_date"], top_k=0)
        side = "p_empirical"
        if row["kind"] == "de-escalation":
            continue
        p_day = day_rank[side].to_numpy()
        q_day = multipletests(p_day, method="fdr_bh")[1]
        k = day_rank["admin1_code"].to_list().index(row["admin1_code"])
        assert row["p_empirical"] == pytest.approx(p_day[k], rel=1e-12)
        assert row["q_value"] == pytest.approx(q_day[k], rel=1e-12)


def test_vectorised_quantities_equal_the_statsmodels_glms():
    rng = np.random.default_rng(12)
    x = rng.negative_binomial(2, 0.35, (220, 30)).astype(float)
    x[150:, :10] *= 2
    x[190:, 25] = 0
    intensity = x * rng.uniform(0.2, 3.0, x.shape)
    day = np.r_[np.full(20, 219), np.full(10, 120)]
    series = np.r_[np.arange(20), np.arange(20, 30)]
    alpha = rng.uniform(0.01, 1.0, 30)
    fast = quantify(x, intensity, alpha, day, series)
    slow = quantify_statsmodels(x, intensity, alpha, day, series)
    for k in fast:
        np.testing.assert_allclose(np.asarray(fast[k], float), np.asarray(slow[k], float), rtol=2e-4, atol=1e-9,
                                   equal_nan=True, err_msg=k)


def test_glm_rate_ratio_matches_statsmodels_by_hand():
    import statsmodels.api as sm

    rng = np.random.default_rng(13)
    x = rng.poisson(3.0, (100, 1)).astype(float)
    x[93:] = rng.poisson(7.0, (7, 1))
    q = quantify_statsmodels(x, x, np.array([0.3]), np.array([99]), np.array([0]))
    y = np.r_[x[36:92, 0], x[93:100, 0]]
    X = np.column_stack([np.ones(63), np.r_[np.zeros(56), np.ones(7)]])
    res = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=0.3)).fit()
    assert q["rr7"][0] == pytest.approx(np.exp(res.params[1]), rel=1e-9)
    lo, hi = np.exp(res.conf_int()[1])
    assert q["rr7_lo"][0] == pytest.approx(lo, rel=1e-6) and q["rr7_hi"][0] == pytest.approx(hi, rel=1e-6)
    assert q["p_value"][0] == pytest.approx(res.pvalues[1] / 2, rel=1e-6)  # one-sided, positive effect


def test_empirical_p_is_monotone_and_bounded():
    cal = shipped()
    s = np.linspace(0, 15, 200)
    p = cal.p_empirical("up", s, np.full(200, 2.0), np.full(200, 0.3))
    assert p[0] == 1.0 and np.all(np.diff(p) <= 1e-15)
    assert p[-1] >= cal.p_floor
    h_up, _ = cal.thresholds(np.array([2.0]), np.array([0.3]))
    # Stationary series-days at or above the alarm threshold are rare (the statistic
    # without resets stays above it for a few days after each false alarm).
    assert cal.p_empirical("up", h_up, np.array([2.0]), np.array([0.3]))[0] < 0.01


def test_calibration_band_is_reproducible_from_the_seeded_script():
    from intensity.detection.calibrate import calibrate

    cal = shipped()
    meta = cal.meta
    (row,) = calibrate(seed=meta["seed"], n_series=meta["n_series"], n_days=meta["n_days"],
                       target=meta["target_fa_per_1000"], n_mdc=meta["n_mdc"], cells=[(7, 3)])
    assert float(f"{row['h_up']:.6g}") == cal.h_up[7, 3]
    assert float(f"{row['h_down']:.6g}") == cal.h_down[7, 3]
    assert float(f"{row['fa_up']:.6g}") == cal.fa_up[7, 3]
    assert row["mdc7"] == cal.mdc7[7, 3]


def test_changed_settings_need_a_new_calibration():
    from intensity.errors import UsageError

    x = np.random.default_rng(0).poisson(2.0, (100, 1)).astype(float)
    with pytest.raises(UsageError, match="design_ratio"):
        detect_frame(as_set(x), params=DetectParams(design_ratio=3.0))


# --------------------------------------------------------------------------- reference detectors


def test_acled_surge_matches_a_hand_computed_case():
    # Weeks run Saturday-Friday from START (a Saturday). Weekly totals per series:
    #   A: 1, 1, 2, 0 | 2 -> mean 1.0 >= 1 and 2 >= 2 x 1.0: surge on week 5's Friday
    #   B: 0, 1, 1, 1 | 5 -> mean 0.75 < 1: no surge however large the week
    #   C: 2, 1, 2, 2 | 3 -> mean 1.75, 3 < 3.5: no surge
    #   D: 1, 1, 1, 1 | 2 | 4 -> week 5 surges; week 6: mean of weeks 2-5 = 1.25, 4 >= 2.5
    weeks = {"A": [1, 1, 2, 0, 2, 0], "B": [0, 1, 1, 1, 5, 0], "C": [2, 1, 2, 2, 3, 0], "D": [1, 1, 1, 1, 2, 4]}
    x = np.zeros((42, 4))
    for j, counts in enumerate(weeks.values()):
        for w, c in enumerate(counts):
            x[7 * w + 2, j] = c  # all on the Monday of the week
    al = reference.acled_surge(x, day0_weekday=START.weekday(), params=PARAMS)
    got = sorted((int(s), int(d), int(o)) for s, d, o in zip(al.series, al.day, al.onset))
    fri5, fri6 = 4 * 7 + 6, 5 * 7 + 6
    assert got == [(0, fri5, 28), (3, fri5, 28), (3, fri6, 35)]
    assert (START + timedelta(days=fri5)).weekday() == 4  # a Friday
    assert al.statistic[(al.series == 0)][0] == pytest.approx(2.0)


def test_acled_surge_signals_close_on_fridays():
    x = np.zeros((120, 1))
    x[:, 0] = np.tile([1, 0, 0, 1, 0, 0, 0], 18)[:120]
    x[100:107, 0] = 3
    out = detect_frame(as_set(x), since=START, method="acled_surge")
    assert out.height == 1
    assert out["first_alarm_date"][0].weekday() == 4 and out["onset_date"][0].weekday() == 5


def test_ears_c2_hand_case():
    x = np.zeros((20, 1))
    x[:, 0] = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 9, 3, 2, 3]
    al = reference.ears_c2(x, params=PARAMS)
    # Day 16: baseline days 7..13 = 3,2,3,2,3,2,3 -> mean 18/7, sd 0.535; z = (9 - 2.571)/0.535 = 12.0
    assert list(al.day) == [16]
    assert al.statistic[0] == pytest.approx((9 - 18 / 7) / np.std([3, 2, 3, 2, 3, 2, 3], ddof=1))


def test_hdx_fatality_maximum_with_floor():
    f = np.zeros((500, 2))
    f[:, 0] = 2.0           # steady 60 per 30 days: never reaches the floor
    f[:, 1] = 4.0           # steady 120 per 30 days: at the floor, but never a new maximum
    f[450:455, 1] = 30.0    # then a jump: a new 1-year maximum
    al = reference.hdx_fatalities(f, params=PARAMS)
    assert set(al.series.tolist()) == {1}
    assert al.day.min() == 450


def test_pelt_finds_a_step_online():
    pytest.importorskip("ruptures")
    rng = np.random.default_rng(14)
    x = np.concatenate([rng.poisson(3, 200), rng.poisson(12, 40)]).astype(float)[:, None]
    al = reference.pelt(x, params=PARAMS)
    assert len(al.day) >= 1
    assert al.day.min() >= 200 and abs(int(al.onset[al.day == al.day.min()][0]) - 200) <= 3


def test_unknown_method_is_a_usage_error():
    from intensity.errors import UsageError

    with pytest.raises(UsageError):
        detect_frame(as_set(np.ones((100, 1))), method="magic")


# --------------------------------------------------------------------------- intensity index


def test_intensity_index_weights_severity_and_fatalities():
    import math

    df = pl.DataFrame({
        "country_iso3": ["SYR", "SYR", "SYR"], "admin1_code": ["SY-01"] * 3,
        "event_type": ["explosions_remote_violence"] * 3,
        "sub_event_type": ["chemical_weapon", "grenade", "grenade"],
        "day": [date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 3)],
        "events": [1, 2, 1], "fatalities": [3, 0, 1],
        "log1p_fatalities": [math.log(4), 0.0, math.log(2)],
    })
    s = from_frame(df, totals=False)
    # chemical weapon (severity 2) with 3 dead + two grenades (0.5) with none; a grenade with 1 dead
    assert s.intensity[0, 0] == pytest.approx(2 * (1 + math.log(4)) + 2 * 0.5)
    assert s.intensity[2, 0] == pytest.approx(0.5 * (1 + math.log(2)))
    assert s.events[:, 0].tolist() == [3, 0, 1]
    custom = from_frame(df, totals=False, severity={"grenade": 1.0}, fatality_coef=0.0)
    assert custom.intensity[0, 0] == pytest.approx(2 + 2)


def test_intensity_from_the_store_uses_per_event_fatalities(con, tmp_path):
    import math

    from intensity import ingest_files
    from intensity.detection.series import load

    csv = tmp_path / "ev.csv"
    csv.write_text(
        "event_id,source,event_date,country_iso3,admin1_code,event_type,sub_event_type,fatalities\n"
        "t:1,test,2024-02-01,UKR,UA-63,explosions_remote_violence,shelling_artillery_missile_attack,3\n"
        "t:2,test,2024-02-01,UKR,UA-63,explosions_remote_violence,shelling_artillery_missile_attack,\n"
        "t:3,test,2024-02-03,UKR,UA-63,explosions_remote_violence,grenade,1\n"
        "t:4,test,2024-02-03,UKR,UA-14,battles,armed_clash,0\n"
    )
    (res,) = ingest_files(con, [csv])
    assert res.loaded == 4
    s = load(con, until=date(2024, 2, 5))
    k = s.keys.with_row_index("i").filter(pl.col("admin1_code") == "UA-63")["i"][0]
    assert s.start == date(2024, 2, 1) and s.n_days == 5
    assert s.intensity[0, k] == pytest.approx((1 + math.log(4)) + 1)  # unreported = 0 dead
    assert s.intensity[2, k] == pytest.approx(0.5 * (1 + math.log(2)))
    assert s.fatalities[0, k] == 3 and s.events[:, k].tolist() == [2, 0, 1, 0, 0]
    assert s.keys["admin1"][int(k)] == "Kharkiv"


def test_intensity_ratio_is_quasi_likelihood_not_poisson():
    # Heavy-tailed intensity: the quasi-Poisson interval must be wider than Poisson's.
    rng = np.random.default_rng(15)
    w = rng.gamma(0.5, 8.0, (100, 1))
    q = quantify(np.ones_like(w), w, np.array([0.1]), np.array([99]), np.array([0]))
    m0, m1 = w[36:92, 0].mean(), w[93:, 0].mean()
    poisson_se = np.sqrt(1 / (56 * m0) + 1 / (7 * m1))
    qp_se = (np.log(q["intensity_hi"][0]) - np.log(q["intensity_lo"][0])) / (2 * 1.959963984540054)
    assert q["intensity_ratio"][0] == pytest.approx(m1 / m0)
    assert qp_se > 1.5 * poisson_se


def test_empty_windows_give_no_ratio_and_one_empty_window_is_haldane_corrected():
    # Day 99 of three series: silent throughout; one event in the last 7 days only; events
    # in the baseline only. 0/0 once read as a rate ratio of 8 (0.5/7 over 0.5/56).
    x = np.zeros((100, 3))
    x[97, 1] = 1
    x[50, 2] = 4
    for fn in (quantify, quantify_statsmodels):
        q = fn(x, x, np.array([0.1] * 3), np.array([99] * 3), np.array([0, 1, 2]))
        assert np.isnan([q[k][0] for k in ("rr7", "rr7_lo", "rr7_hi", "rr28", "p_value",
                                           "intensity_ratio")]).all()
        assert q["rr7"][1] == pytest.approx((1.5 / 7) / (0.5 / 56))  # 0.5 added to both windows
        assert q["rr7"][2] == pytest.approx((0.5 / 7) / (4.5 / 56)) and q["corrected"][1:].all()


# --------------------------------------------------------------------------- traces


def test_trace_marks_alarms_and_onsets_of_the_signals():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.poisson(4.0, 150), rng.poisson(12.0, 40)]).astype(float)[:, None]
    data = as_set(x)
    run = screen_series(data)
    sig = detect_frame(data, since=START, run=run)
    tr = trace_run(run, country="UKR", admin1_code="UA-00", event_type="battles")
    assert tr.height == 190 and tr["day"][0] == START
    firsts = tr.filter(pl.col("first_alarm"))["day"].to_list()
    assert firsts == sorted(sig["first_alarm_date"].to_list())
    assert set(sig["onset_date"].to_list()) <= set(tr.filter(pl.col("onset"))["day"].to_list())
    assert tr["baseline_mean"][:63].null_count() == 63 and tr["baseline_mean"][63] is not None
    row = tr.filter(pl.col("day") == sig["first_alarm_date"][0]).row(0, named=True)
    assert row["cusum_up"] > row["threshold_up"] and row["alarm"] == "escalation"
    assert row["baseline_lo"] <= row["baseline_mean"] <= row["baseline_hi"]
