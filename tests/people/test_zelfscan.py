"""The Zelfscan: the question file's schema, scoring by hand, saved answers, the Word report."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document

from people.zelfscan import (
    QUESTIONS_FILE,
    ZelfscanConfigError,
    load_practices,
    load_questions,
    overall_score,
    suggested_practices,
    theme_scores,
)
from people.zelfscan_report import ReportInput, build_report

SMALL = """
versie = "test"
[schalen.s]
opties = [
    { waarde = 0, label = "Nee" }, { waarde = 1, label = "Half" }, { waarde = 3, label = "Ja" },
]

[[thema]]
code = "a"
titel = "Thema A"
[[thema.vraag]]
code = "a1"
tekst = "Vraag a1?"
schaal = "s"
advies = { 0 = "doe iets", 1 = "ga door", 3 = "goed" }
[[thema.vraag]]
code = "a2"
tekst = "Vraag a2?"
schaal = "s"
advies = { 0 = "doe iets", 1 = "ga door", 3 = "goed" }

[[thema]]
code = "b"
titel = "Thema B"
leefgebied = "onderdak"
[[thema.vraag]]
code = "b1"
tekst = "Vraag b1?"
schaal = "s"
advies = { 0 = "doe iets", 1 = "ga door", 3 = "goed" }
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "vragen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_question_and_practice_files_are_valid() -> None:
    questionnaire = load_questions()
    themes = {t.code for t in questionnaire.themes}
    # The issue's themes: regie, informatie, each leefgebied, samenwerking, sturing.
    assert {"regie_beleid", "informatie_melding", "samenwerking", "sturing"} <= themes
    assert {"id_bewijs", "onderdak", "werk_inkomen", "schulden", "zorg", "sociaal_netwerk"} <= {
        t.leefgebied for t in questionnaire.themes
    }
    assert len(load_practices(questionnaire=questionnaire)) >= 3
    assert QUESTIONS_FILE.name == "vragen.toml"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda s: s.replace('versie = "test"', ""), "'versie' is missing"),
        (lambda s: s.replace('schaal = "s"', 'schaal = "x"', 1), "scale 'x' is not in [schalen]"),
        (lambda s: s.replace(', 3 = "goed" }', " }", 1), "guidance for every answer value"),
        (lambda s: s.replace('code = "a2"', 'code = "a1"'), "the code 'a1' is used twice"),
        (lambda s: s.replace('"onderdak"', '"woning"'), "leefgebied 'woning'"),
        (lambda s: s.replace("waarde = 1", "waarde = -1"), "whole number >= 0"),
        (lambda s: s + "\n[[thema]\n", "not valid TOML"),
        (lambda s: s.replace('tekst = "Vraag b1?"', 'tekst = ""'), "'tekst' is missing or empty"),
    ],
)
def test_a_broken_question_file_gives_a_clear_error(tmp_path: Path, change, says: str) -> None:
    with pytest.raises(ZelfscanConfigError, match=None) as error:
        load_questions(_write(tmp_path, change(SMALL)))
    assert says in str(error.value)


def test_scores_worked_out_by_hand(tmp_path: Path) -> None:
    q = load_questions(_write(tmp_path, SMALL))
    # Theme A: answers 1 and 3 on a scale up to 3 -> (1 + 3) / (2 x 3) = 66.7%.
    # Theme B: no answer -> no score. Overall: only A counts -> 66.7%.
    scores = theme_scores(q, {"a1": 1, "a2": 3, "b1": None})
    assert scores == {"a": 66.7, "b": None}
    assert overall_score(scores) == 66.7
    # B answered 0: B = 0%; overall = (66.7 + 0) / 2 = 33.35 -> 33.4 (rounded half up of .35).
    scores = theme_scores(q, {"a1": 1, "a2": 3, "b1": 0})
    assert scores == {"a": 66.7, "b": 0.0}
    assert overall_score(scores) == pytest.approx(33.4, abs=0.05)


def test_practices_are_suggested_where_a_theme_scores_below_two_thirds() -> None:
    q = load_questions()
    practices = load_practices(questionnaire=q)
    scores = {t.code: 100.0 for t in q.themes} | {"schulden": 33.3}
    suggested = suggested_practices(practices, scores)
    assert [p.code for p, _ in suggested] == ["schuldenaanpak_detentie"]
    assert suggested[0][1] == ["schulden"]


def test_the_word_report_holds_the_name_the_scores_and_the_suppressed_figures() -> None:
    q = load_questions()
    answers = {"regie_belegd": 3, "afspraken_dji_3ro": 0, "schulden_in_beeld": 1}
    scores = theme_scores(q, answers)
    data = ReportInput(
        gemeente="Zwolle",
        scan_date=dt.date(2026, 11, 1),
        peildatum=dt.date(2025, 6, 30),
        questionnaire=q,
        answers=answers,
        scores=scores,
        overall=overall_score(scores),
        figures={"schulden": [("Schulden op orde bij uitstroom", "–", "71,2%", "74,3%")],
                 "sturing": [("Recidive binnen 2 jaar", "45,1%", "<10", "44,0%")]},
        peer_label="Gemeenten in dezelfde provincie",
        practices=suggested_practices(load_practices(questionnaire=q), scores),
    )  # fmt: skip
    doc = Document(io.BytesIO(build_report(data)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for table in doc.tables for row in table.rows for c in row.cells]
    assert "Zelfscan re-integratie ex-gedetineerden — Zwolle" in text
    assert "peildatum recidive 30 juni 2025" in text
    # Regie en beleid: (3 + 0) / (2 x 3) = 50%; Schulden: 1 / 3 = 33%; unanswered themes: –.
    assert "Regie en beleid — 50%" in text and "Schulden — 33%" in text
    assert "ID-bewijs — –" in text
    scores_table = doc.tables[0]
    rows = {r.cells[0].text: r.cells[1].text for r in scores_table.rows[1:]}
    assert rows["Regie en beleid"] == "50%" and rows["Schulden"] == "33%"
    assert "<10" in cells and "–" in cells and "71,2%" in cells
    assert "Schuldhulp tijdens detentie" in text  # the practice for a weak theme
