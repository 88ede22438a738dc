"""Statistics with plain inputs and outputs, independent of Streamlit and the warehouse."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal distribution


def wilson_interval(successes: int, total: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion, as fractions (meetregels: every recidive %)."""
    if total <= 0:
        raise ValueError("the Wilson interval needs a positive total")
    if not 0 <= successes <= total:
        raise ValueError("successes must lie between 0 and total")
    p = successes / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    return max(0.0, centre - half), min(1.0, centre + half)


def wilson_arrays(successes: np.ndarray, totals: np.ndarray, z: float = Z95) -> tuple:
    """`wilson_interval` for arrays at once; NaN where the total is 0."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier estimate at each distinct time (days), with its 95% interval."""

    time: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    survival: np.ndarray
    low: np.ndarray
    high: np.ndarray


def kaplan_meier(
    time: np.ndarray, events: np.ndarray, censored: np.ndarray, z: float = Z95
) -> SurvivalCurve:
    """Kaplan-Meier from counts per time: `events` ended at `time`, `censored` left then.

    Events at a time are counted before the censored of that time leave the risk set (the
    usual convention). The interval is the exponential Greenwood ("log-log") interval, the
    default of lifelines, which the tests compare against.
    """
    t = np.asarray(time, dtype=float)
    order = np.argsort(t, kind="stable")
    t, d, c = t[order], np.asarray(events, float)[order], np.asarray(censored, float)[order]
    times, index = np.unique(t, return_inverse=True)
    d = np.bincount(index, weights=d, minlength=times.size)
    c = np.bincount(index, weights=c, minlength=times.size)
    leaving = d + c
    at_risk = leaving[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        survival = np.cumprod(1.0 - np.where(at_risk > 0, d / at_risk, 0.0))
        greenwood = np.cumsum(np.where(at_risk > d, d / (at_risk * (at_risk - d)), 0.0))
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / np.abs(log_s)
        low = np.exp(-np.exp(np.log(-log_s) + spread))
        high = np.exp(-np.exp(np.log(-log_s) - spread))
    untouched = survival >= 1.0
    low[untouched], high[untouched] = 1.0, 1.0
    return SurvivalCurve(times, at_risk, d, survival, low, high)
