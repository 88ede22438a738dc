"""The Zelfscan page: start a scan, answer a theme, the answers are saved and scored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from people import appdb
from people.zelfscan import ScanStore
from tests.conftest import copy_warehouse


def test_answering_a_theme_saves_and_scores_it(
    national_demo: dict, open_app: Callable[..., AppTest], tmp_path: Path
) -> None:
    # A copy of the warehouse, so that the scan's store lands in this test's folder.
    warehouse = tmp_path / "warehouse.duckdb"
    copy_warehouse(national_demo["warehouse"], warehouse)
    app = open_app(warehouse, "zelfscan")
    assert not app.exception, [e.message for e in app.exception]
    app.selectbox(key="scan_gemeente").set_value("GM0193").run()
    app.button(key="scan_new").click().run()
    scan_id = app.session_state["scan_id"]
    # Theme 'Regie en beleid': Geregeld (2) and Niet geregeld (0) -> (2 + 0) / (2 x 3) = 33.3%.
    app.radio(key=f"scan_{scan_id}_regie_belegd").set_value(2).run()
    app.radio(key=f"scan_{scan_id}_afspraken_dji_3ro").set_value(0).run()
    assert not app.exception, [e.message for e in app.exception]
    engine = appdb.open_database(warehouse)
    assert ScanStore(engine).answers(scan_id) == {"regie_belegd": 2, "afspraken_dji_3ro": 0}
    # The audit trail holds who answered: the local user.
    answered = [a for a in appdb.audit_trail(engine) if a["action"] == "zelfscan_answered"]
    assert [(a["actor"], a["target"]) for a in answered] == [("lokaal", f"GM0193/{scan_id}")] * 2
    assert [m.value for m in app.metric if m.label == "Totaalscore"] == ["33,3%"]
    # The guidance of the chosen answer is shown under the question.
    advice = "Advies: Controleer of de regie ook bij vervanging en verloop overeind blijft."
    assert advice in [c.value for c in app.caption]
    # Resuming in a new session shows the saved answers.
    again = open_app(warehouse, "zelfscan")
    again.selectbox(key="scan_gemeente").set_value("GM0193").run()
    assert again.radio(key=f"scan_{scan_id}_regie_belegd").value == 2
    assert again.get("download_button")


def test_a_broken_question_file_is_named_on_every_page(
    national_demo: dict,
    open_app: Callable[..., AppTest],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    broken = tmp_path / "vragen.toml"
    broken.write_text('versie = "x"\n[[thema]]\ncode = "a"\n', encoding="utf-8")
    monkeypatch.setattr("people.zelfscan.QUESTIONS_FILE", broken)
    monkeypatch.setattr("people.zelfscan.load_questions.__defaults__", (broken,))
    app = open_app(national_demo["warehouse"])
    assert not app.exception
    assert "theme 'a': has no [[thema.vraag]]" in app.sidebar.error[0].value
    app.switch_page("views/zelfscan.py").run()
    assert "De vragenlijst van de zelfscan klopt niet" in app.error[0].value
