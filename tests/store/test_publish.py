"""Publish, don't share (issue 13): one writer at a time, immutable snapshots, an atomic
pointer, and a crash at any moment leaves the last complete publication served."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from basis.settings import ROOT
from store.build import build
from store.publish import (
    GRACE_SECONDS,
    KEEP,
    POINTER,
    WriterBusy,
    cleanup,
    current,
    publications_dir,
    writer_active,
    writer_lock,
)
from store.warehouse import connect
from tests.conftest import PI_HEADER, pi_row, write_lines


def _export(folder: Path, name: str, people: range) -> Path:
    rows = [pi_row(pseudoniem=f"P{name.upper()}{i:08d}") for i in people]
    return write_lines(folder / f"{name}.csv", [PI_HEADER, *rows])


def _ingest(
    store: Path, *paths: Path, fault: str | None = None, wait: float = 60
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "TERUGKEER_FAULT"}
    if fault:
        env["TERUGKEER_FAULT"] = fault
    command = [sys.executable, "-m", "cli", "ingest", "--warehouse", str(store)]
    command += ["--wait", str(wait), *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)


def _served(store: Path) -> tuple[str, int, int]:
    """(snapshot name, its data version, releases in it) of the current publication."""
    snapshot = current(store)
    assert snapshot is not None
    con = duckdb.connect(str(snapshot), read_only=True)
    try:
        version = con.execute("SELECT data_version FROM publication").fetchall()[0][0]
        releases = con.execute("SELECT sum(n_releases) FROM mart_outflow").fetchall()[0][0]
    finally:
        con.close()
    return snapshot.name, version, int(releases or 0)


def test_a_build_publishes_what_readers_need_and_nothing_person_level(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    name, version, releases = _served(store)
    assert (version, releases) == (1, 12)
    con = duckdb.connect(str(current(store)), read_only=True)
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert {
        "mart_outflow",
        "mart_data_status",
        "ref_gemeenten",
        "deliveries",
        "publication",
    } <= tables
    assert "current_quarantine_counts" in tables
    assert "current_quarantine" not in tables
    assert not {t for t in tables if t.startswith(("raw_", "stg_", "core_"))}
    assert "quarantine" not in tables
    # No temporary files, and the pointer names the one snapshot.
    assert sorted(p.name for p in publications_dir(store).iterdir()) == sorted([POINTER, name])


def test_a_publication_holds_no_pseudonym_or_row_value_of_the_store(tmp_path: Path) -> None:
    """Finding 7 of issue 31: the quarantine was published with each row's values."""
    store = tmp_path / "store.duckdb"
    rows = [pi_row(pseudoniem=f"PGOED{i:08d}") for i in range(12)]
    # Quarantined rows (an impossible date, an unknown reason) with a free-text column
    # outside the contract: their values must stay in the store.
    rows += [pi_row(pseudoniem="PFOUTDATUM01", uitstroom="31-02-2021")]
    rows += [pi_row(pseudoniem="PFOUTREDEN01", reden="ontsnapt")]
    export = write_lines(
        tmp_path / "pi.csv",
        [PI_HEADER + ";opmerking", *(f"{r};geheime notitie {i}" for i, r in enumerate(rows))],
    )
    assert _ingest(store, export).returncode == 0
    con = duckdb.connect(str(store), read_only=True)
    pseudonyms = {r[0] for r in con.execute("SELECT pseudoniem FROM raw_pi_episodes").fetchall()}
    held = con.execute("SELECT count(*) FROM current_quarantine").fetchall()[0][0]
    con.close()
    assert {"PFOUTDATUM01", "PFOUTREDEN01"} <= pseudonyms or held >= 2
    secrets = {*pseudonyms, "PFOUTDATUM01", "PFOUTREDEN01", "geheime notitie", "31-02-2021"}
    snap = duckdb.connect(str(current(store)), read_only=True)
    columns = snap.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
    ).fetchall()
    found = []
    for table, column, kind in columns:
        assert column not in ("raw_values", "pseudoniem", "row_number", "record_key")
        if kind in ("VARCHAR", "JSON"):
            values = snap.execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{table}"')
            found += [
                (table, column) for (v,) in values.fetchall()
                if v and any(secret in v for secret in secrets)
            ]  # fmt: skip
    counts = snap.execute(
        "SELECT rule, sum(n_rows) FROM current_quarantine_counts GROUP BY rule ORDER BY rule"
    ).fetchall()
    snap.close()
    assert found == []
    assert sum(n for _, n in counts) == 2  # the two bad rows, counted


def test_the_store_snapshots_and_application_database_are_private_files(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.duckdb"
    os.chmod(tmp_path, 0o755)
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    made = [store, current(store), store.with_name("terugkeer-app.sqlite")]
    for path in made:
        assert path.exists(), path
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} {oct(path.stat().st_mode)}"
    assert publications_dir(store).stat().st_mode & 0o077 == 0


def test_readers_read_the_snapshot_while_a_writer_holds_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    writer = duckdb.connect(str(store))  # the store open for writing, as during a load
    try:
        probe = subprocess.run(
            [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1], "
             "read_only=True); print(c.execute('SELECT sum(n_releases) FROM mart_outflow')"
             ".fetchall()[0][0])", str(current(store))],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        writer.close()
    assert probe.stdout.strip() == "12", probe.stderr


def test_a_page_run_reads_one_publication_while_a_newer_one_appears(tmp_path: Path) -> None:
    from published import reader

    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    total = "SELECT sum(n_releases) AS n FROM mart_outflow"
    reader.use_store(store)
    try:
        with reader.one_publication():
            assert reader.read(total)["n"][0] == 12
            assert _ingest(store, _export(tmp_path, "b", range(5))).returncode == 0
            time.sleep(reader.POLL_SECONDS + 0.1)  # a poll would have seen the new pointer
            assert reader.read(total + " WHERE n_releases > 0")["n"][0] == 12
        assert reader.read(total)["n"][0] == 17  # the next run reads the new one
        with reader.one_publication():
            assert reader.read(total + " WHERE n_releases > 0")["n"][0] == 17
    finally:
        reader.release()


def test_a_server_moves_its_readers_to_a_new_publication_once_it_is_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from published import cache, reader

    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    total = "SELECT sum(n_releases) AS n FROM mart_outflow"
    deliveries = "SELECT n_deliveries AS n FROM mart_data_status"
    reader.use_store(store)
    reader.warm_first(30)
    try:
        first = reader.publication()
        assert [reader.read(q)["n"][0] for q in (total, deliveries)] == [12, 1]
        assert _ingest(store, _export(tmp_path, "b", range(5))).returncode == 0
        time.sleep(reader.POLL_SECONDS + 0.1)  # a poll sees the new pointer
        # Readers keep the old publication while what they asked is asked of the new one.
        assert reader.publication() == first
        deadline = time.monotonic() + 30
        while reader.publication() == first and time.monotonic() < deadline:
            time.sleep(0.05)
        second = reader.publication()
        assert second not in (None, first) and second == current(store)
        misses = reader._read.cache.misses
        assert [reader.read(q)["n"][0] for q in (total, deliveries)] == [17, 2]
        assert reader._read.cache.misses == misses  # found warm, nothing computed
        assert reader._read.asked((str(first),)) == []  # the old results forgotten

        # Warming that never ends does not keep readers on the old one beyond its time.
        reader.warm_first(0.5)
        monkeypatch.setattr(cache, "warm", lambda previous, go_on: time.sleep(60))
        assert _ingest(store, _export(tmp_path, "c", range(3))).returncode == 0
        time.sleep(reader.POLL_SECONDS + 0.1)
        assert reader.publication() == second
        time.sleep(0.6)
        assert reader.publication() == current(store) != second
        assert reader.read(total)["n"][0] == 20
    finally:
        reader.warm_first(0)
        reader.release()


def test_concurrent_ingests_run_one_after_the_other(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    first = _export(tmp_path, "a", range(12))
    second = _export(tmp_path, "b", range(15))
    command = [sys.executable, "-m", "cli", "ingest", "--warehouse", str(store)]
    running = [
        subprocess.Popen([*command, str(p)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, cwd=ROOT)
        for p in (first, second)
    ]  # fmt: skip
    results = [(p.wait(timeout=300), *p.communicate()) for p in running]
    assert [code for code, _, _ in results] == [0, 0], results
    # One of them waited for the other, and said so (not a DuckDB lock error).
    waited = [err for _, _, err in results if "waiting for another load" in err]
    assert len(waited) == 1
    assert not any("lock" in err.lower() for _, _, err in results)
    assert _served(store)[1:] == (2, 27)


def test_a_second_writer_gives_up_with_a_clear_message(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    with writer_lock(store, what="build"):
        assert writer_active(store)["what"] == "build"
        done = _ingest(store, _export(tmp_path, "a", range(12)), wait=0.5)
        with pytest.raises(WriterBusy, match="another load"), writer_lock(store, 0.2):
            pass
    assert done.returncode == 1
    assert "another load" in done.stderr and "gave up after" in done.stderr
    assert writer_active(store) is None


@pytest.mark.parametrize("fault", ["ingest", "build", "publish-write", "publish-announce"])
def test_a_crash_leaves_the_last_publication_served_and_a_rerun_finishes(
    tmp_path: Path, fault: str
) -> None:
    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    before = _served(store)
    more = [_export(tmp_path, "b", range(15)), _export(tmp_path, "c", range(20))]
    crashed = _ingest(store, *more, fault=fault)
    assert crashed.returncode == -9  # killed, as by kill -9
    # Readers still get the previous publication, complete.
    assert _served(store) == before
    assert writer_active(store) is None  # the OS let go of the lock
    # The next command finishes the work; no half-written snapshot remains.
    again = _ingest(store, *more)
    assert again.returncode == 0, again.stderr
    name, version, releases = _served(store)
    assert name != before[0] and releases == 12 + 15 + 20
    leftovers = [p.name for p in publications_dir(store).iterdir() if ".tmp" in p.name]
    assert leftovers == []


def test_a_crash_between_build_and_publication_is_finished_by_the_next_reader_command(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    assert _ingest(store, _export(tmp_path, "b", range(15)), fault="publish-write").returncode == -9
    assert _served(store)[2] == 12
    figures = subprocess.run(
        [sys.executable, "-m", "cli", "figures", "--warehouse", str(store), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert figures.returncode == 0, figures.stderr
    assert _served(store)[2] == 27


def test_old_snapshots_are_removed_after_a_grace_period(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    con = connect(store)
    build(con)
    names = [current(store).name]
    for _ in range(KEEP + 2):
        time.sleep(0.01)
        build(con)
        names.append(current(store).name)
    con.close()
    folder = publications_dir(store)
    # Within the grace period nothing is removed (a reader may still be on an older one) ...
    assert len(list(folder.glob("*.duckdb"))) == KEEP + 3
    # ... after it, the newest KEEP remain.
    removed = cleanup(store, now=time.time() + GRACE_SECONDS + 1)
    assert sorted(p.name for p in removed) == sorted(names[: len(names) - KEEP])
    assert sorted(p.name for p in folder.glob("*.duckdb")) == sorted(names[-KEEP:])
    assert current(store).name == names[-1]


def test_marts_made_by_other_code_are_rebuilt_before_they_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade a mart may have other columns: the next command that reads (here
    `terugkeer figures`) rebuilds and publishes before anything is read."""
    from cli.main import ensure_publication
    from store.publish import models_digest, published_digest

    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    first, _, releases = _served(store)
    assert published_digest(store) == models_digest()
    assert ensure_publication(store) == current(store)  # same code: nothing to do
    assert _served(store)[0] == first
    # Other code: its fingerprint differs, so the store is rebuilt and published again.
    monkeypatch.setattr("store.publish.models_digest", lambda sql_dir=None: "other-code")
    ensure_publication(store)
    second, _, again = _served(store)
    assert second != first and again == releases == 12
    assert published_digest(store) == "other-code"


def test_an_upgraded_store_leaves_no_trace_of_a_table_no_longer_published(
    tmp_path: Path,
) -> None:
    """A snapshot of an older version held the quarantine with its rows' values; the next
    publication must not carry it, not even in the freed blocks of a copied file."""
    store = tmp_path / "store.duckdb"
    assert _ingest(store, _export(tmp_path, "a", range(12))).returncode == 0
    old = current(store)
    con = duckdb.connect(str(old))
    con.execute("SET force_compression = 'uncompressed'")  # the values as bytes in the file
    con.execute(
        "CREATE TABLE current_quarantine AS SELECT 'GEHEIMPSEUDONIEM' || range AS raw_values "
        "FROM range(20000)"
    )
    con.execute("INSERT INTO publication_tables VALUES ('current_quarantine', 'oud')")
    con.execute("CHECKPOINT")
    con.close()
    assert b"GEHEIMPSEUDONIEM" in old.read_bytes()
    assert _ingest(store, _export(tmp_path, "b", range(12, 24))).returncode == 0
    new = current(store)
    assert new != old
    snap = duckdb.connect(str(new), read_only=True)
    tables = {
        r[0] for r in snap.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    snap.close()
    assert "current_quarantine" not in tables
    assert b"GEHEIMPSEUDONIEM" not in new.read_bytes()
