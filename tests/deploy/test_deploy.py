"""The deployment (issue 15), started for real on loopback: PostgreSQL, the OIDC test
provider, two dashboard processes and nginx in front (deploy/serve.py), driven through nginx
in headless Chromium. `make deploy-test` runs only this."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
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

from dashboard import texts, texts_access
from pipelines import appdb
from pipelines.settings import ROOT
from tests.conftest import PI_HEADER, copy_warehouse, pi_row
from tests.support import (
    auth_secrets,
    free_port,
    no_exceptions,
    oidc_provider,
    service_user_home,
    settle,
    verified_users,
    wait_until_up,
)

pytestmark = [pytest.mark.deploy, pytest.mark.browser]
USER = "zwolle@gemeente.nl"


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
    port, first, api_port = free_port(), free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    stack = contextlib.ExitStack()
    issuer = stack.enter_context(oidc_provider())
    verified_users(issuer, [USER])
    secrets = auth_secrets(root / "secrets.toml", url, issuer)
    user, as_user = service_user_home(root)
    serve = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "serve.py"), "--store", str(store),
         "--dashboards", "2", "--first-port", str(first), "--port", str(port),
         "--secrets", str(secrets), "--workdir", str(root / "run"), "--no-restart",
         "--api-port", str(api_port), *user],
        cwd=ROOT, env={**os.environ, "TERUGKEER_DATABASE_URL": postgres_url},
    )  # fmt: skip
    state_file = root / "run" / "state.json"
    deadline = time.monotonic() + 120
    while True:
        state = json.loads(state_file.read_text()) if state_file.exists() else {}
        ready = state.get("dashboards", {})
        if len(ready) == 2 and all(d["in_proxy"] for d in ready.values()):
            break
        if time.monotonic() > deadline or serve.poll() is not None:
            pytest.fail("the deployment did not come up")
        time.sleep(1)
    wait_until_up(f"{url}/_stcore/health", serve)
    yield {"url": url, "store": store, "app": app, "state": state_file, "as_user": as_user,
           "root": root}  # fmt: skip
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=60)
    stack.close()
    shutil.rmtree(root, ignore_errors=True)


def _session(browser: Browser, url: str, backend: str | None) -> tuple[BrowserContext, Page]:
    """A new browser session, pinned by nginx's cookie to one dashboard process."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    if backend:
        context.add_cookies([{"name": "tkm_backend", "value": backend, "url": url}])
    return context, context.new_page()


def _login(page: Page, url: str, path: str = "") -> str:
    """Log in through nginx; the name of the process that served the page."""
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
        [*deployment["as_user"], sys.executable, "-m", "pipelines.cli", "ingest",
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

    # 3. Stop one process: a new page load pinned to it goes to the other, after login.
    state = json.loads(deployment["state"].read_text())
    os.kill(state["dashboards"]["a"]["pid"], signal.SIGKILL)
    context_c, page_c = _session(browser, url, "a")
    assert _login(page_c, url) == "b"
    expect(page_c.locator("[data-testid='stMetric']").first).to_be_visible()
    no_exceptions(page_c)
    context_c.close()
    # The supervisor takes the dead process out of nginx's configuration.
    deadline = time.monotonic() + 20
    while json.loads(deployment["state"].read_text())["dashboards"]["a"]["in_proxy"]:
        assert time.monotonic() < deadline
        time.sleep(1)
    answered = [
        a for a in appdb.audit_trail(deployment["app"]) if a["action"] == "zelfscan_answered"
    ]
    assert [a["actor"] for a in answered] == [USER]


def test_the_proxy_drops_other_hosts_and_anonymous_uploads_and_sets_its_headers(
    deployment: dict,
) -> None:
    """Findings 3, 4 and 10 of issue 31, through nginx."""
    url = deployment["url"]
    port = int(url.rsplit(":", 1)[1])
    # A request for another host name (DNS rebinding, or a scan) is dropped unanswered.
    foreign = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        foreign.request("GET", "/", headers={"Host": "rebind.test"})
        foreign.getresponse()
    foreign.close()
    # The page shell is served as Dutch (WCAG 3.1.1), whatever Streamlit writes in it.
    with urllib.request.urlopen(f"{url}/", timeout=10) as response:
        assert '<html lang="nl">' in response.read().decode("utf-8")
    # The public name gets the page, with the security headers and no version.
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
        headers = response.headers
    assert headers["Server"] == "nginx"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    # An anonymous upload never reaches a dashboard: no login cookie, refused by nginx.
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
    big = urllib.request.Request(f"{url}/", data=b"x" * 2_000_000, method="POST")
    with pytest.raises(urllib.error.HTTPError) as too_large:
        urllib.request.urlopen(big, timeout=10)
    assert too_large.value.code == 413


@pytest.mark.parametrize("secrets", ["missing", "broken", "partial", "none"])
def test_the_deployment_does_not_start_without_a_complete_login(
    secrets: str, tmp_path: Path
) -> None:
    """Finding 1 of issue 31 as it was done: `serve.py --secrets PATH` with a path that does
    not exist served /beheer to an anonymous visitor."""
    path = tmp_path / "secrets.toml"
    if secrets == "broken":
        path.write_text("[auth\n")
    elif secrets == "partial":
        path.write_text('[auth]\nclient_id = "terugkeermonitor"\n')
    command = [sys.executable, str(ROOT / "deploy" / "serve.py"), "--store",
               str(tmp_path / "w.duckdb"), "--workdir", str(tmp_path / "run")]  # fmt: skip
    if secrets != "none":
        command += ["--secrets", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    said = {"missing": "no such file", "broken": "not valid TOML",
            "partial": "lacks redirect_uri", "none": "--secrets"}  # fmt: skip
    assert said[secrets] in done.stderr
    assert not (tmp_path / "run").exists()  # nothing started


def test_behind_https_the_cookies_are_secure_and_the_configuration_is_valid(
    tmp_path: Path,
) -> None:
    """The https form of the proxy configuration (the test deployment runs on http): Secure
    on every cookie, HSTS, and nginx accepts it (`nginx -t`)."""
    sys.path.insert(0, str(ROOT / "deploy"))
    try:
        import serve
    finally:
        sys.path.remove(str(ROOT / "deploy"))
    config = serve.nginx_config(
        8080, {"a": 8601, "b": 8602}, tmp_path, "terugkeer.example.nl", secure=True
    )
    assert "server_name terugkeer.example.nl;" in config
    assert "HttpOnly; Secure" in config
    assert "proxy_cookie_flags ~ secure;" in config
    assert "Strict-Transport-Security" in config
    (tmp_path / "nginx.conf").write_text(config)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
