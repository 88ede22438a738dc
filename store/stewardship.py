"""Data stewardship: list deliveries, withdraw one, back up and restore.

A withdrawal removes the delivery's rows (and its quarantined rows) from the store, marks it
`withdrawn`, and adds a `withdrawal` line to the delivery log (who, when, why) — a new
delivery id, so the data version moves on and the build and publication follow. The staging
models read only `loaded` deliveries, so withdrawing a later correction brings back exactly
the state before it.

A backup is taken under the writer lock (no load runs meanwhile; the dashboards keep serving
their publication): the store after a checkpoint, the SQLite application database through
SQLite's online backup, terugkeer.toml, and a manifest with checksums. A restore checks the
manifest, puts the files in place and publishes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import shutil
import sqlite3
from pathlib import Path

import duckdb

from basis.settings import SETTINGS_FILE
from people import appdb
from store.warehouse import RAW_TABLES, connect

MANIFEST = "manifest.json"
STORE_NAME = "warehouse.duckdb"
# The manifest is signed (HMAC-SHA256) with a key kept outside every backup: a backup folder
# that someone changed or made is refused. Keep a copy of the key apart from the backups.
KEY_ENV = "TERUGKEER_BACKUP_KEY_FILE"
KEY_NAME = "terugkeer-backup.key"
# What a restore puts back of the application database; the audit trail is never replaced
# (the current one is kept and a `backup_restored` line appended).
RESTORED_TABLES = ("zelfscan_answers", "zelfscan_scans", "users", "app_meta")


class StewardshipError(ValueError):
    """A withdrawal, backup or restore that cannot be done as asked."""


def list_deliveries(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(
        "SELECT delivery_id, file_name, source, supplier, delivery_date, ingested_at, status, "
        "rows_read, rows_loaded, reason FROM deliveries ORDER BY delivery_id"
    )
    names = [d[0] for d in rows.description]
    return [dict(zip(names, row, strict=True)) for row in rows.fetchall()]


def withdraw(con: duckdb.DuckDBPyConnection, delivery_id: int, reason: str, actor: str) -> dict:
    """Withdraw a loaded delivery; returns the withdrawal's log line. The caller builds."""
    reason = reason.strip()
    if not reason:
        raise StewardshipError("a withdrawal needs a reason")
    found = con.execute(
        "SELECT delivery_id, file_name, file_sha256, source, supplier, delivery_date, status "
        "FROM deliveries WHERE delivery_id = ?",
        [delivery_id],
    ).fetchall()
    if not found:
        raise StewardshipError(f"there is no delivery {delivery_id}")
    _, file_name, sha256, source, supplier, delivery_date, status = found[0]
    if status != "loaded":
        raise StewardshipError(
            f"delivery {delivery_id} is {status}, not loaded: nothing to withdraw"
        )
    now = dt.datetime.now().replace(microsecond=0)
    con.execute("BEGIN TRANSACTION")
    try:
        removed = con.execute(
            f"DELETE FROM {RAW_TABLES[source]} WHERE delivery_id = ?", [delivery_id]
        ).fetchall()[0][0]
        con.execute("DELETE FROM quarantine WHERE delivery_id = ?", [delivery_id])
        con.execute(
            "UPDATE deliveries SET status = 'withdrawn' WHERE delivery_id = ?", [delivery_id]
        )
        new_id = con.execute("SELECT nextval('delivery_seq')").fetchall()[0][0]
        note = f"withdrawal of delivery {delivery_id} ({removed} rows removed) by {actor}: {reason}"
        con.execute(
            "INSERT INTO deliveries (delivery_id, file_name, file_sha256, source, supplier, "
            "delivery_date, ingested_at, status, rows_read, rows_loaded, rows_quarantined, "
            "rows_duplicate, reason) VALUES (?, ?, ?, ?, ?, ?, ?, 'withdrawal', 0, 0, 0, 0, ?)",
            [new_id, file_name, sha256, source, supplier, delivery_date, now, note],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"delivery_id": new_id, "withdrawn": delivery_id, "rows_removed": removed,
            "file_name": file_name, "reason": note}  # fmt: skip


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def key_file(store: Path) -> Path:
    """The backup key: $TERUGKEER_BACKUP_KEY_FILE, else beside the store (not in a backup)."""
    return Path(os.environ[KEY_ENV]) if os.environ.get(KEY_ENV) else store.with_name(KEY_NAME)


def _key(store: Path, create: bool) -> bytes:
    path = key_file(store)
    if not path.exists():
        if not create:
            raise StewardshipError(
                f"no backup key at {path}: a backup can only be restored with the key it was "
                f"made with (set {KEY_ENV})"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode()


def _signature(manifest: dict, key: bytes) -> str:
    body = json.dumps({k: v for k, v in manifest.items() if k != "signature"}, sort_keys=True)
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def _sqlite_path(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def backup(store: Path, target: Path) -> dict:
    """A consistent copy in `target` (new or empty). The caller holds the writer lock."""
    if not store.exists():
        raise StewardshipError(f"there is no store at {store}")
    if target.exists() and any(target.iterdir()):
        raise StewardshipError(f"{target} is not empty: choose a new folder for the backup")
    target.mkdir(parents=True, exist_ok=True)
    con = connect(store)
    try:
        con.execute("CHECKPOINT")
        version = con.execute("SELECT COALESCE(max(delivery_id), 0) FROM deliveries").fetchall()
    finally:
        con.close()
    shutil.copy2(store, target / STORE_NAME)
    files = [STORE_NAME]
    url = appdb.database_url(store)
    app_file = _sqlite_path(url)
    if app_file is not None:
        appdb.engine_for(url)  # migrated, so that the copy is complete
        source = sqlite3.connect(app_file)
        copy = sqlite3.connect(target / appdb.SQLITE_NAME)
        try:
            source.backup(copy)  # SQLite's online backup: consistent while others write
        finally:
            copy.close()
            source.close()
        files.append(appdb.SQLITE_NAME)
    if SETTINGS_FILE.exists():
        shutil.copy2(SETTINGS_FILE, target / SETTINGS_FILE.name)
        files.append(SETTINGS_FILE.name)
    manifest = {
        "made_at": dt.datetime.now().replace(microsecond=0).isoformat(),
        "store": str(store),
        "data_version": version[0][0],
        "application_database": "sqlite" if app_file else "external (use its own backup)",
        "files": {name: _sha256(target / name) for name in files},
    }
    manifest["signature"] = _signature(manifest, _key(store, create=True))
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def restore(source: Path, store: Path) -> dict:
    """Put a backup in place as `store` (and its SQLite application database beside it). The
    caller holds the writer lock and builds and publishes afterwards."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise StewardshipError(
            f"{source} holds no backup ({MANIFEST} missing or unreadable)"
        ) from None
    signature = manifest.get("signature") if isinstance(manifest, dict) else None
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature, _signature(manifest, _key(store, create=False))
    ):
        raise StewardshipError(
            f"the backup's {MANIFEST} is not signed with this installation's backup key"
        )
    for name, digest in manifest["files"].items():
        path = source / name
        if not path.exists() or _sha256(path) != digest:
            raise StewardshipError(f"the backup's {name} is missing or damaged (checksum)")
    store.parent.mkdir(parents=True, exist_ok=True)
    staged = store.with_name(store.name + ".restoring")
    shutil.copy2(source / STORE_NAME, staged)
    Path(f"{store}.wal").unlink(missing_ok=True)
    staged.replace(store)
    if appdb.SQLITE_NAME in manifest["files"]:
        url = appdb.database_url(store)
        app_file = _sqlite_path(url)
        if app_file is None:
            raise StewardshipError(
                "the backup holds an SQLite application database, but this installation uses "
                "an external one: restore that with its own tools"
            )
        appdb.engine_for(url)  # migrated: the current schema, its audit trail as it is
        appdb.dispose_all()
        _restore_tables(source / appdb.SQLITE_NAME, app_file)
    return manifest


def _restore_tables(backup_file: Path, live_file: Path) -> None:
    """The backup's users and Zelfscan answers into the live database, in one transaction;
    its audit trail stays as it is (append-only: a restore cannot roll it back)."""
    live = sqlite3.connect(live_file, isolation_level=None)
    try:
        live.execute("ATTACH DATABASE ? AS bak", (f"file:{backup_file}?mode=ro",))
        live.execute("BEGIN IMMEDIATE")
        for table in RESTORED_TABLES:
            mine = [r[1] for r in live.execute(f"PRAGMA main.table_info({table})")]
            theirs = {r[1] for r in live.execute(f"PRAGMA bak.table_info({table})")}
            columns = ", ".join(f'"{c}"' for c in mine if c in theirs)
            live.execute(f"DELETE FROM main.{table}")
            if columns:
                live.execute(
                    f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM bak.{table}"
                )
        live.execute("COMMIT")
    except sqlite3.Error as exc:
        if live.in_transaction:
            live.execute("ROLLBACK")
        raise StewardshipError(f"the backup's application database cannot be read: {exc}") from None
    finally:
        live.close()
