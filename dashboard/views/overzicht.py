"""Overzicht: the key figures of the last complete year, and their trends."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import charts, texts
from dashboard.components import chart_block, download_button, no_data
from dashboard.context import current
from published import export, labels, rules
from published.format import nl_count, nl_date, nl_interval, nl_pct
from published.tables import outflow as outflow_tables
from published.tables import readiness as readiness_tables
from published.tables import recidivism as recidivism_tables

ctx = current()
t = ctx.threshold
st.title(texts.PAGES["overzicht"])
st.write(texts.OVERVIEW_INTRO)

outflow = outflow_tables.outflow_by_year(ctx.filters, t)
if outflow.frame.height == 0:
    no_data()
    st.stop()
year = ctx.last_year()
readiness = readiness_tables.readiness_by_year(ctx.filters, t).where(
    pl.col("label") == labels.LEEFGEBIEDEN["alle"]
)
recid = recidivism_tables.recidivism(ctx.filters, t)


# The tiles carry no sparkline of their own: Streamlit draws it as an image without a text
# alternative (WCAG 1.1.1). The same trends are the charts under the tiles, each with its
# text alternative and table.
tiles = st.columns(4)
n_now, hidden_now = outflow.cell("n_releases", year=year)
n_before, hidden_before = outflow.cell("n_releases", year=year - 1)
delta = None
if n_now is not None and n_before:
    change = 100 * (n_now - n_before) / n_before
    sign = "+" if change >= 0 else "-"
    delta = texts.TILE_DELTA.format(delta=sign + nl_pct(abs(change)), year=year - 1)
tiles[0].metric(
    texts.TILE_OUTFLOW.format(year=year),
    nl_count(n_now, t) if hidden_now or n_now is not None else "0",
    delta,
    delta_color="off",
    help=texts.TILE_HELP_OUTFLOW,
    border=True,
)
tiles[1].metric(
    texts.TILE_READY.format(year=year),
    nl_pct(readiness.cell("pct_op_orde", year=year)[0]),
    help=texts.TILE_HELP_READY,
    border=True,
)
for tile, window, label in (
    (tiles[2], "1y", texts.TILE_RECID_1Y),
    (tiles[3], "2y", texts.TILE_RECID_2Y),
):
    available = recid.frame.filter(pl.col(f"pct_{window}").is_not_null())
    if available.height == 0:
        tile.metric(
            label.format(year="–"),
            texts.TILE_NOT_AVAILABLE,
            help=texts.TILE_HELP_RECID,
            border=True,
        )
        continue
    latest = available.row(-1, named=True)
    interval = nl_interval(latest[f"pct_{window}_low"], latest[f"pct_{window}_high"])
    tile.metric(
        label.format(year=latest["cohort_year"]),
        nl_pct(latest[f"pct_{window}"]),
        texts.TILE_INTERVAL.format(interval=interval),
        delta_color="off",
        delta_arrow="off",
        help=texts.TILE_HELP_RECID,
        border=True,
    )
st.caption(
    texts.COMPLETE_YEARS_NOTE.format(export=nl_date(ctx.status["last_export_date"]), year=year)
)

st.subheader(texts.OVERVIEW_TRENDS)
context = ctx.download_note()
left, middle, right = st.columns(3)
with left:
    chart_block(
        "overzicht_uitstroom",
        charts.sparkline(outflow.frame, "year", "n_releases", texts.TREND_OUTFLOW),
        outflow,
        rules.RULES["uitstroom"],
        context,
    )
with middle:
    chart_block(
        "overzicht_alle_op_orde",
        charts.sparkline(readiness.frame, "year", "pct_op_orde", texts.TREND_READY, "%"),
        readiness,
        rules.RULES["readiness"],
        context,
    )
with right:
    chart_block(
        "overzicht_recidive",
        charts.sparkline(recid.frame, "cohort_year", "pct_2y", texts.TREND_RECID, "%"),
        recid,
        rules.RULES["recidivism"],
        context,
    )

st.subheader(texts.OPEN_DATA)
st.caption(texts.OPEN_DATA_INTRO)
download_button(
    st,
    texts.OPEN_DATA_DOWNLOAD,
    data=lambda: export.zip_bytes(t),
    file_name="terugkeermonitor_open_data.zip",
    mime="application/zip",
    key="open_data",
    on_click="ignore",
)
