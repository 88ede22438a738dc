"""Inrichtingsprofiel: everything about one PI on one printable page, beside the other PIs and
the Netherlands, with one Excel of all its tables and a Word report for an inspection's file.
`?inrichting=CODE` in the link opens it on that PI."""

from __future__ import annotations

import polars as pl
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
from published.format import nl_date
from published.report import profile_report
from published.tables import profile as profile_tables

ctx = current()
t = ctx.threshold
printable()
st.title(texts.PAGES["inrichtingsprofiel"])
st.write(texts.PI_PROFILE_INTRO)
codes = queries.pi_info()["pi_code"].to_list()
wanted = st.query_params.get("inrichting")
default = wanted if wanted in codes else next(iter(ctx.filters.pis), codes[0])
code = st.selectbox(
    texts.PI_PROFILE_CHOOSE,
    options=codes,
    index=codes.index(default) if default in codes else 0,
    format_func=ctx.label,
    key="profile_pi",
)
st.query_params["inrichting"] = code
profile = profile_tables.pi_profile(ctx.filters, t, code, ctx.names)
name = profile.name
peildatum = nl_date(ctx.peildatum) if ctx.peildatum else texts.NO_PEILDATUM
st.caption(
    texts.PI_PROFILE_FACTS.format(name=name, place=profile.place or "–", peildatum=peildatum)
)
context = {**ctx.download_note(), "filters": f"{name}; " + ctx.download_note()["filters"]}
year = ctx.last_year()

# Tiles: outflow in the last complete year; readiness and corrected recidivism beside NL.
profile_tiles(
    profile.outflow, profile.readiness, profile.recidivism[2], name, year, texts.TILE_PI_OUTFLOW
)

# 1. Uitstroom per year, and where its people go.
figure = charts.bars(
    profile.outflow.frame, "year", {"n_releases": labels.COL["n_releases"]},
    texts.PI_PROFILE_OUTFLOW.format(name=name), texts.OUTFLOW_Y,
)  # fmt: skip
chart_block("inrichting_uitstroom", figure, profile.outflow, rules.RULES["uitstroom"], context)
# The named municipalities (as on Uitstroom); the rest row stays in the table beneath.
shown = profile.gemeenten.frame.head(profile_tables.PI_TOP_GEMEENTEN)
figure = charts.bars(
    shown, "gemeente_naam", {"n_releases": labels.COL["n_releases"]},
    texts.PI_PROFILE_GEMEENTEN.format(name=name), texts.OUTFLOW_Y, horizontal=True,
)  # fmt: skip
chart_block("inrichting_gemeenten", figure, profile.gemeenten, rules.RULES["gemeenten"], context)

# 2. Leefgebieden: at intake and at release, then beside the other PIs and the Netherlands.
mine = profile.readiness[name]
figure = charts.bars(
    mine.frame, "label", {"pct_intake": texts.AT_INTAKE, "pct_op_orde": texts.AT_RELEASE},
    texts.PI_PROFILE_READINESS.format(name=name), texts.READINESS_Y, hover="%{y:.1f}%",
    percent=True,
)  # fmt: skip
chart_block("inrichting_instroom_uitstroom", figure, mine, rules.RULES["improved"], context)
figure = charts.bars(
    profile.readiness_side.frame, "label", {k: k for k in profile.series},
    texts.PI_PROFILE_SIDE.format(name=name), texts.READINESS_Y, hover="%{y:.1f}%",
    percent=True,
)  # fmt: skip
chart_block(
    "inrichting_leefgebieden", figure, profile.readiness_side, rules.RULES["readiness"], context
)

# 3. Process steps beside the other PIs and the Netherlands.
figure = charts.scope_bars(
    profile.process, profile.series, texts.PI_PROFILE_PROCESS.format(name=name)
)
chart_block("inrichting_proces", figure, profile.process, rules.RULES["process_pi"], context)

# 4. Recidivism, corrected for case mix, and the PI's place in the funnel.
for k in (1, 2):
    figure = charts.series_lines(
        profile.recidivism[k], profile.series,
        texts.PI_PROFILE_RECIDIVISM.format(k=k, name=name), texts.RECID_Y,
    )  # fmt: skip
    chart_block(
        f"inrichting_recidive_{k}", figure, profile.recidivism[k],
        rules.RULES["recidivism"] + "\n\n" + rules.RULES["compare"], context,
    )  # fmt: skip
units = profile.funnel[2]
drawn = units.frame.filter(pl.col("corrected").is_not_null())
if drawn.height:
    position = units.frame.filter(pl.col("unit") == code)["position_label"].to_list()
    st.markdown(texts.PI_PROFILE_POSITION.format(k=2, position=(position or ["–"])[0] or "–"))
    figure = charts.funnel_plot(
        drawn,
        profile.funnel_limits[2],
        "corrected",
        [code],
        texts.PI_PROFILE_FUNNEL.format(k=2),
        texts.FUNNEL_X_EXPECTED.format(unit=texts.COMPARE_KINDS["pi_code"].lower()),
        "%",
        {"national": labels.NATIONAL, **texts.FUNNEL_LABELS},
        x_column="e",
    )
    chart_block(
        "inrichting_trechter", figure, units,
        rules.RULES["funnel"] + "\n\n" + rules.RULES["compare"], context,
    )  # fmt: skip

# 5. Three months after release, as the municipalities report it.
if profile.aftercare.frame.height:
    figure = charts.bars(
        profile.aftercare.frame, "label", {"pct_op_orde": labels.COL["pct_op_orde"]},
        texts.PI_PROFILE_AFTERCARE.format(name=name), texts.READINESS_Y,
        hover="%{y:.1f}%", percent=True,
    )  # fmt: skip
    chart_block("inrichting_nazorg", figure, profile.aftercare, rules.RULES["aftercare"], context)
else:
    st.info(texts.PI_PROFILE_NO_AFTERCARE.format(name=name))

buttons = st.container(horizontal=True)
download_button(
    buttons,
    texts.PI_PROFILE_DOWNLOAD.format(name=name),
    data=lambda: xlsx_workbook(
        profile.tables(),
        note_for(texts.PAGES["inrichtingsprofiel"], rules.RULES["compare"], t, context),
    ),
    file_name=f"terugkeermonitor_inrichtingsprofiel_{code}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="pi_profile_download",
    on_click="ignore",
)
RULE_OF_SHEET = {
    "Uitstroom": "uitstroom", "Gemeenten van terugkeer": "gemeenten",
    "Leefgebieden": "improved", "Leefgebieden vergeleken": "readiness",
    "Recidive 1 jaar": "compare", "Recidive 2 jaar": "compare", "Trechter 2 jaar": "funnel",
    "Proces": "process_pi", "Na 3 maanden": "aftercare",
}  # fmt: skip
download_button(
    buttons,
    texts.PI_PROFILE_REPORT,
    data=lambda: profile_report(
        texts.PI_PROFILE_REPORT_TITLE.format(name=name),
        [
            texts.PI_PROFILE_FACTS.format(
                name=name, place=profile.place or "–", peildatum=peildatum
            ).replace("**", ""),
            context["filters"],
        ],
        {
            sheet: (table, rules.RULES[RULE_OF_SHEET[sheet]])
            for sheet, table in profile.tables().items()
        },
        ctx.peildatum,
        t,
    ),  # fmt: skip
    file_name=f"terugkeermonitor_inrichtingsprofiel_{code}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="pi_profile_report",
    on_click="ignore",
)
