"""Reading the current publication: the only way the table layer, the dashboard and the CLI
reach data.

It reads only the current publication: an immutable read-only snapshot of the store
(store/publish.py), never the store itself, so a load never stalls it. One DuckDB instance
per snapshot for the process, a cursor per query (cursors are not shared between threads).
Results are kept per publication (published/cache.py); a new one is noticed within
POLL_SECONDS and its queries go to it, while running ones finish on the old one; a page run
(`one_publication`) reads one publication throughout. A long-running server (`warm_first`)
first asks the new publication, in the background, what its readers asked of the old one, and
moves them to it when that is done (or after WARM_SECONDS at most): the first readers after a
delivery do not wait for the pages everyone reads.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from basis.settings import load_settings, warehouse_path
from published import cache
from store import publish
from store.cellkey import PTable, perturb_frame, ptable
from store.warehouse import WarehouseBroken, connect

_log = logging.getLogger(__name__)
_store: list[Path] = []


def use_store(path: Path) -> None:
    """Read the publications of `path` from now on (the CLI's --warehouse; tests)."""
    release()
    _store[:] = [Path(path)]


def warehouse_file() -> Path:
    """The store whose publications are read (only its name: readers never open it)."""
    return _store[0] if _store else warehouse_path(None)


# How often a process looks for a newer publication.
POLL_SECONDS = 0.25
_polled: dict[Path, tuple[float, Path | None]] = {}
# Per thread: the store and snapshot that `one_publication` holds it to.
_pins = threading.local()


@contextlib.contextmanager
def one_publication() -> Iterator[None]:
    """Every read in this block, in this thread, goes to the publication that is current at
    its start: a page is drawn from one publication, also when a newer one appears meanwhile
    (the next run of the page shows that one)."""
    store = warehouse_file()
    held = getattr(_pins, "held", None)
    _pins.held = (store, publication(store))
    try:
        yield
    finally:
        _pins.held = held


def publication(store: Path | None = None) -> Path | None:
    """The current snapshot of the store (looked up at most once per POLL_SECONDS), or the
    one this thread is held to (`one_publication`). With `warm_first`, a newer snapshot is
    current once it has been warmed."""
    store = store or warehouse_file()
    held = getattr(_pins, "held", None)
    if held is not None and held[0] == store:
        return held[1]
    now = time.monotonic()
    seen = _polled.get(store)
    if seen is None or now - seen[0] >= POLL_SECONDS:
        seen = (now, publish.current(store))
        _polled[store] = seen
    return _served(store, seen[1], now)


# At most this long a newer publication is warmed before readers are moved to it.
WARM_SECONDS = 5.0
_warming_on: list[float] = []  # seconds to warm a newer publication (warm_first)
_switch = threading.Lock()
_serving: dict[Path, Path | None] = {}  # store -> the snapshot its readers get
# store -> (the newer snapshot being warmed, until when at most, set when it is warm)
_warming: dict[Path, tuple[Path, float, threading.Event]] = {}


def warm_first(seconds: float = WARM_SECONDS) -> None:
    """From now on (in this process: a server), warm a newer publication before readers are
    moved to it, for at most `seconds` (0: move them at once)."""
    _warming_on[:] = [seconds] if seconds > 0 else []


def _served(store: Path, newest: Path | None, now: float) -> Path | None:
    with _switch:
        served = _serving.get(store)
        if newest == served:
            return served
        if served is None or newest is None or newest < served or not _warming_on:
            return _move(store, served, newest)
        warming = _warming.get(store)
        if warming is None or warming[0] != newest:
            ready = threading.Event()
            _warming[store] = (newest, now + _warming_on[0], ready)
            threading.Thread(
                target=_warm, args=(store, served, newest, now + _warming_on[0], ready),
                name="warm-publication", daemon=True,
            ).start()  # fmt: skip
            return served
        if warming[2].is_set() or now >= warming[1]:
            return _move(store, served, newest)
        return served


def _move(store: Path, served: Path | None, newest: Path | None) -> Path | None:
    """Readers of `store` get `newest` from now on (with _switch held)."""
    _serving[store] = newest
    _warming.pop(store, None)
    if served is not None:
        cache.retire((str(served),))
    return newest


def _warm(store: Path, served: Path, newest: Path, deadline: float, ready: threading.Event) -> None:
    """Ask `newest`, in this thread, what readers asked of `served`; then let them move."""

    def go_on() -> bool:  # until the deadline, and while nothing newer came
        warming = _warming.get(store)
        return time.monotonic() < deadline and warming is not None and warming[0] == newest

    _pins.held = (store, newest)
    try:
        asked = cache.warm((str(served),), go_on)
        _log.info("warmed %s: %d results", newest.name, asked)
    except Exception as exc:  # noqa: BLE001 -- readers move on and meet it themselves
        _log.info("warming %s: %s", newest.name, type(exc).__name__)
    finally:
        _pins.held = None
        ready.set()


def version(path: Path | None = None) -> tuple:
    """The cache key of every query: the current snapshot's file (a new publication is a new
    file, so caches never mix two publications)."""
    snapshot = publication(path)
    return (str(snapshot) if snapshot else "",)


class _SharedReader:
    """One read-only DuckDB instance per snapshot for the whole server, so that its buffer
    cache stays warm between script runs. Every query gets its own cursor (a cursor is used
    by one thread only). When readers are moved to a newer snapshot, the older instance is
    closed once its running queries have finished."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, duckdb.DuckDBPyConnection] = {}
        self._users: dict[str, int] = {}

    @contextlib.contextmanager
    def cursor(self, key: tuple) -> Iterator[duckdb.DuckDBPyConnection]:
        name = key[0]
        if not name:
            raise FileNotFoundError("nothing published yet")
        with self._lock:
            if name not in self._open:
                self._open[name] = connect(Path(name), read_only=True, wait_seconds=5)
                self._users[name] = 0
            self._users[name] += 1
            cur = self._open[name].cursor()
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._users[name] -= 1
                self._close_superseded()

    def _close_superseded(self) -> None:
        live = {str(p) for p in list(_serving.values()) if p is not None}
        live |= {str(w[0]) for w in list(_warming.values())}  # (copies: another thread moves)
        for name in [n for n in self._open if n not in live and self._users[n] == 0]:
            self._open.pop(name).close()
            self._users.pop(name)

    def release(self, timeout: float = 30) -> None:
        """Close every instance (tests, and the end of the process)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not any(self._users.values()):
                    for con in self._open.values():
                        con.close()
                    self._open.clear()
                    self._users.clear()
                    break
            time.sleep(0.05)
        _polled.clear()
        with _switch:
            _serving.clear()
            _warming.clear()


_reader = _SharedReader()
atexit.register(_reader.release, timeout=1)


def release() -> None:
    """Close the read-only connections, and forget the last publication seen, what was
    computed from it, the store chosen by `use_store` and `warm_first`."""
    _reader.release()
    warm_first(0)
    cache.clear()
    _store.clear()
    _exact[0] = False


_exact: list[bool] = [False]


def exact_counts() -> None:
    """From now on this process reads counts without the cell-key noise (`terugkeer figures
    --exact`: the operator's reference on the server; suppression still applies)."""
    _exact[0] = True
    cache.clear()


def noise_table() -> PTable | None:
    """The perturbation table of the settings, or None for exact counts."""
    if _exact[0]:
        return None
    settings = load_settings()
    return ptable(
        settings.cell_key_max_noise, settings.cell_key_variance, settings.suppression_threshold
    )


def max_noise() -> int:
    """The largest noise on a count as read now (0: exact counts)."""
    table = noise_table()
    return table.max_noise if table else 0


@cache.per_publication(lambda: version(), size=1024)
def _read(sql: str, params: tuple) -> pl.DataFrame:
    with _reader.cursor(version()) as con:
        # Parameters are cached as tuples; DuckDB binds a tuple as a STRUCT, so lists return.
        frame = con.sql(sql, params=[list(p) if isinstance(p, tuple) else p for p in params]).pl()
    # Every count that travels with its key sum gets its noise here, before anything is
    # computed from it (published/queries.py writes the key sums beside the counts).
    return perturb_frame(frame, noise_table())


def read(sql: str, params: list | None = None) -> pl.DataFrame:
    """Run a query on the current publication (kept per publication, for every user)."""
    frozen = tuple(tuple(p) if isinstance(p, list) else p for p in (params or []))
    return _read(sql, frozen)


# --- the warehouse itself -------------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseState:
    kind: str  # missing, broken, busy, empty, ready
    status: dict | None = None


def data_status() -> dict:
    """The data status row of the current publication, with the time it was published ({}
    when the mart is empty)."""
    frame = read("SELECT s.*, p.published_at FROM mart_data_status AS s, publication AS p")
    return frame.row(0, named=True) if frame.height else {}


def warehouse_state() -> WarehouseState:
    """Whether there is anything to show, and the data status row (with the publication's
    time) when there is."""
    store = warehouse_file()
    if publication(store) is None:
        if publish.writer_active(store):
            return WarehouseState("busy")
        return WarehouseState("missing" if not store.exists() else "unpublished")
    try:
        status = data_status()
    except WarehouseBroken:
        return WarehouseState("broken")
    except duckdb.CatalogException:
        return WarehouseState("empty")
    except duckdb.Error:
        return WarehouseState("broken")
    if _published_digest() != publish.models_digest():
        return WarehouseState("outdated")  # made by other code: its marts may not fit
    if not status or not status["n_deliveries"] or status["last_release_year"] is None:
        return WarehouseState("empty", status)
    return WarehouseState("ready", status)


def _published_digest() -> str | None:
    """The fingerprint of the code that made the current publication (None: unknown)."""
    try:
        frame = read("SELECT models_digest FROM publication")
    except duckdb.Error:
        return None  # published before publications carried one
    return frame["models_digest"][0] if frame.height else None


def loading_now() -> dict | None:
    """Who is loading into the store right now (the pages keep showing the publication)."""
    return publish.writer_active(warehouse_file())
