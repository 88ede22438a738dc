"""Datakwaliteit: the delivery log, who covered which period, quarantined rows per rule, and
% onbekend per field and PI. Row counts of files are operational figures, not counts of
persons in a group: they are shown as they are (kind 'int')."""

from __future__ import annotations

import json

import polars as pl

from published import labels, queries
from published.disclosure import Column, DisclosedTable, Rate, Total, disclose
from published.format import dutch_refusal
from published.scope import Scope
from published.tables import shared


@shared
def delivery_log() -> pl.DataFrame:
    """The ingest log with Dutch labels, newest first."""
    log = queries.deliveries()
    dutch = [
        dutch_refusal(code, json.loads(params or "{}")) or reason
        for code, params, reason in log.select("reason_code", "reason_params", "reason").rows()
    ]
    return log.with_columns(
        pl.Series("reason", dutch, dtype=pl.String),
        pl.col("source").replace_strict(labels.SOURCES, default=labels.UNKNOWN).alias("source"),
        pl.col("status").replace_strict(labels.DELIVERY_STATUS, default=pl.col("status")),
        pl.col("supplier_name").fill_null(labels.UNKNOWN),
    )


def deliveries(log: pl.DataFrame, threshold: int) -> DisclosedTable:
    return disclose(
        log,
        [
            Column("file_name", labels.COL["file_name"]),
            Column("source", labels.COL["source"]),
            Column("supplier_name", labels.COL["supplier"]),
            Column("delivery_date", labels.COL["delivery_date"], "date"),
            Column("ingested_at", labels.COL["ingested_at"], "date"),
            Column("status", labels.COL["status"]),
            Column("rows_read", labels.COL["rows_read"], "int"),
            Column("rows_loaded", labels.COL["rows_loaded"], "int"),
            Column("rows_quarantined", labels.COL["rows_quarantined"], "int"),
            Column("rows_duplicate", labels.COL["rows_duplicate"], "int"),
            Column("period_from", labels.COL["period_from"], "date"),
            Column("period_to", labels.COL["period_to"], "date"),
            Column("reason", labels.COL["reason"]),
        ],
        threshold,
    )


def coverage(log: pl.DataFrame, threshold: int) -> DisclosedTable:
    """Per supplier and kind: the period of its latest loaded delivery."""
    latest = (
        log.filter(pl.col("status") == labels.DELIVERY_STATUS["loaded"])
        .drop_nulls(["period_from", "period_to"])
        .sort("delivery_date", "ingested_at", descending=True)
        .unique(["source", "supplier_name"], keep="first", maintain_order=True)
        .sort("source", "supplier_name")
    )
    return disclose(
        latest,
        [
            Column("supplier_name", labels.COL["supplier"]),
            Column("source", labels.COL["source"]),
            Column("delivery_date", labels.COL["delivery_date"], "date"),
            Column("period_from", labels.COL["period_from"], "date"),
            Column("period_to", labels.COL["period_to"], "date"),
        ],
        threshold,
    )


@shared
def quarantine(threshold: int) -> DisclosedTable:
    """Quarantined rows still current per supplier, kind and rule (counts of rows)."""
    frame = queries.quarantine_by_rule().with_columns(
        pl.col("rule").replace_strict(labels.RULE_LABELS, default=pl.col("rule")).alias("rule"),
        pl.col("source").replace_strict(labels.SOURCES, default=labels.UNKNOWN).alias("source"),
        pl.col("supplier_name").fill_null(labels.UNKNOWN),
    )
    return disclose(
        frame,
        [
            Column("supplier_name", labels.COL["supplier"]),
            Column("source", labels.COL["source"]),
            Column("rule", labels.COL["rule"]),
            Column("n_rows", labels.COL["n_rows"], "int"),
        ],
        threshold,
    )


@shared
def completeness_by_pi(filters: Scope, threshold: int, names: dict[str, str]) -> DisclosedTable:
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
        .with_columns(pl.col("field").replace_strict(labels.FIELDS).alias("label"))
    )
    return disclose(
        long.sort("pi"),
        [
            Column("pi", labels.COL["pi"]),
            Column("label", labels.COL["field"]),
            Column("n_releases", labels.COL["n_releases"], "count"),
            Column("n_missing", labels.COL["n_onbekend"], "count"),
            Column("pct_onbekend", labels.COL["pct_onbekend"], "pct"),
        ],
        threshold,
        rates=(Rate("pct_onbekend", "n_missing", "n_releases", about_records=True),),
        totals=(Total(("n_releases",), by=("label",)),),
    )
