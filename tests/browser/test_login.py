"""Login and roles (issue 14) in the real dashboard, against a real OpenID Connect server
(oidc-provider-mock) that these tests start: anonymous visitors see only the login page; each
role sees and may do exactly what it may; the audit trail holds what people did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from basis.settings import ROOT
from cli.main import streamlit_flags
from dashboard import texts, texts_access
from people import appdb
from store.publish import current
from tests.browser.test_accessibility import axe_violations
from tests.conftest import PI_HEADER, copy_warehouse, pi_row
from tests.support import (
    auth_secrets,
    free_port,
    no_exceptions,
    oidc_provider,
    provider_user,
    settle,
    verified_users,
    wait_until_up,
)

pytestmark = pytest.mark.browser
USERS = {
    "lezer@rijk.nl": ("lezer", None),
    "zwolle@gemeente.nl": ("gemeente", "GM0193"),
    "pi@zwolle.nl": ("aanleverancier", "zwolle"),
    "beheer@rijk.nl": ("beheerder", None),
}
FIGURES = ["Overzicht", "Uitstroom", "Leefgebieden", "Recidive", "Over de cijfers",
           "Vergelijken", "Succesfactoren", "Effectmeting", "Gemeenteprofiel",
           "Inrichtingsprofiel"]  # fmt: skip
ABOUT = ["Toegankelijkheid"]
SEES = {
    "lezer@rijk.nl": [*FIGURES, *ABOUT],
    "zwolle@gemeente.nl": [*FIGURES, "Zelfscan", *ABOUT],
    "pi@zwolle.nl": [*FIGURES, "Gegevens aanleveren", *ABOUT],
    "beheer@rijk.nl": [*FIGURES, "Zelfscan", "Datakwaliteit", "Gegevens aanleveren", "Beheer",
                       *ABOUT],
}  # fmt: skip


@pytest.fixture(scope="module")
def secured(national_demo: dict, module_dir: Path) -> Iterator[dict]:
    root = module_dir
    warehouse = copy_warehouse(national_demo["warehouse"], root / "warehouse.duckdb")
    engine = appdb.open_database(warehouse)
    for email, (role, organisation) in USERS.items():
        appdb.add_user(engine, email, role, organisation, "os:test")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with oidc_provider() as issuer:
        verified_users(issuer, USERS)
        secrets = auth_secrets(root / "secrets.toml", url, issuer)
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
             *streamlit_flags(port=port), f"--secrets.files={secrets}"],
            cwd=ROOT, env={**os.environ, "TERUGKEER_WAREHOUSE": str(warehouse)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_up(f"{url}/_stcore/health", server)
        yield {"url": url, "warehouse": warehouse, "engine": engine, "root": root, "issuer": issuer}
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    yield context.new_page()
    context.close()


def _login(page: Page, url: str, email: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    page.get_by_role("button", name=texts_access.LOGIN_BUTTON).click()
    page.locator("input[name='sub']").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    settle(page)
    if path:  # after the provider, Streamlit returns to its start page
        page.goto(f"{url}/{path}")
        settle(page)


def _links(page: Page) -> list[str]:
    links = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']")
    expect(links.first).to_be_visible(timeout=60_000)  # every page has at least one
    return [links.nth(i).inner_text().strip() for i in range(links.count())]


def test_an_anonymous_visitor_sees_only_the_login_page(secured: dict, page: Page) -> None:
    for path in ("", "uitstroom", "beheer"):
        page.goto(f"{secured['url']}/{path}")
        expect(page.get_by_role("button", name=texts_access.LOGIN_BUTTON)).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_text(texts_access.LOGIN_INTRO)).to_be_visible()
        assert _links(page) == ABOUT
        assert page.locator("[data-testid='stMetric']").count() == 0
        assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    # The login page meets WCAG 2.1 AA, and the toegankelijkheidsverklaring is one link away.
    settle(page)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Toegankelijkheid").click()
    expect(page.get_by_text("Toegankelijkheidsverklaring van de Terugkeermonitor")).to_be_visible(
        timeout=60_000
    )
    assert axe_violations(page) == []


@pytest.mark.parametrize("email", list(USERS))
def test_each_role_sees_exactly_its_pages_and_is_refused_the_others(
    secured: dict, page: Page, email: str
) -> None:
    _login(page, secured["url"], email)
    no_exceptions(page)
    assert _links(page) == SEES[email]
    assert axe_violations(page) == []  # each role's start page meets WCAG 2.1 AA
    role = USERS[email][0]
    expect(page.get_by_text(f"Ingelogd als {email} ({role})")).to_be_visible()
    for path, title in (("zelfscan", "Zelfscan"), ("beheer", "Beheer"),
                        ("aanleveren", "Gegevens aanleveren"),
                        ("datakwaliteit", "Datakwaliteit")):  # fmt: skip
        page.goto(f"{secured['url']}/{path}")
        settle(page)
        refusal = page.get_by_text("Deze pagina is niet beschikbaar voor uw rol")
        if title in SEES[email]:
            assert refusal.count() == 0
            no_exceptions(page)
        else:
            expect(refusal).to_be_visible()
            assert page.locator("[data-testid='stFileUploader']").count() == 0
            assert axe_violations(page) == []  # the refusal state meets WCAG 2.1 AA


def test_a_person_without_a_role_sees_whom_to_ask(secured: dict, page: Page) -> None:
    _login(page, secured["url"], "onbekend@elders.nl")
    expect(page.get_by_text("maar u heeft nog geen toegang")).to_be_visible()
    assert axe_violations(page) == []
    assert _links(page) == ABOUT
    assert page.locator("[data-testid='stMetric']").count() == 0


def test_an_unverified_email_claim_of_a_beheerder_gives_no_access(
    secured: dict, page: Page
) -> None:
    """Finding 2 as it was done: a provider account whose (unverified) e-mail claim is set
    to a beheerder's address."""
    provider_user(secured["issuer"], "mallory", email="beheer@rijk.nl", email_verified=False)
    _login(page, secured["url"], "mallory")
    expect(page.get_by_text("maar u heeft nog geen toegang")).to_be_visible()
    assert _links(page) == ABOUT
    page.goto(f"{secured['url']}/beheer")
    expect(page.get_by_text("maar u heeft nog geen toegang")).to_be_visible(timeout=60_000)
    assert page.get_by_role("heading", name=texts_access.ADMIN_USERS).count() == 0


def test_a_municipality_answers_only_its_own_zelfscan_and_it_is_recorded(
    secured: dict, page: Page
) -> None:
    _login(page, secured["url"], "zwolle@gemeente.nl", "zelfscan")
    box = page.locator("[data-testid='stSelectbox']").first
    box.click()
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    assert [options.nth(i).inner_text() for i in range(options.count())] == ["Zwolle"]
    page.keyboard.press("Escape")
    page.get_by_role("button", name=texts.SCAN_NEW).click()
    settle(page)
    radio = page.locator("[data-testid='stRadio']").first
    expect(radio).to_be_visible(timeout=60_000)
    radio.get_by_text("Geregeld", exact=True).click(timeout=60_000)
    settle(page)
    deadline = time.monotonic() + 20  # the answer is saved by the run the click starts
    while True:
        trail = appdb.audit_trail(secured["engine"], actor="zwolle@gemeente.nl")
        actions = {a["action"] for a in trail}
        if {"zelfscan_started", "zelfscan_answered"} <= actions or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert {"zelfscan_started", "zelfscan_answered"} <= actions
    scan_lines = [a for a in trail if a["action"].startswith("zelfscan_")]
    assert scan_lines and all(a["target"].startswith("GM0193/") for a in scan_lines)


def test_a_supplier_cannot_upload_another_organisations_file(
    secured: dict, page: Page, tmp_path: Path
) -> None:
    snapshot = current(secured["warehouse"])
    con = duckdb.connect(str(secured["warehouse"]), read_only=True)
    before = con.execute("SELECT count(*) FROM deliveries").fetchall()[0][0]
    con.close()
    export = tmp_path / "levering.csv"
    rows = [pi_row(pseudoniem=f"ANDERPERSOON{i:03d}", inrichting="PI Ter Peel") for i in range(12)]
    export.write_text("\n".join([PI_HEADER, *rows]) + "\n", encoding="utf-8")
    _login(page, secured["url"], "pi@zwolle.nl", "aanleveren")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(export))
    message = page.get_by_text("u mag alleen gegevens van zwolle aanleveren")
    expect(message).to_be_visible(timeout=60_000)
    expect(page.get_by_text("gegevens van ter_peel")).to_be_visible()  # the mismatch is named
    assert axe_violations(page) == []  # a refused upload's page meets WCAG 2.1 AA
    assert page.get_by_role("button", name="Laad").count() == 0
    con = duckdb.connect(str(secured["warehouse"]), read_only=True)
    assert con.execute("SELECT count(*) FROM deliveries").fetchall()[0][0] == before
    con.close()
    assert current(secured["warehouse"]) == snapshot  # nothing published either
    refused = [
        a for a in appdb.audit_trail(secured["engine"], actor="pi@zwolle.nl")
        if a["action"] == "file_refused"
    ]  # fmt: skip
    assert [a["target"] for a in refused] == ["levering.csv"]
    assert "ter_peel" in json.loads(refused[0]["detail"])["reason"]


def test_the_beheerder_sees_users_and_the_audit_trail(secured: dict, page: Page) -> None:
    _login(page, secured["url"], "beheer@rijk.nl", "beheer")
    no_exceptions(page)
    expect(page.get_by_role("heading", name=texts_access.ADMIN_AUDIT)).to_be_visible()
    assert page.locator("[data-testid='stDataFrame']").count() == 2


def test_a_person_removed_while_the_effectmeting_is_open_evaluates_nothing(
    secured: dict, page: Page
) -> None:
    """An evaluation is written to the audit trail, so it needs the role as the database
    holds it at the click: a person removed while the page is open gets the no-access page
    on that click's run (the role is read anew on every run; within a run the evaluation
    re-checks it: access.still_may, tests/people/test_login.py), and nothing is evaluated."""
    from dashboard import texts_effect

    email = "weg@rijk.nl"
    engine = secured["engine"]
    appdb.add_user(engine, email, "lezer", None, "os:test")
    verified_users(secured["issuer"], [email])
    _login(page, secured["url"], email, "effectmeting")
    submit = page.get_by_role("button", name=texts_effect.SUBMIT)
    expect(submit).to_be_visible(timeout=60_000)

    def evaluations() -> int:
        return sum(a["action"] == "effect_evaluated" for a in appdb.audit_trail(engine))

    before = evaluations()
    assert appdb.remove_user(engine, email, "os:test")
    submit.click()
    settle(page)
    expect(page.get_by_text("maar u heeft nog geen toegang")).to_be_visible(timeout=60_000)
    no_exceptions(page)
    assert evaluations() == before
