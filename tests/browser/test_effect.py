"""Effectmeting in the real dashboard (issue 35): each kind of definition is evaluated and
drawn without an exception, the result state meets WCAG 2.1 AA, and the Excel and Word
downloads hold the same figures as the page."""

from __future__ import annotations

import io
from pathlib import Path

import fastexcel
import pytest
from docx import Document
from playwright.sync_api import Page, expect

from dashboard import texts_effect as te
from tests.browser.test_accessibility import axe_violations
from tests.support import no_exceptions, settle

pytestmark = pytest.mark.browser


def _choose(page: Page, label: str, text: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    settle(page)


def _evaluate(page: Page) -> None:
    page.get_by_role("button", name=te.SUBMIT).click()
    expect(page.get_by_text(te.SAY, exact=True)).to_be_visible(timeout=120_000)
    settle(page)
    no_exceptions(page)


def _tiles(page: Page) -> dict[str, str]:
    tiles = {}
    for tile in page.locator("[data-testid='stMetric']").all():
        label, value = [line for line in tile.inner_text().split("\n") if line.strip()][:2]
        tiles[label.strip()] = value.strip()
    return tiles


def test_a_process_step_is_evaluated_and_downloads_as_excel_and_word(
    server: dict, page: Page
) -> None:
    page.goto(f"{server['url']}/effectmeting")
    settle(page)
    _choose(page, te.CONDITION, "Onder toezicht")
    _evaluate(page)
    expect(
        page.get_by_text("Resultaat voor: Onder toezicht reclassering na uitstroom")
    ).to_be_visible()
    tiles = _tiles(page)
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name=te.DOWNLOAD_XLSX).click()
    book = fastexcel.read_excel(Path(download.value.path()).read_bytes())
    assert book.sheet_names[:4] == ["Groepen", "Verschillen", "Balans", "Tijd tot recidive"]
    groups = book.load_sheet_by_name("Groepen").to_polars()
    found = int(groups.row(0)[1])
    assert groups.row(0)[0] == "Behandelde groep: gevonden"
    assert f"{found:,}".replace(",", ".") == tiles[te.FOUND]
    with page.expect_download() as download:
        page.get_by_role("button", name=te.DOWNLOAD_DOCX).click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Effectmeting: Onder toezicht reclassering na uitstroom" in text
    assert "Van elke 100 mensen in de behandelde groep" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert tiles[te.FOUND] in cells


def test_a_way_of_working_is_evaluated_with_its_second_estimate(server: dict, page: Page) -> None:
    page.goto(f"{server['url']}/effectmeting")
    settle(page)
    page.get_by_text(te.KINDS["start"]).click()
    settle(page)
    _choose(page, te.START_YEAR, "2019")
    _choose(page, te.START_MONTH, "juli")
    _choose(page, te.GEMEENTEN, "Rotterdam")
    _choose(page, te.PIS, "PI Rotterdam")
    _evaluate(page)
    expect(
        page.get_by_text("Resultaat voor: werkwijze vanaf juli 2019 in Rotterdam en PI Rotterdam")
    ).to_be_visible()
    expect(page.get_by_text("Tweede schatting, verschil-in-verschillen").first).to_be_visible()
    assert axe_violations(page) == []


def test_an_evaluation_by_keyboard_alone(server: dict, page: Page) -> None:
    """WCAG 2.1.1 and 2.4.7 on the Effectmeting: from the page's top, Tab to the process step,
    choose it by typing, Tab to "Effect meten" and press Enter, then Tab to the Excel
    download and press Enter; every element reached shows its focus, and the result and the
    file hold the evaluation chosen."""
    from tests.browser.test_accessibility import _tab_to, choose_by_keyboard

    page.goto(f"{server['url']}/effectmeting")
    settle(page)
    label = "(el.getAttribute('aria-label') || el.closest('[data-testid=stSelectbox]')?.innerText)"
    choose_by_keyboard(page, f"{label}?.startsWith('{te.CONDITION}')", "Onder toezicht")
    settle(page)
    _tab_to(page, f"el.tagName === 'BUTTON' && el.innerText.trim() === '{te.SUBMIT}'")
    page.keyboard.press("Enter")
    expect(page.get_by_text(te.SAY, exact=True)).to_be_visible(timeout=120_000)
    settle(page)
    no_exceptions(page)
    expect(
        page.get_by_text("Resultaat voor: Onder toezicht reclassering na uitstroom")
    ).to_be_visible()
    found = _tiles(page)[te.FOUND]
    _tab_to(page, f"el.tagName === 'BUTTON' && el.innerText.includes('{te.DOWNLOAD_XLSX}')", 200)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    book = fastexcel.read_excel(Path(download.value.path()).read_bytes())
    groups = book.load_sheet_by_name("Groepen").to_polars()
    assert groups.row(0)[0] == "Behandelde groep: gevonden"
    assert f"{int(groups.row(0)[1]):,}".replace(",", ".") == found
