"""Parameters of the escalation detectors, in one frozen dataclass.

Every signal row records the parameters it was computed with (as JSON), so a
stored signal can always be traced back to the settings that raised it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

METHODS = ("nb_cusum", "acled_surge", "hdx_fatalities", "ears_c2", "pelt")


@dataclass(frozen=True)
class DetectParams:
    """Settings of the default NB-CUSUM detector, its guards and the reference detectors.

    Attributes:
        baseline_days: length of the trailing baseline window.
        guard_days: days between the baseline window and the day tested, so a
            developing escalation does not inflate its own baseline.
        design_ratio: the rate ratio the upper CUSUM is tuned to detect.
        design_ratio_down: the ratio the lower (de-escalation) CUSUM is tuned to.
        recent_days: the "last week" window of the guard and of the 7-day rate ratio.
        min_recent_events: no escalation or emergence flag with fewer events
            than this in the last ``recent_days`` days.
        drop_min_rate: no de-escalation flag below this baseline rate (events/day).
        episode_gap: alarms of one series closer than this many days form one episode.
        alpha_max: upper clip of the dispersion estimate.
        tau2_min: floor of the between-series variance of dispersion used when
            shrinking each series' estimate toward its event type's pooled value.
        fatality_coef: ``c`` in the intensity weight ``severity x (1 + c log1p(fatalities))``.
        severity: overrides of the per-sub-event-type severity weights
            (default: the ``severity`` column of ``data/reference/event_types.csv``).
        calibration: name of the shipped calibration table to use.
        top_k: the ranked table refits this many top series with statsmodels.
        surge_ratio, surge_min_avg: ACLED surge rule (last week >= ratio x mean of
            the previous 4 weeks, only where that mean is >= ``surge_min_avg``).
        hdx_floor, hdx_years: HDX-style rule (30-day fatalities at a 1-year
            maximum and >= ``hdx_floor``; ``hdx_years`` years of history needed).
        ears_threshold, ears_min_sigma: EARS C2 (z > threshold over days t-9..t-3,
            with the standard deviation floored at ``ears_min_sigma``).
        pelt_window, pelt_step, pelt_recent, pelt_penalty: PELT (ruptures) rerun every
            ``pelt_step`` days on the trailing ``pelt_window`` days of
            variance-stabilised counts; alarms when its last change point lies within
            ``pelt_recent`` days and the level rose. Penalty = ``pelt_penalty`` x
            sigma^2 x log(n).
    """

    baseline_days: int = 56
    guard_days: int = 7
    design_ratio: float = 2.0
    design_ratio_down: float = 0.5
    recent_days: int = 7
    min_recent_events: int = 3
    drop_min_rate: float = 0.5
    episode_gap: int = 14
    alpha_max: float = 3.0
    tau2_min: float = 0.01
    fatality_coef: float = 1.0
    severity: dict | None = field(default=None, compare=False)
    calibration: str = "nb_cusum"
    top_k: int = 50
    surge_ratio: float = 2.0
    surge_min_avg: float = 1.0
    hdx_floor: float = 100.0
    hdx_years: int = 1
    ears_threshold: float = 3.0
    ears_min_sigma: float = 0.5
    pelt_window: int = 112
    pelt_step: int = 7
    pelt_recent: int = 28
    pelt_penalty: float = 3.0

    @property
    def history(self) -> int:
        """Days of data needed before the first day the CUSUM can be evaluated."""
        return self.baseline_days + self.guard_days

    def with_(self, **changes) -> "DetectParams":
        """A copy with some fields changed."""
        return replace(self, **changes)

    def to_json(self, method: str) -> str:
        """The settings that matter for ``method``, as compact JSON."""
        d = asdict(self)
        common = ("baseline_days", "guard_days", "recent_days", "min_recent_events", "episode_gap",
                  "fatality_coef", "severity")
        own = {
            "nb_cusum": ("design_ratio", "design_ratio_down", "drop_min_rate", "alpha_max", "tau2_min",
                         "calibration"),
            "acled_surge": ("surge_ratio", "surge_min_avg"),
            "hdx_fatalities": ("hdx_floor", "hdx_years"),
            "ears_c2": ("ears_threshold", "ears_min_sigma"),
            "pelt": ("pelt_window", "pelt_step", "pelt_recent", "pelt_penalty"),
        }[method]
        keep = {k: d[k] for k in (*common, *own) if d[k] is not None}
        return json.dumps({"method": method, **keep}, sort_keys=True, separators=(",", ":"))
