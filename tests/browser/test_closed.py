"""The dashboard fails closed (issue 31, findings 1 and 3), in the real server and browser:
no secrets without an explicit local mode, a broken secrets file (at start and written while
running), and a page on another host name that resolves to this machine (DNS rebinding)
each get the closed page, never a figure or the beheerder's pages."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from basis.settings import ROOT
from dashboard import texts_access
from tests.support import (
    auth_secrets,
    free_port,
    oidc_provider,
    serve_dashboard,
    wait_until_up,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator:
    started: list[subprocess.Popen] = []

    def start(secrets: Path, local: bool = False) -> str:
        process, url = serve_dashboard(tmp_path / "warehouse.duckdb", secrets, local)
        started.append(process)
        return url

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def page(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


def _closed(page: Page, url: str, reason: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=texts_access.CLOSED_TITLE)).to_be_visible(
        timeout=60_000
    )
    expect(page.get_by_text(reason[:60])).to_be_visible()
    links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']")
    expect(links).to_have_count(1)  # the toegankelijkheidsverklaring only
    expect(links.first).to_have_text("Toegankelijkheid")
    assert page.get_by_text(texts_access.LOCAL_MODE).count() == 0


def test_without_secrets_and_without_explicit_local_mode_it_is_closed(
    served, page: Page, tmp_path: Path
) -> None:
    """As the old deploy/serve.py with a --secrets path that did not exist did: no anonymous
    beheerder, every page closed."""
    url = served(tmp_path / "bestaat-niet.toml")
    for path in ("", "beheer"):
        _closed(page, f"{url}/{path}", texts_access.CONFIG_MISSING)


def test_a_broken_secrets_file_closes_it_even_in_local_mode(
    served, page: Page, tmp_path: Path
) -> None:
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth\nredirect_uri = "http://127.0.0.1/oauth2callback"\n')
    url = served(broken, local=True)
    _closed(page, f"{url}/beheer", texts_access.CONFIG_BROKEN)


def test_a_partial_auth_section_closes_it(served, page: Page, tmp_path: Path) -> None:
    partial = tmp_path / "secrets.toml"
    partial.write_text('[auth]\nclient_id = "terugkeermonitor"\n')
    url = served(partial, local=True)
    _closed(page, url, texts_access.CONFIG_BROKEN)


def test_secrets_broken_while_running_close_the_next_page_load(
    served, page: Page, tmp_path: Path
) -> None:
    with oidc_provider() as issuer:
        secrets = tmp_path / "secrets.toml"
        # The port is known only once the server runs: the redirect URI's host is what
        # counts here (127.0.0.1), so any port will do for this test.
        auth_secrets(secrets, "http://127.0.0.1:1", issuer)
        url = served(secrets)
        page.goto(url)
        expect(page.get_by_role("button", name=texts_access.LOGIN_BUTTON)).to_be_visible(
            timeout=60_000
        )
        secrets.write_text(secrets.read_text().replace("[auth]", "[auth"))  # a typo
        deadline = time.monotonic() + 30  # Streamlit polls the file for changes
        while True:
            page.goto(url)
            page.wait_for_selector("h1", timeout=60_000)
            closed = page.get_by_role("heading", name=texts_access.CLOSED_TITLE).count()
            if closed or time.monotonic() > deadline:
                break
            page.wait_for_timeout(1000)
        _closed(page, url, texts_access.CONFIG_BROKEN)


def test_a_foreign_host_name_resolving_here_gets_nothing_in_local_mode(
    served, page: Page, tmp_path: Path
) -> None:
    """DNS rebinding: a page on rebind.test, whose name the attacker points at 127.0.0.1,
    drives the local dashboard. Chromium's resolver rule (tests/conftest.py) plays the
    attacker's DNS."""
    url = served(tmp_path / "geen.toml", local=True)
    port = url.rsplit(":", 1)[1]
    _closed(page, f"http://rebind.test:{port}/beheer", texts_access.HOST_REFUSED)
    # The same server by its own name is the local beheerder's dashboard.
    page.goto(f"{url}/beheer")
    expect(page.get_by_text(texts_access.LOCAL_MODE)).to_be_visible(timeout=60_000)


def test_terugkeer_dashboard_stops_on_sigterm(tmp_path: Path) -> None:
    """Finding 11 of issue 31: `terugkeer dashboard` left Streamlit serving after SIGTERM.
    It now becomes the Streamlit process, so a service manager's signal reaches it."""
    import signal
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "dashboard", "--port", str(port),
         "--warehouse", str(tmp_path / "warehouse.duckdb")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", process)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) is not None
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
