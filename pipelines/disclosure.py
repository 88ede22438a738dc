"""Disclosure control (meetregels.md, Onthulling), in one place for every output.

A count of 1 to threshold-1 reads "<threshold"; a percentage or interval on a denominator
below the threshold is not shown (None). Tables with totals get secondary suppression.
"""

from __future__ import annotations

from pipelines.stats import wilson_interval


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
