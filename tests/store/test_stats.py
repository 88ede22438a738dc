"""Statistics agree with the reference libraries."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from published.disclosure import proportion_with_interval, secondary_suppression, suppress_count
from store.stats import odds_ratio_2x2, wilson_interval


@pytest.mark.parametrize("total", [1, 2, 9, 10, 37, 100, 1_000, 29_876])
@pytest.mark.parametrize("share", [0.0, 0.01, 0.3, 0.5, 0.99, 1.0])
def test_wilson_interval_agrees_with_statsmodels(total: int, share: float) -> None:
    k = round(share * total)
    low, high = wilson_interval(k, total)
    ref_low, ref_high = proportion_confint(k, total, alpha=0.05, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12)
    assert high == pytest.approx(ref_high, abs=1e-12)


@pytest.mark.parametrize("cells", [(1, 1, 1, 1), (3, 17, 40, 12), (6_512, 20_114, 9_870, 18_002)])
def test_the_odds_ratio_of_a_2x2_table_agrees_with_statsmodels(cells: tuple) -> None:
    from statsmodels.stats.contingency_tables import Table2x2

    a, b, c, d = cells
    table = Table2x2([[a, b], [c, d]])
    expected = (table.oddsratio, *table.oddsratio_confint())
    assert odds_ratio_2x2(a, b, c, d) == pytest.approx(expected, rel=1e-12)


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
    # 3 and 4 hidden would still add up to 7 (= 32 - 25): the 25 goes as well.
    assert secondary_suppression([3, 4, 25], 10) == [True, True, True]
    assert secondary_suppression([3, 12, 25], 10) == [True, True, False]
    assert secondary_suppression([12, 25], 10) == [False, False]


def test_kaplan_meier_agrees_with_lifelines_on_counts() -> None:
    import numpy as np
    import polars as pl
    from lifelines import KaplanMeierFitter

    from store.stats import kaplan_meier

    rng = np.random.default_rng(7)
    days = rng.integers(1, 400, 2_000)
    event = rng.random(2_000) < 0.55
    reference = KaplanMeierFitter().fit(days, event)
    counts = (
        pl.DataFrame({"days": days, "event": event})
        .group_by("days")
        .agg(pl.col("event").sum().alias("d"), (~pl.col("event")).sum().alias("c"))
        .sample(fraction=1.0, shuffle=True, seed=1)  # order must not matter
    )
    curve = kaplan_meier(counts["days"], counts["d"], counts["c"])
    at = reference.survival_function_.loc[curve.time].to_numpy().ravel()
    interval = reference.confidence_interval_.loc[curve.time].to_numpy()
    np.testing.assert_allclose(curve.survival, at, atol=1e-12)
    np.testing.assert_allclose(curve.low, interval[:, 0], atol=1e-10)
    np.testing.assert_allclose(curve.high, interval[:, 1], atol=1e-10)
    assert curve.at_risk[0] == 2_000


def test_kaplan_meier_by_hand() -> None:
    from store.stats import kaplan_meier

    # 5 persons: events on day 2 and 4, censored on 3 and 5 (twice).
    # S(2) = 1 - 1/5 = 0.8; at day 4 three are still at risk: S(4) = 0.8 * (1 - 1/3) = 0.5333.
    curve = kaplan_meier([2, 3, 4, 5], [1, 0, 1, 0], [0, 1, 0, 2])
    assert curve.survival.tolist() == pytest.approx([0.8, 0.8, 0.8 * 2 / 3, 0.8 * 2 / 3])
    assert curve.at_risk.tolist() == [5, 4, 3, 2]


def test_disclose_hides_small_counts_rates_and_the_cell_that_would_give_them_away() -> None:
    import polars as pl

    from published.disclosure import Column, Rate, Total, disclose

    frame = pl.DataFrame(
        {
            "year": [2020, 2021, 2022],
            "a": [3, 25, 0],
            "b": [25, 40, 5],
            "c": [14, 30, 4],
            "total": [42, 95, 9],
        }
    )
    table = disclose(
        frame,
        [
            Column("year", "Jaar"),
            Column("a", "A", "count"),
            Column("b", "B", "count"),
            Column("c", "C", "count"),
            Column("total", "Totaal", "count"),
            Column("pct_a", "% A", "pct"),
        ],
        10,
        rates=(Rate("pct_a", "a", "total", interval=True),),
        totals=(Total(("a", "b", "c"), total="total"),),
    )
    # 2020: a=3 hidden, so the next-smallest cell c=14 goes too; 2021 untouched;
    # 2022: b=5 and c=4 hidden, and so is their total 9: nothing to work back.
    assert table.frame["a"].to_list() == [None, 25, 0]
    assert table.frame["b"].to_list() == [25, 40, None]
    assert table.frame["c"].to_list() == [None, 30, None]
    assert table.frame["total"].to_list() == [42, 95, None]
    # % A: 3/42 = 7.1% would give the hidden 3 back (numerator 1..9): not shown; 25/95 =
    # 26.3%; 0/9: denominator < 10.
    assert table.frame["pct_a"].to_list() == [None, 26.3, None]
    assert table.suppressed["c"].to_list() == [True, False, True]
    # c=14 in 2020 is hidden only to protect a=3: it reads 'x', not '<10'.
    assert table.mark("c", 0) == "x" and table.mark("a", 0) == "<10" and table.mark("c", 2) == "<10"
    assert table.cell("a", year=2020) == (None, True)
    assert table.cell("a", year=2022) == (0, False)


def test_funnel_limits_are_scipys_binomial_quantiles() -> None:
    import numpy as np
    from scipy.stats import binom

    from store.stats import funnel_limits

    sizes = np.array([10, 37, 100, 1_000, 25_000])
    for coverage, tail in ((0.95, 0.025), (0.998, 0.001)):
        low, high = funnel_limits(0.45, sizes, coverage)
        for i, n in enumerate(sizes):
            assert low[i] == binom.ppf(tail, n, 0.45) / n
            assert high[i] == binom.ppf(1 - tail, n, 0.45) / n
    # The limits narrow as units grow: 99.8% at n=100 is 30%..60%, at n=25,000 about +-1 point.
    low, high = funnel_limits(0.45, np.array([100, 25_000]), 0.998)
    assert (low[0], high[0]) == (0.30, 0.60)
    assert high[1] - low[1] < 0.02


def test_grouped_logistic_fit_equals_statsmodels_logit_on_persons() -> None:
    import numpy as np
    import polars as pl
    import statsmodels.api as sm

    from store.stats import fit_logistic

    rng = np.random.default_rng(3)
    n = 4_000
    sex = rng.choice(["M", "V"], n, p=[0.8, 0.2])
    band = rng.choice(["a", "b", "c"], n)
    prior = rng.integers(0, 6, n)
    logit = -0.3 - 0.5 * (sex == "V") + 0.4 * (band == "b") - 0.2 * (band == "c") + 0.3 * prior
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    persons = pl.DataFrame({"sex": sex, "band": band, "prior": prior, "y": y})
    cells = persons.group_by("sex", "band", "prior").agg(
        pl.len().alias("n"), pl.col("y").sum().alias("k")
    )
    fit = fit_logistic(cells, "k", "n", {"sex": ["M", "V"], "band": ["a", "b", "c"], "prior": None})
    x = np.column_stack([np.ones(n), sex == "V", band == "b", band == "c", prior]).astype(float)
    reference = sm.Logit(y, x).fit(disp=False)
    assert fit.names == ("intercept", "sex=V", "band=b", "band=c", "prior")
    np.testing.assert_allclose(fit.coef, reference.params, atol=1e-6)
    np.testing.assert_allclose(fit.se, reference.bse, rtol=1e-5)
    # Predictions for persons equal statsmodels' too.
    np.testing.assert_allclose(fit.predict(persons), reference.predict(x), atol=1e-6)


def test_indirect_standardisation_by_hand() -> None:
    from store.stats import standardise

    # 40 of 100 re-offend where the case mix predicts 50: O/E = 0.8; national 45% -> 36%.
    o_e, corrected, corrected_low, corrected_high = standardise([40], [100], [50.0], 0.45)
    assert o_e[0] == pytest.approx(0.8)
    assert corrected[0] == pytest.approx(0.36)
    low, high = wilson_interval(40, 100)
    assert (corrected_low[0], corrected_high[0]) == pytest.approx((low * 0.9, high * 0.9))


def test_the_grouped_fit_equals_the_person_level_fit() -> None:
    """Fitting on covariate patterns (binomial counts) gives the person-level estimates and
    standard errors; the person-level fit here is statsmodels' Logit on 0/1 outcomes."""
    import statsmodels.api as sm

    from store.stats import design_matrix, fit_logistic

    rng = np.random.default_rng(13)
    n = 5000
    persons = pl.DataFrame(
        {
            "sex": rng.choice(["M", "V", None], n, p=[0.8, 0.15, 0.05]),
            "age_band": rng.choice(["18-22", "23-29", "30-39", "40-49"], n),
            "n_earlier": rng.integers(0, 6, n),
            "gemeente": rng.choice([f"GM{i:04d}" for i in range(40)], n),  # not in the model
        }
    )
    logit = (
        -0.4
        + 0.5 * (persons["sex"] == "V").fill_null(False).to_numpy()
        - 0.3 * (persons["age_band"] == "40-49").to_numpy()
        + 0.2 * persons["n_earlier"].to_numpy()
    )
    persons = persons.with_columns(
        pl.Series("y", (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)),
        pl.lit(1).alias("one"),
    )
    design = {
        "sex": ["M", "V", "onbekend"],
        "age_band": ["30-39", "18-22", "23-29", "40-49"],
        "n_earlier": None,
    }
    x, _ = design_matrix(persons, design)
    person_level = sm.Logit(persons["y"].to_numpy(), x).fit(method="newton", disp=False)
    # The rows a mart holds: counts per municipality and covariates.
    cells = persons.group_by("gemeente", "sex", "age_band", "n_earlier").agg(
        pl.col("y").sum().alias("k"), pl.col("one").sum().alias("n")
    )
    grouped = fit_logistic(cells, "k", "n", design)
    assert cells.height > 300  # the fit itself sums these to far fewer patterns
    np.testing.assert_allclose(grouped.coef, person_level.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(grouped.se, person_level.bse, rtol=0, atol=1e-6)
    assert grouped.n == n

    # Set out from this fit (its estimates and information matrix, as the build keeps them)
    # on data where 50 persons re-offend after all: statsmodels' fit of those data.
    changed = persons.with_columns(
        pl.when(pl.int_range(n) < 50).then(1).otherwise(pl.col("y")).alias("y")
    )
    person_level = sm.Logit(changed["y"].to_numpy(), x).fit(method="newton", disp=False)
    cells = changed.group_by("sex", "age_band", "n_earlier").agg(
        pl.col("y").sum().alias("k"), pl.col("one").sum().alias("n")
    )
    start = (grouped.names, list(grouped.coef), list(grouped.information.ravel()))
    warm = fit_logistic(cells, "k", "n", design, start=start)
    np.testing.assert_allclose(warm.coef, person_level.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(warm.se, person_level.bse, rtol=0, atol=1e-6)
    assert np.abs(warm.coef - grouped.coef).max() > 1e-3  # the data did change the fit


def test_corrected_rates_get_spiegelhalters_limits_on_the_expected_count() -> None:
    """Issue 35: an indirectly standardised rate's funnel stands on E (O ~ Poisson(E) under
    the null, the quantile interpolated as Spiegelhalter 2005 does). By hand, E = 10, upper
    95%: r = 17, F(17) = 0.98572, F(16) = 0.97296, a = (0.98572 - 0.975) / 0.01276 = 0.840,
    (17 - 0.840) / 10 = 1.616; for a large E the limits approach 1 +- z / sqrt(E)."""
    import numpy as np

    from store.stats import funnel_limits_expected

    low, high = funnel_limits_expected(1.0, np.array([10.0, 400.0, 10_000.0]), 0.95)
    assert high[0] == pytest.approx(1.616, abs=0.001)
    for i, e in ((1, 400.0), (2, 10_000.0)):
        assert low[i] == pytest.approx(1 - 1.96 / math.sqrt(e), abs=0.004)
        assert high[i] == pytest.approx(1 + 1.96 / math.sqrt(e), abs=0.004)
    # Scaled by the national rate; wider at 99.8% than at 95%.
    low998, high998 = funnel_limits_expected(0.4, np.array([400.0]), 0.998)
    assert low998[0] == pytest.approx(0.4 * (1 - 3.09 / 20), abs=0.002)
    assert high998[0] == pytest.approx(0.4 * (1 + 3.09 / 20), abs=0.002)


def test_a_units_place_in_the_funnel_of_corrected_rates_is_read_on_its_expected_count() -> None:
    """A unit of 400 low-risk persons (E = 40 of a national 15%) with 60 re-offenders: O/E =
    1.5, corrected 22.5%. On its size (binomial, n = 400) that lies far above the 99.8% limit
    (15% + 3.09 x 1.8% = 20.5%); on its expected count it lies between the 95% (1 + 1.96 /
    sqrt(40) = 1.31) and the 99.8% limit (1 + 3.09 / sqrt(40) = 1.49, 1.5 only just above:
    the exact limit is 1.53)."""
    import polars as pl

    from published.labels import POSITION_LABELS
    from published.tables.comparison import unit_table_from_counts

    frame = pl.DataFrame(
        {
            "unit": ["a", "b"],
            "k": [60, 2940],
            "n": [400, 19_600],
            "e": [40.0, 2960.0],
        }
    )
    table = unit_table_from_counts(frame, 10, True, lambda code: code)
    row = table.frame.filter(pl.col("unit") == "a").row(0, named=True)
    assert row["corrected"] == pytest.approx(22.5, abs=0.01)
    assert row["position_label"] == POSITION_LABELS["boven_95"]
