"""Uitstroom: releases over time, by breakdown, and the municipalities people return to."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from published import labels, rules
from published.tables import outflow as outflow_tables

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["uitstroom"])
st.write(texts.OUTFLOW_INTRO)

left, right = st.columns([1, 2])
period = left.segmented_control(
    texts.OUTFLOW_PERIOD,
    options=list(labels.PERIOD_CHOICES),
    format_func=labels.PERIOD_CHOICES.get,
    default="year",
    key="outflow_period",
) or "year"  # fmt: skip
split = right.selectbox(
    texts.OUTFLOW_SPLIT,
    options=list(labels.SPLITS),
    format_func=labels.SPLITS.get,
    key="outflow_split",
)
table = outflow_tables.outflow_table(ctx.filters, t, period, split, ctx.names)
if table.frame.height == 0:
    no_data()
    st.stop()
group_labels = outflow_tables.split_labels(split, ctx.names)
groups = [c.name for c in table.columns if c.kind == "count" and c.name != "total"]

title = texts.OUTFLOW_CHART.format(period=labels.PERIOD_CHOICES[period].lower())
series = {g: group_labels.get(g, g) for g in groups} or {"total": labels.TOTAL}
figure = charts.bars(table.frame, "period", series, title, texts.OUTFLOW_Y, stacked=True)
chart_block(
    f"uitstroom_{period}_{split}", figure, table, rules.RULES["uitstroom"], ctx.download_note()
)

st.subheader(texts.OUTFLOW_TOP)
top_table = outflow_tables.top_gemeenten(ctx.filters, t)
shown = top_table.frame.head(outflow_tables.TOP_GEMEENTEN)
chart_block(
    "uitstroom_top_gemeenten",
    charts.bars(
        shown,
        "gemeente_naam",
        {"n_releases": labels.COL["n_releases"]},
        texts.OUTFLOW_TOP_CHART.format(n=shown.height),
        texts.OUTFLOW_Y,
        horizontal=True,
        hover="%{y:,.0f}",
    ),
    top_table,
    rules.RULES["gemeenten"],
    ctx.download_note(),
)
