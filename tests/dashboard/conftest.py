"""Dashboard fixtures: the app under AppTest, pointed at a chosen warehouse."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from basis.settings import ROOT
from published import reader

APP = str(ROOT / "dashboard" / "app.py")
PAGES = (
    "overzicht",
    "uitstroom",
    "leefgebieden",
    "recidive",
    "vergelijken",
    "succesfactoren",
    "gemeenteprofiel",
    "inrichtingsprofiel",
    "toelichting",
    "datakwaliteit",
    "aanleveren",
)


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Start the app on `warehouse`, optionally on a page and with link parameters."""

    def start(warehouse: Path, page: str = "overzicht", **params: str) -> AppTest:
        monkeypatch.setenv("TERUGKEER_WAREHOUSE", str(warehouse))
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in params.items():
            app.query_params[key] = value
        app.run()
        if page != "overzicht":
            app.switch_page(f"views/{page}.py").run()
        return app

    return start


@pytest.fixture(autouse=True)
def _let_go_of_the_warehouse() -> Iterator[None]:
    """The app's shared reader keeps a warehouse open for a few idle seconds; a test that
    writes to or removes its files afterwards must not find it held."""

    yield
    reader.release()
