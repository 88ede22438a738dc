"""The cell-key method: small, consistent noise on every published count (docs/cellkey.md).

Every release in the store has a record key: a whole number in [0, 2^32) drawn once by a keyed
hash of the record's identity (so it is the same at every rebuild and re-delivery, and cannot
be recomputed without the store's secret). A published count carries the sum of its records'
keys modulo 2^32; divided by 2^32 that is its cell key in [0, 1). The perturbation table
(ptable) gives, for each original count and cell-key interval, the noise to add. The same
records give the same cell key in every view, process and rebuild, and so the same noise:
asking again, or differencing two views, yields noise rather than people.

The ptable follows the maximum-entropy construction of Giessing (2016) as implemented by the
R package ptable (sdcTools): noise at most D, zero mean, variance V, no count pushed across
the suppression threshold, and (its default `mono = TRUE`) probabilities that rise towards
noise 0 on both sides, so that a count is shown as itself at least as often as as any other.
Written here rather than installed: there is no Python port, and the construction is a small
convex problem per row.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

KEY_MODULUS = 2**32
KEY_SUFFIX = "__ck"  # a published count column C travels with its key sum C__ck


@dataclass(frozen=True)
class PTableRow:
    """The noise distribution of one original count: noises in ascending order with their
    probabilities, and the upper ends of their cell-key intervals."""

    count: int  # the original count (the last row stands for every larger count too)
    noises: tuple[int, ...]
    probabilities: tuple[float, ...]

    @property
    def bounds(self) -> np.ndarray:
        return np.cumsum(self.probabilities)


@dataclass(frozen=True)
class PTable:
    max_noise: int
    variance: float
    threshold: int
    rows: tuple[PTableRow, ...]  # counts threshold .. threshold + max_noise

    def row(self, count: int) -> PTableRow | None:
        """The row of an original count; None for counts that are never perturbed (0 stays
        0, and 1..threshold-1 read '<threshold' whatever their noise would be)."""
        if count < max(self.threshold, 1) or not self.rows:
            return None
        return self.rows[min(count - self.threshold, len(self.rows) - 1)]


def _max_entropy(noises: np.ndarray, variance: float) -> np.ndarray:
    """The distribution on `noises` with mean 0 and the given variance that has the largest
    entropy: p(d) proportional to exp(a d + b d^2), (a, b) from the convex dual problem."""
    from scipy.optimize import minimize  # only when a table is made: not at every import

    def dual(ab: np.ndarray) -> tuple[float, np.ndarray]:
        exponent = ab[0] * noises + ab[1] * noises**2
        top = exponent.max()
        weights = np.exp(exponent - top)
        z = weights.sum()
        p = weights / z
        value = top + math.log(z) - ab[1] * variance
        return value, np.array([p @ noises, p @ noises**2 - variance])

    result = minimize(dual, np.zeros(2), jac=True, method="BFGS", options={"gtol": 1e-12})
    exponent = result.x[0] * noises + result.x[1] * noises**2
    weights = np.exp(exponent - exponent.max())
    return weights / weights.sum()


def _row(count: int, max_noise: int, variance: float, threshold: int) -> PTableRow:
    noises = np.arange(-max_noise, max_noise + 1)
    noises = noises[count + noises >= threshold]  # never across the threshold
    if noises.min() >= 0:  # no room below: only 'no noise' has mean 0
        return PTableRow(count, (0,), (1.0,))
    from scipy.optimize import linprog  # only when a table is made: not at every import

    # The largest variance that a zero-mean distribution on these noises can have.
    widest = linprog(
        -(noises**2), A_eq=np.vstack([np.ones(noises.size), noises]), b_eq=[1, 0], bounds=(0, 1)
    )
    if variance < -widest.fun - 1e-9:
        p = _max_entropy(noises.astype(float), variance)
    else:
        p = np.clip(widest.x, 0, 1)
    if not _is_monotone(noises, p):
        p = _monotone(noises, variance)
    keep = p > 1e-12
    p = p[keep] / p[keep].sum()
    return PTableRow(count, tuple(int(d) for d in noises[keep]), tuple(float(x) for x in p))


def _monotone_rows(noises: np.ndarray) -> np.ndarray:
    """The inequalities A p <= 0 that make the probabilities rise towards noise 0 on both
    sides: p(d) <= p(d + 1) below 0 and p(d) <= p(d - 1) above."""
    rows = []
    for i, d in enumerate(noises):
        if d != 0:
            row = np.zeros(noises.size)
            row[i], row[i + 1 if d < 0 else i - 1] = 1.0, -1.0
            rows.append(row)
    return np.array(rows)


def _is_monotone(noises: np.ndarray, p: np.ndarray) -> bool:
    return bool((_monotone_rows(noises) @ p <= 1e-12).all())


def _monotone(noises: np.ndarray, variance: float) -> np.ndarray:
    """The maximum-entropy distribution with mean 0 and the given variance whose
    probabilities rise towards noise 0 on both sides (R ptable's default `mono = TRUE`), or,
    where no such distribution has that variance, the monotone one of the largest variance
    (a row beside the threshold then has less noise than asked, never a bias)."""
    from scipy.optimize import linprog, minimize

    d = noises.astype(float)
    a_ub = _monotone_rows(noises)
    widest = linprog(
        -(d**2), A_ub=a_ub, b_ub=np.zeros(len(a_ub)), A_eq=np.vstack([np.ones(d.size), d]),
        b_eq=[1, 0], bounds=(0, 1),
    )  # fmt: skip
    if variance >= -widest.fun - 1e-9:
        return np.clip(widest.x, 0, 1)
    result = minimize(
        lambda p: float(np.sum(p * np.log(np.maximum(p, 1e-300)))),
        np.clip(widest.x, 1e-6, 1),
        method="SLSQP",
        bounds=[(0, 1)] * d.size,
        constraints=[
            {"type": "eq", "fun": lambda p: p.sum() - 1},
            {"type": "eq", "fun": lambda p: p @ d},
            {"type": "eq", "fun": lambda p: p @ d**2 - variance},
            {"type": "ineq", "fun": lambda p: -(a_ub @ p)},
        ],
        options={"ftol": 1e-15, "maxiter": 1000},
    )
    return np.clip(result.x, 0, 1)


@functools.lru_cache(maxsize=8)
def ptable(max_noise: int, variance: float, threshold: int) -> PTable:
    """The perturbation table for noise at most `max_noise` with variance `variance`, for a
    suppression threshold (no count of `threshold` or more is perturbed below it). With
    max_noise 0 there is no noise."""
    if max_noise <= 0:
        return PTable(0, 0.0, threshold, ())
    start = max(threshold, 1)
    rows = tuple(_row(c, max_noise, variance, start) for c in range(start, start + max_noise + 1))
    return PTable(max_noise, variance, threshold, rows)


def noise(table: PTable, counts: np.ndarray, key_sums: np.ndarray) -> np.ndarray:
    """The noise of each count, from its original value and the sum of its records' keys
    (modulo 2^32)."""
    counts = np.asarray(counts, dtype=np.int64)
    cell_keys = np.mod(np.asarray(key_sums, dtype=np.int64), KEY_MODULUS) / KEY_MODULUS
    out = np.zeros(counts.shape, dtype=np.int64)
    if not table.rows:
        return out
    start = table.rows[0].count
    row_index = np.clip(counts - start, 0, len(table.rows) - 1)
    for i, row in enumerate(table.rows):
        chosen = (row_index == i) & (counts >= start)
        if chosen.any():
            slot = np.searchsorted(row.bounds, cell_keys[chosen], side="right")
            out[chosen] = np.asarray(row.noises)[np.minimum(slot, len(row.noises) - 1)]
    return out


def perturb(table: PTable | None, count: int, key_sum: int) -> int:
    """One count with its noise, as perturb_frame gives a column's; `table` None: the count."""
    if table is None or not table.rows:
        return count
    return int(count + noise(table, np.array([count]), np.array([key_sum]))[0])


def perturb_frame(frame: pl.DataFrame, table: PTable | None) -> pl.DataFrame:
    """Every count column C that travels with its key sum C__ck gets its noise; the key sums
    are dropped. `table` None: the exact counts (the operator's reference), keys dropped.
    All count columns at once (one noise lookup over a 2-D array): a wide frame of 40 counts
    costs one lookup, not 40."""
    keyed = [c for c in frame.columns if c.endswith(KEY_SUFFIX)]
    if not keyed:
        return frame
    if table is not None and table.rows and frame.height:
        columns = [key.removesuffix(KEY_SUFFIX) for key in keyed]
        counts = frame.select(pl.col(columns).fill_null(0).cast(pl.Int64)).to_numpy()
        keys = frame.select(pl.col(keyed).fill_null(0).cast(pl.Int64)).to_numpy()
        changes = noise(table, counts, keys)  # a null count stays null: null + d is null
        frame = frame.with_columns(
            (pl.col(column) + pl.Series(changes[:, i])).cast(frame.schema[column])
            for i, column in enumerate(columns)
        )
    return frame.drop(keyed)


def rate_error(table: PTable, n: int, k: int) -> tuple[float, float]:
    """The largest and the typical (standard deviation) error, in percentage points, of the
    percentage k/n when k and n each carry their own noise (independent cell keys)."""
    rows = [table.row(c) for c in (k, n)]
    if not table.rows or None in rows:
        return 0.0, 0.0
    truth = 100 * k / n
    errors, weights = [], []
    for dk, pk in zip(rows[0].noises, rows[0].probabilities, strict=True):
        for dn, pn in zip(rows[1].noises, rows[1].probabilities, strict=True):
            errors.append(100 * (k + dk) / (n + dn) - truth)
            weights.append(pk * pn)
    errors_array = np.array(errors)
    return float(np.abs(errors_array).max()), float(np.sqrt(np.dot(weights, errors_array**2)))
