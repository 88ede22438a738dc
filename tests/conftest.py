"""Shared fixtures: tiny export files written by hand, and the national demo (made once)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.demo.generate import generate_demo
from people import appdb
from store.build import build
from store.ingest import ingest_paths
from store.warehouse import connect

# The tests of hand-worked figures read exact counts: the cell-key noise is off unless a test
# switches it on (tests/store/test_cellkey.py). Servers started by tests inherit this.
os.environ.setdefault("TERUGKEER_CELL_KEY_MAX_NOISE", "0")
# Dashboards started by tests without login run in local mode, as `terugkeer dashboard` on
# loopback chooses it (people/login.py); tests of the closed gate remove it.
os.environ.setdefault("TERUGKEER_LOCAL_MODE", "1")

PI_HEADER = (
    "pseudoniem;inrichting;instroomdatum;uitstroomdatum;uitstroomreden;gemeente_code;"
    "geboortejaar;geslacht;exportdatum"
)


def pi_row(
    pseudoniem: str = "PERSOON0001",
    inrichting: str = "PI Zwolle",
    instroom: str = "01-02-2021",
    uitstroom: str = "15-03-2021",
    reden: str = "einde_straf",
    gemeente: str = "GM0193",
    geboortejaar: str = "1990",
    geslacht: str = "M",
    export: str = "15-01-2025",
) -> str:
    return ";".join(
        [
            pseudoniem,
            inrichting,
            instroom,
            uitstroom,
            reden,
            gemeente,
            geboortejaar,
            geslacht,
            export,
        ]
    )


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8", bom: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture(scope="module")
def module_dir(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """A directory for one test module's fixtures, removed when the module ends (passed or
    not): kept, they made a full run leave 8.3 GB behind, and CI's disk is shared."""
    root = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2])
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def national_demo(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Ten years of scale-1 demo data, ingested and built once for the whole session."""
    root = tmp_path_factory.mktemp("national")
    demo = generate_demo(root / "exports", (2015, 2024), 1.0, seed=1, messy=0.005)
    path = root / "warehouse.duckdb"
    con = connect(path)
    reports = ingest_paths(con, [root / "exports"])
    build(con)
    con.close()
    (root / "reports.json").write_text(json.dumps([r.to_dict() for r in reports]))
    return {"dir": root / "exports", "warehouse": path, "demo": demo, "reports": reports}


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of a store with its publications (a test that writes beside it stays apart)."""
    from store.publish import publications_dir

    shutil.copy(source, target)
    shutil.copytree(publications_dir(source), publications_dir(target))
    return target


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.fail("PostgreSQL's server is needed for these tests: apt-get install postgresql")
    return found[-1].parent


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a Unix socket (as user postgres when run as root)."""
    bin_dir = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="terugkeer-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o711)  # the socket is reached by the deployment test's service user too
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", 54329 + os.getpid() % 500
    run = {"check": True, "capture_output": True}
    subprocess.run([*as_user, bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8"], **run)  # fmt: skip
    subprocess.run([*as_user, bin_dir / "pg_ctl", "-D", data, "-w", "-l", root / "log",
                    "-o", f"-k {root} -p {port} -c listen_addresses='' -c fsync=off",
                    "start"], **run)  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    finally:
        appdb.dispose_all()
        subprocess.run([*as_user, bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       check=False, capture_output=True)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium through Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    from tests.support import chromium

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=chromium(),
            # rebind.test resolves to this machine: a DNS-rebinding page (tests/browser/
            # test_closed.py); no other name is affected.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--host-resolver-rules=MAP rebind.test 127.0.0.1",
            ],  # fmt: skip
        )
        yield launched
        launched.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty application database URL on each back end."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    appdb.dispose_all()
    yield url
    appdb.dispose_all()
