"""Seeded simulated count series with known changes (SIMULATED data, for calibration and tests).

In the style of ``ruptures.datasets``: each generator returns the signal and the
truth, so a test can check that a change is found where it was put. Arrays are
day-major, ``x[t, i]`` (day ``t``, series ``i``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Mon..Sun reporting weights (thinner at weekends), normalised to mean 1.
WEEKDAY = np.array([1.15, 1.05, 1.0, 1.0, 1.0, 0.9, 0.8])
WEEKDAY = WEEKDAY / WEEKDAY.mean()


@dataclass(frozen=True)
class Change:
    """A known change of the rate from day ``day`` on (one day, or one per series).

    ``kind`` is ``step`` (x ``factor`` at once) or ``ramp`` (linear from 1 to
    ``factor`` over ``ramp_days`` days, reaching it on day ``day + ramp_days - 1``).
    """

    kind: str
    factor: float
    day: int | np.ndarray
    ramp_days: int = 0

    def multiplier(self, t_len: int) -> np.ndarray:
        """Rate multipliers per day, shape (t_len,), or (t_len, n) when ``day`` is per series."""
        day = np.asarray(self.day)
        t = np.arange(t_len)[:, None] - day[None, :] if day.ndim else np.arange(t_len) - day
        if self.kind == "ramp":
            frac = np.clip((t + 1) / max(self.ramp_days, 1), 0.0, 1.0)
            return np.where(t >= 0, 1.0 + (self.factor - 1.0) * frac, 1.0)
        if self.kind == "step":
            return np.where(t >= 0, self.factor, 1.0)
        raise ValueError(f"unknown change kind {self.kind!r}")


def nb_draw(rng: np.random.Generator, mu: np.ndarray, alpha) -> np.ndarray:
    """Negative-binomial counts (variance ``mu + alpha mu^2``) as a gamma-Poisson mixture."""
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), np.shape(mu))
    a = np.maximum(alpha, 1e-9)
    lam = rng.gamma(1.0 / a, a * np.maximum(mu, 1e-12))
    return rng.poisson(np.where(np.asarray(mu) > 0, lam, 0.0)).astype(float)


def series(
    rng: np.random.Generator,
    *,
    n: int,
    days: int,
    rate,
    alpha,
    zero_prob: float = 0.0,
    weekday: bool = False,
    drift: tuple[float, float] | None = None,
    bursty: tuple[float, float] | None = None,
    change: Change | None = None,
) -> np.ndarray:
    """Simulate ``n`` daily count series of ``days`` days (day-major ``(days, n)``).

    Args:
        rng: the random generator (seed it for reproducible series).
        n, days: how many series, how long.
        rate: mean events per day, scalar or per series.
        alpha: NB dispersion, scalar or per series.
        zero_prob: probability that a day is a structural zero (nothing reported).
        weekday: multiply by weekday reporting weights (random phase per series).
        drift: ``(phi, sd)``: AR(1) drift of the log level with autocorrelation
            ``phi`` and stationary standard deviation ``sd`` (mean level kept).
        bursty: ``(eta, lag)``: self-exciting (Hawkes-type) counts with branching
            ratio ``eta`` and a geometric kernel of mean ``lag`` days; the long-run
            mean stays ``rate``.
        change: a known change applied to the rate.
    """
    rate = np.broadcast_to(np.asarray(rate, dtype=float), (n,))
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (n,))
    mu = np.broadcast_to(rate, (days, n)).copy()
    if weekday:
        phase = rng.integers(0, 7, n)
        mu *= WEEKDAY[(np.arange(days)[:, None] + phase[None, :]) % 7]
    if drift is not None:
        phi, sd = drift
        z = np.empty((days, n))
        z[0] = rng.normal(0.0, sd, n)
        eps = rng.normal(0.0, sd * np.sqrt(1.0 - phi * phi), (days, n))
        for t in range(1, days):
            z[t] = phi * z[t - 1] + eps[t]
        mu *= np.exp(z - sd * sd / 2.0)
    if change is not None:
        mult = change.multiplier(days)
        mu *= mult if mult.ndim == 2 else mult[:, None]
    if bursty is not None:
        eta, lag = bursty
        rho = 1.0 - 1.0 / lag
        x = np.zeros((days, n))
        excite = np.zeros(n)
        for t in range(days):
            lam = mu[t] * (1.0 - eta) + eta * excite
            x[t] = nb_draw(rng, lam, alpha)
            excite = rho * excite + (1.0 - rho) * x[t]
    else:
        x = nb_draw(rng, mu, alpha[None, :])
    if zero_prob > 0:
        x[rng.random((days, n)) < zero_prob] = 0.0
    return x


def fatalities(rng: np.random.Generator, counts: np.ndarray, mean_per_event: float = 1.0):
    """Fatalities per day for ``counts`` events, geometric per event (mean ``mean_per_event``).

    Returns ``(fatalities, log1p_sum)``: the daily total and the daily sum over events
    of ``log1p(fatalities)`` (what the intensity index needs).
    """
    n_ev = counts.astype(np.int64)
    total = int(n_ev.sum())
    per_event = rng.negative_binomial(1, 1.0 / (1.0 + mean_per_event), total).astype(float)
    cell = np.repeat(np.arange(n_ev.size), n_ev.ravel())
    fat = np.bincount(cell, per_event, minlength=n_ev.size).reshape(counts.shape)
    lf = np.bincount(cell, np.log1p(per_event), minlength=n_ev.size).reshape(counts.shape)
    return fat, lf
