"""Benchmarking tables (meetregels Vergelijken) from per-year, per-unit counts; no Streamlit.

Input frames have year, unit, k (numerator), n (denominator) and e (case-mix expected count,
null for measures without case-mix). A unit below the disclosure threshold gets no rate, no
interval and no place in the funnel.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.stats import funnel_limits, wilson_arrays

POSITIONS = ("boven_998", "boven_95", "binnen", "onder_95", "onder_998")


def _rates(frame: pl.DataFrame, national: float, corrected: bool) -> pl.DataFrame:
    k = frame["k"].to_numpy().astype(float)
    n = frame["n"].to_numpy().astype(float)
    low, high = wilson_arrays(k, n)
    out = frame.with_columns(
        pl.Series("rate", 100 * k / np.where(n > 0, n, np.nan)).fill_nan(None),
        pl.Series("low", 100 * low).fill_nan(None),
        pl.Series("high", 100 * high).fill_nan(None),
    )
    if corrected:
        e = frame["e"].to_numpy().astype(float)
        scale = national / np.where(e > 0, e / n, np.nan)
        out = out.with_columns(
            pl.Series("o_e", k / np.where(e > 0, e, np.nan)).fill_nan(None),
            pl.Series("corrected", 100 * k / n * scale).fill_nan(None),
            pl.Series("corrected_low", 100 * low * scale).fill_nan(None),
            pl.Series("corrected_high", 100 * high * scale).fill_nan(None),
        )
    return out


def national_rate(frame: pl.DataFrame) -> float:
    """k / n over every unit (municipality 'onbekend' included)."""
    n = frame["n"].sum()
    return frame["k"].sum() / n if n else float("nan")


def unit_table(frame: pl.DataFrame, threshold: int, corrected: bool) -> pl.DataFrame:
    """Per unit over all years: n, k, rate with Wilson interval, and (case-mix) O/E and the
    corrected rate with its interval; the funnel position of the compared value."""
    national = national_rate(frame)
    units = (
        frame.group_by("unit")
        .agg(pl.col("k").sum(), pl.col("n").sum(), pl.col("e").sum())
        .filter(pl.col("n") >= max(threshold, 1))
        .sort("unit")
    )
    if units.height == 0:
        return units
    units = _rates(units, national, corrected)
    value = units["corrected" if corrected else "rate"].to_numpy().astype(float) / 100
    sizes = units["n"].to_numpy()
    low95, high95 = funnel_limits(national, sizes, 0.95)
    low998, high998 = funnel_limits(national, sizes, 0.998)
    position = np.select(
        [value > high998, value > high95, value < low998, value < low95],
        ["boven_998", "boven_95", "onder_998", "onder_95"],
        "binnen",
    )
    return units.with_columns(pl.Series("position", position))


def funnel(frame: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """The 95% and 99.8% limits in percent around the national rate, over unit sizes."""
    national = national_rate(frame)
    largest = max(int(frame.group_by("unit").agg(pl.col("n").sum())["n"].max() or 0), threshold)
    sizes = np.unique(np.geomspace(max(threshold, 1), largest * 1.05, 200).astype(int))
    low95, high95 = funnel_limits(national, sizes, 0.95)
    low998, high998 = funnel_limits(national, sizes, 0.998)
    return pl.DataFrame(
        {
            "n": sizes,
            "national": np.full(sizes.size, 100 * national),
            "low95": 100 * low95,
            "high95": 100 * high95,
            "low998": 100 * low998,
            "high998": 100 * high998,
        }
    )


def over_time(
    frame: pl.DataFrame,
    series: dict[str, list[str]],
    threshold: int,
    corrected: bool,
) -> pl.DataFrame:
    """Per year and series (a label -> the units it sums; '*' = all): n, k and the rate (or
    the corrected rate, against that year's national rate); hidden below the threshold."""
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
    if not parts:
        return pl.DataFrame()
    joined = pl.concat(parts).join(national_by_year, on="year").sort("series", "year")
    k = joined["k"].to_numpy().astype(float)
    n = joined["n"].to_numpy().astype(float)
    shown = n >= max(threshold, 1)
    low, high = wilson_arrays(k, n)
    scale = np.ones(joined.height)
    if corrected:
        e = joined["e"].to_numpy().astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = joined["national"].to_numpy() / np.where(e > 0, e / n, np.nan)
        scale = np.where(joined["all"].to_numpy(), 1.0, scale)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(shown, 100 * k / n * scale, np.nan)
    return joined.with_columns(
        pl.Series("rate", rate).fill_nan(None),
        pl.Series("low", np.where(shown, 100 * low * scale, np.nan)).fill_nan(None),
        pl.Series("high", np.where(shown, 100 * high * scale, np.nan)).fill_nan(None),
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
