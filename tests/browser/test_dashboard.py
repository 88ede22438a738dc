"""The real dashboard in headless Chromium: every page, one filter, one download, one upload.

Runs against a copy of the national demo warehouse (the upload writes to it). Screenshots of
every page go to tests/artifacts/ (ignored by git). Debian's chromium is required: in CI
`.ci/run` installs it, and this test fails rather than skips without it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from basis.settings import ROOT
from tests.conftest import PI_HEADER, copy_warehouse, pi_row
from tests.support import no_exceptions, serve_dashboard, settle

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = {
    "": "Overzicht",
    "uitstroom": "Uitstroom",
    "leefgebieden": "Leefgebieden",
    "recidive": "Recidive",
    "vergelijken": "Vergelijken",
    "succesfactoren": "Succesfactoren",
    "effectmeting": "Effectmeting",
    "gemeenteprofiel": "Gemeenteprofiel",
    "inrichtingsprofiel": "Inrichtingsprofiel",
    "toelichting": "Over de cijfers",
    "zelfscan": "Zelfscan",
    "datakwaliteit": "Datakwaliteit",
    "aanleveren": "Gegevens aanleveren",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_renders_without_an_exception(server: dict, page: Page, path: str) -> None:
    page.goto(f"{server['url']}/{path}")
    settle(page)
    no_exceptions(page)
    expect(page.locator("h1").first).to_have_text(PAGES[path])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"{path or 'overzicht'}.png"), full_page=True)


def _mart(warehouse: Path, sql: str) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return int(con.execute(sql).fetchall()[0][0])
    finally:
        con.close()


def test_choosing_a_pi_changes_the_tile_and_the_link(server: dict, page: Page) -> None:
    page.goto(server["url"])
    settle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.locator("[data-testid='stMultiSelect']").first.click()  # the PI filter
    page.keyboard.type("PI Zwolle")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url("**pi=zwolle**", timeout=30_000)
    settle(page)
    n = _mart(
        server["warehouse"],
        "SELECT sum(n_releases) FROM mart_outflow WHERE release_year = 2024 AND pi_code = 'zwolle'",
    )
    tile = page.locator("[data-testid='stMetric']").first
    expect(tile).to_contain_text(f"{n:,}".replace(",", "."))
    no_exceptions(page)
    # The link survives a reload with the same filter.
    page.reload()
    settle(page)
    expect(page.locator("[data-testid='stMetric']").first).to_contain_text(
        f"{n:,}".replace(",", ".")
    )


def test_succesfactoren_shows_the_probation_services_part(server: dict, page: Page) -> None:
    """Issue 21: supervision after release on Succesfactoren; its table (downloaded: the grid
    is drawn on a canvas) has the percentage of 2024 as the mart gives it."""
    from dashboard import texts
    from published.labels import COL

    page.goto(f"{server['url']}/succesfactoren?van=2024&tot=2024")
    settle(page)
    no_exceptions(page)
    expect(page.get_by_text(texts.FACTORS_PROBATION)).to_be_visible()
    with page.expect_download() as download:
        # The last two tables of the page: supervision per year, then regular endings.
        page.get_by_role("button", name="Download CSV").nth(-2).click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
    header = lines[0].split(";")
    row = dict(zip(header, lines[1].split(";"), strict=True))
    covered = _mart(server["warehouse"], "SELECT sum(n_covered) FROM mart_probation "
                    "WHERE release_year = 2024")  # fmt: skip
    supervised = _mart(server["warehouse"], "SELECT sum(n_supervised) FROM mart_probation "
                       "WHERE release_year = 2024")  # fmt: skip
    assert row[COL["year"]] == "2024"
    assert row[COL["pct_supervised"]] == f"{100 * supervised / covered:.1f}%".replace(".", ",")


def test_the_table_behind_a_chart_downloads_as_dutch_csv(server: dict, page: Page) -> None:
    page.goto(f"{server['url']}/uitstroom")
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "Periode;Totaal"
    n_2015 = _mart(
        server["warehouse"], "SELECT sum(n_releases) FROM mart_outflow WHERE release_year = 2015"
    )
    assert lines[1] == f"2015;{n_2015:,}".replace(",", ".")
    assert download.value.suggested_filename == "terugkeermonitor_uitstroom_year_none.csv"


def test_an_upload_is_checked_then_loaded_on_confirmation(
    server: dict, page: Page, tmp_path: Path
) -> None:
    export = tmp_path / "upload_zwolle.csv"
    rows = [pi_row(pseudoniem=f"UPLOAD{i:04d}", export="15-02-2025") for i in range(3)]
    export.write_text("\n".join([PI_HEADER, *rows, pi_row(pseudoniem="UPLOAD9", geslacht="?")]))
    page.goto(f"{server['url']}/aanleveren")
    settle(page)
    page.locator("input[type='file']").set_input_files(str(export))
    expect(page.get_by_text("3 goed, 1 in quarantaine")).to_be_visible(timeout=60_000)
    before = _mart(server["warehouse"], "SELECT count(*) FROM deliveries")
    page.get_by_role("button", name="Laad 1 goedgekeurde bestand(en)").click()
    expect(page.get_by_text("Geladen: upload_zwolle.csv")).to_be_visible(timeout=300_000)
    no_exceptions(page)
    assert _mart(server["warehouse"], "SELECT count(*) FROM deliveries") == before + 1


def test_a_theme_of_the_zelfscan_is_answered_and_the_report_downloads(
    server: dict, page: Page
) -> None:
    import io

    from docx import Document

    page.goto(f"{server['url']}/zelfscan")
    settle(page)
    page.get_by_role("button", name="Nieuwe scan beginnen").click()
    settle(page)
    # Both questions of the first (visible) theme, Regie en beleid.
    for i in range(2):
        page.get_by_text("Geregeld en geborgd").filter(visible=True).nth(i).click()
        settle(page)
    expect(page.get_by_text("2 van 15 vragen beantwoord")).to_be_visible(timeout=30_000)
    no_exceptions(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download verslag (Word)").click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Zelfscan re-integratie ex-gedetineerden — Amsterdam" in text
    assert "Regie en beleid — 100%" in text


def test_the_inrichtingsprofiel_opens_from_its_link_and_its_report_downloads(
    server: dict, page: Page
) -> None:
    import io

    from docx import Document

    page.goto(f"{server['url']}/inrichtingsprofiel?inrichting=almelo")
    settle(page)
    expect(page.get_by_role("heading", name="Inrichtingsprofiel")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Uitstroom uit PI Almelo per jaar").first).to_be_visible()
    no_exceptions(page)
    tile = page.locator("[data-testid='stMetric']").first.inner_text()
    year = int(re.search(r"Uitstroom \((\d{4})\)", tile).group(1))
    shown = int(re.search(r"\n([\d.]+)\n?", tile).group(1).replace(".", ""))
    from store.publish import current

    con = duckdb.connect(str(current(server["warehouse"])), read_only=True)
    try:
        expected = con.execute(
            "SELECT sum(n_releases) FROM mart_outflow "
            "WHERE pi_code = 'almelo' AND release_year = ?",
            [year],
        ).fetchone()[0]
    finally:
        con.close()
    assert shown == expected
    with page.expect_download() as download:
        page.get_by_role("button", name="Download het profiel als rapport (Word)").click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Inrichtingsprofiel PI Almelo" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert f"{expected:,}".replace(",", ".") in cells  # the tile's figure, in the Uitstroom table


def _outflow_tile(page: Page) -> tuple[int, int]:
    """(year, releases) of the Overzicht's first tile."""
    text = page.locator("[data-testid='stMetric']").first.inner_text()
    year = int(re.search(r"Uitstroom (\d{4})", text).group(1))
    value = int(re.search(r"\n([\d.]+)\n?", text).group(1).replace(".", ""))
    return year, value


def test_two_dashboards_show_a_new_load_without_a_restart(
    national_demo: dict, browser: Browser, tmp_path: Path
) -> None:
    """Two server processes on one publication; an ingest while both serve: pages keep
    loading without an error or a busy box, and both show the new data afterwards."""
    warehouse = copy_warehouse(national_demo["warehouse"], tmp_path / "warehouse.duckdb")
    servers = [serve_dashboard(warehouse) for _ in range(2)]
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    try:
        pages = [context.new_page() for _ in servers]
        before = []
        for tab, (_, url) in zip(pages, servers, strict=True):
            tab.goto(url)
            settle(tab)
            before.append(_outflow_tile(tab))
        assert before[0] == before[1]
        year, n_before = before[0]
        rows = [
            pi_row(pseudoniem=f"NIEUWPERSOON{i:04d}", instroom=f"01-02-{year}",
                   uitstroom=f"15-03-{year}", export=f"15-06-{year + 1}")
            for i in range(25)
        ]  # fmt: skip
        export = tmp_path / "nieuw.csv"
        export.write_text("\n".join([PI_HEADER, *rows]) + "\n", encoding="utf-8")
        load = subprocess.Popen(
            [sys.executable, "-m", "cli", "ingest", "--warehouse", str(warehouse),
             str(export)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # Page loads during the load: served from the previous publication, never blocked.
        during = 0
        while load.poll() is None:
            for tab, (_, url) in zip(pages, servers, strict=True):
                tab.goto(f"{url}/uitstroom")
                settle(tab)
                no_exceptions(tab)
                assert tab.locator("[data-testid='stAlert']", has_text="bezet").count() == 0
                during += 1
        assert load.returncode == 0, load.stderr.read()
        assert during >= 2
        # Within a few seconds both processes show the new publication.
        for tab, (_, url) in zip(pages, servers, strict=True):
            deadline = time.monotonic() + 15
            while True:
                tab.goto(url)
                settle(tab)
                no_exceptions(tab)
                if _outflow_tile(tab) == (year, n_before + 25) or time.monotonic() > deadline:
                    break
                tab.wait_for_timeout(1000)
            assert _outflow_tile(tab) == (year, n_before + 25)
    finally:
        context.close()
        for process, _ in servers:
            process.terminate()
            process.wait(timeout=20)
