"""Building blocks every page uses: a chart with its Toelichting, table and downloads.

Only a DisclosedTable (published/disclosure.py) can be shown or downloaded, so disclosure
control cannot be skipped by a page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl
import streamlit as st
import xlsxwriter

from dashboard import alt_text, texts, texts_a11y
from people import appdb
from published import labels, reader, rules
from published.disclosure import DisclosedTable
from published.format import csv_safe, display_frame, nl_datetime, nl_int, nl_pct

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _arrow(table: DisclosedTable) -> object:
    """The Dutch text as Arrow, which st.dataframe sends as it is (a Polars frame goes through
    pandas first)."""
    return table.derived("display_arrow", lambda: display_frame(table).to_arrow())


def csv_bytes(table: DisclosedTable) -> bytes:
    """CSV as Dutch Excel opens it: ';' between fields, decimal comma, UTF-8 with BOM."""
    buffer = io.StringIO()
    csv_safe(display_frame(table)).write_csv(buffer, separator=";")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(table: DisclosedTable, note: dict[str, str]) -> bytes:
    """Excel with numbers as numbers, '<10' as text, and a sheet with the Toelichting."""
    return xlsx_workbook({texts.XLSX_SHEET_DATA: table}, note)


def xlsx_workbook(tables: dict[str, DisclosedTable], note: dict[str, str]) -> bytes:
    """One sheet per table (names up to 31 characters), then the Toelichting sheet."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    pct = workbook.add_format({"num_format": "0.0"})
    ratio = workbook.add_format({"num_format": "0.00"})
    date = workbook.add_format({"num_format": "d mmmm yyyy"})
    for name, table in tables.items():
        sheet = workbook.add_worksheet(name[:31])
        for j, column in enumerate(table.columns):
            sheet.write(0, j, column.label, bold)
            sheet.set_column(j, j, max(12, min(40, len(column.label) + 2)))
            for i, value in enumerate(table.frame[column.name].to_list(), start=1):
                if value is None:
                    sheet.write_string(i, j, table.mark(column.name, i - 1) or "")
                elif column.kind in ("pct", "number"):
                    sheet.write_number(i, j, value, pct)
                elif column.kind == "ratio":
                    sheet.write_number(i, j, value, ratio)
                elif column.kind in ("count", "int"):
                    sheet.write_number(i, j, value)
                elif column.kind == "date":
                    sheet.write_datetime(i, j, value, date)
                else:
                    sheet.write_string(i, j, str(value))
        sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(texts.XLSX_SHEET_NOTE)
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 100)
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    for i, (key, template) in enumerate(texts.XLSX_NOTE_ROWS):
        notes.write(i, 0, key, bold)
        notes.write(i, 1, template.format(**note).replace("**", "").replace("*", ""), wrap)
    workbook.close()
    return buffer.getvalue()


def toelichting(rule: str, threshold: int) -> None:
    with st.expander(texts.TOELICHTING):
        st.markdown(rule.format(t=threshold))
        st.caption(rules.disclosure_note(threshold, reader.max_noise()))


def table_and_downloads(
    key: str,
    table: DisclosedTable,
    title: str,
    rule: str,
    context: dict[str, str],
    open_table: bool = False,
) -> None:
    """The table behind a chart (or on its own), and its CSV and Excel downloads (made on
    click)."""
    if open_table:
        st.dataframe(_arrow(table), hide_index=True, width="stretch")
    else:
        with st.expander(texts.TABLE):
            st.dataframe(_arrow(table), hide_index=True, width="stretch")
    note = note_for(title, rule, table.threshold, context)
    buttons = st.container(horizontal=True)
    name = f"terugkeermonitor_{key}"
    download_button(
        buttons,
        texts.DOWNLOAD_CSV,
        data=lambda: csv_bytes(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{key}",
        on_click="ignore",
    )
    download_button(
        buttons,
        texts.DOWNLOAD_XLSX,
        data=lambda: xlsx_bytes(table, note),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"xlsx_{key}",
        on_click="ignore",
    )


def note_for(title: str, rule: str, threshold: int, context: dict[str, str]) -> dict[str, str]:
    return {
        **context,
        "title": title,
        "rule": rule.format(t=threshold),
        "suppression": rules.disclosure_note(threshold, reader.max_noise()).replace("`", ""),
        "made": nl_datetime(dt.datetime.now().replace(microsecond=0)),
    }


def download_button(
    where: object, label: str, *, data: Callable[[], bytes], file_name: str, **kwargs: object
) -> None:
    """A download button whose file is made when asked for; each download is a line in the
    audit trail (who, which file), under the person of the page run that offered it."""
    person = st.session_state.get("person")
    actor = person.actor if person is not None else "anoniem"

    def produce() -> bytes:
        made = data()
        appdb.record(appdb.open_database(reader.warehouse_file()), actor, "download", file_name)
        return made

    where.download_button(label, data=produce, file_name=file_name, **kwargs)  # type: ignore[attr-defined]


def chart_block(
    key: str,
    figure: go.Figure,
    table: DisclosedTable,
    rule: str,
    context: dict[str, str],
    title: str = "",
) -> None:
    """A chart, its text alternative (WCAG 1.1.1), then the table behind it with its downloads
    (the next stop for the keyboard), then its Toelichting."""
    st.plotly_chart(
        figure,
        key=f"chart_{key}",
        config=PLOTLY_CONFIG,
        width="stretch",
        theme=None,  # the product's own template (dashboard/theme.py)
        alt=figure.layout.title.text or title,
    )
    st.caption(alt_text.describe(figure, title) + " " + texts_a11y.ALT_TABLE_HINT)
    table_and_downloads(key, table, title or figure.layout.title.text or key, rule, context)
    toelichting(rule, table.threshold)


# Printing: the sidebar, toolbar, buttons and folded sections are left off the paper.
PRINT_CSS = """<style>@media print {
  [data-testid="stSidebar"], [data-testid="stToolbar"], [data-testid="stHeader"],
  [data-testid="stDownloadButton"], [data-testid="stExpander"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
}</style>"""


def printable() -> None:
    """Make the page print cleanly (Ctrl+P)."""
    st.markdown(PRINT_CSS, unsafe_allow_html=True)


def profile_tiles(
    outflow: DisclosedTable,
    readiness: dict[str, DisclosedTable],
    recidivism: DisclosedTable,
    name: str,
    year: int,
    outflow_label: str,
) -> None:
    """The three tiles of a profile: the unit's outflow in `year`; all basisvoorwaarden op
    orde and two-year recidivism (corrected for case mix) of its latest cohort, each beside
    the Netherlands."""
    tiles = st.columns(3)
    n_now, hidden = outflow.cell("n_releases", year=year)
    tiles[0].metric(
        outflow_label.format(year=year),
        f"<{outflow.threshold}" if hidden else nl_int(n_now or 0),
        border=True,
    )
    alle = {
        k: v.cell("pct_op_orde", label=labels.LEEFGEBIEDEN["alle"])[0] for k, v in readiness.items()
    }
    tiles[1].metric(
        texts.TILE_PROFILE_READY,
        nl_pct(alle[name]),
        texts.TILE_VS_NATIONAL.format(value=nl_pct(alle[labels.NATIONAL])),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    rates = recidivism.frame.filter(pl.col("rate").is_not_null())
    latest = rates.filter(pl.col("series") == name).sort("year")
    if latest.height == 0:
        tiles[2].metric(texts.TILE_PROFILE_RECID, labels.NOT_SHOWN, border=True)
        return
    row = latest.row(-1, named=True)
    national = rates.filter((pl.col("series") == labels.NATIONAL) & (pl.col("year") == row["year"]))
    tiles[2].metric(
        f"{texts.TILE_PROFILE_RECID} ({row['year']})",
        nl_pct(row["rate"]),
        texts.TILE_VS_NATIONAL.format(
            value=nl_pct(national["rate"][0] if national.height else None)
        ),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )


def no_data() -> None:
    st.info(texts.NO_DATA_IN_SCOPE)
