"""The checked-in deployment files hang together (issue 36): what compose mounts from the
repository exists, every form runs the same commands, and HAProxy accepts its file."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from basis.settings import ROOT

pytestmark = pytest.mark.deploy
DEPLOY = ROOT / "deploy"
# Mounted from the operator's own files, never checked in: the login's secrets, the exports.
OPERATORS = {"./secrets.toml", "./exports"}


def test_what_compose_mounts_from_the_repository_exists() -> None:
    """The old compose file mounted a deploy/nginx.conf that did not exist."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    mounted = []
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                mounted.append(source)
        build = service.get("build")
        if build:
            assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    assert "./haproxy/terugkeer.cfg" in mounted
    for source in set(mounted) - OPERATORS:
        assert (DEPLOY / source).exists(), source


def test_haproxy_accepts_its_file_as_compose_and_the_units_set_it() -> None:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        pytest.fail("HAProxy is needed for the deployment tests: apt-get install haproxy")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    env = {**os.environ, **compose["services"]["proxy"]["environment"]}
    env["TKM_PUBLIC_HOST"] = "terugkeer.example.nl"
    env["TKM_DASHBOARD_A"] = env["TKM_DASHBOARD_B"] = env["TKM_API"] = "127.0.0.1:1"
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(DEPLOY / "haproxy" / "terugkeer.cfg")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    # The systemd form's proxy environment names every variable the file reads.
    example = (DEPLOY / "systemd" / "proxy.env.example").read_text()
    for name in ("TKM_LISTEN", "TKM_PUBLIC_HOST", "TKM_DASHBOARD_A", "TKM_DASHBOARD_B",
                 "TKM_API", "TKM_HTTPS"):  # fmt: skip
        assert f"{name}=" in example
