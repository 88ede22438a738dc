"""Benchmarking tables (meetregels Vergelijken) from per-year, per-unit counts; no Streamlit.

Input frames have year, unit, k (numerator), n (denominator) and e (case-mix expected count,
null for measures without case-mix). A unit's rate, interval, observed/expected, corrected
rate and place in the funnel are shown only where a percentage of it could be (meetregels
Onthulling): enough persons, and the numerator and its complement each 0 or enough.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from published import labels, queries
from published.disclosure import Column, DisclosedTable, Share, Total, disclose, shows_share
from published.format import nl_pct
from published.scope import Scope
from published.tables import shared
from store.stats import funnel_limits, funnel_limits_expected, standardise, wilson_arrays

POSITIONS = ("boven_998", "boven_95", "binnen", "onder_95", "onder_998")


def _rates(frame: pl.DataFrame, national: float, corrected: bool) -> pl.DataFrame:
    k = frame["k"].to_numpy().astype(float)
    n = frame["n"].to_numpy().astype(float)
    low, high = wilson_arrays(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = 100 * k / np.where(n > 0, n, np.nan)
    out = frame.with_columns(
        pl.Series("rate", rate).fill_nan(None),
        pl.Series("low", 100 * low).fill_nan(None),
        pl.Series("high", 100 * high).fill_nan(None),
    )
    if corrected:
        o_e, rate_c, low_c, high_c = standardise(k, n, frame["e"].to_numpy(), national)
        out = out.with_columns(
            pl.Series("o_e", o_e).fill_nan(None),
            pl.Series("corrected", 100 * rate_c).fill_nan(None),
            pl.Series("corrected_low", 100 * low_c).fill_nan(None),
            pl.Series("corrected_high", 100 * high_c).fill_nan(None),
        )
    return out


def national_rate(frame: pl.DataFrame) -> float:
    """k / n over every unit (municipality 'onbekend' included)."""
    n = frame["n"].sum()
    return frame["k"].sum() / n if n else float("nan")


def unit_table_from_counts(
    frame: pl.DataFrame, threshold: int, corrected: bool, label_of: Callable[[str], str]
) -> DisclosedTable:
    """Per unit over all years: n, k, rate with Wilson interval, and (case-mix) O/E and the
    corrected rate with its interval; the funnel position of the compared value. Every unit
    is a row (the units add up to the national figure); small ones read '<10'."""
    national = national_rate(frame)
    units = (
        frame.group_by("unit")
        .agg(pl.col("k").sum(), pl.col("n").sum(), pl.col("e").sum())
        .filter(pl.col("n") > 0)
        .sort("unit")
    )
    units = _rates(units, national, corrected)
    value = units["corrected" if corrected else "rate"].to_numpy().astype(float) / 100
    low95, high95, low998, high998 = _limits(units, national, corrected)
    position = np.select(
        [value > high998, value > high95, value < low998, value < low95],
        ["boven_998", "boven_95", "onder_998", "onder_95"],
        "binnen",
    )
    units = units.with_columns(
        pl.Series("position", position),
        pl.col("unit").map_elements(label_of, return_dtype=pl.String).alias("label"),
    ).with_columns(
        pl.col("position").replace_strict(labels.POSITION_LABELS).alias("position_label")
    )
    columns = [
        Column("unit", labels.COL["code"]),
        Column("label", labels.COL["unit"]),
        Column("n", labels.COL["n"], "count"),
        Column("rate", labels.COL["rate"], "pct"),
        Column("low", labels.COL["rate_low"], "pct"),
        Column("high", labels.COL["rate_high"], "pct"),
    ]
    figures = ["rate", "low", "high", "position", "position_label"]
    if corrected:
        columns += [
            Column("k", labels.COL["observed"], "count"),
            Column("e", labels.COL["expected"], "number"),
            Column("o_e", labels.COL["o_e"], "number"),
            Column("corrected", labels.COL["corrected"], "pct"),
            Column("corrected_low", labels.COL["corrected_low"], "pct"),
            Column("corrected_high", labels.COL["corrected_high"], "pct"),
        ]
        figures += ["o_e", "corrected", "corrected_low", "corrected_high"]
    columns.append(Column("position_label", labels.COL["position"]))
    return disclose(
        units.sort("label"),
        columns,
        threshold,
        shares=(Share(tuple(figures), "k", "n"),),
        totals=(Total(("n", "k"), by=()),),
    )


def _limits(units: pl.DataFrame, national: float, corrected: bool) -> list[np.ndarray]:
    """The 95% and 99.8% limits (low, high, low, high; proportions) for each unit: binomial
    on its size n for a crude rate, Poisson on its expected count E for a rate corrected for
    case mix (Spiegelhalter 2005: store/stats.funnel_limits_expected)."""
    if corrected:
        e = units["e"].to_numpy().astype(float)
        return [*funnel_limits_expected(national, e, 0.95),
                *funnel_limits_expected(national, e, 0.998)]  # fmt: skip
    n = units["n"].to_numpy()
    return [*funnel_limits(national, n, 0.95), *funnel_limits(national, n, 0.998)]


def funnel_from_counts(
    frame: pl.DataFrame, threshold: int, corrected: bool = False
) -> pl.DataFrame:
    """The 95% and 99.8% limits in percent around the national rate, over unit sizes (`size`:
    the number of persons n, or for a corrected rate the expected count E)."""
    national = national_rate(frame)
    column = "e" if corrected else "n"
    per_unit = frame.group_by("unit").agg(pl.col("n").sum(), pl.col(column).sum().alias("x"))
    largest = float(per_unit["x"].max() or 0)
    if corrected:  # from the expected count of the smallest unit that may be shown
        smallest = max(threshold * national, 0.5)
        # Whole expected counts: the chart's text alternative names the sizes it passes.
        grid = np.geomspace(smallest, max(largest, smallest) * 1.05, 200)
        sizes = np.unique(np.maximum(np.round(grid), 1)).astype(int)
        low95, high95 = funnel_limits_expected(national, sizes, 0.95)
        low998, high998 = funnel_limits_expected(national, sizes, 0.998)
    else:
        largest = max(int(largest), threshold)
        sizes = np.unique(np.geomspace(max(threshold, 1), largest * 1.05, 200).astype(int))
        low95, high95 = funnel_limits(national, sizes, 0.95)
        low998, high998 = funnel_limits(national, sizes, 0.998)
    return pl.DataFrame(
        {
            "size": sizes,
            "national": np.full(sizes.size, 100 * national),
            "low95": 100 * low95,
            "high95": 100 * high95,
            "low998": 100 * low998,
            "high998": 100 * high998,
        }
    )


def parts_of_the_whole(series: list[list[str] | None]) -> bool:
    """Whether, beside the whole ('*' or None: every unit), the other series are disjoint sets
    of units: then the whole minus the others is a series too, and a hidden count of one could
    be worked back from what is shown. The table must declare that they add up."""
    whole = [s for s in series if s is None or s == ["*"]]
    parts = [set(s) for s in series if s is not None and s != ["*"]]
    return bool(whole) and len(parts) > 1 and sum(map(len, parts)) == len(set().union(*parts))


def over_time_from_counts(
    frame: pl.DataFrame,
    series: dict[str, list[str]],
    threshold: int,
    corrected: bool,
) -> DisclosedTable:
    """Per series and year (a label -> the units it sums; '*' = all): n and the rate (or the
    corrected rate, against that year's national rate) with its interval."""
    national_by_year = frame.group_by("year").agg(
        (pl.col("k").sum() / pl.col("n").sum()).alias("national")
    )
    parts = []
    for label, units in series.items():
        everyone = units == ["*"]
        chosen = frame if everyone else frame.filter(pl.col("unit").is_in(units))
        summed = chosen.group_by("year").agg(pl.col("k", "n", "e").sum())
        # The national series is the national rate itself: nothing to correct.
        parts.append(
            summed.with_columns(pl.lit(label).alias("series"), pl.lit(everyone).alias("all"))
        )
    schema = {"series": pl.String, "year": pl.Int64, "n": pl.Int64, "k": pl.Int64}
    joined = (
        pl.concat(parts).join(national_by_year, on="year").sort("series", "year")
        if parts
        else pl.DataFrame(
            schema=schema | {"e": pl.Float64, "all": pl.Boolean, "national": pl.Float64}
        )
    )
    k = joined["k"].to_numpy().astype(float)
    n = joined["n"].to_numpy().astype(float)
    low, high = wilson_arrays(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, k / n, np.nan)
    if corrected:
        # The national series is the national rate itself: nothing to correct.
        _, rate_c, low_c, high_c = standardise(
            k, n, joined["e"].to_numpy(), joined["national"].to_numpy()
        )
        everyone = joined["all"].to_numpy()
        rate = np.where(everyone, rate, rate_c)
        low, high = np.where(everyone, low, low_c), np.where(everyone, high, high_c)
    joined = joined.with_columns(
        pl.Series("rate", 100 * rate).fill_nan(None),
        pl.Series("low", 100 * low).fill_nan(None),
        pl.Series("high", 100 * high).fill_nan(None),
    )
    return disclose(
        joined,
        [
            Column("series", labels.COL["series"]),
            Column("year", labels.COL["year"]),
            Column("n", labels.COL["n"], "count"),
            Column("rate", labels.COL["corrected" if corrected else "rate"], "pct"),
            Column("low", labels.COL["rate_low"], "pct"),
            Column("high", labels.COL["rate_high"], "pct"),
        ],
        threshold,
        shares=(Share(("rate", "low", "high"), "k", "n"),),
        # The national series and disjoint others (a PI beside all other PIs) add up per year.
        totals=(Total(("n", "k"), by=("year",)),)
        if parts_of_the_whole(list(series.values()))
        else (),
    )


def is_corrected(measure: str) -> bool:
    """Recidivism is compared corrected for case mix (meetregels Vergelijken)."""
    return measure.startswith("recidive")


@shared
def units(
    scope: Scope, threshold: int, unit: str, measure: str, names: dict[str, str]
) -> DisclosedTable:
    """Vergelijken's table and funnel: every municipality or PI (not 'onbekend') over the
    years in scope with full follow-up."""
    rates = queries.unit_rates(scope, unit, measure)
    return unit_table_from_counts(
        rates.filter(pl.col("unit") != "onbekend"),
        threshold,
        is_corrected(measure),
        lambda code: names.get(code, code),
    )


@shared
def trend(
    scope: Scope, threshold: int, unit: str, measure: str, series: dict[str, list[str]]
) -> DisclosedTable:
    """Per year: the rate (corrected for case mix where the measure is recidivism) of each
    series, a label -> the units it sums ('*': all units, the national figure)."""
    rates = queries.unit_rates(scope, unit, measure)
    return over_time_from_counts(rates, series, threshold, is_corrected(measure))


@shared
def funnel(scope: Scope, threshold: int, unit: str, measure: str) -> pl.DataFrame:
    """The funnel's control limits around the national rate (no counts of units): on the
    units' size, or for a rate corrected for case mix on their expected count."""
    rates = queries.unit_rates(scope, unit, measure)
    return funnel_from_counts(rates, threshold, is_corrected(measure))


def series_wide(table: DisclosedTable, index: str = "year") -> pl.DataFrame:
    """The disclosed series side by side for a chart: `<series>__rate`, `__low`, `__high`."""
    if table.frame.height == 0:
        return pl.DataFrame({index: []})
    wide = table.frame.pivot(on="series", index=index, values=["rate", "low", "high"]).sort(index)
    series = table.frame["series"].unique().to_list()
    return wide.rename(
        {f"{m}_{s}": f"{s}__{m}" for s in series for m in ("rate", "low", "high")}, strict=False
    )


def peers(info: pl.DataFrame, chosen: list[str], kind: str) -> list[str]:
    """Peer municipalities of the chosen ones: the same province ('provincie'), or a
    population between half and twice theirs ('grootte'); the chosen themselves excluded."""
    mine = info.filter(pl.col("gemeente_code").is_in(chosen))
    if mine.height == 0:
        return []
    if kind == "provincie":
        candidates = info.filter(pl.col("provincie").is_in(mine["provincie"].unique().to_list()))
    else:
        low = 0.5 * mine["inwoners_2019"].min()
        high = 2.0 * mine["inwoners_2019"].max()
        candidates = info.filter(pl.col("inwoners_2019").is_between(low, high))
    return sorted(set(candidates["gemeente_code"].to_list()) - set(chosen))


@shared
def unit_figures(
    filters: Scope,
    threshold: int,
    code: str,
    peers: list[str],
    measures: tuple[str, ...],
) -> dict[str, tuple[str, str, str]]:
    """Per measure: (the municipality, its peers, the Netherlands) as Dutch text; recidivism
    corrected for case mix except for the national figure itself; '–' where a percentage may
    not be shown (meetregels Onthulling; % onbekend describes the records)."""
    out = {}
    all_rates = queries.unit_rates_many(filters, "gemeente_code", measures)
    for measure in measures:
        rates = all_rates.filter(pl.col("measure") == measure)
        corrected = is_corrected(measure)
        about_records = measure.startswith("onbekend")
        national = national_rate(rates)
        shown = []
        for units in ([code], peers, None):
            part = rates if units is None else rates.filter(pl.col("unit").is_in(units))
            k, n = int(part["k"].sum()), int(part["n"].sum())
            if not shows_share(k, n, threshold, about_records):
                shown.append(nl_pct(None))
            elif corrected and units is not None:
                rate = standardise(
                    np.array([k]), np.array([n]), np.array([part["e"].sum()]), national
                )[1]
                shown.append(nl_pct(None if np.isnan(rate[0]) else 100 * float(rate[0])))
            else:
                shown.append(nl_pct(100 * k / n))
        out[measure] = tuple(shown)
    return out
