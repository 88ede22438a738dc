"""Datakwaliteit: every delivery, quarantined rows, coverage, and unknowns per PI."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, queries, texts
from dashboard.components import chart_block, table_and_downloads, toelichting
from dashboard.context import current
from pipelines.disclosure import Column, Rate, disclose

ctx = current()
t = ctx.threshold
context = ctx.download_note()
st.title(texts.PAGES["datakwaliteit"])
st.write(texts.QUALITY_INTRO)
st.caption(texts.QUALITY_FILTER_NOTE)

st.subheader(texts.QUALITY_DELIVERIES)
log = queries.deliveries().with_columns(
    pl.col("source").replace_strict(texts.SOURCES, default=texts.UNKNOWN).alias("source"),
    pl.col("status").replace_strict(texts.DELIVERY_STATUS, default=pl.col("status")),
    pl.col("supplier_name").fill_null(texts.UNKNOWN),
)
# Row counts of a file are operational metadata, not counts of persons in a group: shown as is.
log_table = disclose(
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
    t,
)
toelichting(texts.RULES["deliveries"], t)
table_and_downloads(
    "aanleveringen", log_table, texts.QUALITY_DELIVERIES, texts.RULES["deliveries"], context
)

st.subheader(texts.QUALITY_COVERAGE)
latest = (
    log.filter(pl.col("status") == texts.DELIVERY_STATUS["loaded"])
    .drop_nulls(["period_from", "period_to"])
    .sort("delivery_date", "ingested_at", descending=True)
    .unique(["source", "supplier_name"], keep="first", maintain_order=True)
    .sort("source", "supplier_name")
)
if latest.height:
    coverage = disclose(
        latest,
        [
            Column("supplier_name", texts.COL["supplier"]),
            Column("source", texts.COL["source"]),
            Column("delivery_date", texts.COL["delivery_date"], "date"),
            Column("period_from", texts.COL["period_from"], "date"),
            Column("period_to", texts.COL["period_to"], "date"),
        ],
        t,
    )
    figure = charts.timeline(
        latest, "supplier_name", "period_from", "period_to", "source", texts.QUALITY_COVERAGE_CHART
    )
    chart_block("dekking", figure, coverage, texts.RULES["deliveries"], context)

st.subheader(texts.QUALITY_QUARANTINE)
quarantine = queries.quarantine_by_rule()
if quarantine.height == 0:
    st.success(texts.QUALITY_NO_QUARANTINE)
else:
    quarantine = quarantine.with_columns(
        pl.col("rule").replace_strict(texts.RULE_LABELS, default=pl.col("rule")).alias("rule"),
        pl.col("source").replace_strict(texts.SOURCES, default=texts.UNKNOWN).alias("source"),
        pl.col("supplier_name").fill_null(texts.UNKNOWN),
    )
    per_rule = quarantine.group_by("rule", "source").agg(pl.col("n_rows").sum())
    per_rule_wide = per_rule.pivot(on="source", index="rule", values="n_rows").fill_null(0)
    sources = [c for c in per_rule_wide.columns if c != "rule"]
    per_rule_wide = per_rule_wide.with_columns(pl.sum_horizontal(sources).alias("total")).sort(
        "total", descending=True
    )
    q_table = disclose(
        quarantine,
        [
            Column("supplier_name", texts.COL["supplier"]),
            Column("source", texts.COL["source"]),
            Column("rule", texts.COL["rule"]),
            Column("n_rows", texts.COL["n_rows"], "int"),
        ],
        t,
    )
    figure = charts.bars(
        per_rule_wide,
        "rule",
        {s: s for s in sources},
        texts.QUALITY_QUARANTINE,
        texts.COL["n_rows"],
        stacked=True,
        horizontal=True,
    )
    chart_block("quarantaine", figure, q_table, texts.RULES["quarantine"], context)

st.subheader(texts.QUALITY_COMPLETENESS)
complete = queries.completeness_by_pi(ctx.filters)
if complete.height:
    long = complete.unpivot(
        index=["pi_code", "n_releases"], variable_name="field", value_name="n_missing"
    ).with_columns(
        pl.col("field").str.replace("^n_missing_", ""),
        pl.col("pi_code").replace_strict(ctx.names, default=pl.col("pi_code")).alias("pi"),
    )
    long = long.with_columns(pl.col("field").replace_strict(texts.FIELDS).alias("label"))
    c_table = disclose(
        long.sort("pi"),
        [
            Column("pi", texts.COL["pi"]),
            Column("label", texts.COL["field"]),
            Column("n_releases", texts.COL["n_releases"], "count"),
            Column("n_missing", texts.COL["n_onbekend"], "count"),
            Column("pct_onbekend", texts.COL["pct_onbekend"], "pct"),
        ],
        t,
        rates=(Rate("pct_onbekend", "n_missing", "n_releases"),),
    )
    figure = charts.heatmap(
        c_table.frame,
        "label",
        "pi",
        "pct_onbekend",
        texts.QUALITY_COMPLETENESS,
        hover_text=" onbekend",
    )
    chart_block("onbekend_per_inrichting", figure, c_table, texts.RULES["completeness"], context)
