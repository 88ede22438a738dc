"""Succesfactoren: which leefgebieden and process steps go with less recidivism (odds ratios,
raw and adjusted), recidivism with and without each, survival curves, and process indicators
per PI. Associations, not proof of effect: the page says so."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, figures, queries, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from pipelines.disclosure import Column, Rate, disclose

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["succesfactoren"])
st.write(texts.FACTORS_INTRO)
if ctx.peildatum is None:
    st.info(texts.NO_RECIDIVE_DATA)
    st.stop()
context = ctx.download_note()
years = st.segmented_control(
    texts.FACTORS_WINDOW,
    options=list(texts.FACTORS_WINDOWS),
    format_func=texts.FACTORS_WINDOWS.get,
    default=2,
    key="factor_window",
) or 2  # fmt: skip
window = texts.FACTORS_WINDOWS[years]
order = {f: i for i, f in enumerate(texts.FACTOR_LABELS)}

# 1. Forest plot: national odds ratios, raw and adjusted, from the build-time model.
model = queries.model_factors(years)
if model.height == 0:
    st.info(texts.FACTORS_NO_MODEL)
    st.stop()
model = model.with_columns(
    pl.col("factor").replace_strict(texts.FACTOR_LABELS).alias("label"),
    pl.col("factor").replace_strict(order).alias("order"),
).sort("order")
model = model.with_columns(
    (100 * pl.col("k_ja") / pl.col("n_ja")).alias("pct_with"),
    (100 * pl.col("k_nee") / pl.col("n_nee")).alias("pct_without"),
)
forest_table = disclose(
    model,
    [
        Column("label", texts.COL["factor"]),
        Column("n_ja", texts.COL["n_with"], "count"),
        Column("pct_with", texts.COL["pct_with"], "pct"),
        Column("n_nee", texts.COL["n_without"], "count"),
        Column("pct_without", texts.COL["pct_without"], "pct"),
        Column("raw_or", texts.COL["raw_or"], "number"),
        Column("raw_low", texts.COL["raw_low"], "number"),
        Column("raw_high", texts.COL["raw_high"], "number"),
        Column("adj_or", texts.COL["adj_or"], "number"),
        Column("adj_low", texts.COL["adj_low"], "number"),
        Column("adj_high", texts.COL["adj_high"], "number"),
    ],
    t,
    rates=(
        Rate("pct_with", "k_ja", "n_ja"),
        Rate("pct_without", "k_nee", "n_nee"),
    ),
)
figure = charts.forest(
    model,
    texts.FACTORS_FOREST.format(window=window),
    texts.FACTORS_FOREST_X,
    {"raw": texts.FACTORS_RAW, "adjusted": texts.FACTORS_ADJUSTED},
)
chart_block(
    f"succesfactoren_odds_ratios_{years}j", figure, forest_table, texts.RULES["factors"], context
)

# 2. With and without each factor, in the current selection.
outcomes = queries.factor_outcomes(ctx.filters, years).filter(pl.col("level").is_in(["ja", "nee"]))
if outcomes.height == 0:
    no_data()
    st.stop()
wide = (
    outcomes.pivot(on="level", index="factor", values=["n", "k"])
    .fill_null(0)
    .with_columns(
        pl.col("factor").replace_strict(texts.FACTOR_LABELS).alias("label"),
        pl.col("factor").replace_strict(order).alias("order"),
    )
    .sort("order")
)
with_without = disclose(
    wide,
    [
        Column("label", texts.COL["factor"]),
        Column("n_ja", texts.COL["n_with"], "count"),
        Column("pct_with", texts.COL["pct_with"], "pct"),
        Column("pct_with_low", texts.COL["rate_low"], "pct"),
        Column("pct_with_high", texts.COL["rate_high"], "pct"),
        Column("n_nee", texts.COL["n_without"], "count"),
        Column("pct_without", texts.COL["pct_without"], "pct"),
        Column("pct_without_low", texts.COL["rate_low"] + " ", "pct"),
        Column("pct_without_high", texts.COL["rate_high"] + " ", "pct"),
    ],
    t,
    rates=(
        Rate("pct_with", "k_ja", "n_ja", interval=True),
        Rate("pct_without", "k_nee", "n_nee", interval=True),
    ),
)
figure = charts.bars(
    with_without.frame,
    "label",
    {"pct_with": texts.FACTORS_WITH, "pct_without": texts.FACTORS_WITHOUT},
    texts.FACTORS_WITH_WITHOUT.format(window=window),
    texts.RECID_Y,
    hover="%{y:.1f}%",
    percent=True,
)
chart_block(
    f"succesfactoren_met_zonder_{years}j", figure, with_without, texts.RULES["factors"], context
)

# 3. Time to re-offence with and without one factor.
factor = st.selectbox(
    texts.FACTORS_KM_CHOICE,
    options=list(texts.FACTOR_LABELS),
    format_func=texts.FACTOR_LABELS.get,
    index=1,
    key="factor_km",
)
curves, km_table = figures.factor_survival(ctx.filters, t, factor)
if curves:
    figure = charts.survival_curves(
        curves,
        texts.FACTORS_KM_CHART.format(factor=texts.FACTOR_LABELS[factor].lower()),
        texts.SURVIVAL_X,
        texts.SURVIVAL_Y,
    )
    chart_block(f"succesfactoren_km_{factor}", figure, km_table, texts.RULES["factor_km"], context)

# 4. Process indicators per PI, side by side.
st.subheader(texts.FACTORS_PROCESS)
process = figures.process_by_pi(ctx.filters, t, ctx.names)
if process.frame.height:
    figure = charts.heatmap(process.frame, "label", "pi", "pct", texts.PROCESS_HEATMAP)
    chart_block(
        "procesindicatoren_per_inrichting", figure, process, texts.RULES["process_pi"], context
    )
