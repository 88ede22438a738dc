"""Uitstroom: releases over time, by breakdown, and the municipalities people return to."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, queries, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from dashboard.format import period_label
from pipelines.disclosure import Column, disclose

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["uitstroom"])
st.write(texts.OUTFLOW_INTRO)

left, right = st.columns([1, 2])
period = left.segmented_control(
    texts.OUTFLOW_PERIOD,
    options=list(texts.PERIOD_CHOICES),
    format_func=texts.PERIOD_CHOICES.get,
    default="year",
    key="outflow_period",
) or "year"  # fmt: skip
split = right.selectbox(
    texts.OUTFLOW_SPLIT,
    options=list(texts.SPLITS),
    format_func=texts.SPLITS.get,
    key="outflow_split",
)
counts = queries.outflow(ctx.filters, period, None if split == "none" else split)
if counts.height == 0:
    no_data()
    st.stop()

counts = counts.with_columns(
    pl.struct("year", "quarter", "month")
    .map_elements(
        lambda r: period_label(r["year"], r["quarter"], r["month"]), return_dtype=pl.String
    )
    .alias("period")
)
labels = {
    "pi_code": ctx.names,
    "release_reason": texts.REASONS,
    "sex": texts.SEXES,
    "age_band": texts.AGE_BANDS,
    "length_band": texts.LENGTH_BANDS,
}.get(split, {})
if split == "none":
    wide = counts.select("period", pl.col("n_releases").alias("total"))
    groups: list[str] = []
else:
    order = sorted(counts["grp"].drop_nulls().unique().to_list(), key=lambda g: labels.get(g, g))
    wide = (
        counts.with_columns(pl.col("grp").fill_null(texts.UNKNOWN))
        .pivot(on="grp", index=["year", "quarter", "month", "period"], values="n_releases")
        .fill_null(0)
    )
    groups = [g for g in order if g in wide.columns] + (
        [texts.UNKNOWN] if texts.UNKNOWN in wide.columns else []
    )
    wide = wide.with_columns(pl.sum_horizontal(groups).alias("total")).select(
        "period", *groups, "total"
    )
columns = [Column("period", texts.COL["period"])]
columns += [Column(g, labels.get(g, g), "count") for g in groups]
columns.append(Column("total", texts.TOTAL, "count"))
table = disclose(wide, columns, t, row_total_cells=tuple(groups))

title = texts.OUTFLOW_CHART.format(period=texts.PERIOD_CHOICES[period].lower())
series = {g: labels.get(g, g) for g in groups} or {"total": texts.TOTAL}
figure = charts.bars(table.frame, "period", series, title, texts.OUTFLOW_Y, stacked=True)
chart_block(
    f"uitstroom_{period}_{split}", figure, table, texts.RULES["uitstroom"], ctx.download_note()
)

st.subheader(texts.OUTFLOW_TOP)
top = queries.top_gemeenten(ctx.filters).with_columns(
    pl.when(pl.col("gemeente_code") == "onbekend")
    .then(pl.lit(texts.UNKNOWN))
    .otherwise(pl.col("gemeente_naam"))
    .alias("gemeente_naam")
)
top_table = disclose(
    top,
    [
        Column("gemeente_naam", texts.COL["gemeente"]),
        Column("n_releases", texts.COL["n_releases"], "count"),
    ],
    t,
)
chart_block(
    "uitstroom_top_gemeenten",
    charts.bars(
        top_table.frame,
        "gemeente_naam",
        {"n_releases": texts.COL["n_releases"]},
        texts.OUTFLOW_TOP_CHART.format(n=top.height),
        texts.OUTFLOW_Y,
        horizontal=True,
        hover="%{y:,.0f}",
    ),
    top_table,
    texts.RULES["gemeenten"],
    ctx.download_note(),
)
