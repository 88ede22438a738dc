"""Data stewardship (issue 17): list and withdraw deliveries, back up and restore."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from basis.settings import ROOT
from cli.main import main
from people import appdb
from people.zelfscan import ScanStore
from tests.conftest import write_lines
from tests.published.test_figures import (
    CASE_HEADER,
    CASES_JUNE,
    EPISODES_2023,
    EPISODES_2024,
    PI_HEADER,
)


def _figures(store: Path, capsys: pytest.CaptureFixture) -> dict:
    capsys.readouterr()
    assert main(["figures", "--json", "--warehouse", str(store)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(appdb.DATABASE_ENV, raising=False)
    appdb.dispose_all()
    store = tmp_path / "store" / "warehouse.duckdb"
    files = [
        write_lines(tmp_path / "zwolle_2023.csv", [PI_HEADER, *EPISODES_2023]),
        write_lines(
            tmp_path / "recidive_juni.csv",
            [CASE_HEADER, *(c + ",2024-06-30" for c in CASES_JUNE)],
        ),
    ]
    assert main(["ingest", "--warehouse", str(store), *map(str, files)]) == 0
    return store


def test_withdrawing_a_correction_brings_back_the_figures_before_it(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    before = _figures(store, capsys)
    correction = write_lines(tmp_path / "zwolle_2024.csv", [PI_HEADER, *EPISODES_2024])
    assert main(["ingest", "--warehouse", str(store), str(correction)]) == 0
    corrected = _figures(store, capsys)
    assert corrected != before  # P11 moved from 2022 to 2021, and 18 more releases
    capsys.readouterr()
    assert main(["deliveries", "--json", "--warehouse", str(store)]) == 0
    log = json.loads(capsys.readouterr().out)
    (delivery,) = [d["delivery_id"] for d in log if d["file_name"] == "zwolle_2024.csv"]
    assert main(["withdraw", str(delivery), "--reason", "verkeerd bestand",
                 "--warehouse", str(store)]) == 0  # fmt: skip
    assert _figures(store, capsys) == before
    capsys.readouterr()
    assert main(["deliveries", "--json", "--warehouse", str(store)]) == 0
    log = {d["delivery_id"]: d for d in json.loads(capsys.readouterr().out)}
    assert log[delivery]["status"] == "withdrawn"
    (withdrawal,) = [d for d in log.values() if d["status"] == "withdrawal"]
    assert f"withdrawal of delivery {delivery} (19 rows removed)" in withdrawal["reason"]
    assert "verkeerd bestand" in withdrawal["reason"]
    trail = [
        a for a in appdb.audit_trail(appdb.open_database(store))
        if a["action"] != "figures_exact_env"  # the tests run without noise (conftest)
    ]  # fmt: skip
    assert trail[0]["action"] == "delivery_withdrawn" and trail[0]["actor"] == appdb.os_user()
    # The same file can be delivered again afterwards.
    assert main(["ingest", "--warehouse", str(store), str(correction)]) == 0
    assert _figures(store, capsys) == corrected


def test_a_withdrawal_that_cannot_be_done_says_why(
    store: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["withdraw", "999", "--reason", "x", "--warehouse", str(store)]) == 1
    assert "there is no delivery 999" in capsys.readouterr().err
    assert main(["withdraw", "1", "--reason", " ", "--warehouse", str(store)]) == 1
    assert "needs a reason" in capsys.readouterr().err
    assert main(["withdraw", "1", "--reason", "fout", "--warehouse", str(store)]) == 0
    assert main(["withdraw", "1", "--reason", "fout", "--warehouse", str(store)]) == 1
    assert "is withdrawn, not loaded" in capsys.readouterr().err


READER = """
import sys, time, duckdb
from store.publish import current
from pathlib import Path
store, until = Path(sys.argv[1]), time.monotonic() + float(sys.argv[2])
n = 0
while time.monotonic() < until:
    con = duckdb.connect(str(current(store)), read_only=True)
    con.execute("SELECT sum(n_releases) FROM mart_outflow").fetchall()
    con.close()
    n += 1
print(n)
"""


def test_a_backup_made_while_readers_read_restores_the_same_figures_and_answers(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The backup key lives outside the backups; a restore elsewhere is given it.
    monkeypatch.setenv("TERUGKEER_BACKUP_KEY_FILE", str(tmp_path / "sleutel" / "backup.key"))
    scans = ScanStore(appdb.open_database(store), actor="anna@zwolle.nl")
    scan = scans.new_scan("GM0193", "2026.1")
    scans.answer(scan, "regie_belegd", 2)
    scans.answer(scan, "tbo_tien_dagen", 3)
    figures = _figures(store, capsys)
    # A reader keeps reading the publication during the backup, as a dashboard would.
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store), "3"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert main(["backup", str(tmp_path / "backup"), "--warehouse", str(store)]) == 0
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0 and int(out) > 0
    assert main(["backup", str(tmp_path / "backup"), "--warehouse", str(store)]) == 1
    assert "is not empty" in capsys.readouterr().err
    # Restore into an empty folder: the same figures and Zelfscan answers.
    appdb.dispose_all()
    elsewhere = tmp_path / "elders" / "warehouse.duckdb"
    assert main(["restore", str(tmp_path / "backup"), "--warehouse", str(elsewhere)]) == 0
    assert _figures(elsewhere, capsys) == figures
    restored = ScanStore(appdb.open_database(elsewhere))
    assert restored.answers(scan) == {"regie_belegd": 2, "tbo_tien_dagen": 3}
    # A damaged backup is refused before anything is put in place.
    (tmp_path / "backup" / "warehouse.duckdb").write_bytes(b"kapot")
    other = tmp_path / "ander" / "warehouse.duckdb"
    assert main(["restore", str(tmp_path / "backup"), "--warehouse", str(other)]) == 1
    assert "damaged (checksum)" in capsys.readouterr().err
    assert not other.exists()


def test_a_restore_keeps_the_audit_trail_and_refuses_a_changed_manifest(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings 9 and 11 of issue 31 as they were done: backup, add a beheerder, restore:
    the user_added line was gone. And a manifest anyone could rewrite."""
    engine = appdb.open_database(store)
    assert main(["backup", str(tmp_path / "backup"), "--warehouse", str(store)]) == 0
    assert (store.parent / "terugkeer-backup.key").stat().st_mode & 0o077 == 0
    appdb.add_user(engine, "mallory@elders.nl", "beheerder", None, "os:mallory")
    assert main(["restore", str(tmp_path / "backup"), "--warehouse", str(store)]) == 0
    appdb.dispose_all()
    engine = appdb.open_database(store)
    assert appdb.find_user(engine, "mallory@elders.nl") is None  # the users are the backup's
    actions = [a["action"] for a in reversed(appdb.audit_trail(engine))]
    assert actions[-3:] == ["backup_made", "user_added", "backup_restored"]
    # A manifest changed after the backup (here: to accept a changed store) is refused.
    manifest_file = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    (tmp_path / "backup" / "warehouse.duckdb").write_bytes(b"iets anders")
    import hashlib

    manifest["files"]["warehouse.duckdb"] = hashlib.sha256(b"iets anders").hexdigest()
    manifest_file.write_text(json.dumps(manifest))
    assert main(["restore", str(tmp_path / "backup"), "--warehouse", str(store)]) == 1
    assert "not signed with this installation's backup key" in capsys.readouterr().err
    # Without the key, no restore at all.
    monkeypatch.setenv("TERUGKEER_BACKUP_KEY_FILE", str(tmp_path / "geen.key"))
    assert main(["restore", str(tmp_path / "backup"), "--warehouse", str(store)]) == 1
    assert "no backup key" in capsys.readouterr().err
