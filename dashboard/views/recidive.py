"""Recidive: one- and two-year recidivism per cohort, breakdowns and time to re-offence."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from published import labels, rules
from published.tables import recidivism, survival

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["recidive"])
st.write(texts.RECID_INTRO)
if ctx.peildatum is None:
    st.info(texts.NO_RECIDIVE_DATA)
    st.stop()

overall = recidivism.recidivism(ctx.filters, t)
if overall.frame.height == 0:
    no_data()
    st.stop()
context = ctx.download_note()
WINDOWS = [
    ("pct_1y", labels.WINDOW_1Y, "pct_1y_low", "pct_1y_high"),
    ("pct_2y", labels.WINDOW_2Y, "pct_2y_low", "pct_2y_high"),
]


def not_available_note(table) -> None:
    missing = table.frame.filter(pl.col("pct_2y").is_null() & (pl.col("n_cohort") > 0))
    years = sorted(set(missing["cohort_year"].to_list()))
    if years:
        st.caption(texts.RECID_NOT_AVAILABLE_NOTE.format(years=", ".join(map(str, years))))


figure = charts.lines_with_intervals(
    overall.frame, "cohort_year", WINDOWS, texts.RECID_CHART, texts.RECID_Y
)
chart_block("recidive_per_cohort", figure, overall, rules.RULES["recidivism"], context)
not_available_note(overall)

split = st.selectbox(
    texts.RECID_SPLIT,
    options=["age_band", "sex", "pi_code", "length_band"],
    format_func=labels.SPLITS.get,
    key="recid_split",
)
by_group = recidivism.recidivism(ctx.filters, t, split=split, names=ctx.names)
wide = by_group.frame.pivot(on="label", index="cohort_year", values="pct_2y", sort_columns=True)
lows = by_group.frame.pivot(on="label", index="cohort_year", values="pct_2y_low")
highs = by_group.frame.pivot(on="label", index="cohort_year", values="pct_2y_high")
groups = [c for c in wide.columns if c != "cohort_year"]
wide = wide.join(lows.rename({g: f"{g}__low" for g in groups}), on="cohort_year", how="left").join(
    highs.rename({g: f"{g}__high" for g in groups}), on="cohort_year", how="left"
)
figure = charts.lines_with_intervals(
    wide.sort("cohort_year"),
    "cohort_year",
    [(g, g, f"{g}__low", f"{g}__high") for g in groups],
    texts.RECID_SPLIT_CHART.format(split=labels.SPLITS[split].lower()),
    texts.RECID_Y,
)
chart_block(f"recidive_naar_{split}", figure, by_group, rules.RULES["recidivism"], context)

severe = recidivism.recidivism(ctx.filters, t, severe=True)
figure = charts.lines_with_intervals(
    severe.frame, "cohort_year", WINDOWS, texts.RECID_SEVERE_CHART, texts.RECID_Y
)
chart_block(
    "ernstige_recidive",
    figure,
    severe,
    rules.RULES["recidivism"] + "\n\n" + rules.RULES["severe"],
    context,
)

groups_table = recidivism.reoffence_groups(ctx.filters, t)
if groups_table.frame.height:
    stacked = groups_table.frame.pivot(on="label", index="cohort_year", values="pct_group").sort(
        "cohort_year"
    )
    order = [g for g in labels.OFFENCE_GROUPS.values() if g in stacked.columns]
    figure = charts.bars(
        stacked,
        "cohort_year",
        {g: g for g in order},
        texts.RECID_GROUPS_CHART,
        texts.RECID_Y,
        stacked=True,
        hover="%{y:.1f}%",
    )
    chart_block(
        "recidive_delictgroep", figure, groups_table, rules.RULES["offence_groups"], context
    )

st.subheader(texts.SURVIVAL_HEADER)
km_split = st.selectbox(
    texts.SURVIVAL_GROUP,
    options=list(labels.SURVIVAL_GROUPS),
    format_func=labels.SURVIVAL_GROUPS.get,
    index=1,
    key="km_split",
)
curves, km_table = survival.survival(ctx.filters, t, km_split)
if curves:
    figure = charts.survival_curves(
        curves, texts.SURVIVAL_CHART, texts.SURVIVAL_X, texts.SURVIVAL_Y
    )
    chart_block(f"tijd_tot_recidive_{km_split}", figure, km_table, rules.RULES["survival"], context)
else:
    no_data()
