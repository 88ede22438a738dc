"""Gemeenteprofiel: everything about one municipality on one printable page, beside its
province and the Netherlands, with one download of all its figures."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, texts
from dashboard.components import (
    chart_block,
    download_button,
    note_for,
    printable,
    profile_tiles,
    xlsx_workbook,
)
from dashboard.context import current
from published import labels, queries, rules
from published.format import nl_date, nl_int
from published.tables import profile as profile_tables

ctx = current()
t = ctx.threshold
printable()
st.title(texts.PAGES["gemeenteprofiel"])
st.write(texts.PROFILE_INTRO)
info = queries.gemeente_info()
codes = info["gemeente_code"].to_list()
wanted = st.query_params.get("profiel")
default = wanted if wanted in codes else next(iter(ctx.filters.gemeenten), "GM0363")
code = st.selectbox(
    texts.PROFILE_CHOOSE,
    options=codes,
    index=codes.index(default) if default in codes else 0,
    format_func=ctx.label,
    key="profile_gemeente",
)
st.query_params["profiel"] = code
profile = profile_tables.gemeente_profile(ctx.filters, t, code)
name, provincie = profile.name, profile.provincie
st.caption(
    texts.PROFILE_FACTS.format(
        name=name,
        provincie=provincie,
        inwoners=nl_int(profile.inwoners),
        peildatum=nl_date(ctx.peildatum) if ctx.peildatum else texts.NO_PEILDATUM,
    )
)
context = {**ctx.download_note(), "filters": f"{name}; " + ctx.download_note()["filters"]}
year = ctx.last_year()

# Tiles: the last complete year and the latest cohort, beside the Netherlands.
trend = profile.recidivism
profile_tiles(profile.outflow, profile.readiness, trend, name, year, texts.TILE_PROFILE_OUTFLOW)

# 1. Uitstroom per year.
figure = charts.bars(
    profile.outflow.frame, "year", {"n_releases": labels.COL["n_releases"]},
    texts.PROFILE_OUTFLOW.format(name=name), texts.OUTFLOW_Y,
)  # fmt: skip
chart_block("profiel_uitstroom", figure, profile.outflow, rules.RULES["uitstroom"], context)

# 2. Leefgebieden at release: the municipality, its province and the Netherlands.
figure = charts.bars(
    profile.readiness_side.frame, "label", {k: k for k in profile.series},
    texts.PROFILE_READINESS.format(name=name), texts.READINESS_Y, hover="%{y:.1f}%",
    percent=True,
)  # fmt: skip
chart_block(
    "profiel_leefgebieden", figure, profile.readiness_side, rules.RULES["readiness"], context
)

# 3. Recidivism per cohort, corrected for case mix.
figure = charts.series_lines(
    trend, profile.series, texts.PROFILE_RECIDIVISM.format(name=name), texts.RECID_Y
)
chart_block(
    "profiel_recidive", figure, trend,
    rules.RULES["recidivism"] + "\n\n" + rules.RULES["compare"], context,
)  # fmt: skip

# 4. Process indicators beside the province and the Netherlands.
figure = charts.scope_bars(profile.process, profile.series, texts.PROFILE_PROCESS.format(name=name))
chart_block("profiel_proces", figure, profile.process, rules.RULES["process_pi"], context)

# 5. Three months after release (only municipalities that deliver nazorg-exports).
if profile.aftercare.frame.height:
    figure = charts.bars(
        profile.aftercare.frame, "label", {"pct_op_orde": labels.COL["pct_op_orde"]},
        texts.PROFILE_AFTERCARE.format(name=name), texts.READINESS_Y,
        hover="%{y:.1f}%", percent=True,
    )  # fmt: skip
    chart_block("profiel_nazorg", figure, profile.aftercare, rules.RULES["aftercare"], context)
else:
    st.info(texts.PROFILE_NO_AFTERCARE.format(name=name))

download_button(
    st,
    texts.PROFILE_DOWNLOAD.format(name=name),
    data=lambda: xlsx_workbook(
        profile.tables(),
        note_for(texts.PAGES["gemeenteprofiel"], rules.RULES["compare"], t, context),
    ),
    file_name=f"terugkeermonitor_gemeenteprofiel_{code}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="profile_download",
    on_click="ignore",
    type="primary",
)
