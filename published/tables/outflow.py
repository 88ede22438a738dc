"""Uitstroom: releases per period, by breakdown, and the municipalities people return to."""

from __future__ import annotations

import polars as pl

from published import labels, queries
from published.disclosure import Column, DisclosedTable, Total, disclose
from published.format import period_label
from published.scope import Scope
from published.tables import shared

TOP_GEMEENTEN = 25


@shared
def outflow_by_year(filters: Scope, threshold: int) -> DisclosedTable:
    frame = queries.outflow(filters, "year").select("year", "n_releases")
    return disclose(
        frame,
        [
            Column("year", labels.COL["year"]),
            Column("n_releases", labels.COL["n_releases"], "count"),
        ],
        threshold,
    )


def split_labels(split: str, names: dict[str, str]) -> dict[str, str]:
    """Code -> Dutch label of the groups of a breakdown."""
    return {
        "pi_code": names,
        "release_reason": labels.REASONS,
        "sex": labels.SEXES,
        "age_band": labels.AGE_BANDS,
        "length_band": labels.LENGTH_BANDS,
    }.get(split, {})


@shared
def outflow_table(
    filters: Scope, threshold: int, period: str, split: str, names: dict[str, str]
) -> DisclosedTable:
    """Releases per period (rows) and group of a breakdown (columns), with the total; the
    groups of a row add up to its total."""
    counts = queries.outflow(filters, period, None if split == "none" else split)
    counts = counts.with_columns(
        pl.struct("year", "quarter", "month")
        .map_elements(
            lambda r: period_label(r["year"], r["quarter"], r["month"]), return_dtype=pl.String
        )
        .alias("period")
    )
    group_labels = split_labels(split, names)
    groups: list[str] = []
    if split == "none" or counts.height == 0:
        wide = counts.select("period", pl.col("n_releases").alias("total"))
    else:
        order = sorted(
            counts["grp"].drop_nulls().unique().to_list(), key=lambda g: group_labels.get(g, g)
        )
        wide = (
            counts.with_columns(pl.col("grp").fill_null(labels.UNKNOWN))
            .pivot(on="grp", index=["year", "quarter", "month", "period"], values="n_releases")
            .fill_null(0)
        )
        groups = [g for g in order if g in wide.columns] + (
            [labels.UNKNOWN] if labels.UNKNOWN in wide.columns else []
        )
        wide = wide.with_columns(pl.sum_horizontal(groups).alias("total")).select(
            "period", *groups, "total"
        )
    columns = [Column("period", labels.COL["period"])]
    columns += [Column(g, group_labels.get(g, g), "count") for g in groups]
    columns.append(Column("total", labels.TOTAL, "count"))
    return disclose(wide, columns, threshold, totals=(Total(tuple(groups), total="total"),))


@shared
def top_gemeenten(filters: Scope, threshold: int, limit: int = TOP_GEMEENTEN) -> DisclosedTable:
    """The municipalities with the most releases in scope ('onbekend' included as a row), the
    rest summed in a last row: together they add up to the outflow published beside them."""
    every = queries.releases_by_gemeente(filters).with_columns(
        pl.when(pl.col("gemeente_code") == "onbekend")
        .then(pl.lit(labels.UNKNOWN))
        .otherwise(pl.col("gemeente_naam"))
        .alias("gemeente_naam"),
    )
    top = every.head(limit)
    if every.height > limit:
        others = every.slice(limit)
        top = pl.concat(
            [
                top,
                pl.DataFrame(
                    {
                        "gemeente_code": [None],
                        "gemeente_naam": [labels.OUTFLOW_REST.format(n=others.height)],
                        "n_releases": [others["n_releases"].sum()],
                    },
                    schema=top.schema,
                ),
            ]
        )
    return disclose(
        top,
        [
            Column("gemeente_naam", labels.COL["gemeente"]),
            Column("n_releases", labels.COL["n_releases"], "count"),
        ],
        threshold,
        totals=(Total(("n_releases",), by=()),),
    )
