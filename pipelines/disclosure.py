"""Disclosure control (meetregels.md, Onthulling), in one place for every output.

A count of 1 to threshold-1 reads "<threshold"; a percentage or interval on a denominator
below the threshold is not shown (None). Tables with totals get secondary suppression.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.stats import wilson_arrays, wilson_interval


def suppress_count(n: int, threshold: int) -> int | str:
    """0 and counts from the threshold up are shown; 1..threshold-1 read '<threshold'."""
    return f"<{threshold}" if 0 < n < threshold else int(n)


def share_pct(numerator: int, denominator: int, threshold: int) -> float | None:
    """A percentage with one decimal, or None when the denominator is below the threshold."""
    if denominator < threshold or denominator <= 0:
        return None
    return round(100 * numerator / denominator, 1)


def proportion_with_interval(successes: int, total: int, threshold: int) -> dict | None:
    """Percentage and 95% Wilson interval in percent, or None below the threshold."""
    if total < threshold or total <= 0:
        return None
    low, high = wilson_interval(successes, total)
    return {
        "pct": round(100 * successes / total, 1),
        "ci95": [round(100 * low, 1), round(100 * high, 1)],
    }


def secondary_suppression(cells: list[int], threshold: int) -> list[bool]:
    """Which cells of one row (or column) with a shown total to hide.

    Primary: every cell with a count of 1..threshold-1. When exactly one cell is hidden, the
    next-smallest shown non-zero cell is hidden too, so the hidden value cannot be worked
    back from the total.
    """
    hidden = [0 < n < threshold for n in cells]
    if sum(hidden) == 1:
        candidates = [(n, i) for i, n in enumerate(cells) if not hidden[i] and n > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


@dataclass(frozen=True)
class Column:
    """How one column of a published table is labelled and shown."""

    name: str
    label: str
    kind: str = "text"  # text, count, pct, number, date


@dataclass(frozen=True)
class Rate:
    """A percentage `name` = numerator / denominator x 100, optionally with a Wilson interval."""

    name: str
    numerator: str
    denominator: str
    interval: bool = False


@dataclass(frozen=True)
class DisclosedTable:
    """An aggregated table that has passed disclosure control: the only kind the dashboard
    shows, plots or offers for download. A count that was suppressed is null and marked in
    `suppressed` (it reads '<threshold'); any other null (a percentage on a denominator below
    the threshold, a figure not yet available) reads as not shown."""

    frame: pl.DataFrame
    columns: tuple[Column, ...]
    threshold: int
    suppressed: pl.DataFrame  # one Boolean column per count column

    def is_suppressed(self, column: str, row: int) -> bool:
        return column in self.suppressed.columns and bool(self.suppressed[column][row])

    def where(self, predicate: pl.Expr) -> DisclosedTable:
        """The rows matching `predicate`, still disclosed."""
        keep = self.frame.select(predicate.alias("keep"))["keep"].fill_null(False)
        return DisclosedTable(
            self.frame.filter(keep), self.columns, self.threshold, self.suppressed.filter(keep)
        )

    def cell(self, column: str, **match: object) -> tuple[object, bool]:
        """(value, suppressed) of the first row whose columns equal `match`."""
        index = self.frame.with_row_index("_row").filter(
            *(pl.col(k) == v for k, v in match.items())
        )["_row"]
        if index.len() == 0:
            return None, False
        row = index[0]
        return self.frame[column][row], self.is_suppressed(column, row)


def disclose(
    frame: pl.DataFrame,
    columns: list[Column],
    threshold: int,
    rates: tuple[Rate, ...] = (),
    row_total_cells: tuple[str, ...] = (),
) -> DisclosedTable:
    """Apply meetregels Onthulling to an aggregated table.

    Rates are computed here from unsuppressed counts, then hidden when their denominator is
    below the threshold; counts of 1..threshold-1 become null. `row_total_cells` names the
    cells of a row whose total is shown too: they get secondary suppression per row. A null
    numerator (a figure not available) gives a null rate.
    """
    df = frame
    for rate in rates:
        num = df[rate.numerator].cast(pl.Float64).fill_null(np.nan).to_numpy()
        den = df[rate.denominator].cast(pl.Float64).fill_null(0).to_numpy()
        shown = (den >= max(threshold, 1)) & ~np.isnan(num)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(shown, np.round(100 * num / den, 1), np.nan)
            low, high = wilson_arrays(np.nan_to_num(num), den)
        df = df.with_columns(pl.Series(rate.name, pct).fill_nan(None))
        if rate.interval:
            df = df.with_columns(
                pl.Series(f"{rate.name}_low", np.where(shown, np.round(100 * low, 1), np.nan)),
                pl.Series(f"{rate.name}_high", np.where(shown, np.round(100 * high, 1), np.nan)),
            ).with_columns(pl.col(f"{rate.name}_low", f"{rate.name}_high").fill_nan(None))
    counts = [c.name for c in columns if c.kind == "count"]
    mask = df.select(((pl.col(c) > 0) & (pl.col(c) < threshold)).fill_null(False) for c in counts)
    if row_total_cells:
        cells = df.select(row_total_cells).fill_null(0).rows()
        hidden = [secondary_suppression(list(row), threshold) for row in cells]
        mask = mask.with_columns(
            pl.Series(name, [h[i] for h in hidden], dtype=pl.Boolean) | pl.col(name)
            for i, name in enumerate(row_total_cells)
            if name in counts
        )
    df = df.with_columns(pl.when(mask[c]).then(None).otherwise(pl.col(c)).alias(c) for c in counts)
    return DisclosedTable(df.select(c.name for c in columns), tuple(columns), threshold, mask)
