"""Statistics agree with the reference libraries."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import proportion_confint

from pipelines.disclosure import proportion_with_interval, secondary_suppression, suppress_count
from pipelines.stats import wilson_interval


@pytest.mark.parametrize("total", [1, 2, 9, 10, 37, 100, 1_000, 29_876])
@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.5, 0.99, 1.0])
def test_wilson_interval_agrees_with_statsmodels(total: int, share: float) -> None:
    k = round(share * total)
    low, high = wilson_interval(k, total)
    ref_low, ref_high = proportion_confint(k, total, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


def test_counts_below_the_threshold_read_less_than_it() -> None:
    assert [suppress_count(n, 10) for n in (0, 1, 9, 10, 11)] == [0, "<10", "<10", 10, 11]
    assert suppress_count(5, 5) == 5 and suppress_count(4, 5) == "<5"


def test_no_percentage_on_a_denominator_below_the_threshold() -> None:
    assert proportion_with_interval(3, 9, 10) is None
    # 9012 / 29876 = 30.16%; Wilson 95%: 29.64% .. 30.69% (statsmodels).
    assert proportion_with_interval(9012, 29876, 10) == {"pct": 30.2, "ci95": [29.6, 30.7]}


def test_a_lone_suppressed_cell_takes_the_next_smallest_with_it() -> None:
    # Row 3, 25, 14, 0 with a total of 42: 3 is hidden, so 14 must be hidden as well.
    assert secondary_suppression([3, 25, 14, 0], 10) == [True, False, True, False]
    assert secondary_suppression([3, 4, 25], 10) == [True, True, False]
    assert secondary_suppression([12, 25], 10) == [False, False]
