"""Leefgebieden: are the basic conditions in order at release, and what did detention fix?"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, texts
from dashboard.components import chart_block, no_data
from dashboard.context import current
from published import labels, rules
from published.tables import readiness

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["leefgebieden"])
st.write(texts.READINESS_INTRO)

by_year = readiness.readiness_by_year(ctx.filters, t)
if by_year.frame.height == 0:
    no_data()
    st.stop()
context = ctx.download_note()
years = by_year.frame["year"].unique().sort().to_list()
period = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])

# One line per leefgebied; hover shows % onbekend beside % op orde.
lines = by_year.frame.pivot(on="label", index="year", values=["pct_op_orde", "pct_onbekend"])
names = list(labels.LEEFGEBIEDEN.values())
lines = lines.rename(
    {f"pct_op_orde_{n}": n for n in names} | {f"pct_onbekend_{n}": f"{n} onbekend" for n in names},
    strict=False,
)
figure = charts.lines_with_intervals(
    lines,
    "year",
    [(n, n, None, None) for n in names if n in lines.columns],
    texts.READINESS_TREND,
    texts.READINESS_Y,
    hover_extra={n: f"{n} onbekend" for n in names},
)
chart_block("leefgebieden_per_jaar", figure, by_year, rules.RULES["readiness"], context)

st.subheader(texts.READINESS_LATEST)
intake = readiness.readiness_intake_release(ctx.filters, t)
figure = charts.bars(
    intake.frame,
    "label",
    {"pct_intake": texts.AT_INTAKE, "pct_op_orde": texts.AT_RELEASE},
    texts.READINESS_LATEST_CHART.format(period=period),
    texts.READINESS_Y,
    hover="%{y:.1f}%",
    percent=True,
)
chart_block(
    "leefgebieden_instroom_uitstroom",
    figure,
    intake,
    rules.RULES["readiness"] + "\n\n" + rules.RULES["improved"],
    context,
)

by_pi = readiness.readiness_by_pi(ctx.filters, t, ctx.names)
if by_pi.frame.height:
    figure = charts.heatmap(
        by_pi.frame,
        "label",
        "pi",
        "pct_op_orde",
        texts.READINESS_HEATMAP.format(period=period),
        hover="pct_onbekend",
    )
    chart_block(
        "leefgebieden_per_inrichting",
        figure,
        by_pi,
        rules.RULES["readiness_pi"],
        context,
    )
