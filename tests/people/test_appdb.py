"""The application database (issue 14) on both back ends: SQLite (the embedded default) and
a real PostgreSQL server that these tests start themselves (Debian's postgresql)."""

from __future__ import annotations

import datetime as dt
import gzip
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from basis.settings import ROOT
from cli.main import main
from people import appdb
from people.zelfscan import ScanStore

FIXTURE = ROOT / "tests" / "fixtures" / "zelfscan-v1.duckdb.gz"


def test_the_schema_is_migrated_once_and_again_is_a_no_op(database: str) -> None:
    engine = appdb.engine_for(database)
    appdb.migrate(engine)  # a second time changes nothing
    tables = set(sa.inspect(engine).get_table_names())
    assert {"zelfscan_scans", "zelfscan_answers", "users", "audit", "alembic_version"} <= tables
    with engine.connect() as connection:
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert version == "0003"


def test_the_revision_a_database_is_not_migrated_at_is_alembics_head() -> None:
    """migrate() leaves a database at appdb.HEAD_REVISION to itself: it must be the head of
    the migration scripts (a new script without a new HEAD_REVISION fails here)."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(appdb.alembic_config()).get_heads()
    assert heads == [appdb.HEAD_REVISION]


def test_a_database_at_an_earlier_revision_is_still_migrated(database: str) -> None:
    from alembic import command

    engine = appdb.engine_for(database)
    config = appdb.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert "api_tokens" not in sa.inspect(engine).get_table_names()
    appdb.migrate(engine)
    assert "api_tokens" in sa.inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            "0003"
        )


def test_users_roles_and_their_audit_trail(database: str) -> None:
    engine = appdb.engine_for(database)
    appdb.add_user(engine, "Anna@Zwolle.nl ", "gemeente", "gm0193", "os:beheer")
    appdb.add_user(engine, "piet@dji.nl", "aanleverancier", "zwolle", "os:beheer")
    appdb.add_user(engine, "anna@zwolle.nl", "lezer", None, "os:beheer")  # a change of role
    with pytest.raises(appdb.UserError, match="needs a municipality code"):
        appdb.add_user(engine, "x@y.nl", "gemeente", "zwolle", "os:beheer")
    with pytest.raises(appdb.UserError, match="unknown role"):
        appdb.add_user(engine, "x@y.nl", "koning", None, "os:beheer")
    assert [(u["email"], u["role"], u["organisation"]) for u in appdb.list_users(engine)] == [
        ("anna@zwolle.nl", "lezer", None),
        ("piet@dji.nl", "aanleverancier", "zwolle"),
    ]
    assert appdb.find_user(engine, "ANNA@zwolle.nl")["role"] == "lezer"
    assert appdb.remove_user(engine, "piet@dji.nl", "os:beheer")
    assert not appdb.remove_user(engine, "piet@dji.nl", "os:beheer")
    trail = appdb.audit_trail(engine)
    assert [(a["action"], a["target"]) for a in trail] == [
        ("user_removed", "piet@dji.nl"),
        ("user_changed", "anna@zwolle.nl"),
        ("user_added", "piet@dji.nl"),
        ("user_added", "anna@zwolle.nl"),
    ]
    assert {a["actor"] for a in trail} == {"os:beheer"}
    assert appdb.audit_trail(engine, actor="nobody") == []
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert appdb.audit_trail(engine, since=tomorrow) == []


def test_scans_are_saved_at_once_resumed_and_repeated(database: str) -> None:
    engine = appdb.engine_for(database)
    store = ScanStore(engine, actor="anna@zwolle.nl")
    first = store.new_scan("GM0193", "2026.1", now=dt.datetime(2025, 3, 1, 10, 0))
    store.answer(first, "regie_belegd", 2)
    store.answer(first, "tbo_tien_dagen", 1)
    store.answer(first, "tbo_tien_dagen", 3)  # changed later: the last answer counts
    again = ScanStore(engine)
    assert again.answers(first) == {"regie_belegd": 2, "tbo_tien_dagen": 3}
    second = again.new_scan("GM0193", "2026.1", now=dt.datetime(2026, 3, 1, 10, 0))
    again.answer(second, "regie_belegd", None)
    scans = again.scans("GM0193")
    assert [s["scan_id"] for s in scans] == [second, first]
    assert [s["n_answered"] for s in scans] == [0, 2]
    assert again.scans("GM0363") == [] and again.gemeente_of(first) == "GM0193"
    answered = [a for a in appdb.audit_trail(engine) if a["action"] == "zelfscan_answered"]
    assert len(answered) == 4 and answered[-1]["actor"] == "anna@zwolle.nl"
    assert answered[-1]["target"] == f"GM0193/{first}"


WRITER = """
import sys
from people import appdb
from people.zelfscan import ScanStore
engine = appdb.engine_for(sys.argv[1])
store = ScanStore(engine, actor=sys.argv[3])
for i in range(40):
    store.answer(int(sys.argv[2]), f"{sys.argv[3]}_{i}", i % 4)
    store.answer(int(sys.argv[2]), "gedeeld", i % 4)
"""


def test_two_processes_answering_one_municipality_at_once_lose_nothing(database: str) -> None:
    engine = appdb.engine_for(database)
    scan = ScanStore(engine).new_scan("GM0193", "2026.1")
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, database, str(scan), name], cwd=ROOT,
                         stderr=subprocess.PIPE, text=True)
        for name in ("proces_a", "proces_b")
    ]  # fmt: skip
    for writer in writers:
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
    answers = ScanStore(engine).answers(scan)
    assert len(answers) == 81  # 40 + 40 own questions and the shared one
    assert all(answers[f"{p}_{i}"] == i % 4 for p in ("proces_a", "proces_b") for i in range(40))
    trail = [a for a in appdb.audit_trail(engine) if a["action"] == "zelfscan_answered"]
    assert len(trail) == 160


def test_an_earlier_versions_zelfscan_file_is_carried_over_once(
    database: str, tmp_path: Path
) -> None:
    old = tmp_path / "zelfscan.duckdb"
    old.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    engine = appdb.engine_for(database)
    assert appdb.carry_over_zelfscan(engine, old) == 2
    assert appdb.carry_over_zelfscan(engine, old) == 0  # once
    store = ScanStore(engine)
    (zwolle,) = store.scans("GM0193")
    assert zwolle["started_at"] == dt.datetime(2025, 3, 1, 10, 0)
    assert store.answers(zwolle["scan_id"]) == {
        "regie_belegd": 2,
        "tbo_tien_dagen": 3,
        "schulden_in_beeld": None,
    }
    (amsterdam,) = store.scans("GM0363")
    assert store.answers(amsterdam["scan_id"]) == {"regie_belegd": 1}
    # New scans get new numbers after the carried-over ones.
    assert store.new_scan("GM0193", "2026.1") > max(zwolle["scan_id"], amsterdam["scan_id"])
    assert old.exists()  # the old file is left as it was
    carried = [a for a in appdb.audit_trail(engine) if a["action"] == "zelfscan_carried_over"]
    assert len(carried) == 1 and '"answers": 4' in carried[0]["detail"]


def test_the_cli_manages_users_and_prints_the_audit_trail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv(appdb.DATABASE_ENV, raising=False)
    store = tmp_path / "warehouse.duckdb"
    appdb.dispose_all()
    assert main(["users", "add", "Anna@zwolle.nl", "--role", "gemeente",
                 "--organisation", "GM0193", "--warehouse", str(store)]) == 0  # fmt: skip
    assert main(["users", "add", "x@y.nl", "--role", "gemeente", "--warehouse", str(store)]) == 1
    assert main(["users", "list", "--warehouse", str(store)]) == 0
    assert main(["users", "remove", "nobody@y.nl", "--warehouse", str(store)]) == 1
    assert main(["audit", "--warehouse", str(store), "--since", "2020-01-01"]) == 0
    out, err = capsys.readouterr()
    assert "anna@zwolle.nl: gemeente (GM0193)" in out
    assert "anna@zwolle.nl                           gemeente" in out
    assert "needs --organisation" in err and "no user nobody@y.nl" in err
    assert "user_added" in out and appdb.os_user() in out  # recorded under the OS user
    assert (tmp_path / appdb.SQLITE_NAME).exists()  # the embedded default, beside the store
