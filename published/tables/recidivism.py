"""Recidive: one- and two-year recidivism per cohort (and group), and the offence group of
the first new case."""

from __future__ import annotations

import polars as pl

from published import labels, queries
from published.disclosure import Column, DisclosedTable, Missing, Rate, Total, disclose
from published.scope import Scope
from published.tables import shared


def _recidivism_columns(prefix: str) -> list[Column]:
    return [
        Column(f"n_{prefix}_1y", labels.COL["n_reoffended_1y"], "count"),
        Column("pct_1y", labels.COL["pct_1y"], "pct"),
        Column("pct_1y_low", labels.COL["pct_1y_low"], "pct"),
        Column("pct_1y_high", labels.COL["pct_1y_high"], "pct"),
        Column(f"n_{prefix}_2y", labels.COL["n_reoffended_2y"], "count"),
        Column("pct_2y", labels.COL["pct_2y"], "pct"),
        Column("pct_2y_low", labels.COL["pct_2y_low"], "pct"),
        Column("pct_2y_high", labels.COL["pct_2y_high"], "pct"),
    ]


@shared
def recidivism(
    filters: Scope,
    threshold: int,
    split: str | None = None,
    severe: bool = False,
    names: dict[str, str] | None = None,
) -> DisclosedTable:
    """Per cohort (and group): one- and two-year recidivism with Wilson intervals; a window
    without full follow-up has no count and no percentage ('nog niet beschikbaar')."""
    return recidivism_from_counts(
        queries.recidivism_by_cohort(filters, split), threshold, split, severe, names
    )


def recidivism_from_counts(
    frame: pl.DataFrame,
    threshold: int,
    split: str | None = None,
    severe: bool = False,
    names: dict[str, str] | None = None,
) -> DisclosedTable:
    """The recidivism table from the counts of `queries.recidivism_by_cohort`."""
    prefix = "severe" if severe else "reoffended"
    frame = frame.with_columns(
        pl.when(pl.col("available_1y")).then(pl.col(f"n_{prefix}_1y")).alias(f"n_{prefix}_1y"),
        pl.when(pl.col("available_2y")).then(pl.col(f"n_{prefix}_2y")).alias(f"n_{prefix}_2y"),
        pl.when(pl.col("available_2y"))
        .then(pl.lit(labels.AVAILABLE))
        .when(pl.col("available_1y"))
        .then(pl.lit(f"{labels.WINDOW_1Y.lower()}: {labels.AVAILABLE}"))
        .otherwise(pl.lit(labels.NOT_YET_AVAILABLE))
        .alias("availability"),
        _group_label(split, names or {}),
    )
    columns = [Column("cohort_year", labels.COL["cohort_year"])]
    if split:
        columns.append(Column("label", labels.SPLITS[split]))
    columns += [
        Column("n_cohort", labels.COL["n_cohort"], "count"),
        *_recidivism_columns(prefix),
        Column("availability", labels.COL["availability"]),
    ]
    counts = ("n_cohort", f"n_{prefix}_1y", f"n_{prefix}_2y")
    return disclose(
        frame,
        columns,
        threshold,
        rates=(
            Rate("pct_1y", f"n_{prefix}_1y", "n_cohort", interval=True),
            Rate("pct_2y", f"n_{prefix}_2y", "n_cohort", interval=True),
        ),
        # The groups of a cohort add up to the cohort's figure published beside them.
        totals=(Total(counts, by=("cohort_year",)),) if split else (),
        missing=tuple(
            Missing(
                (f"n_{prefix}_{k}y", f"pct_{k}y", f"pct_{k}y_low", f"pct_{k}y_high"),
                ~pl.col(f"available_{k}y"),
                labels.NOT_YET_AVAILABLE,
            )
            for k in (1, 2)
        ),
    )


def _group_label(split: str | None, names: dict[str, str]) -> pl.Expr:
    by_code = {
        "pi_code": names,
        "sex": labels.SEXES,
        "age_band": labels.AGE_BANDS,
        "length_band": labels.LENGTH_BANDS,
    }.get(split or "", {})
    return pl.col("grp").replace_strict(by_code, default=pl.col("grp")).alias("label")


@shared
def reoffence_groups(filters: Scope, threshold: int) -> DisclosedTable:
    """Per cohort: persons re-offending within two years by the offence group of their first
    new case; the groups add up to the re-offenders published beside them."""
    frame = (
        queries.reoffence_groups(filters)
        .filter(pl.col("available_2y"))
        .with_columns(
            pl.col("offence_group")
            .replace_strict(labels.OFFENCE_GROUPS, default=pl.col("offence_group"))
            .alias("label")
        )
    )
    return disclose(
        frame,
        [
            Column("cohort_year", labels.COL["cohort_year"]),
            Column("label", labels.COL["offence_group"]),
            Column("n_cohort", labels.COL["n_cohort"], "count"),
            Column("n_reoffended_2y", labels.COL["n_reoffended_2y"], "count"),
            Column("pct_group", labels.COL["pct_group"], "pct"),
        ],
        threshold,
        rates=(Rate("pct_group", "n_reoffended_2y", "n_cohort"),),
        totals=(Total(("n_reoffended_2y",), by=("cohort_year",)),),
    )
