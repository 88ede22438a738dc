"""Leefgebieden: status at release (and intake) per year, per PI, per scope; nazorg after
three months. % op orde reveals op orde and niet op orde (both protected); % onbekend is a
figure about the records (meetregels Onthulling: exempt from the numerator rule)."""

from __future__ import annotations

import polars as pl

from published import labels, queries
from published.disclosure import Column, DisclosedTable, Rate, Total, disclose
from published.scope import Scope
from published.tables import shared

ORDER = {k: i for i, k in enumerate(labels.LEEFGEBIEDEN)}


def _labelled(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col("n_op_orde") + pl.col("n_niet_op_orde")).alias("n_known"),
        pl.col("leefgebied").replace_strict(labels.LEEFGEBIEDEN).alias("label"),
        pl.col("leefgebied").replace_strict(ORDER).alias("order"),
    )


READINESS_RATES = (
    Rate("pct_op_orde", "n_op_orde", "n_known"),
    Rate("pct_onbekend", "n_onbekend", "n_releases", about_records=True),
)


@shared
def readiness_by_year(filters: Scope, threshold: int) -> DisclosedTable:
    """Per year and leefgebied: % op orde, % onbekend (with the counts behind them)."""
    frame = _labelled(queries.readiness_by_year(filters)).rename({"release_year": "year"})
    return disclose(
        frame,
        [
            Column("year", labels.COL["year"]),
            Column("label", labels.COL["leefgebied"]),
            Column("n_releases", labels.COL["n_releases"], "count"),
            Column("n_op_orde", labels.COL["n_op_orde"], "count"),
            Column("n_niet_op_orde", labels.COL["n_niet_op_orde"], "count"),
            Column("n_onbekend", labels.COL["n_onbekend"], "count"),
            Column("pct_op_orde", labels.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", labels.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=READINESS_RATES,
        # Op orde + niet op orde = the releases minus the unknowns (given by % onbekend).
        totals=(Total(("n_op_orde", "n_niet_op_orde")),),
    )


@shared
def readiness_intake_release(
    filters: Scope, threshold: int, by_unit: pl.DataFrame | None = None
) -> DisclosedTable:
    """Per leefgebied over the period in scope: % op orde at intake and at release, and
    verbeterd tijdens detentie. `by_unit`: rows of queries.readiness_by_gemeente (or _by_pi)
    already narrowed to the scope (saves a scan when several scopes share one query)."""
    counts = queries.readiness_by_year(filters) if by_unit is None else by_unit
    frame = _labelled(
        counts.group_by("leefgebied").agg(
            pl.exclude("release_year", "gemeente_code", "pi_code").sum()
        )
    ).with_columns(
        (pl.col("n_intake_op_orde") + pl.col("n_intake_niet_op_orde")).alias("n_known_in")
    )
    return disclose(
        frame.sort("order"),
        [
            Column("label", labels.COL["leefgebied"]),
            Column("n_releases", labels.COL["n_releases"], "count"),
            Column("pct_intake", labels.COL["pct_intake"], "pct"),
            Column("pct_op_orde", labels.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", labels.COL["pct_onbekend"], "pct"),
            Column("n_intake_niet_known", labels.COL["n_intake_niet"], "count"),
            Column("n_improved", labels.COL["n_improved"], "count"),
            Column("pct_improved", labels.COL["pct_improved"], "pct"),
        ],
        threshold,
        rates=(
            Rate("pct_intake", "n_intake_op_orde", "n_known_in"),
            *READINESS_RATES,
            Rate("pct_improved", "n_improved", "n_intake_niet_known"),
        ),
        totals=(Total(("n_op_orde", "n_niet_op_orde")),),
    )


@shared
def readiness_by_pi(filters: Scope, threshold: int, names: dict[str, str]) -> DisclosedTable:
    """Per PI and leefgebied over the period: the PIs of a leefgebied add up to the national
    figure published beside them."""
    frame = _labelled(queries.readiness_by_pi(filters)).with_columns(
        pl.col("pi_code").replace_strict(names, default=pl.col("pi_code")).alias("pi"),
    )
    return disclose(
        frame.sort("pi", "order"),
        [
            Column("pi", labels.COL["pi"]),
            Column("label", labels.COL["leefgebied"]),
            Column("n_releases", labels.COL["n_releases"], "count"),
            Column("pct_op_orde", labels.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", labels.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=READINESS_RATES,
        totals=(
            Total(("n_op_orde", "n_niet_op_orde")),
            Total(("n_releases", "n_op_orde", "n_niet_op_orde"), by=("label",)),
        ),
    )


def readiness_side_by_side(tables: dict[str, DisclosedTable]) -> DisclosedTable:
    """% op orde per leefgebied of several scopes (already disclosed tables of
    `readiness_intake_release`), one column per scope."""
    parts = [
        table.frame.select("label", pl.col("pct_op_orde").alias(scope))
        for scope, table in tables.items()
    ]
    side = parts[0]
    for part in parts[1:]:
        side = side.join(part, on="label", how="left", maintain_order="left")
    threshold = next(iter(tables.values())).threshold
    return disclose(
        side,
        [Column("label", labels.COL["leefgebied"])] + [Column(k, k, "pct") for k in tables],
        threshold,
    )


@shared
def aftercare(filters: Scope, threshold: int) -> DisclosedTable:
    """Per leefgebied: status three months after release, from the nazorg-exports."""
    frame = queries.aftercare(filters).with_columns(
        (pl.col("n_op_orde") + pl.col("n_niet_op_orde")).alias("n_known"),
        pl.col("leefgebied").replace_strict(labels.LEEFGEBIEDEN, default=pl.col("leefgebied"))
        .alias("label"),
    )  # fmt: skip
    return disclose(
        frame,
        [
            Column("label", labels.COL["leefgebied"]),
            Column("n_trajectories", labels.COL["n"], "count"),
            Column("pct_op_orde", labels.COL["pct_op_orde"], "pct"),
            Column("pct_onbekend", labels.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=(
            Rate("pct_op_orde", "n_op_orde", "n_known"),
            Rate("pct_onbekend", "n_onbekend", "n_trajectories", about_records=True),
        ),
        totals=(Total(("n_op_orde", "n_niet_op_orde")),),
    )
