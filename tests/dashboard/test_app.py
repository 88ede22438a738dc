"""The dashboard entry point renders (placeholder until the dashboard issue lands)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from pipelines.settings import ROOT


def test_app_renders_without_exception() -> None:
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py")).run(timeout=30)
    assert not app.exception
    assert app.title[0].value == "Terugkeermonitor"
