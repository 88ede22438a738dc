"""Statistics with plain inputs and outputs, independent of Streamlit and the warehouse."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

Z95 = 1.959963984540054  # the 97.5% quantile of the standard normal distribution


def odds_ratio_2x2(a: int, b: int, c: int, d: int, z: float = Z95) -> tuple[float, float, float]:
    """The odds ratio (a/b) / (c/d) of a 2x2 table with its 95% interval on the log scale
    (Woolf: se = sqrt(1/a + 1/b + 1/c + 1/d)); every cell must be at least 1. Written out
    rather than statsmodels' Table2x2, whose import alone costs the build 130 MB; the test
    checks it against Table2x2."""
    log_or = math.log(a) - math.log(b) - math.log(c) + math.log(d)
    half = z * math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return math.exp(log_or), math.exp(log_or - half), math.exp(log_or + half)


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


# --- benchmarking (meetregels Vergelijken) ---------------------------------------------------


def funnel_limits(rate: float, sizes: np.ndarray, coverage: float) -> tuple[np.ndarray, ...]:
    """Binomial control limits around `rate` for units of each size, as proportions: the
    (1-coverage)/2 and (1+coverage)/2 quantiles of Binomial(n, rate) divided by n."""
    from scipy.stats import binom

    n = np.asarray(sizes, dtype=float)
    tail = (1 - coverage) / 2
    return binom.ppf(tail, n, rate) / n, binom.ppf(1 - tail, n, rate) / n


def funnel_limits_expected(
    rate: float, expected: np.ndarray, coverage: float
) -> tuple[np.ndarray, ...]:
    """Control limits for an indirectly standardised rate (O/E x `rate`, meetregels
    Vergelijken) on the unit's expected count E, as Spiegelhalter (2005, "Funnel plots for
    comparing institutional performance", Statistics in Medicine 24: 1185-1202) puts them:
    under the null O ~ Poisson(E), and the p-quantile of O, r_p, is interpolated to a
    continuous limit (r_p - a) / E with a = (F(r_p) - p) / (F(r_p) - F(r_p - 1)); times
    `rate`, as proportions. (Binomial limits on n, as for crude rates, would ignore that the
    unit's expected count, not its size, carries the comparison.)"""
    from scipy.stats import poisson

    e = np.asarray(expected, dtype=float)
    out = []
    for p in ((1 - coverage) / 2, (1 + coverage) / 2):
        r = poisson.ppf(p, e)
        below = np.where(r > 0, poisson.cdf(r - 1, e), 0.0)
        at = poisson.cdf(r, e)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(at > below, (at - p) / (at - below), 0.0)
            out.append(rate * np.maximum(r - a, 0.0) / e)
    return out[0], out[1]


@dataclass(frozen=True)
class LogisticFit:
    """A binomial logistic regression on grouped data: coefficient names, estimates, 95%
    intervals (log-odds) and what is needed to predict."""

    names: tuple[str, ...]
    coef: np.ndarray
    se: np.ndarray
    low: np.ndarray
    high: np.ndarray
    design: dict  # column -> levels (categorical, reference first) or None (numeric)
    n: int
    information: np.ndarray | None = None  # X'WX at the estimates (where a next fit may start)

    def odds_ratio(self, name: str) -> tuple[float, float, float]:
        i = self.names.index(name)
        return math.exp(self.coef[i]), math.exp(self.low[i]), math.exp(self.high[i])

    def predict(self, frame: pl.DataFrame) -> np.ndarray:
        """Predicted probability for each row of `frame` (same columns as fitted)."""
        x, _ = design_matrix(frame, self.design)
        return 1 / (1 + np.exp(-(x @ self.coef)))


def design_matrix(frame: pl.DataFrame, design: dict) -> tuple[np.ndarray, list[str]]:
    """Intercept, then per column: its value (numeric) or one dummy per non-reference level.
    A null in a categorical column is its own level 'onbekend' when that level is listed.
    Filled column by column into one array in column-major order (each column contiguous:
    three times faster to fill, and X'WX half the time): the design is the largest object of
    a fit."""
    names = ["intercept"]
    for column, levels in design.items():
        names += [column] if levels is None else [f"{column}={level}" for level in levels[1:]]
    x = np.empty((frame.height, len(names)), order="F")
    x[:, 0] = 1.0
    i = 1
    for column, levels in design.items():
        if levels is None:
            x[:, i] = frame[column].cast(pl.Float64).to_numpy()
            i += 1
            continue
        codes = frame[column].cast(pl.String).fill_null("onbekend")
        for level in levels[1:]:
            x[:, i] = (codes == level).cast(pl.Float64).to_numpy()
            i += 1
    return x, names


# An earlier fit's coefficient names, estimates and information matrix X'WX at them (row by
# row, or None): where Newton's method may set out from.
Start = tuple[tuple[str, ...], list[float], list[float] | None]


def fit_logistic(
    frame: pl.DataFrame,
    successes: str,
    totals: str,
    design: dict,
    group: bool = True,
    start: Start | None = None,
    matrix: tuple[np.ndarray, list[str]] | None = None,
) -> LogisticFit:
    """Fit logit P(success) on the covariate patterns of `frame`.

    `design` maps each covariate to its levels (reference first) or None for numeric ones.
    Rows are first summed per unique pattern of the design's columns (successes out of
    totals): the binomial likelihood of the patterns equals that of the persons, so the
    estimates and standard errors are those of a person-level fit, from far fewer rows.
    `group` False skips that step, for rows that are nearly all distinct patterns already
    (the estimates are the same either way). `start`: the names, estimates and information
    matrix of an earlier fit (the last build's), from which Newton's method sets out: on
    nearly the same data its steps need no new matrix X'WX, only the one at the estimate for
    the standard errors, instead of four or five (the optimum is the same: the likelihood is
    concave, and each step is checked until it is below 1e-10). `matrix`: the design
    matrix of `frame` already built (with `group` False), so that a caller who needs it too
    builds it once.
    """
    patterns = frame.filter(pl.col(totals) > 0)
    if group:
        patterns = patterns.group_by(list(design)).agg(
            pl.col(successes).sum(), pl.col(totals).sum()
        )
    if matrix is not None and not group and patterns.height == frame.height:
        x, names = matrix
    else:
        x, names = design_matrix(patterns, design)
    k = patterns[successes].cast(pl.Float64).to_numpy()
    n = patterns[totals].cast(pl.Float64).to_numpy()
    initial, hessian = None, None
    if start is not None and tuple(start[0]) == tuple(names):
        initial = np.array(start[1], dtype=float)
        if start[2] is not None and len(start[2]) == len(names) ** 2:
            hessian = np.array(start[2], dtype=float).reshape(len(names), len(names))
    coef, information = _newton_logit(x, k, n, initial, hessian)
    se = np.sqrt(np.diag(np.linalg.inv(information)))
    half = Z95 * se
    return LogisticFit(
        tuple(names), coef, se, coef - half, coef + half, design, int(n.sum()), information
    )


def _newton_logit(
    x: np.ndarray,
    k: np.ndarray,
    n: np.ndarray,
    initial: np.ndarray | None = None,
    hessian: np.ndarray | None = None,
    max_steps: int = 50,
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum-likelihood logit coefficients and the information matrix X'WX at them (its
    inverse holds the variances) for grouped binomial rows (k successes of n), by
    Newton-Raphson with the analytic Hessian X'WX (`hessian`: one to start with, e.g. an
    earlier fit's on nearly the same data).

    Written out rather than statsmodels' GLM: that keeps several copies of the design (and
    its pseudo-inverse) in memory and factorises it whole, which at national scale cost the
    build 400 MB and seconds; this holds the design once. X'WX is the costly part: once the
    steps are small (< 1e-3) the last one is kept for the remaining steps (they converge just
    as surely, each for the price of two matrix-vector products), and it is computed afresh at
    the estimate for the standard errors. Checked against statsmodels' person-level Logit to
    1e-6 (tests/store/test_stats.py)."""

    def information(p: np.ndarray) -> np.ndarray:
        weights = n * p * (1.0 - p)
        out = np.zeros((x.shape[1], x.shape[1]))
        for start in range(0, x.shape[0], 32_768):  # in slices: no second copy of the design
            part = x[start : start + 32_768]
            out += part.T @ (part * weights[start : start + 32_768, None])
        return out

    coef = np.zeros(x.shape[1]) if initial is None else np.array(initial, dtype=float)
    p = 1.0 / (1.0 + np.exp(-(x @ coef)))
    if hessian is None:  # (an earlier fit's is kept while the steps are small)
        hessian = information(p)
    if np.linalg.matrix_rank(hessian) < x.shape[1]:
        raise ValueError("the covariates are collinear: some effects cannot be separated")
    for _ in range(max_steps):
        step = np.linalg.solve(hessian, x.T @ (k - n * p))
        coef = coef + step
        if not np.all(np.isfinite(coef)):
            raise ValueError("the model does not converge (separation)")
        p = 1.0 / (1.0 + np.exp(-(x @ coef)))
        largest = np.max(np.abs(step))
        if largest < 1e-10:
            break
        if largest >= 1e-3:  # far from the optimum: a new matrix at the new estimate
            hessian = information(p)
    else:
        raise ValueError("the model does not converge")
    final = information(p)
    if np.linalg.matrix_rank(final) < x.shape[1]:
        raise ValueError("the covariates are collinear: some effects cannot be separated")
    return coef, final


def levels_by_column(frame: pl.DataFrame, references: dict[str, str | None]) -> dict[str, list]:
    """The levels of each categorical column, in one pass over the frame: its reference
    first (None: the largest), then the others; 'onbekend' stands for nulls when there are
    any."""
    counts = frame.select(
        pl.col(c).cast(pl.String).fill_null("onbekend").value_counts().implode() for c in references
    )
    out = {}
    for column, reference in references.items():
        ranked = (
            counts[column].explode().struct.unnest().sort("count", column, descending=[True, False])
        )
        levels = ranked[column].to_list()
        first = reference if reference in levels else levels[0]
        out[column] = [first, *sorted(level for level in levels if level != first)]
    return out


def standardise(
    k: np.ndarray, n: np.ndarray, e: np.ndarray, national: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Indirect standardisation (meetregels Vergelijken), the one place it is computed: per
    unit with k observed of n and e expected, observed/expected, the corrected rate = O/E x
    the national rate, and the Wilson interval of k/n scaled the same way (fractions; NaN
    where e or n is 0)."""
    k, n, e = (np.asarray(x, dtype=float) for x in (k, n, e))
    low, high = wilson_arrays(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        o_e = np.where(e > 0, k / e, np.nan)
        scale = np.where((e > 0) & (n > 0), np.asarray(national, dtype=float) * n / e, np.nan)
    return o_e, o_e * national, low * scale, high * scale
