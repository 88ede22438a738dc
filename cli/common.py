"""What every command module shares: exit codes, the plain error, the writer's waiting
message, and reading the store's current publication (finished first)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from basis.settings import warehouse_path

if TYPE_CHECKING:
    import duckdb

EXIT_OK, EXIT_ERROR, EXIT_REFUSED = 0, 1, 2


class CliError(Exception):
    """A plain message for the user; exit code 1."""


def _waiting(store: Path) -> Callable[[dict], None]:
    def say(holder: dict) -> None:
        print(
            f"terugkeer: waiting for another load into {store} to finish "
            f"(process {holder.get('pid', '?')}, {holder.get('what', 'ingest')} "
            f"since {holder.get('since', '?')})",
            file=sys.stderr,
            flush=True,
        )

    return say


def finish(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    """Bring the publication up to the store: build when the marts are behind the deliveries,
    publish when the current snapshot is behind the build (after a crash, or an older
    version's warehouse). The caller holds the writer lock."""
    from store.build import build, is_built
    from store.publish import is_published, publish

    if not is_built(con):
        build(con)
    elif not is_published(con, store):
        publish(con, store)


def ensure_publication(store: Path, wait_seconds: float = 600.0) -> Path | None:
    """The current snapshot, after finishing any work a crash left (a build or publication
    behind the store) or an upgrade asks for (marts made by other code are rebuilt). While
    another load runs, its snapshot is served as it is: that load publishes when done. None
    when there is no store and no publication."""
    from store.publish import (
        WriterBusy,
        current,
        models_digest,
        published_digest,
        writer_active,
        writer_lock,
    )
    from store.warehouse import connect

    snapshot = current(store)
    if not store.exists() or (snapshot is not None and writer_active(store)):
        return snapshot
    if (
        snapshot is not None
        and not _store_changed_since(store, snapshot)
        and published_digest(store) == models_digest()
    ):
        return snapshot  # nothing left to finish: readers need not touch the store
    try:
        with writer_lock(
            store, wait_seconds if snapshot is None else 0, _waiting(store), "publish"
        ):
            con = connect(store)
            try:
                finish(con, store)
            finally:
                con.close()
    except WriterBusy:
        if snapshot is None:
            raise
    return current(store)


def _store_changed_since(store: Path, snapshot: Path) -> bool:
    """Whether the store (or its write-ahead log) was written after the snapshot was."""
    published = snapshot.stat().st_mtime
    return any(
        path.exists() and path.stat().st_mtime > published for path in (store, Path(f"{store}.wal"))
    )


@contextlib.contextmanager
def _published_tables(warehouse: str | None) -> Iterator[None]:
    """Read the published tables of the store's current publication (finished first), the
    same tables read the same way as the dashboard's."""
    from published import reader

    path = warehouse_path(warehouse)
    if ensure_publication(path) is None:
        raise CliError(f"no warehouse at {path}: run 'terugkeer ingest' first")
    reader.use_store(path)
    try:
        with reader.one_publication():  # every figure from one publication
            yield
    finally:
        reader.release()
