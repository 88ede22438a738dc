"""WCAG 2.1 AA (issue 32) in the real dashboard: axe-core (bundled with axe-playwright-python,
no download) on every page and state, `lang="nl"`, a task done by keyboard alone with visible
focus, and no horizontal scrolling at 320 px. The login page and each role's pages are
checked in tests/browser/test_login.py with the same helper.

Any exception to the WCAG 2.0/2.1 A and AA rules is listed in one place, dashboard/a11y.py,
with the criterion and the reason; the toegankelijkheidsverklaring (page Toegankelijkheid)
shows that list."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from basis.settings import ROOT
from dashboard.a11y import EXCEPTIONS
from tests.support import serve_dashboard, settle

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts" / "a11y"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# rule id -> (WCAG criterion, why it is not met): the one list, shown in the verklaring.
AXE_EXCEPTIONS = EXCEPTIONS
PAGES = (
    "", "uitstroom", "leefgebieden", "recidive", "toelichting", "vergelijken", "succesfactoren",
    "effectmeting", "gemeenteprofiel", "inrichtingsprofiel", "zelfscan", "datakwaliteit",
    "aanleveren", "beheer", "toegankelijkheid",
)  # fmt: skip


def axe_violations(page: Page) -> list[str]:
    """The WCAG 2.0/2.1 A and AA violations axe finds on the page as it is now, as lines
    'rule: target' (the listed exceptions left out)."""
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": []}
    )
    found = []
    for violation in results.response["violations"]:
        if violation["id"] in AXE_EXCEPTIONS:
            continue
        for node in violation["nodes"]:
            found.append(f"{violation['id']}: {node['target']} ({node.get('failureSummary', '')})")
    return found


@pytest.mark.parametrize("path", PAGES)
def test_every_page_meets_wcag_a_and_aa_and_says_it_is_dutch(
    server: dict, page: Page, path: str
) -> None:
    page.goto(f"{server['url']}/{path}")
    settle(page)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert axe_violations(page) == []


def test_a_filtered_page_with_an_open_table_meets_wcag(server: dict, page: Page) -> None:
    page.goto(f"{server['url']}/recidive?gemeente=GM0193&van=2019")
    settle(page)
    page.locator("[data-testid='stExpander'] summary").first.click()
    settle(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("state", ["closed", "missing"])
def test_the_states_a_page_can_be_in_meet_wcag(state: str, page: Page, tmp_path: Path) -> None:
    """Closed (no login configured, no local mode) and an empty store."""
    process, url = serve_dashboard(tmp_path / "warehouse.duckdb", local=state != "closed")
    try:
        page.goto(url)
        page.wait_for_selector("h1", timeout=60_000)
        settle(page)
        assert page.evaluate("document.documentElement.lang") == "nl"
        assert axe_violations(page) == []
    finally:
        process.terminate()
        process.wait(timeout=20)


def _focus_visible(page: Page) -> bool:
    """The focused element (or the widget around it) draws a focus indicator."""
    return page.evaluate(
        """() => {
            let el = document.activeElement;
            for (let i = 0; el && i < 4; i++, el = el.parentElement) {
                const s = getComputedStyle(el);
                if ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                    || (s.boxShadow && s.boxShadow !== 'none')) return true;
            }
            return false;
        }"""
    )


def _tab_to(page: Page, test: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies `test` (a JS predicate on it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {test})(document.activeElement)"):
            assert _focus_visible(page), "the focused element shows no focus indicator"
            return
    pytest.fail(f"Tab never reached: {test}")


def choose_by_keyboard(page: Page, test: str, text: str) -> None:
    """Tab to the choice whose focused element satisfies `test`, type `text` and take the
    first match (Enter), then close the list (Escape)."""
    _tab_to(page, test)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_a_task_by_keyboard_alone(server: dict, page: Page, tmp_path: Path) -> None:
    """From the Overzicht: Tab to the municipality filter, choose one, go to Recidive, open
    the table behind the first chart and download its CSV, without the mouse."""
    page.goto(server["url"])
    settle(page)
    in_filter = "el.closest('[data-testid=stMultiSelect]')?.innerText.startsWith('Gemeente')"
    choose_by_keyboard(
        page, f"el.getAttribute('aria-label')?.startsWith('Gemeente') || {in_filter}", "Zwolle"
    )
    page.wait_for_url("**gemeente=GM0193**", timeout=30_000)
    settle(page)
    _tab_to(page, "el.tagName === 'A' && el.innerText.trim() === 'Recidive'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recidive**", timeout=30_000)
    settle(page)
    expect(page.locator("h1").first).to_have_text("Recidive")
    assert "gemeente=GM0193" in page.url
    _tab_to(page, "el.tagName === 'SUMMARY'")
    page.keyboard.press("Enter")
    _tab_to(page, "el.tagName === 'BUTTON' && el.innerText.includes('CSV')")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.count("\n") >= 2 and ";" in text
    # The download is in the audit trail (issue 31): who, which file.
    from people import appdb

    downloads = [
        a for a in appdb.audit_trail(appdb.open_database(server["warehouse"]))
        if a["action"] == "download"
    ]  # fmt: skip
    assert downloads and downloads[0]["target"].endswith(".csv")
    assert downloads[0]["actor"] == "lokaal"


@pytest.mark.parametrize("path", PAGES)
def test_at_320_pixels_text_does_not_scroll_sideways(
    server: dict, browser: Browser, path: str
) -> None:
    """WCAG 1.4.10 (reflow): at 320 CSS pixels (a 1280 px screen at 400% zoom) the page
    itself does not scroll horizontally; tables and charts may scroll inside themselves."""
    context = browser.new_context(viewport={"width": 320, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{server['url']}/{path}")
        settle(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"320-{path or 'overzicht'}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 321, f"the page is {width} px wide at a 320 px viewport"
    finally:
        context.close()
