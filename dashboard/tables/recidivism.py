"""Recidive: one- and two-year recidivism per cohort (and group), and the offence group of
the first new case."""

from __future__ import annotations

import polars as pl

from dashboard import queries, texts
from dashboard.queries import Filters
from dashboard.tables import published
from pipelines.disclosure import Column, DisclosedTable, Rate, Total, disclose


def _recidivism_columns(prefix: str) -> list[Column]:
    return [
        Column(f"n_{prefix}_1y", texts.COL["n_reoffended_1y"], "count"),
        Column("pct_1y", texts.COL["pct_1y"], "pct"),
        Column("pct_1y_low", texts.COL["pct_1y_low"], "pct"),
        Column("pct_1y_high", texts.COL["pct_1y_high"], "pct"),
        Column(f"n_{prefix}_2y", texts.COL["n_reoffended_2y"], "count"),
        Column("pct_2y", texts.COL["pct_2y"], "pct"),
        Column("pct_2y_low", texts.COL["pct_2y_low"], "pct"),
        Column("pct_2y_high", texts.COL["pct_2y_high"], "pct"),
    ]


@published
def recidivism(
    filters: Filters,
    threshold: int,
    split: str | None = None,
    severe: bool = False,
    names: dict[str, str] | None = None,
) -> DisclosedTable:
    """Per cohort (and group): one- and two-year recidivism with Wilson intervals; a window
    without full follow-up has no count and no percentage ('nog niet beschikbaar')."""
    prefix = "severe" if severe else "reoffended"
    frame = queries.recidivism_by_cohort(filters, split)
    frame = frame.with_columns(
        pl.when(pl.col("available_1y")).then(pl.col(f"n_{prefix}_1y")).alias(f"n_{prefix}_1y"),
        pl.when(pl.col("available_2y")).then(pl.col(f"n_{prefix}_2y")).alias(f"n_{prefix}_2y"),
        pl.when(pl.col("available_2y"))
        .then(pl.lit(texts.AVAILABLE))
        .when(pl.col("available_1y"))
        .then(pl.lit(f"{texts.WINDOW_1Y.lower()}: {texts.AVAILABLE}"))
        .otherwise(pl.lit(texts.NOT_YET_AVAILABLE))
        .alias("availability"),
        _group_label(split, names or {}),
    )
    columns = [Column("cohort_year", texts.COL["cohort_year"])]
    if split:
        columns.append(Column("label", texts.SPLITS[split]))
    columns += [
        Column("n_cohort", texts.COL["n_cohort"], "count"),
        *_recidivism_columns(prefix),
        Column("availability", texts.COL["availability"]),
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
    )


def _group_label(split: str | None, names: dict[str, str]) -> pl.Expr:
    labels = {
        "pi_code": names,
        "sex": texts.SEXES,
        "age_band": texts.AGE_BANDS,
        "length_band": texts.LENGTH_BANDS,
    }.get(split or "", {})
    return pl.col("grp").replace_strict(labels, default=pl.col("grp")).alias("label")


@published
def reoffence_groups(filters: Filters, threshold: int) -> DisclosedTable:
    """Per cohort: persons re-offending within two years by the offence group of their first
    new case; the groups add up to the re-offenders published beside them."""
    frame = (
        queries.reoffence_groups(filters)
        .filter(pl.col("available_2y"))
        .with_columns(
            pl.col("offence_group")
            .replace_strict(texts.OFFENCE_GROUPS, default=pl.col("offence_group"))
            .alias("label")
        )
    )
    return disclose(
        frame,
        [
            Column("cohort_year", texts.COL["cohort_year"]),
            Column("label", texts.COL["offence_group"]),
            Column("n_cohort", texts.COL["n_cohort"], "count"),
            Column("n_reoffended_2y", texts.COL["n_reoffended_2y"], "count"),
            Column("pct_group", texts.COL["pct_group"], "pct"),
        ],
        threshold,
        rates=(Rate("pct_group", "n_reoffended_2y", "n_cohort"),),
        totals=(Total(("n_reoffended_2y",), by=("cohort_year",)),),
    )
