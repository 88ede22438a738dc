"""A profile as a Word document (python-docx) for an inspection's file: the unit, the date,
the peildatum, and every table of the profile as the dashboard shows it (already disclosed and
in Dutch: '<10', 'x', '–', 'nog niet beschikbaar'), each with its rule and the legend."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.shared import Pt

from published import reader, rules
from published.disclosure import DisclosedTable
from published.format import display_frame, nl_date


def profile_report(
    title: str,
    facts: list[str],
    tables: dict[str, tuple[DisclosedTable, str]],
    peildatum: dt.date | None,
    threshold: int,
) -> bytes:
    """`tables`: heading -> (table, rule text with `{t}`)."""
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    doc.add_heading(title, 0)
    for fact in facts:
        doc.add_paragraph(fact)
    doc.add_paragraph(
        f"Gemaakt op {nl_date(dt.date.today())}; peildatum van de recidivegegevens: "
        f"{nl_date(peildatum) if peildatum else 'nog geen recidivegegevens'}."
    )
    for heading, (table, rule) in tables.items():
        doc.add_heading(heading, 1)
        shown = display_frame(table)
        grid = doc.add_table(rows=1, cols=shown.width)
        grid.style = "Light Grid Accent 1"
        for cell, name in zip(grid.rows[0].cells, shown.columns, strict=True):
            cell.text = name
        for row in shown.iter_rows():
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
        doc.add_paragraph(rule.format(t=threshold).replace("**", "").replace("*", ""))
    doc.add_heading("Leeswijzer", 1)
    doc.add_paragraph(
        rules.disclosure_note(threshold, reader.max_noise()).replace("`", "").replace("*", "")
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
