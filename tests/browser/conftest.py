"""Browser-test fixtures: a local-mode dashboard on a copy of the national demo (one per test
module; a module may write to its copy) and a fresh page per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import copy_warehouse
from tests.support import serve_dashboard


@pytest.fixture(scope="module")
def server(national_demo: dict, module_dir: Path) -> Iterator[dict]:
    warehouse = module_dir / "warehouse.duckdb"
    copy_warehouse(national_demo["warehouse"], warehouse)
    process, url = serve_dashboard(warehouse)
    yield {"url": url, "warehouse": warehouse}
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    yield context.new_page()
    context.close()
