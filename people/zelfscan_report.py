"""The Zelfscan report as a Word document (python-docx): answers, scores, the municipality's
figures, suggested practices and open points, dated and naming the data's peildatum.

Figures arrive already disclosed and formatted (e.g. '<10', '45,2%'), so the report cannot
show what the dashboard may not.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from docx import Document
from docx.shared import Pt

from people.zelfscan import Practice, Questionnaire

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip
BAR_WIDTH = 20


def _date(value: dt.date | None) -> str:
    return "–" if value is None else f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%".replace(".", ",")


def _bar(value: float | None) -> str:
    """A score as a text bar, readable in any Word version and on paper."""
    filled = 0 if value is None else round(BAR_WIDTH * value / 100)
    return "█" * filled + "░" * (BAR_WIDTH - filled)


@dataclass(frozen=True)
class ReportInput:
    gemeente: str
    scan_date: dt.date
    peildatum: dt.date | None
    questionnaire: Questionnaire
    answers: dict[str, int | None]
    scores: dict[str, float | None]
    overall: float | None
    figures: dict[str, list[tuple[str, str, str, str]]]  # theme -> (measure, own, peers, NL)
    peer_label: str
    practices: list[tuple[Practice, list[str]]]
    earlier: dict[str, float | None] | None = None
    earlier_date: dt.date | None = None


def build_report(data: ReportInput) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10.5)
    q = data.questionnaire
    doc.add_heading(f"Zelfscan re-integratie ex-gedetineerden — {data.gemeente}", 0)
    doc.add_paragraph(
        f"Ingevuld op {_date(data.scan_date)} · vragenlijst versie {q.version} · "
        f"cijfers uit de Terugkeermonitor, peildatum recidive {_date(data.peildatum)} · "
        f"gemaakt op {_date(dt.date.today())}"
    )
    doc.add_paragraph(
        "Gebruik dit verslag als leidraad voor het gesprek met collega's en partners. De cijfers "
        "zijn geanonimiseerd: aantallen onder de tien staan er als '<10', percentages op minder "
        "dan tien personen worden niet getoond (–)."
    )

    doc.add_heading("Scores per thema", 1)
    table = doc.add_table(rows=1, cols=4 if data.earlier else 3)
    table.style = "Light Grid Accent 1"
    header = ["Thema", "Score", ""] + (
        [f"Vorige scan ({_date(data.earlier_date)})"] if data.earlier else []
    )
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for theme in q.themes:
        row = table.add_row().cells
        score = data.scores.get(theme.code)
        row[0].text, row[1].text, row[2].text = theme.title, _pct(score), _bar(score)
        if data.earlier:
            row[3].text = _pct(data.earlier.get(theme.code))
    doc.add_paragraph(f"Totaalscore: {_pct(data.overall)} (gemiddelde van de thema's).")

    doc.add_heading("Antwoorden, advies en cijfers per thema", 1)
    open_points = []
    for theme in q.themes:
        doc.add_heading(f"{theme.title} — {_pct(data.scores.get(theme.code))}", 2)
        if theme.intro:
            doc.add_paragraph().add_run(theme.intro).italic = True
        for question in theme.questions:
            value = data.answers.get(question.code)
            label = next((o.label for o in question.options if o.value == value), "niet ingevuld")
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(question.text + " ").bold = True
            p.add_run(f"Antwoord: {label}.")
            if value is not None:
                doc.add_paragraph(f"Advies: {question.advice[value]}")
            if value is None or value <= 1:
                open_points.append((theme.title, question.text))
        rows = data.figures.get(theme.code)
        if rows:
            figures = doc.add_table(rows=1, cols=4)
            figures.style = "Light List Accent 1"
            heads = ("Cijfer", data.gemeente, data.peer_label, "Nederland")
            for cell, text in zip(figures.rows[0].cells, heads, strict=True):
                cell.text = text
            for measure, own, peers, national in rows:
                cells = figures.add_row().cells
                for cell, text in zip(cells, (measure, own, peers, national), strict=True):
                    cell.text = text

    doc.add_heading("Voorbeelden uit het land", 1)
    if data.practices:
        for practice, themes in data.practices:
            titles = ", ".join(t.title for t in q.themes if t.code in themes)
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(practice.title).bold = True
            p.add_run(f" (bij: {titles}). {practice.description}")
    else:
        doc.add_paragraph(
            "Alle thema's scoren twee derde of hoger; er zijn geen voorbeelden geselecteerd."
        )

    doc.add_heading("Open punten voor het gesprek", 1)
    for theme_title, text in open_points or [("", "Geen: alle vragen zijn ten minste 'Geregeld'.")]:
        doc.add_paragraph(f"{theme_title}: {text}" if theme_title else text, style="List Number")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
