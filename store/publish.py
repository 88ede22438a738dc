"""Publish, don't share: the store is written by one process at a time; readers only ever open
immutable snapshots of it.

    <store>                     the store (DuckDB, read-write): only ingest and build open it
    <store>.lock                the writer lock (an OS lock, flock), and who holds it
    <store>.publications/
        CURRENT                 the name of the current snapshot (replaced by an atomic rename)
        <time>-v<version>.duckdb   read-only snapshots: everything the readers need

A new snapshot starts as a copy of the current one, and only the tables whose fingerprint
differs from the one the current snapshot recorded (`publication_tables`) are written again:
a small delivery rewrites a few tables, not the whole publication. (A copy with more than half
of its blocks free is not reused: the snapshot is then written whole, so files do not grow.)
A snapshot is written under a temporary name, checkpointed, fsynced and renamed before the
pointer names it; the pointer is written the same way. A crash at any moment leaves the last
complete publication current, and at worst an unannounced temporary file that the next
publication removes. Snapshots other than the newest KEEP are removed GRACE_SECONDS after
they stopped being current (a reader that still has one open keeps reading it: on POSIX an
open file outlives its name).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from basis.settings import SQL_DIR, make_private
from store import delta
from store.warehouse import STATE_TABLE, checkpoint, drop_relation, fingerprint, table_names

KEEP = 3
GRACE_SECONDS = 600.0
POINTER = "CURRENT"
SUFFIX = ".duckdb"
# What readers need: the marts, the fitted models, the reference tables and the delivery log.
# Never the raw or person-level layers (raw_*, stg_*, core_*, quarantine).
PUBLISHED_PREFIXES = ("mart_", "model_", "ref_")
PUBLISHED_TABLES = ("deliveries",)
# Quarantine only as counts (never raw_values: those stay in the store for the beheerder).
PUBLISHED_VIEWS = ("current_quarantine_counts",)
# The snapshot's own tables: what it is, and the fingerprint of every table it holds.
META_TABLES = ("publication", "publication_tables")


class WriterBusy(Exception):
    """Another process is loading into the store and did not finish in time."""


def publications_dir(store: Path) -> Path:
    return store.with_name(store.name + ".publications")


def lock_file(store: Path) -> Path:
    return store.with_name(store.name + ".lock")


# --- the single writer ----------------------------------------------------------------------


def _holder(handle: int) -> dict:
    try:
        return json.loads(os.pread(handle, 4096, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def writer_lock(
    store: Path,
    wait_seconds: float = 600.0,
    on_wait: Callable[[dict], None] | None = None,
    what: str = "ingest",
) -> Iterator[None]:
    """Hold the store for writing. Another holder is waited for (`on_wait` is told who it is,
    once) up to `wait_seconds`, then WriterBusy. The OS releases the lock when the holder's
    process ends, however it ends."""
    path = lock_file(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait is not None:
                    on_wait(_holder(handle))
                    told = True
                if time.monotonic() >= deadline:
                    holder = _holder(handle)
                    raise WriterBusy(
                        f"another load (process {holder.get('pid', '?')}, "
                        f"{holder.get('what', 'ingest')} since {holder.get('since', '?')}) "
                        f"still holds {store}; gave up after {wait_seconds:.0f} s"
                    ) from None
                time.sleep(0.2)
        info = {
            "pid": os.getpid(),
            "what": what,
            "since": dt.datetime.now().isoformat("T", "seconds"),
        }
        os.ftruncate(handle, 0)
        os.pwrite(handle, json.dumps(info).encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(handle, 0)
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def writer_active(store: Path) -> dict | None:
    """Who is loading into the store right now (pid, what, since), or None."""
    path = lock_file(store)
    if not path.exists():
        return None
    handle = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(handle) or {"what": "ingest"}
        fcntl.flock(handle, fcntl.LOCK_UN)
        return None
    finally:
        os.close(handle)


# --- publications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    path: Path
    data_version: int
    published_at: dt.datetime


def current(store: Path) -> Path | None:
    """The current snapshot, or None when nothing has been published yet."""
    folder = publications_dir(store)
    try:
        name = (folder / POINTER).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = folder / name
    return path if name and path.exists() else None


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _replace_durably(tmp: Path, final: Path) -> None:
    make_private(tmp)
    _fsync(tmp)
    os.replace(tmp, final)
    _fsync(final.parent)


def store_path(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file of the connection's database (None in memory)."""
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(rows[0][0]) if rows and rows[0][0] else None


def _fault(point: str) -> None:
    """Test hook: TERUGKEER_FAULT=<point> kills this process there, as kill -9 would."""
    if os.environ.get("TERUGKEER_FAULT") == point:
        os.kill(os.getpid(), 9)


def _published_tables(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[str], list[str], dict[str, str]]:
    """What the snapshot holds: the tables, the views it holds as tables (PUBLISHED_VIEWS),
    and the views it holds as views (a split model's: store/slices.py), name -> the query
    that defines it (over the snapshot's own tables)."""
    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main'"
    ).fetchall()
    tables = sorted(
        name
        for name, kind in rows
        if kind == "BASE TABLE"
        and (name.startswith(PUBLISHED_PREFIXES) or name in PUBLISHED_TABLES)
    )
    views = sorted(name for name, kind in rows if kind == "VIEW" and name in PUBLISHED_VIEWS)
    defined = dict(
        con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() "
            "AND schema_name = 'main' AND NOT internal"
        ).fetchall()
    )
    kept = {
        name: re.sub(r"^CREATE VIEW \S+ AS ", "", defined[name]).removesuffix(";")
        for name, kind in rows
        if kind == "VIEW" and name not in PUBLISHED_VIEWS and name.startswith(PUBLISHED_PREFIXES)
    }
    return tables, views, kept


def publish(
    con: duckdb.DuckDBPyConnection,
    store: Path | None = None,
    whole: bool = False,
    deltas: Sequence[delta.Delta] = (),
    row_groups: bool = True,
) -> Publication:
    """Write a snapshot of what readers need and make it current: from a copy of the current
    one, rewriting the tables that changed (or applying their `deltas`: the build's changes
    to a table that the copy holds as it was before them), or (`whole`) every table. The
    caller is the writer (it holds the store open read-write, and the writer lock when it
    runs as a command). `row_groups`: whether the snapshot's checkpoint counts its tables'
    row groups (store/warehouse.checkpoint)."""
    store = store or store_path(con)
    if store is None:
        raise ValueError("an in-memory store cannot be published")
    folder = publications_dir(store)
    folder.mkdir(parents=True, exist_ok=True)
    make_private(folder)
    version = data_version(con)
    now = dt.datetime.now()
    name = f"{now:%Y%m%dT%H%M%S%f}-v{version}{SUFFIX}"
    tmp = folder / (name + ".tmp")
    tmp.unlink(missing_ok=True)
    tables, views, kept_views = _published_tables(con)
    prints = _fingerprints(con, tables + views + sorted(kept_views))
    held = {} if whole else _start_from(current(store), tmp)
    if set(held) - set(prints):
        # A table that is no longer published (e.g. an older version's quarantine with the
        # rows' values) would leave its blocks in a copied file: write the snapshot whole.
        tmp.unlink(missing_ok=True)
        held = {}
    con.execute(f"ATTACH '{tmp}' AS snapshot")
    try:
        for table in sorted(set(held) - set(prints)) + list(META_TABLES):
            drop_relation(con, table, "snapshot")
        changes = {d.table: d for d in deltas}
        for table in tables + views:
            if held.get(table) == prints[table]:
                continue
            change = changes.get(table)
            if change is not None and held.get(table) == change.before:
                delta.apply(con, change, f"snapshot.{table}")
            else:
                drop_relation(con, table, "snapshot")
                con.execute(f"CREATE TABLE snapshot.{table} AS SELECT * FROM main.{table}")
        # After the tables they read: a view's names are those of the snapshot's tables.
        for view, query in sorted(kept_views.items()):
            if held.get(view) != prints[view]:
                drop_relation(con, view, "snapshot")
                con.execute(f"CREATE VIEW snapshot.{view} AS {query}")
        con.execute(
            "CREATE TABLE snapshot.publication AS SELECT ? AS name, ? AS data_version, "
            "CAST(? AS TIMESTAMP) AS published_at, ? AS models_digest",
            [name, version, now, _models_digest(con)],
        )
        con.execute("CREATE TABLE snapshot.publication_tables (name VARCHAR, fingerprint VARCHAR)")
        con.executemany(
            "INSERT INTO snapshot.publication_tables VALUES (?, ?)", sorted(prints.items())
        )
        _fault("publish-write")
        checkpoint(con, "snapshot", row_groups)
    finally:
        con.execute("DETACH snapshot")
    Path(f"{tmp}.wal").unlink(missing_ok=True)  # checkpointed: nothing in it
    final = folder / name
    _replace_durably(tmp, final)
    _fault("publish-announce")
    pointer_tmp = folder / (POINTER + ".tmp")
    pointer_tmp.write_text(name, encoding="utf-8")
    _replace_durably(pointer_tmp, folder / POINTER)
    cleanup(store)
    return Publication(final, version, now)


def _fingerprints(con: duckdb.DuckDBPyConnection, names: list[str]) -> dict[str, str]:
    """Per published table: the fingerprint the build recorded, or (reference tables, the
    delivery log, views) one computed now."""
    recorded: dict[str, str] = {}
    if STATE_TABLE in table_names(con):
        recorded = dict(con.execute(f"SELECT name, output_key FROM {STATE_TABLE}").fetchall())
    return {n: recorded[n] if n in recorded else fingerprint(con, n) for n in names}


def _start_from(previous: Path | None, tmp: Path) -> dict[str, str]:
    """Copy the current snapshot to `tmp` and return the fingerprints of the tables it holds;
    {} (and no file) when there is none to start from: none yet, one without fingerprints
    (an older version's), or one more than half free space."""
    if previous is None:
        return {}
    try:
        con = duckdb.connect(str(previous), read_only=True)
    except duckdb.Error:
        return {}
    try:
        held = dict(con.execute("SELECT name, fingerprint FROM publication_tables").fetchall())
        total, free = con.execute(
            "SELECT total_blocks, free_blocks FROM pragma_database_size()"
        ).fetchall()[0]
    except duckdb.Error:
        return {}
    finally:
        con.close()
    if free * 2 > total:
        return {}
    shutil.copyfile(previous, tmp)
    return held


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The data version the store's marts were last built from (0 before the first build)."""
    try:
        rows = con.execute("SELECT data_version FROM mart_data_status").fetchall()
    except duckdb.CatalogException:
        return 0
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


@functools.lru_cache(maxsize=4)
def models_digest(sql_dir: Path = SQL_DIR) -> str:
    """A fingerprint of the code that makes the marts: every SQL file and the statistical
    models. A store or publication made by other code is rebuilt before it is read (after an
    upgrade a mart may have other columns)."""
    digest = hashlib.sha256()
    files = sorted(sql_dir.rglob("*.sql")) + [Path(__file__).with_name("models.py")]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _models_digest(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        rows = con.execute("SELECT models_digest FROM build_info").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def published_digest(store: Path) -> str | None:
    """The fingerprint of the code that made the current publication (None when unknown)."""
    path = current(store)
    if path is None:
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return con.execute("SELECT models_digest FROM publication").fetchone()[0]
    except duckdb.Error:
        return None  # published by an older version, without a fingerprint
    finally:
        con.close()


def published_version(store: Path) -> int | None:
    """The data version of the current publication (None when there is none)."""
    path = current(store)
    if path is None:
        return None
    try:
        return int(path.name.rsplit("-v", 1)[1].removesuffix(SUFFIX))
    except (IndexError, ValueError):
        return None


def is_published(con: duckdb.DuckDBPyConnection, store: Path) -> bool:
    """True when the current publication holds the store's built data version, made by the
    code that built it."""
    return published_version(store) == data_version(con) and published_digest(
        store
    ) == _models_digest(con)


def cleanup(store: Path, now: float | None = None) -> list[Path]:
    """Remove leftovers of interrupted publications and snapshots no longer needed."""
    folder = publications_dir(store)
    now = time.time() if now is None else now
    keep = current(store)
    snapshots = sorted(folder.glob(f"*{SUFFIX}"), reverse=True)  # newest first (by name)
    removed = []
    for path in folder.glob("*.tmp*"):
        if path.name != POINTER + ".tmp":
            removed.append(path)
    for i, path in enumerate(snapshots):
        if path == keep or i < KEEP:
            continue
        # Superseded when the next newer snapshot was published: its file time.
        newer = snapshots[i - 1] if i else None
        if newer is not None and now - newer.stat().st_mtime >= GRACE_SECONDS:
            removed.append(path)
    for path in removed:
        path.unlink(missing_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)
    return removed
