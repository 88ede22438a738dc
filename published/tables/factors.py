"""Succesfactoren and process indicators: recidivism with and without each factor (odds
ratios raw and adjusted), and the process indicators per PI or per scope."""

from __future__ import annotations

import polars as pl

from published import labels, queries, queries_factors
from published.disclosure import Column, DisclosedTable, Missing, Rate, Share, Total, disclose
from published.scope import Scope
from published.tables import comparison, shared

ORDER = {f: i for i, f in enumerate(labels.FACTOR_LABELS)}
ODDS_RATIOS = ("raw_or", "raw_low", "raw_high", "adj_or", "adj_low", "adj_high")


def _labelled(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col("factor").replace_strict(labels.FACTOR_LABELS).alias("label"),
        pl.col("factor").replace_strict(ORDER).alias("order"),
    ).sort("order")


@shared
def odds_ratios(years: int, threshold: int) -> DisclosedTable:
    """The national model of the build: per factor recidivism with and without, and the odds
    ratios raw and adjusted (shown only where both 2x2 cells of with and without are)."""
    model = _labelled(queries_factors.model_factors(years))
    return disclose(
        model,
        [
            Column("label", labels.COL["factor"]),
            Column("n_ja", labels.COL["n_with"], "count"),
            Column("pct_with", labels.COL["pct_with"], "pct"),
            Column("n_nee", labels.COL["n_without"], "count"),
            Column("pct_without", labels.COL["pct_without"], "pct"),
            *(Column(c, labels.COL[c], "number") for c in ODDS_RATIOS),
        ],
        threshold,
        rates=(Rate("pct_with", "k_ja", "n_ja"), Rate("pct_without", "k_nee", "n_nee")),
        shares=(Share(ODDS_RATIOS, "k_ja", "n_ja"), Share(ODDS_RATIOS, "k_nee", "n_nee")),
    )


@shared
def with_without(filters: Scope, threshold: int, years: int) -> DisclosedTable:
    """Per factor in the selection: recidivism with (ja) and without (nee), with intervals."""
    outcomes = queries_factors.factor_outcomes(filters, years).filter(
        pl.col("level").is_in(["ja", "nee"])
    )
    wide = (
        outcomes.pivot(on="level", index="factor", values=["n", "k"]).fill_null(0)
        if outcomes.height
        else pl.DataFrame(schema={"factor": pl.String})
    )
    for column in ("n_ja", "n_nee", "k_ja", "k_nee"):
        if column not in wide.columns:  # a level no one in the selection has
            wide = wide.with_columns(pl.lit(0, pl.Int64).alias(column))
    wide = _labelled(wide)
    return disclose(
        wide,
        [
            Column("label", labels.COL["factor"]),
            Column("n_ja", labels.COL["n_with"], "count"),
            Column("pct_with", labels.COL["pct_with"], "pct"),
            Column("pct_with_low", labels.COL["rate_low"], "pct"),
            Column("pct_with_high", labels.COL["rate_high"], "pct"),
            Column("n_nee", labels.COL["n_without"], "count"),
            Column("pct_without", labels.COL["pct_without"], "pct"),
            Column("pct_without_low", labels.COL["rate_low"] + " ", "pct"),
            Column("pct_without_high", labels.COL["rate_high"] + " ", "pct"),
        ],
        threshold,
        rates=(
            Rate("pct_with", "k_ja", "n_ja", interval=True),
            Rate("pct_without", "k_nee", "n_nee", interval=True),
        ),
    )


PROCESS_MEASURES = {
    "plan": ("n_plan_yes", "n_plan_known"),
    "tbo": ("n_tbo_within_10_days", "n_tbo_scope"),
    "tijdig": ("n_notice_timely", "n_notice_known"),
    "in_beeld": ("n_known_to_gemeente", "n_known_scope"),
    "toezicht": ("n_supervised", "n_covered"),
    "reclassering_tbo": ("n_probation_at_tbo", "n_tbo_covered"),
}
PROCESS_COLUMNS = [
    Column("n", labels.COL["n"], "count"),
    Column("k", labels.COL["k"], "count"),
    Column("pct", labels.COL["rate"], "pct"),
]
# No one in an indicator's denominator: its export does not cover the unit (a PI that sends no
# TBO dates, a municipality that sends no nazorg-export, a month outside the reclassering
# coverage).
NOT_DELIVERED = (Missing(("n", "k", "pct"), pl.col("n") == 0, labels.NOT_DELIVERED),)


@shared
def process_by_pi(filters: Scope, threshold: int, names: dict[str, str]) -> DisclosedTable:
    """Per PI and process indicator: numerator, denominator and the percentage; the PIs of an
    indicator add up to the national figure."""
    wide = queries_factors.process_by_pi(filters)
    long = pl.concat(
        [
            wide.select(
                pl.col("pi_code").replace_strict(names, default=pl.col("pi_code")).alias("pi"),
                pl.lit(labels.PROCESS_LABELS[key]).alias("label"),
                pl.col(numerator).alias("k"),
                pl.col(denominator).alias("n"),
            )
            for key, (numerator, denominator) in PROCESS_MEASURES.items()
        ]
    ).sort("pi")
    return disclose(
        long,
        [
            Column("pi", labels.COL["pi"]),
            Column("label", labels.COL["indicator"]),
            *PROCESS_COLUMNS,
        ],
        threshold,
        rates=(Rate("pct", "k", "n"),),
        totals=(Total(("n", "k"), by=("label",)),),
        missing=NOT_DELIVERED,
    )


@shared
def process_by_scope(
    filters: Scope,
    threshold: int,
    scopes: dict[str, list[str] | None],
    unit: str = "gemeente_code",
) -> DisclosedTable:
    """Per process indicator and scope (a label -> its municipalities, or its PIs with `unit`
    'pi_code'; None = all)."""
    rates = queries.unit_rates_many(filters, unit, tuple(labels.PROCESS_LABELS))
    rows = []
    for key, label in labels.PROCESS_LABELS.items():
        measure = rates.filter(pl.col("measure") == key)
        for scope, units in scopes.items():
            chosen = measure if units is None else measure.filter(pl.col("unit").is_in(units))
            rows.append(
                {"label": label, "scope": scope, "k": chosen["k"].sum(), "n": chosen["n"].sum()}
            )
    return disclose(
        pl.DataFrame(rows),
        [
            Column("label", labels.COL["indicator"]),
            Column("scope", labels.COL["series"]),
            *PROCESS_COLUMNS,
        ],
        threshold,
        rates=(Rate("pct", "k", "n"),),
        # The whole and disjoint parts of it (a PI beside all other PIs) add up per indicator.
        totals=(Total(("n", "k"), by=("label",)),)
        if comparison.parts_of_the_whole(list(scopes.values()))
        else (),
        missing=NOT_DELIVERED,
    )


@shared
def supervision_by_frame(filters: Scope, threshold: int) -> DisclosedTable:
    """Per release year: % onder toezicht na uitstroom, in total and by kader (meetregels
    Proces), of the releases in the reclassering coverage; other years read niet geleverd.
    The kaders of a year add up to its supervised releases."""
    frame = queries_factors.supervision_by_frame(filters)
    frames = list(labels.SUPERVISION_FRAMES)
    columns = [
        Column("year", labels.COL["year"]),
        Column("n_covered", labels.COL["n_covered"], "count"),
        Column("n_supervised", labels.COL["n_supervised"], "count"),
        Column("pct_supervised", labels.COL["pct_supervised"], "pct"),
        Column("pct_supervised_low", labels.COL["rate_low"], "pct"),
        Column("pct_supervised_high", labels.COL["rate_high"], "pct"),
        *(Column(f"n_supervised_{f}", labels.SUPERVISION_FRAMES[f], "count") for f in frames),
    ]
    return disclose(
        frame,
        columns,
        threshold,
        rates=(Rate("pct_supervised", "n_supervised", "n_covered", interval=True),),
        totals=(Total(tuple(f"n_supervised_{f}" for f in frames), total="n_supervised"),),
        missing=(
            Missing(
                tuple(c.name for c in columns[1:]),
                pl.col("n_covered") == 0,
                labels.NOT_DELIVERED,
            ),
        ),
    )


@shared
def supervision_endings(threshold: int) -> DisclosedTable:
    """Per year of ending: % toezicht regulier afgerond (national)."""
    return disclose(
        queries_factors.supervision_endings(),
        [
            Column("year", labels.COL["year"]),
            Column("n_ended_known", labels.COL["n_ended_known"], "count"),
            Column("n_ended_regular", labels.COL["n_ended_regular"], "count"),
            Column("pct_regular", labels.COL["pct_regular"], "pct"),
            Column("pct_regular_low", labels.COL["rate_low"], "pct"),
            Column("pct_regular_high", labels.COL["rate_high"], "pct"),
        ],
        threshold,
        rates=(Rate("pct_regular", "n_ended_regular", "n_ended_known", interval=True),),
    )
