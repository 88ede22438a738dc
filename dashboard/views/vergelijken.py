"""Vergelijken: a municipality or PI beside the national figure and its peers, a funnel plot
of all units, and a table with rates, intervals, observed/expected and corrected rates."""

from __future__ import annotations

import dataclasses

import polars as pl
import streamlit as st

from dashboard import charts, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from published import labels, queries, rules
from published.tables import comparison

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["vergelijken"])
st.write(texts.COMPARE_INTRO)

left, middle, right = st.columns([1, 2, 2])
unit = left.radio(
    texts.COMPARE_KIND,
    options=list(texts.COMPARE_KINDS),
    format_func=texts.COMPARE_KINDS.get,
    key="cmp_kind",
)
measure = right.selectbox(
    texts.COMPARE_MEASURE,
    options=list(queries.COMPARE_MEASURES),
    format_func=labels.MEASURE_LABELS.get,
    key="cmp_measure",
)
info = queries.gemeente_info()
if unit == "gemeente_code":
    options = info["gemeente_code"].to_list()
    default = [g for g in ctx.filters.gemeenten if g in options][:3] or ["GM0363"]
    # The comparison runs over municipalities: the municipality and province filters step aside.
    filters = dataclasses.replace(ctx.filters, gemeenten=(), provincies=())
    dimension = texts.FILTER_GEMEENTE.lower()
else:
    options = list(queries.filter_options()["pis"]["pi_code"])
    default = [p for p in ctx.filters.pis if p in options][:3] or options[:1]
    filters = dataclasses.replace(ctx.filters, pis=())
    dimension = texts.FILTER_PI.lower()
chosen = middle.multiselect(
    texts.COMPARE_UNITS,
    options=options,
    default=[d for d in default if d in options],
    format_func=ctx.label,
    key=f"cmp_units_{unit}",
)
st.caption(texts.COMPARE_SCOPE_NOTE.format(dimension=dimension))
value = "corrected" if comparison.is_corrected(measure) else "rate"
unit_disclosed = comparison.units(filters, t, unit, measure, ctx.names)
if unit_disclosed.frame.height == 0 or not chosen:
    no_data()
    st.stop()
context = ctx.download_note()
measure_label = labels.MEASURE_LABELS[measure]
names = ", ".join(ctx.label(c) for c in chosen)

# 1. Over time: the chosen units, the national figure and the peer group.
if unit == "gemeente_code":
    peer_kind = st.radio(
        texts.COMPARE_PEERS,
        options=list(texts.PEER_KINDS),
        format_func=texts.PEER_KINDS.get,
        horizontal=True,
        key="cmp_peers",
    )
    peer_units = comparison.peers(info, chosen, peer_kind)
    peer_label = f"{texts.PEERS_LABEL} ({texts.PEER_KINDS[peer_kind].lower()})"
else:
    peer_units = [p for p in options if p not in chosen]
    peer_label = texts.PEERS_PI
series = {labels.NATIONAL: ["*"], peer_label: peer_units}
series |= {ctx.label(c): [c] for c in chosen}
trend_table = comparison.trend(filters, t, unit, measure, series)
figure = charts.series_lines(
    trend_table,
    tuple(series),
    texts.COMPARE_OVER_TIME.format(measure=measure_label, units=names),
    "%",
)
chart_block(f"vergelijken_tijd_{measure}", figure, trend_table, rules.RULES["compare"], context)

# 2. The funnel plot of every unit whose figure may be shown.
drawn = unit_disclosed.frame.filter(pl.col(value).is_not_null())
n_hidden = unit_disclosed.frame.height - drawn.height
if drawn.height == 0:  # no unit's figure may be shown in this selection
    st.caption(texts.COMPARE_SMALL.format(n=n_hidden, t=t))
    st.stop()
limits = comparison.funnel(filters, t, unit, measure)
corrected = value == "corrected"
figure = charts.funnel_plot(
    drawn,
    limits,
    value,
    chosen,
    texts.COMPARE_FUNNEL.format(measure=measure_label),
    (texts.FUNNEL_X_EXPECTED if corrected else texts.FUNNEL_X).format(
        unit=texts.COMPARE_KINDS[unit].lower()
    ),
    "%",
    {"national": labels.NATIONAL, **texts.FUNNEL_LABELS},
    x_column="e" if corrected else "n",
)
chart_block(
    f"vergelijken_trechter_{measure}",
    figure,
    unit_disclosed,
    rules.RULES["funnel"] + "\n\n" + rules.RULES["compare"],
    context,
)
if n_hidden:
    st.caption(texts.COMPARE_SMALL.format(n=n_hidden, t=t))
