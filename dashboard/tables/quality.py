"""Datakwaliteit: the delivery log, who covered which period, quarantined rows per rule, and
% onbekend per field and PI. Row counts of files are operational figures, not counts of
persons in a group: they are shown as they are (kind 'int')."""

from __future__ import annotations

import polars as pl

from dashboard import queries, texts
from dashboard.queries import Filters
from dashboard.tables import published
from pipelines.disclosure import Column, DisclosedTable, Rate, Total, disclose


@published
def delivery_log() -> pl.DataFrame:
    """The ingest log with Dutch labels, newest first."""
    return queries.deliveries().with_columns(
        pl.col("source").replace_strict(texts.SOURCES, default=texts.UNKNOWN).alias("source"),
        pl.col("status").replace_strict(texts.DELIVERY_STATUS, default=pl.col("status")),
        pl.col("supplier_name").fill_null(texts.UNKNOWN),
    )


def deliveries(log: pl.DataFrame, threshold: int) -> DisclosedTable:
    return disclose(
        log,
        [
            Column("file_name", texts.COL["file_name"]),
            Column("source", texts.COL["source"]),
            Column("supplier_name", texts.COL["supplier"]),
            Column("delivery_date", texts.COL["delivery_date"], "date"),
            Column("ingested_at", texts.COL["ingested_at"], "date"),
            Column("status", texts.COL["status"]),
            Column("rows_read", texts.COL["rows_read"], "int"),
            Column("rows_loaded", texts.COL["rows_loaded"], "int"),
            Column("rows_quarantined", texts.COL["rows_quarantined"], "int"),
            Column("rows_duplicate", texts.COL["rows_duplicate"], "int"),
            Column("period_from", texts.COL["period_from"], "date"),
            Column("period_to", texts.COL["period_to"], "date"),
            Column("reason", texts.COL["reason"]),
        ],
        threshold,
    )


def coverage(log: pl.DataFrame, threshold: int) -> DisclosedTable:
    """Per supplier and kind: the period of its latest loaded delivery."""
    latest = (
        log.filter(pl.col("status") == texts.DELIVERY_STATUS["loaded"])
        .drop_nulls(["period_from", "period_to"])
        .sort("delivery_date", "ingested_at", descending=True)
        .unique(["source", "supplier_name"], keep="first", maintain_order=True)
        .sort("source", "supplier_name")
    )
    return disclose(
        latest,
        [
            Column("supplier_name", texts.COL["supplier"]),
            Column("source", texts.COL["source"]),
            Column("delivery_date", texts.COL["delivery_date"], "date"),
            Column("period_from", texts.COL["period_from"], "date"),
            Column("period_to", texts.COL["period_to"], "date"),
        ],
        threshold,
    )


@published
def quarantine(threshold: int) -> DisclosedTable:
    """Quarantined rows still current per supplier, kind and rule (counts of rows)."""
    frame = queries.quarantine_by_rule().with_columns(
        pl.col("rule").replace_strict(texts.RULE_LABELS, default=pl.col("rule")).alias("rule"),
        pl.col("source").replace_strict(texts.SOURCES, default=texts.UNKNOWN).alias("source"),
        pl.col("supplier_name").fill_null(texts.UNKNOWN),
    )
    return disclose(
        frame,
        [
            Column("supplier_name", texts.COL["supplier"]),
            Column("source", texts.COL["source"]),
            Column("rule", texts.COL["rule"]),
            Column("n_rows", texts.COL["n_rows"], "int"),
        ],
        threshold,
    )


@published
def completeness_by_pi(filters: Filters, threshold: int, names: dict[str, str]) -> DisclosedTable:
    """% onbekend per field and PI (a figure about the records: its denominator rule holds)."""
    complete = queries.completeness_by_pi(filters)
    long = (
        complete.unpivot(
            index=["pi_code", "n_releases"], variable_name="field", value_name="n_missing"
        )
        .with_columns(
            pl.col("field").str.replace("^n_missing_", ""),
            pl.col("pi_code").replace_strict(names, default=pl.col("pi_code")).alias("pi"),
        )
        .with_columns(pl.col("field").replace_strict(texts.FIELDS).alias("label"))
    )
    return disclose(
        long.sort("pi"),
        [
            Column("pi", texts.COL["pi"]),
            Column("label", texts.COL["field"]),
            Column("n_releases", texts.COL["n_releases"], "count"),
            Column("n_missing", texts.COL["n_onbekend"], "count"),
            Column("pct_onbekend", texts.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=(Rate("pct_onbekend", "n_missing", "n_releases", about_records=True),),
        totals=(Total(("n_releases",), by=("label",)),),
    )
