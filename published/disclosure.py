"""Disclosure control (meetregels.md, Onthulling), in one place for every output.

- A count of 1 to threshold-1 reads "<threshold" (primary suppression).
- A percentage (with its interval), or any figure computed from a numerator and a
  denominator (observed/expected, a corrected rate, an odds ratio), is shown only when the
  denominator reaches the threshold and the numerator and its complement (denominator -
  numerator) are each 0 or at least the threshold: otherwise the hidden count could be worked
  back from it. `% onbekend` is exempt from the second part (it describes the records).
- Cells that add up to a published total (a row with a total, the groups of a breakdown whose
  sum is published beside it, a numerator beside its denominator) may not leave one hidden
  cell, or a hidden sum of 1 to threshold-1, to be worked back: further cells are hidden
  (secondary suppression; they read "x").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from store.stats import wilson_arrays, wilson_interval

SECONDARY_MARK = "x"


def suppress_count(n: int, threshold: int) -> int | str:
    """0 and counts from the threshold up are shown; 1..threshold-1 read '<threshold'."""
    return f"<{threshold}" if 0 < n < threshold else int(n)


def shows_share(
    numerator: int, denominator: int, threshold: int, about_records: bool = False
) -> bool:
    """Whether a figure computed from numerator / denominator may be shown (meetregels
    Onthulling): denominator at least the threshold and, unless the figure describes the
    records (% onbekend), numerator and complement each 0 or at least the threshold."""
    if denominator < max(threshold, 1) or numerator > denominator:
        return False
    if about_records:
        return True
    rest = denominator - numerator
    return not (0 < numerator < threshold or 0 < rest < threshold)


def share_pct(
    numerator: int, denominator: int, threshold: int, about_records: bool = False
) -> float | None:
    """A percentage with one decimal, or None when it may not be shown."""
    if not shows_share(numerator, denominator, threshold, about_records):
        return None
    return round(100 * numerator / denominator, 1)


def proportion_with_interval(successes: int, total: int, threshold: int) -> dict | None:
    """Percentage and 95% Wilson interval in percent, or None when it may not be shown."""
    if not shows_share(successes, total, threshold):
        return None
    low, high = wilson_interval(successes, total)
    return {
        "pct": round(100 * successes / total, 1),
        "ci95": [round(100 * low, 1), round(100 * high, 1)],
    }


def protect_cells(values: Sequence[int], hidden: Sequence[bool], threshold: int) -> list[bool]:
    """Which cells of one group adding up to a published total to hide.

    `hidden` holds the cells already hidden. While exactly one cell is hidden, or the hidden
    cells add up to 1..threshold-1 (both can be worked back from the total), the smallest
    shown non-zero cell is hidden as well (a zero when there is no other).
    """
    out = list(hidden)
    while True:
        n_hidden = sum(out)
        total = sum(v for v, h in zip(values, out, strict=True) if h)
        if n_hidden == 0 or (n_hidden > 1 and not 0 < total < threshold):
            return out
        candidates = [(v == 0, v, i) for i, (v, h) in enumerate(zip(values, out, strict=True))]
        candidates = [c for c in candidates if not out[c[2]]]
        if not candidates:
            return out
        out[min(candidates)[2]] = True


def secondary_suppression(cells: list[int], threshold: int) -> list[bool]:
    """Which cells of one row (or column) with a shown total to hide: every count of
    1..threshold-1, and more by `protect_cells`."""
    return protect_cells(cells, [0 < n < threshold for n in cells], threshold)


@dataclass(frozen=True)
class Column:
    """How one column of a published table is labelled and shown."""

    name: str
    label: str
    # text, count (persons or releases: suppressed), int (counts of files or rows: shown as
    # they are), pct, number (one decimal), ratio (two decimals), date
    kind: str = "text"


@dataclass(frozen=True)
class Rate:
    """A percentage `name` = numerator / denominator x 100, optionally with a Wilson interval
    (`name`_low, `name`_high). `about_records`: a figure about the records (% onbekend),
    exempt from the numerator-and-complement rule."""

    name: str
    numerator: str
    denominator: str
    interval: bool = False
    about_records: bool = False


@dataclass(frozen=True)
class Share:
    """Figures computed elsewhere from numerator / denominator (a corrected rate, an
    observed/expected ratio, an odds ratio): shown under the same rule as a percentage."""

    columns: tuple[str, ...]
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Total:
    """Count cells that add up to a total that is published (in this table or beside it).

    `by` None: the `cells` columns of each row add up to the row's `total` column (or to a
    total published elsewhere when `total` is None). `by` a tuple: each column of `cells` adds
    up over the rows that share the `by` columns (the groups of a breakdown whose sum is
    published beside it; `()` for all rows). A row whose `total` is itself hidden gives
    nothing away."""

    cells: tuple[str, ...]
    by: tuple[str, ...] | None = None
    total: str | None = None


@dataclass(frozen=True)
class Missing:
    """Cells of `columns` that are empty for a reason of their own, not suppression: where
    `when` holds on the table's input rows they read `reason` (e.g. 'nog niet beschikbaar' for
    a window without full follow-up, 'niet geleverd' where no export covers the unit)."""

    columns: tuple[str, ...]
    when: pl.Expr
    reason: str


@dataclass(frozen=True)
class DisclosedTable:
    """An aggregated table that has passed disclosure control: the only kind the dashboard
    shows, plots or offers for download. A count that was suppressed is null and marked in
    `suppressed` (it reads '<threshold', or 'x' when it is marked in `secondary` too); any other
    null (a percentage that may not be shown, a figure not yet available) reads as not shown."""

    frame: pl.DataFrame
    columns: tuple[Column, ...]
    threshold: int
    suppressed: pl.DataFrame  # one Boolean column per count column
    secondary: pl.DataFrame | None = None  # the suppressed cells that are not small themselves
    # Why a cell that is not suppressed is empty (one String column per column with reasons).
    reasons: pl.DataFrame | None = None
    # What is made from this table (its Dutch text, a subset): kept with it, made once.
    _derived: dict = field(default_factory=dict, compare=False, repr=False)

    def derived(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per table and key (a table is never changed)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    def is_suppressed(self, column: str, row: int) -> bool:
        return column in self.suppressed.columns and bool(self.suppressed[column][row])

    def is_secondary(self, column: str, row: int) -> bool:
        return (
            self.secondary is not None
            and column in self.secondary.columns
            and bool(self.secondary[column][row])
        )

    def mark(self, column: str, row: int) -> str | None:
        """How an empty cell reads: '<10' or 'x' when suppressed, its reason when it has one
        ('nog niet beschikbaar', 'niet geleverd'); None otherwise (a value, or not shown)."""
        if self.is_suppressed(column, row):
            return SECONDARY_MARK if self.is_secondary(column, row) else f"<{self.threshold}"
        if self.reasons is not None and column in self.reasons.columns:
            return self.reasons[column][row]
        return None

    def where(self, predicate: pl.Expr) -> DisclosedTable:
        """The rows matching `predicate`, still disclosed."""
        key = ("where", predicate.meta.serialize(format="json"))
        return self.derived(key, lambda: self._where(predicate))

    def _where(self, predicate: pl.Expr) -> DisclosedTable:
        keep = self.frame.select(predicate.alias("keep"))["keep"].fill_null(False)
        return DisclosedTable(
            self.frame.filter(keep),
            self.columns,
            self.threshold,
            self.suppressed.filter(keep),
            None if self.secondary is None else self.secondary.filter(keep),
            reasons=None if self.reasons is None else self.reasons.filter(keep),
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


def _values(frame: pl.DataFrame, column: str) -> np.ndarray:
    """A count column as floats, NaN where it is null (not available)."""
    return frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy()


def _small(values: np.ndarray, threshold: int) -> np.ndarray:
    return (values > 0) & (values < threshold)


class _Cells:
    """The hidden-cell masks of a table's count columns while disclosure runs."""

    def __init__(self, frame: pl.DataFrame, counts: list[str], threshold: int) -> None:
        self.values = {c: _values(frame, c) for c in counts}
        self.primary = {c: _small(v, threshold) for c, v in self.values.items()}
        self.hidden = {c: m.copy() for c, m in self.primary.items()}

    def protect(self, cells: list[tuple[str, int]], threshold: int) -> bool:
        """Apply `protect_cells` to cells given as (column, row); True when it hid more."""
        cells = [(c, i) for c, i in cells if not np.isnan(self.values[c][i])]
        before = [bool(self.hidden[c][i]) for c, i in cells]
        after = protect_cells([int(self.values[c][i]) for c, i in cells], before, threshold)
        for (c, i), now in zip(cells, after, strict=True):
            self.hidden[c][i] = now
        return after != before


def disclose(
    frame: pl.DataFrame,
    columns: list[Column],
    threshold: int,
    rates: tuple[Rate, ...] = (),
    shares: tuple[Share, ...] = (),
    totals: tuple[Total, ...] = (),
    missing: tuple[Missing, ...] = (),
) -> DisclosedTable:
    """Apply meetregels Onthulling to an aggregated table.

    Rates are computed here from the unsuppressed counts. Counts of 1..threshold-1 become
    null; so do the cells that would give them away through a total (`totals`) or through a
    percentage beside its denominator. A rate
    or share is null where its rule fails or where its numerator or denominator is hidden. A
    null numerator (a figure not available) gives a null rate.
    """
    df = frame
    t = max(threshold, 1)
    for rate in rates:
        num = _values(df, rate.numerator)
        den = np.nan_to_num(_values(df, rate.denominator))
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(den > 0, np.round(100 * num / den, 1), np.nan)
            low, high = wilson_arrays(np.nan_to_num(num), den)
        df = df.with_columns(pl.Series(rate.name, pct).fill_nan(None))
        if rate.interval:
            df = df.with_columns(
                pl.Series(f"{rate.name}_low", np.round(100 * low, 1)).fill_nan(None),
                pl.Series(f"{rate.name}_high", np.round(100 * high, 1)).fill_nan(None),
            )
    counts = [c.name for c in columns if c.kind == "count"]
    guards = [(r.numerator, r.denominator, r.about_records, _rate_columns(r)) for r in rates] + [
        (s.numerator, s.denominator, False, s.columns) for s in shares
    ]
    # Counts a figure gives away (the numerator of a percentage, its complement) take part in
    # totals and complements even when the table does not show them.
    referenced = [n for g in guards for n in g[:2]] + [c for total in totals for c in total.cells]
    cells = _Cells(
        df, list(dict.fromkeys(counts + [c for c in referenced if c in df.columns])), threshold
    )
    groups = _total_groups(df, totals, cells)
    # A numerator beside its denominator gives its complement away: the two are cells of a
    # total. Secondary suppression repeats until no group leaves a cell to be worked back.
    complements = _complements(guards, cells)
    changed = True
    while changed:
        changed = False
        for num, den in complements:
            rest = cells.values[den] - cells.values[num]
            shown = ~cells.hidden[num] & ~cells.hidden[den]
            reveal = shown & _small(rest, threshold)
            if reveal.any():
                cells.hidden[num] |= reveal
                changed = True
        for group in groups:
            changed |= cells.protect(group, threshold)
    for num, den, about_records, figure_columns in guards:
        keep = _shown_shares(df, num, den, t, threshold, about_records)
        # A figure about the records (% onbekend) is exempt from its numerator's suppression
        # (meetregels Onthulling); its denominator's still holds.
        for column in (den,) if about_records else (num, den):
            if column in cells.hidden:
                keep &= ~cells.hidden[column]
        df = df.with_columns(
            pl.when(pl.Series(keep)).then(pl.col(c)).otherwise(None).alias(c)
            for c in figure_columns
            if c in df.columns
        )
    hidden = pl.DataFrame(
        {c: cells.hidden[c] for c in counts}, schema=dict.fromkeys(counts, pl.Boolean)
    )
    secondary = pl.DataFrame(
        {c: cells.hidden[c] & ~cells.primary[c] for c in counts},
        schema=dict.fromkeys(counts, pl.Boolean),
    )
    df = df.with_columns(
        pl.when(hidden[c]).then(None).otherwise(pl.col(c)).alias(c) for c in counts
    )
    return DisclosedTable(
        df.select(c.name for c in columns),
        tuple(columns),
        threshold,
        hidden,
        secondary,
        reasons=_reasons(frame, missing, {c.name for c in columns}),
    )


def _reasons(
    frame: pl.DataFrame, missing: tuple[Missing, ...], shown: set[str]
) -> pl.DataFrame | None:
    """Per column with a declared reason: the reason where it applies, else null."""
    if not missing:
        return None
    out: dict[str, pl.Expr] = {}
    for item in missing:
        for column in item.columns:
            if column not in shown:
                continue
            reason = pl.when(item.when.fill_null(False)).then(pl.lit(item.reason))
            out[column] = reason.otherwise(out.get(column, pl.lit(None, dtype=pl.String)))
    return frame.select(**out) if out else None


def _complements(guards: list[tuple], cells: _Cells) -> list[tuple[str, str]]:
    """(numerator, denominator) pairs whose difference a shown figure gives away."""
    return [
        (num, den)
        for num, den, about_records, _ in guards
        if not about_records and num in cells.values and den in cells.values
    ]


def _rate_columns(rate: Rate) -> tuple[str, ...]:
    return (rate.name, f"{rate.name}_low", f"{rate.name}_high") if rate.interval else (rate.name,)


def _shown_shares(
    df: pl.DataFrame, num: str, den: str, t: int, threshold: int, about_records: bool
) -> np.ndarray:
    k = _values(df, num)
    n = np.nan_to_num(_values(df, den))
    # A numerator above its denominator (possible only through the cell-key noise, when the
    # complement is within the noise of 0) gives no percentage.
    keep = (n >= t) & ~np.isnan(k) & (np.nan_to_num(k) <= n)
    if not about_records:
        keep &= ~_small(k, threshold) & ~_small(n - k, threshold)
    return keep


def _total_groups(
    df: pl.DataFrame, totals: tuple[Total, ...], cells: _Cells
) -> list[list[tuple[str, int]]]:
    """Each total as the groups of (column, row) cells that add up to it."""
    groups: list[list[tuple[str, int]]] = []
    for total in totals:
        members = [c for c in total.cells if c in cells.values]
        if total.by is None:
            rows = range(df.height)
            if total.total in cells.primary:
                rows = [i for i in rows if not cells.primary[total.total][i]]
            groups += [[(c, i) for c in members] for i in rows]
            continue
        indexed = df.with_row_index("_row")
        parts = indexed.partition_by(list(total.by)) if total.by else [indexed]
        for part in parts:
            rows = part["_row"].to_list()
            groups += [[(c, i) for i in rows] for c in members]
    return groups
