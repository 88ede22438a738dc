"""Helpers shared by the browser and deployment tests: free ports, waiting for a server, the
OIDC test provider, and Chromium."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

ROOT_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None, seconds: float = 90) -> None:
    """Until `url` answers 200; fails the test when `process` (if any) ends or time runs
    out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or (process and process.poll() is not None):
                if process:
                    process.kill()
                pytest.fail(f"{url} did not come up")
            time.sleep(0.3)


@contextlib.contextmanager
def oidc_provider() -> Iterator[str]:
    """A real OpenID Connect test provider (oidc-provider-mock) on loopback; its issuer URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    issuer = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{issuer}/.well-known/openid-configuration", process)
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=20)


def provider_user(issuer: str, sub: str, **claims: object) -> None:
    """Set the claims the test provider gives the account `sub` (oidc-provider-mock's
    PUT /users/<sub>): e.g. a verified e-mail address, or an unverified one."""
    request = urllib.request.Request(
        f"{issuer}/users/{sub}",
        data=json.dumps(claims).encode(),
        headers={"Content-Type": "application/json"},
        method="PUT",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def verified_users(issuer: str, emails: Iterable[str]) -> None:
    """Accounts whose subject is their e-mail address, verified by the provider."""
    for email in emails:
        provider_user(issuer, email, email=email, email_verified=True)


def auth_secrets(path: Path, app_url: str, issuer: str) -> Path:
    """Streamlit secrets with an [auth] section for `app_url` against the test provider."""
    path.write_text(
        f'[auth]\nredirect_uri = "{app_url}/oauth2callback"\n'
        'cookie_secret = "een-gedeeld-geheim-van-alle-dashboardprocessen"\n'
        'client_id = "terugkeermonitor"\nclient_secret = "geheim"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def chromium() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install chromium")
    return found


def settle(page: Page, attempts: int = 3) -> None:
    """Wait until Streamlit has finished running the script and drawn the charts.

    A chart that Streamlit replaces while we scroll to it is detached from the page: the
    wait then starts again, up to `attempts` times."""
    for attempt in range(attempts):
        page.wait_for_selector("h1", timeout=60_000)
        for busy in ("stStatusWidget", "stSkeleton"):  # script running; parts still loading
            page.wait_for_function(
                f"() => !document.querySelector('[data-testid=\"{busy}\"]')", timeout=120_000
            )
        charts = page.locator("[data-testid='stPlotlyChart']")
        try:
            for i in range(charts.count()):
                charts.nth(i).scroll_into_view_if_needed(timeout=30_000)
                expect(charts.nth(i).locator(".main-svg").first).to_be_attached(timeout=30_000)
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            page.wait_for_timeout(500)
            continue
        break
    page.wait_for_timeout(500)


def no_exceptions(page: Page) -> None:
    boxes = page.locator("[data-testid='stException']")
    assert boxes.count() == 0, boxes.first.inner_text()


SERVICE_USER = "terugkeer"


def service_user_home(root: Path) -> tuple[list[str], list[str]]:
    """As root, the deployment's processes run as the unprivileged service user (made here
    when missing) and `root` becomes theirs: (['--user', name], the prefix that
    runs a command as that user). Not root: both empty (everything runs as this user)."""
    if os.geteuid() != 0:
        return [], []
    import pwd

    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             SERVICE_USER],
            check=True, capture_output=True,
        )  # fmt: skip
    for folder in [root, *root.rglob("*")]:
        shutil.chown(folder, SERVICE_USER, SERVICE_USER)
    _reachable(Path(sys.executable).resolve())
    return ["--user", SERVICE_USER], ["runuser", "-u", SERVICE_USER, "--"]


def _reachable(interpreter: Path) -> None:
    """The service user must be able to start this Python. On these machines it lives under
    /root (mode 0700): the folders on its path get the traverse right (o+x) they lack, which
    lets the user reach only what it names, not list or read those folders."""
    for folder in reversed(interpreter.parents):
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)


def serve_dashboard(
    warehouse: Path, secrets: Path | None = None, local: bool = True
) -> tuple[subprocess.Popen, str]:
    """`streamlit run` of the dashboard on `warehouse` (process, url) once healthy: in local
    mode as `terugkeer dashboard` chooses it, or not (then only `secrets` can open it)."""
    from basis.settings import ROOT
    from cli.main import streamlit_flags
    from people import login

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != login.LOCAL_MODE_ENV}
    env["TERUGKEER_WAREHOUSE"] = str(warehouse)
    if local:
        env[login.LOCAL_MODE_ENV] = "1"
    secrets = secrets or warehouse.parent / "geen-secrets.toml"
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
         *streamlit_flags(port=port), f"--secrets.files={secrets}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/_stcore/health", process)
    return process, url


SUPERVISOR = ROOT_DIR / "deploy" / "supervisor" / "terugkeer.conf"


def _proxy_user(root: Path) -> str:
    """The proxy's own user (Debian's haproxy package makes it), owning its directory."""
    import pwd

    name = "haproxy" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    (root / "proxy").mkdir(exist_ok=True)
    shutil.chown(root / "proxy", name)
    return name


def servers(socket_path: Path) -> dict[str, str]:
    """Each dashboard server's state as HAProxy sees it (its admin socket): name -> UP/DOWN."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(socket_path))
        sock.sendall(b"show stat\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    rows = [line.split(",") for line in data.decode().splitlines() if line.startswith("dashb")]
    return {row[1]: row[17].split(" ")[0] for row in rows if row[1] in ("a", "b")}


def proxy_environment(
    port: int, dashboards: tuple[int, int], api_port: int, run: Path
) -> dict[str, str]:
    """The site's values that deploy/haproxy/terugkeer.cfg reads from its environment, for
    a proxy on `port` in front of two dashboards and the API on this machine (http)."""
    return {
        "TKM_LISTEN": f"127.0.0.1:{port}", "TKM_PUBLIC_HOST": "127.0.0.1",
        "TKM_DASHBOARD_A": f"127.0.0.1:{dashboards[0]}",
        "TKM_DASHBOARD_B": f"127.0.0.1:{dashboards[1]}",
        "TKM_API": f"127.0.0.1:{api_port}", "TKM_HTTPS": "no", "TKM_PROXY_RUN": str(run),
    }  # fmt: skip


def start_deployment(
    root: Path,
    store: Path,
    ports: tuple[int, int, int, int],
    secrets: Path | None,
    database_url: str | None = None,
) -> tuple[subprocess.Popen, dict[str, str], Path]:
    """The checked-in deployment, started as an operator would: `supervisord -c
    deploy/supervisor/terugkeer.conf` with the site's values in its environment (two
    dashboards, the API, HAProxy). `ports`: the proxy's, the two dashboards', the API's.
    Without `secrets` the dashboards run in local mode (benchmarks only). Returns the
    supervisord process, its environment and HAProxy's admin socket once both dashboards are
    UP in HAProxy's own health checks."""
    import pwd

    port, port_a, port_b, api_port = ports
    (root / "run" / "home").mkdir(parents=True, exist_ok=True)
    user, _ = service_user_home(root)
    env = {k: v for k, v in os.environ.items() if k != "TERUGKEER_LOCAL_MODE"}
    env |= {
        "TKM_HOME": str(ROOT_DIR), "TKM_PYTHON": sys.executable, "TKM_RUN": str(root / "run"),
        "TKM_USER": user[1] if user else pwd.getpwuid(os.geteuid()).pw_name,
        "TKM_PROXY_USER": _proxy_user(root),
        "TKM_SECRETS": str(secrets or root / "geen-secrets.toml"),
        "TKM_PORT_A": str(port_a), "TKM_PORT_B": str(port_b), "TKM_API_PORT": str(api_port),
        "TERUGKEER_WAREHOUSE": str(store),
    }  # fmt: skip
    env |= proxy_environment(port, (port_a, port_b), api_port, root / "proxy")
    if database_url:
        env["TERUGKEER_DATABASE_URL"] = database_url
    if secrets is None:
        env["TERUGKEER_LOCAL_MODE"] = "1"
    process = subprocess.Popen(
        ["supervisord", "-c", str(SUPERVISOR)], cwd=root, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    admin = root / "proxy" / "haproxy.sock"
    deadline = time.monotonic() + 120
    while True:
        with contextlib.suppress(OSError):
            if admin.exists() and servers(admin) == {"a": "UP", "b": "UP"}:
                break
        if time.monotonic() > deadline or process.poll() is not None:
            stop_deployment(process)
            raise RuntimeError(f"the deployment did not come up (logs in {root / 'run'})")
        time.sleep(1)
    wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", process)
    return process, env, admin


def stop_deployment(process: subprocess.Popen) -> None:
    """supervisord stops its programs on SIGTERM."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def supervised_pids(env: dict[str, str]) -> list[int]:
    """The dashboards' process ids, as supervisorctl gives them."""
    pids = []
    for name in ("dashboard-a", "dashboard-b"):
        done = subprocess.run(
            ["supervisorctl", "-c", str(SUPERVISOR), "pid", name],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        pids.append(int(done.stdout.strip()))
    return pids
