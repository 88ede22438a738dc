"""Succesfactoren: which leefgebieden and process steps go with less recidivism (odds ratios,
raw and adjusted), recidivism with and without each, survival curves, and process indicators
per PI. Associations, not proof of effect: the page says so."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from published import labels, rules
from published.tables import factors, survival

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

# 1. Forest plot: national odds ratios, raw and adjusted, from the build-time model.
forest_table = factors.odds_ratios(years, t)
if forest_table.frame.height == 0:
    st.info(texts.FACTORS_NO_MODEL)
    st.stop()
figure = charts.forest(
    forest_table.frame,
    texts.FACTORS_FOREST.format(window=window),
    texts.FACTORS_FOREST_X,
    {"raw": texts.FACTORS_RAW, "adjusted": texts.FACTORS_ADJUSTED},
)
chart_block(
    f"succesfactoren_odds_ratios_{years}j", figure, forest_table, rules.RULES["factors"], context
)

# 2. With and without each factor, and 3. time to re-offence with and without one, in the
# current selection (cohorts with full follow-up only: a selection of recent years has none,
# and then the process indicators below still show).
with_without = factors.with_without(ctx.filters, t, years)
if with_without.frame.height == 0:
    no_data()
else:
    figure = charts.bars(
        with_without.frame,
        "label",
        {"pct_with": labels.FACTORS_WITH, "pct_without": labels.FACTORS_WITHOUT},
        texts.FACTORS_WITH_WITHOUT.format(window=window),
        texts.RECID_Y,
        hover="%{y:.1f}%",
        percent=True,
    )
    chart_block(
        f"succesfactoren_met_zonder_{years}j", figure, with_without, rules.RULES["factors"], context
    )

    factor = st.selectbox(
        texts.FACTORS_KM_CHOICE,
        options=list(labels.FACTOR_LABELS),
        format_func=labels.FACTOR_LABELS.get,
        index=1,
        key="factor_km",
    )
    curves, km_table = survival.factor_survival(ctx.filters, t, factor)
    if curves:
        figure = charts.survival_curves(
            curves,
            texts.FACTORS_KM_CHART.format(factor=labels.FACTOR_LABELS[factor].lower()),
            texts.SURVIVAL_X,
            texts.SURVIVAL_Y,
        )
        chart_block(
            f"succesfactoren_km_{factor}", figure, km_table, rules.RULES["factor_km"], context
        )

# 4. Process indicators per PI, side by side.
st.subheader(texts.FACTORS_PROCESS)
process = factors.process_by_pi(ctx.filters, t, ctx.names)
if process.frame.height:
    figure = charts.heatmap(process.frame, "label", "pi", "pct", texts.PROCESS_HEATMAP)
    chart_block(
        "procesindicatoren_per_inrichting", figure, process, rules.RULES["process_pi"], context
    )

# 5. The third partner: supervision by the probation services after release.
st.subheader(texts.FACTORS_PROBATION)
supervision = factors.supervision_by_frame(ctx.filters, t)
figure = charts.lines_with_intervals(
    supervision.frame,
    "year",
    [
        (
            "pct_supervised",
            texts.FACTORS_PROBATION_SERIES,
            "pct_supervised_low",
            "pct_supervised_high",
        )
    ],
    texts.FACTORS_PROBATION_CHART,
    texts.PERCENT_AXIS,
)
chart_block("onder_toezicht_per_jaar", figure, supervision, rules.RULES["supervision"], context)
endings = factors.supervision_endings(t)
figure = charts.lines_with_intervals(
    endings.frame,
    "year",
    [("pct_regular", texts.FACTORS_ENDINGS_SERIES, "pct_regular_low", "pct_regular_high")],
    texts.FACTORS_ENDINGS_CHART,
    texts.PERCENT_AXIS,
)
chart_block(
    "toezicht_regulier_afgerond", figure, endings, rules.RULES["supervision_endings"], context
)
