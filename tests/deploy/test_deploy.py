"""The deployment (issues 15 and 36), started for real on loopback with the engines' own
commands and the checked-in files only: supervisord (deploy/supervisor/terugkeer.conf) runs
two dashboard processes, the OData API and HAProxy (deploy/haproxy/terugkeer.cfg), against
PostgreSQL and the OIDC test provider, driven through the proxy in headless Chromium. No
Python of ours stands between the operator and the engines. `make deploy-test` runs this."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from basis.settings import ROOT
from dashboard import texts, texts_access
from people import appdb
from tests.conftest import PI_HEADER, copy_warehouse, pi_row
from tests.support import (
    SERVICE_USER,
    SUPERVISOR,
    auth_secrets,
    free_port,
    no_exceptions,
    oidc_provider,
    servers,
    settle,
    start_deployment,
    stop_deployment,
    verified_users,
    wait_until_up,
)

pytestmark = [pytest.mark.deploy, pytest.mark.browser]
USER = "zwolle@gemeente.nl"
PROXY = ROOT / "deploy" / "haproxy" / "terugkeer.cfg"


@pytest.fixture(scope="module")
def deployment(
    national_demo: dict, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict]:
    # Outside pytest's private temporary folder: the service user must reach it.
    root = Path(tempfile.mkdtemp(prefix="terugkeer-deploy-", dir="/tmp"))
    root.chmod(0o755)
    store = copy_warehouse(national_demo["warehouse"], root / "warehouse.duckdb")
    # A clean application database on the PostgreSQL server, with one user.
    engine = sa.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    appdb.dispose_all()
    app = appdb.engine_for(postgres_url)
    appdb.add_user(app, USER, "gemeente", "GM0193", "os:test")
    port, port_a, port_b, api_port = free_port(), free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    stack = contextlib.ExitStack()
    issuer = stack.enter_context(oidc_provider())
    verified_users(issuer, [USER])
    secrets = auth_secrets(root / "secrets.toml", url, issuer)
    supervisor, env, admin = start_deployment(
        root, store, (port, port_a, port_b, api_port), secrets, postgres_url
    )
    wait_until_up(f"{url}/_stcore/health", supervisor)
    # The service user's commands (as root: that user; otherwise this one).
    as_user = ["runuser", "-u", SERVICE_USER, "--"] if os.geteuid() == 0 else []
    yield {"url": url, "store": store, "app": app, "as_user": as_user, "root": root,
           "env": env, "admin": admin, "ports": (port_a, port_b, api_port)}  # fmt: skip
    stop_deployment(supervisor)
    stack.close()
    shutil.rmtree(root, ignore_errors=True)


def _session(browser: Browser, url: str, backend: str | None) -> tuple[BrowserContext, Page]:
    """A new browser session, pinned by the proxy's cookie to one dashboard process."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    if backend:
        context.add_cookies([{"name": "tkm_backend", "value": backend, "url": url}])
    return context, context.new_page()


def _login(page: Page, url: str, path: str = "") -> str:
    """Log in through the proxy; the name of the process that served the page."""
    page.goto(url)
    page.get_by_role("button", name=texts_access.LOGIN_BUTTON).click()
    page.locator("input[name='sub']").fill(USER)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=60_000)
    settle(page)
    response = page.goto(f"{url}/{path}")
    settle(page)
    return response.headers.get("x-terugkeer-backend", "")


def test_a_deployment_serves_one_store_and_one_database_from_two_processes(
    deployment: dict, browser: Browser, tmp_path: Path
) -> None:
    url = deployment["url"]
    # 1. Answer a Zelfscan question on a session served by one process ...
    context_a, page_a = _session(browser, url, "a")
    assert _login(page_a, url, "zelfscan") == "a"
    page_a.get_by_role("button", name=texts.SCAN_NEW).click()
    settle(page_a)
    radio = page_a.locator("[data-testid='stRadio']").first
    expect(radio).to_be_visible(timeout=60_000)
    radio.get_by_text("Geregeld en geborgd", exact=True).click(timeout=60_000)
    settle(page_a)
    # ... and see it from a new session served by the other.
    context_b, page_b = _session(browser, url, "b")
    assert _login(page_b, url, "zelfscan") == "b"
    checked = page_b.locator("[data-testid='stRadio'] input[type='radio']:checked")
    expect(checked.first).to_be_attached(timeout=30_000)
    labels = page_b.locator("[data-testid='stRadio'] label:has(input:checked)")
    assert "Geregeld en geborgd" in labels.first.inner_text()
    no_exceptions(page_b)
    assert page_b.evaluate("document.documentElement.lang") == "nl"

    # 2. An ingest while both serve: both show the new publication without a restart.
    before = page_a.get_by_text("(versie ").first.inner_text()
    version = int(before.split("(versie ")[1].split(")")[0])
    export = deployment["root"] / "nieuw.csv"  # where the service user may read it
    rows = [pi_row(pseudoniem=f"DEPLOYPERSOON{i:03d}") for i in range(12)]
    export.write_text("\n".join([PI_HEADER, *rows]) + "\n", encoding="utf-8")
    export.chmod(0o644)
    done = subprocess.run(
        [*deployment["as_user"], sys.executable, "-m", "cli", "ingest",
         "--warehouse", str(deployment["store"]), str(export)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for page in (page_a, page_b):
        deadline = time.monotonic() + 30
        while True:
            page.goto(url)
            settle(page)
            if page.get_by_text(f"(versie {version + 1})").count() or time.monotonic() > deadline:
                break
            page.wait_for_timeout(1000)
        expect(page.get_by_text(f"(versie {version + 1})")).to_be_visible()
        no_exceptions(page)
    context_a.close()
    context_b.close()

    # 3. Stop one process (the engine's own command): a new page load pinned to it goes to
    # the other, after login; HAProxy's health check takes it out.
    subprocess.run(
        ["supervisorctl", "-c", str(SUPERVISOR), "stop", "dashboard-a"],
        env=deployment["env"], check=True, capture_output=True,
    )  # fmt: skip
    context_c, page_c = _session(browser, url, "a")
    assert _login(page_c, url) == "b"
    expect(page_c.locator("[data-testid='stMetric']").first).to_be_visible()
    no_exceptions(page_c)
    context_c.close()
    deadline = time.monotonic() + 20
    while servers(deployment["admin"])["a"] != "DOWN":
        assert time.monotonic() < deadline
        time.sleep(1)
    subprocess.run(
        ["supervisorctl", "-c", str(SUPERVISOR), "start", "dashboard-a"],
        env=deployment["env"], check=True, capture_output=True,
    )  # fmt: skip
    answered = [
        a for a in appdb.audit_trail(deployment["app"]) if a["action"] == "zelfscan_answered"
    ]
    assert [a["actor"] for a in answered] == [USER]


def test_the_proxy_drops_other_hosts_and_anonymous_uploads_and_sets_its_headers(
    deployment: dict,
) -> None:
    """Findings 3, 4 and 10 of issue 31, through the proxy."""
    url = deployment["url"]
    port = int(url.rsplit(":", 1)[1])
    # A request for another host name (DNS rebinding, or a scan) is dropped unanswered.
    foreign = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        foreign.request("GET", "/", headers={"Host": "rebind.test"})
        foreign.getresponse()
    foreign.close()
    # The public name gets the page, with the security headers and no server or version.
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        headers = response.headers
    assert headers["Server"] is None
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # An anonymous upload never reaches a dashboard: no login cookie, refused by the proxy.
    upload = urllib.request.Request(
        f"{url}/_stcore/upload_file/sessie/bestand", data=b"x" * 50_000, method="PUT"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(upload, timeout=10)
    assert refused.value.code == 403
    assert refused.value.headers.get("X-Terugkeer-Backend", "") == ""  # no process served it
    # The OData API behind the same proxy: national tables open, per-unit ones need a token.
    odata = f"{url}/odata/v1/TKM"
    with urllib.request.urlopen(f"{odata}/recidive_per_cohort/Observations?$top=2") as response:
        assert len(json.loads(response.read())["value"]) == 2
    with pytest.raises(urllib.error.HTTPError) as no_token:
        urllib.request.urlopen(f"{odata}/per_gemeente_per_jaar_recidive_2y/Observations")
    assert no_token.value.code == 401
    assert json.loads(no_token.value.read())["error"]["code"] == "TokenRequired"
    # A large body anywhere else is refused too (1 MB).
    # The proxy answers as soon as it reads the declared length, before the body is sent.
    big = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    big.putrequest("POST", "/")
    big.putheader("Content-Length", "2000000")
    big.endheaders()
    assert big.getresponse().status == 413
    big.close()


def test_behind_https_every_cookie_is_secure_and_hsts_is_sent(deployment: dict) -> None:
    """The same checked-in file with TKM_HTTPS=yes (the test deployment runs on http): a
    second HAProxy beside it, started with HAProxy's own command, answers with Secure on its
    stickiness cookie and HSTS; `haproxy -c` accepts the file."""
    port = free_port()
    env = {**deployment["env"], "TKM_HTTPS": "yes", "TKM_LISTEN": f"127.0.0.1:{port}",
           "TKM_PROXY_RUN": str(deployment["root"] / "proxy-https")}  # fmt: skip
    Path(env["TKM_PROXY_RUN"]).mkdir()
    checked = subprocess.run(
        ["haproxy", "-c", "-f", str(PROXY)], env=env, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    proxy = subprocess.Popen(
        ["haproxy", "-db", "-f", str(PROXY)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", proxy)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as response:
            cookies = response.headers.get_all("Set-Cookie")
            hsts = response.headers["Strict-Transport-Security"]
        assert hsts == "max-age=31536000"
        assert cookies and all(c.endswith("; Secure") for c in cookies), cookies
        assert any(c.startswith("tkm_backend=") and "HttpOnly" in c for c in cookies)
    finally:
        proxy.terminate()
        proxy.wait(timeout=20)


def test_the_systemd_units_run_what_supervisord_runs() -> None:
    """The host form without supervisord: the units' commands are supervisord's, with the
    install paths (/opt/terugkeer, its .venv) and the unit's instance (%i) for the port."""
    import configparser

    programs = configparser.RawConfigParser()
    programs.read(SUPERVISOR)
    units = ROOT / "deploy" / "systemd"

    def exec_start(unit: str) -> str:
        lines = (units / unit).read_text().splitlines()
        return next(line.split("=", 1)[1] for line in lines if line.startswith("ExecStart="))

    def as_unit(command: str, port: str) -> str:
        return (
            command.replace("%(ENV_TKM_PYTHON)s", "/opt/terugkeer/.venv/bin/python")
            .replace("%(ENV_TKM_HOME)s", "/opt/terugkeer")
            .replace(port, "%i" if "PORT_A" in port else "8600")
            .replace("%(ENV_TKM_SECRETS)s", "/etc/terugkeer/secrets.toml")
        )

    dashboard = as_unit(programs["program:dashboard-a"]["command"], "%(ENV_TKM_PORT_A)s")
    assert exec_start("terugkeer-dashboard@.service") == dashboard
    api = as_unit(programs["program:api"]["command"], "%(ENV_TKM_API_PORT)s")
    assert exec_start("terugkeer-api.service") == api.replace(
        " --warehouse %(ENV_TERUGKEER_WAREHOUSE)s", ""
    )
    proxy = programs["program:proxy"]["command"].replace("%(ENV_TKM_HOME)s", "/opt/terugkeer")
    assert exec_start("terugkeer-proxy.service") == proxy.replace(" -W -db ", " -Ws ")
