"""The container form (issue 36), built and run here with Debian's packages only: a Debian
base image made without any registry (debootstrap, `podman import`), the image built from
deploy/Dockerfile on it (Debian's python3; the Python packages from a wheel folder made on
this machine, so the build reads no package index), a dashboard container run from it with
podman (runc), and the checked-in HAProxy configuration in front: the dashboard's first page
is drawn through the proxy in Chromium.

Skipped, saying why, only where podman (or debootstrap, for the base image) is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from basis.settings import ROOT
from tests.conftest import copy_warehouse
from tests.support import free_port, no_exceptions, proxy_environment, settle, wait_until_up

pytestmark = [pytest.mark.deploy, pytest.mark.browser]
BASE = "localhost/debian:bookworm"
IMAGE = "localhost/terugkeermonitor:test"
MIRROR = "http://deb.debian.org/debian"
# What this machine's podman needs (checked here): no default ulimits, cgroupfs, runc.
CONTAINERS_CONF = '[containers]\ndefault_ulimits = []\n\n[engine]\ncgroup_manager = "cgroupfs"\n'


def _podman(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], env=env, check=True, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def podman_env(module_dir: Path) -> dict[str, str]:
    if shutil.which("podman") is None:
        pytest.skip("podman is not installed (apt-get install podman runc debootstrap)")
    conf = module_dir / "containers.conf"
    conf.write_text(CONTAINERS_CONF)
    env = {**os.environ, "CONTAINERS_CONF": str(conf)}
    exists = subprocess.run(["podman", "image", "exists", BASE], env=env, check=False)
    if exists.returncode != 0:
        if shutil.which("debootstrap") is None or os.geteuid() != 0:
            pytest.skip("no Debian base image, and debootstrap (as root) to make one")
        root = Path(tempfile.mkdtemp(prefix="terugkeer-debian-", dir="/var/tmp"))
        try:
            subprocess.run(
                ["debootstrap", "--variant=minbase", "bookworm", str(root), MIRROR],
                check=True, capture_output=True,
            )  # fmt: skip
            tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
            _podman(env, "import", "-", BASE, stdin=tar.stdout, capture_output=True)
            tar.wait()
        finally:
            shutil.rmtree(root, ignore_errors=True)
    return env


@pytest.fixture(scope="module")
def image(podman_env: dict[str, str], module_dir: Path) -> Iterator[str]:
    """The image of deploy/Dockerfile on the Debian base, from this working tree; removed
    with its build context when the module ends (1.9 GB; the base image stays)."""
    context = module_dir / "context"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (context / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, context / name)
    wheels = str(context / "wheels")
    for command in (["wheel", "--wheel-dir", wheels, str(context)],
                    ["download", "--dest", wheels, "setuptools>=69", "wheel"]):  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "pip", "--quiet", *command], check=True, capture_output=True
        )
    _podman(
        podman_env, "build", "--runtime", "runc", "--network", "host", "--build-arg",
        f"BASE_IMAGE={BASE}", "-f", str(context / "deploy" / "Dockerfile"), "-t", IMAGE,
        str(context), capture_output=True,
    )  # fmt: skip
    shutil.rmtree(context)
    try:
        yield IMAGE
    finally:
        for command in (["rmi", "--force", IMAGE], ["image", "prune", "--force"]):
            subprocess.run(["podman", *command], env=podman_env, check=False, capture_output=True)


@pytest.fixture(scope="module")
def served(image: str, podman_env: dict[str, str], national_demo: dict) -> Iterator[str]:
    """A dashboard container (local mode on the host's loopback) with a copy of the national
    store, and HAProxy in front of it with the checked-in configuration."""
    store_dir = Path(tempfile.mkdtemp(prefix="terugkeer-container-", dir="/tmp"))
    copy_warehouse(national_demo["warehouse"], store_dir / "warehouse.duckdb")
    for path in [store_dir, *store_dir.rglob("*")]:
        os.chown(path, 10001, 10001)  # the image's service user
    port, proxy_port = free_port(), free_port()
    name = f"terugkeer-test-{port}"
    _podman(
        podman_env, "run", "-d", "--rm", "--runtime", "runc", "--network", "host",
        "--name", name, "-e", "TERUGKEER_LOCAL_MODE=1",
        "-v", f"{store_dir}:/srv/terugkeer", image,
        "python", "-m", "streamlit", "run", "/opt/terugkeer/dashboard/app.py",
        "--server.address=127.0.0.1", f"--server.port={port}", capture_output=True,
    )  # fmt: skip
    proxy_run = Path(tempfile.mkdtemp(prefix="terugkeer-proxy-"))
    proxy = None
    try:
        # The container up before the proxy starts: a proxy started first marks it down after
        # its first two failed checks, which can come right after its health page answered
        # through the proxy (a 503 to the page that follows; seen once in a slow CI run).
        wait_until_up(f"http://127.0.0.1:{port}/_stcore/health", None, seconds=120)
        # The one dashboard container as both servers; no API (port 1: nothing answers there).
        env = {**os.environ, **proxy_environment(proxy_port, (port, port), 1, proxy_run)}
        proxy = subprocess.Popen(
            ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy" / "terugkeer.cfg")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until_up(f"http://127.0.0.1:{proxy_port}/_stcore/health", proxy, seconds=120)
        yield f"http://127.0.0.1:{proxy_port}"
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=20)
        subprocess.run(["podman", "stop", "-t", "5", name], env=podman_env, check=False,
                       capture_output=True)  # fmt: skip
        shutil.rmtree(store_dir, ignore_errors=True)
        shutil.rmtree(proxy_run, ignore_errors=True)


def test_the_image_serves_the_dashboard_through_the_proxy(served: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    try:
        response = page.goto(served)
        # Both of the proxy's servers are this one container here.
        assert response is not None and response.headers.get("x-terugkeer-backend") in ("a", "b")
        settle(page)
        expect(page.locator("h1").first).to_have_text("Overzicht")
        expect(page.locator("[data-testid='stMetric']").first).to_be_visible()
        no_exceptions(page)
    finally:
        context.close()
