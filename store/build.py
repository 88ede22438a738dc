"""`terugkeer build`: run the SQL models (staging -> core -> marts) in dependency order.

Each model is a file `sql/<layer>/<name>.sql` holding one SELECT; it becomes the table
<name>. A model depends on every other table whose name it mentions. After the SQL, the
statistical models of store/models.py are fitted. The whole build runs in one
transaction; it ends by publishing a read-only snapshot for the readers.

Only what changed is rebuilt. Every table a model reads has a fingerprint of its content
(`fingerprint`); a model's input key is a digest of its SQL, the macros and the fingerprints
of its inputs. A model whose input key equals the one of its last build is kept as it is; one
that is rebuilt gets the fingerprint of its new content, so that a rebuild that changes
nothing stops there (its readers are kept too). The keys live in the store (`build_state`).
A small nazorg delivery thus rebuilds the few models that read the nazorg-exports, not the
whole warehouse; `terugkeer build --full` rebuilds everything.

A model split by its slice (store/slices.py) is three models here: its two tables and the
view of both that carries its name (in the store and, as a view, in the snapshot).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from basis.contract import KEYS
from basis.settings import SQL_DIR
from store import additive, delta, partitions, slices
from store import publish as publishing
from store.models import (
    CASEMIX_INPUT,
    CASEMIX_TABLES,
    FACTOR_TABLES,
    MODEL_TABLES,
    build_casemix,
    build_factors,
)
from store.publish import _fault, store_path
from store.publish import publish as publish_snapshot
from store.warehouse import (
    RAW_TABLES,
    STATE_TABLE,
    checkpoint,
    digest,
    drop_relation,
    ensure_schema,
    fingerprint,
    row_groups_due,
    scalar,
    settings,
    table_names,
)

LAYERS = ("staging", "core", "marts")
# The steps of a build's timings that are not models.
OTHER_STEPS = ("fingerprints", "publication", "checkpoint")
# DuckDB's memory during a build; beyond it DuckDB spills to a temporary file beside the store.
# At national scale 600 MB keeps the build's peak under 1 GB (1,052 MB without a limit, 965 MB
# with it) and makes it no slower. Not every operator spills: at ten times the scale
# mart_factors' aggregation ran out of 600 MB, so the limit grows with the detention episodes
# held (600 MB per 400,000, national scale being 322,000), up to BUILD_MEMORY_CAP_MB.
BUILD_MEMORY_MB = 600
BUILD_MEMORY_PER_EPISODES = 400_000
BUILD_MEMORY_CAP_MB = 2_500
# DuckDB's share while the success-factor model fits (its queries read at most
# FACTOR_MODEL_MAX_ROWS rows; the arrays are numpy's): see _models_memory.
MODELS_MEMORY_MB = 200
# The statistical models are code too: a change to these files refits them.
MODEL_CODE = ("models.py", "stats.py", "cellkey.py")
# Read by every model through the record_key macro (sql/macros.sql).
HIDDEN_INPUTS = ("record_key_secret",)
# DuckDB's settings while a build runs. Tables are written in parallel, in no fixed row order
# (a model's rows are a set, compared and fingerprinted as such; the tables written as their
# changes keep no order either): mart_factors written in 0.30 s instead of 0.59 s at national
# scale, and its copy in the snapshot likewise. The checkpoints vacuum only once deleted rows
# have piled up (store/warehouse.checkpoint).
BUILD_SETTINGS = {"preserve_insertion_order": False, "max_vacuum_tasks": 0}
# The statistical models' steps (store/models.py), as named in build()'s timings.
MODEL_STEPS = ("case-mix model", "success-factor model")


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    sql: str
    # Of a split model (store/slices.py): which part it is (slices.SETTLED, slices.OPEN,
    # slices.VIEW: the view of both, which carries the model's name).
    part: str | None = None

    @property
    def partition(self) -> str | None:
        """The column it is partitioned on (store/partitions.py), if any."""
        return partitions.declared(self.sql)

    @property
    def additive(self) -> tuple[str, ...] | None:
        """The counts that say whether a cell exists, when it is additive over the buckets
        of its partitioned inputs (store/additive.py)."""
        return additive.declared(self.sql)

    @property
    def slice(self) -> slices.Slice | None:
        """Which of its rows can move with a one-row input (store/slices.py), if declared."""
        return slices.declared(self.sql)


def discover_models(sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model, in an order where each comes after the models it reads. A split model
    (store/slices.py) is three: its settled rows, its open rows and the view of both."""
    models = {}
    for layer in LAYERS:
        for path in sorted((sql_dir / layer).glob("*.sql")):
            sql = path.read_text(encoding="utf-8")
            if not slices.split(sql):
                models[path.stem] = Model(path.stem, layer, sql)
                continue
            for name, (part, part_sql) in slices.parts(path.stem, sql).items():
                models[name] = Model(name, layer, part_sql, part)
    graph = {
        name: {
            other
            for other in models
            if other != name and re.search(rf"\b{re.escape(other)}\b", _strip_comments(m.sql))
        }
        for name, m in models.items()
    }
    return [models[name] for name in TopologicalSorter(graph).static_order()]


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def read_by_models(models: list[Model]) -> set[str]:
    """The models that another model's SQL reads (not a split model's view of its parts:
    it is no table, and nothing is added to it)."""
    names = {m.name for m in models}
    return {n for m in models if m.part != slices.VIEW for n in _mentions(m.sql, names - {m.name})}


def _mentions(sql: str, names: set[str]) -> list[str]:
    text = _strip_comments(sql)
    return sorted(n for n in names if re.search(rf"\b{re.escape(n)}\b", text))


def build_keys(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """Per built table: (the key of the inputs it was built from, the fingerprint of its
    content). Empty for a store built before the state was kept."""
    if STATE_TABLE not in table_names(con):
        return {}
    rows = con.execute(f"SELECT name, input_key, output_key FROM {STATE_TABLE}").fetchall()
    return {name: (inputs, output) for name, inputs, output in rows}


def build(
    con: duckdb.DuckDBPyConnection,
    sql_dir: Path = SQL_DIR,
    publish: bool = True,
    full: bool = False,
) -> dict[str, float]:
    """(Re)build every model whose inputs changed (all of them when `full`) and publish a
    snapshot for the readers (store/publish.py); returns the seconds each step took."""
    ensure_schema(con)
    timings: dict[str, float] = {}
    episodes = con.execute(f"SELECT count(*) FROM {RAW_TABLES['pi']}").fetchone()[0]
    memory = BUILD_MEMORY_MB * max(1.0, episodes / BUILD_MEMORY_PER_EPISODES)
    limit = min(BUILD_MEMORY_CAP_MB, round(memory))
    before = publishing.data_version(con)
    with settings(con, **BUILD_SETTINGS):
        with _memory_limit(con, limit):
            con.execute("BEGIN TRANSACTION")
            try:
                macros = (sql_dir / "macros.sql").read_text(encoding="utf-8")
                con.execute(macros)
                deltas = _build_tables(con, discover_models(sql_dir), macros, full, timings, limit)
                con.execute(
                    "CREATE OR REPLACE TABLE build_info AS SELECT ? AS models_digest",
                    [publishing.models_digest(sql_dir)],
                )
                _fault("build")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        row_groups = row_groups_due(before, publishing.data_version(con))
        if publish and store_path(con) is not None:
            # Published from the committed store before it is checkpointed: the readers get it
            # that much sooner (a crash before the checkpoint loses nothing: the WAL is
            # replayed).
            started = time.perf_counter()
            publish_snapshot(con, whole=full, deltas=deltas, row_groups=row_groups)
            timings["publication"] = time.perf_counter() - started
        started = time.perf_counter()
        delta.drop(con, deltas)
        partitions.drop_scopes(con)
        checkpoint(con, row_groups=row_groups)
        timings["checkpoint"] = time.perf_counter() - started
    return timings


def _build_tables(
    con: duckdb.DuckDBPyConnection,
    models: list[Model],
    macros: str,
    full: bool,
    timings: dict[str, float],
    memory_mb: int = BUILD_MEMORY_MB,
) -> list[delta.Delta]:
    """Run the models whose input key changed, then the statistical models; keep the keys.
    Returns the changes of the large tables that were written as changes (store/delta.py),
    for the publication. `memory_mb`: DuckDB's memory limit of the build (see
    _models_memory)."""
    started = time.perf_counter()
    additive.drop_rows(con)  # none should be left by an earlier build on this connection
    previous = {} if full else build_keys(con)
    existing = table_names(con)
    built = {m.name for m in models} | set(MODEL_TABLES)
    base = (existing - built - {STATE_TABLE, partitions.STATE, "build_info"}) | set(HIDDEN_INPUTS)
    wanted = {n for m in models for n in _mentions(m.sql, base)} | set(HIDDEN_INPUTS)
    raws = set(RAW_TABLES.values())
    keys = {name: fingerprint(con, name) for name in sorted(wanted & existing - raws)}
    state: dict[str, tuple[str, str]] = {}
    ledger = partitions.Ledger(
        con,
        {m.name: m.partition for m in models if m.partition},
        {name: output for name, (_, output) in previous.items() if name in existing},
    )
    # The raw tables the staging models read: partitioned by the person's bucket too, their
    # moves known from the deliveries since the last build (partitions.delivered).
    last = scalar(con, "SELECT COALESCE(max(delivery_id), 0) FROM deliveries")
    for source, raw in RAW_TABLES.items():
        if raw in wanted & existing:
            before = previous.get(raw)
            keys[raw], then = partitions.raw_fingerprints(con, raw, before)
            ledger.columns[raw] = "bucket"
            ledger.sources[raw] = KEYS[source]
            unchanged = before is not None and before[1] == keys[raw]
            ledger.moved[raw] = (
                set() if unchanged else partitions.delivered(con, raw, KEYS[source], before, then)
            )
            if ledger.moved[raw] and before is not None:
                ledger.since[raw] = int(before[0].removeprefix(partitions.READ_UP_TO))
            state[raw] = (f"{partitions.READ_UP_TO}{last}", keys[raw])
    timings["fingerprints"] = time.perf_counter() - started

    def run(
        name: str,
        input_key: str,
        make: Callable[[], None],
        outputs: tuple[str, ...],
        output_key: str | None = None,
    ) -> None:
        """`output_key`: the fingerprint of the output when it is known without reading it
        (a split model's view: the digest of its parts' fingerprints)."""
        kept = all(previous.get(o, ("",))[0] == input_key and o in existing for o in outputs)
        if kept:
            for o in outputs:
                state[o] = previous[o]
                keys[o] = previous[o][1]
            return
        started = time.perf_counter()
        make()
        for o in outputs:
            if output_key is not None:
                keys[o] = output_key
            else:
                keys[o] = ledger.fingerprint(o) if o in ledger.columns else fingerprint(con, o)
            state[o] = (input_key, keys[o])
        timings[name] = time.perf_counter() - started

    deltas: list[delta.Delta] = []
    # The models that another model reads: their changes keep the rows that went, for the
    # additive updates of their readers (store/additive.py); the others only the rows' hashes.
    read = read_by_models(models)

    def rebuild(
        model: Model,
        values: set[str | None] | None,
        added: Added | None,
        sliced: Sliced | None,
        whole: bool,
    ) -> None:
        before = previous.get(model.name, ("", None))[1] if model.name in existing else None
        sql = model.sql if model.slice is None else slices.bounded(con, model.sql, model.slice)
        if model.part == slices.VIEW:
            drop_relation(con, model.name)
            con.execute(f"CREATE VIEW main.{model.name} AS {sql}")
            return
        if whole:
            con.execute(f"CREATE OR REPLACE TABLE main.{model.name} AS\n{sql}")
            return
        if sliced is not None and before is not None and model.additive:
            where, scoped = sliced
            buckets = None
            if scoped is not None:
                changes = {d.table: d for d in deltas}
                buckets = additive.views(con, scoped[1], scoped[0], changes)
            made = slices.update(
                con, model.name, sql, before, where, model.additive, buckets,
                gone_rows=model.name in read,
            )  # fmt: skip
        elif model.partition:
            inputs = _mentions(model.sql, set(keys) - {model.name})
            made = ledger.rebuild(model.name, sql, before, values, inputs)
        elif added is not None and before is not None and model.additive:
            changes = {d.table: d for d in deltas}
            if isinstance(added, str):  # a roll-up of an additive table
                inputs = additive.rolled_up(added, changes[added])
            else:
                where, partitioned = added
                inputs = additive.views(con, partitioned, where, changes)
            made = additive.update(con, model.name, sql, before, model.additive, inputs)
        else:
            made = delta.rebuild(con, model.name, sql, before, model.name in read)
        if made is not None:
            deltas.append(made)

    hidden = [keys.get(n, "") for n in HIDDEN_INPUTS]
    # Additive models that are not partitioned: a model additive over one of them alone is
    # its roll-up (store/additive.py).
    rollups = {m.name for m in models if m.additive and not m.partition}
    # The one-row inputs that slices move with: their rows before the build (store/slices.py).
    sliced_by = {m.slice.source for m in models if m.slice}
    for model in models:
        inputs = _mentions(model.sql, set(keys) - {model.name})
        input_key = digest(model.sql, macros, *hidden, *(f"{n}={keys[n]}" for n in inputs))
        # By partition only when nothing else it reads (its SQL, the macros, the inputs that
        # are not partitioned) changed since its last build.
        values, added, sliced = None, None, None
        made = {d.table for d in deltas}
        moved = [n for n in inputs if n in previous and keys[n] != previous[n][1]]
        # A split model's open rows, when their slice input moved: every one of them may have
        # moved, and they are written whole (store/slices.py).
        whole = (
            model.part == slices.OPEN and model.slice is not None and model.slice.source in moved
        )
        if (model.partition or model.additive) and moved and model.name in previous and not whole:
            earlier = digest(
                model.sql, macros, *hidden,
                *(f"{n}={previous[n][1] if n in moved else keys[n]}" for n in inputs),
            )  # fmt: skip
            if earlier == previous[model.name][0]:
                if model.partition:
                    values = ledger.to_rebuild(model.name, moved)
                elif len(moved) == 1 and moved[0] in rollups and moved[0] in made:
                    # A roll-up of one additive table: its changes, rolled up.
                    added = moved[0]
                elif model.additive and model.slice and model.slice.source in moved:
                    sliced = _slice_scope(con, ledger, model, inputs, moved, made)
                else:
                    added = _additive_scope(ledger, inputs, moved, made)
        if model.name in sliced_by and model.name in existing:
            slices.keep_before(con, model.name)
        run(
            model.name,
            input_key,
            lambda m=model, v=values, a=added, s=sliced, w=whole: rebuild(m, v, a, s, w),
            (model.name,),
            digest(*(f"{n}={keys[n]}" for n in inputs)) if model.part == slices.VIEW else None,
        )
        if model.partition and model.name not in ledger.moved:
            ledger.keep(model.name)
    slices.drop_before(con, sliced_by)
    additive.drop_rows(con)
    code = [(Path(__file__).parent / f).read_text(encoding="utf-8") for f in MODEL_CODE]
    # Each statistical model is refitted only when its input or the code changed.
    casemix, factors = MODEL_STEPS
    run(casemix, digest(*code, keys[CASEMIX_INPUT]), lambda: build_casemix(con), CASEMIX_TABLES)
    with _models_memory(con, memory_mb):
        run(factors, digest(*code, keys["mart_factors"]), lambda: build_factors(con), FACTOR_TABLES)
    con.execute(
        f"CREATE OR REPLACE TABLE {STATE_TABLE} "
        "(name VARCHAR, input_key VARCHAR, output_key VARCHAR)"
    )
    con.executemany(
        f"INSERT INTO {STATE_TABLE} VALUES (?, ?, ?)",
        [(name, i, o) for name, (i, o) in sorted(state.items())],
    )
    return deltas


@contextmanager
def _memory_limit(
    con: duckdb.DuckDBPyConnection, megabytes: int, after: int | None = None
) -> Iterator[None]:
    """DuckDB's memory limit at `megabytes` for the body, and at `after` megabytes afterwards
    (None: DuckDB's default). Given, not read back: DuckDB reports the limit rounded ("572.2
    MiB"), and setting that back is not the limit it was. When the body fails inside a
    transaction, setting it back fails too (the transaction is aborted) and is left to whoever
    rolls the transaction back (build(): its own limit is set back after the rollback); the
    body's error is what is raised."""
    back = "RESET memory_limit" if after is None else f"SET memory_limit = '{after}MB'"
    con.execute(f"SET memory_limit = '{megabytes}MB'")
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            con.execute(back)
        raise
    con.execute(back)


@contextmanager
def _models_memory(con: duckdb.DuckDBPyConnection, build_mb: int) -> Iterator[None]:
    """DuckDB's memory held to MODELS_MEMORY_MB while the success-factor model fits: it gives
    up the blocks it keeps cached (up to the build's limit), which the model's arrays need.
    The build's peak at a justice-records quarter, national scale: 1,230 -> 915 MB. (Not the
    case-mix model: its mart joins and sums every cohort cell, which at ten times the
    national scale needs more.)

    Only up to the national scale (the build's limit `build_mb` at its base): in a larger
    store the build's limit grows with the data, and the changes it holds for the
    publication, pushed to disk to make that room and read back, cost more than the memory
    is worth (ten times the national scale: a nazorg export 7.6 -> 11.8 s at rest)."""
    if build_mb > BUILD_MEMORY_MB:
        yield
        return
    with _memory_limit(con, MODELS_MEMORY_MB, after=build_mb):
        yield


# An additive model's update (store/additive.py): the predicate selecting the moved
# buckets and its partitioned inputs, or the additive table it rolls up.
Added = tuple[str, list[str]] | str


def _additive_scope(
    ledger: partitions.Ledger, inputs: list[str], moved: list[str], changed: set[str]
) -> Added | None:
    """How an additive model is brought up to date by adding what its moved inputs changed:
    when every moved input is partitioned alike, its moved values are known and its changes
    were written as such (`changed`), and they hold at most delta.MAX_SHARE of its rows.
    None: it is rebuilt (as its changes where that pays: store/delta.py)."""
    columns = {ledger.columns.get(n) for n in moved}
    if len(columns) != 1 or None in columns:
        return None
    (column,) = columns
    values: set[str | None] = set()
    for name in moved:
        found = ledger.moved.get(name)
        if found is None or name not in changed:
            return None
        values |= found
    if any(ledger.rows(n, values) > delta.MAX_SHARE * ledger.rows(n) for n in moved):
        return None
    partitioned = [n for n in inputs if ledger.columns.get(n) == column]
    return ledger.stored_scope(column, values, partitioned[0]), partitioned


# A sliced model's update (store/slices.py): the predicate selecting its rows that can have
# moved with the one-row input, and how the others are brought up to date (None: no bucket
# moved).
Sliced = tuple[str, tuple[str, list[str]] | None]


def _slice_scope(
    con: duckdb.DuckDBPyConnection,
    ledger: partitions.Ledger,
    model: Model,
    inputs: list[str],
    moved: list[str],
    changed: set[str],
) -> Sliced | None:
    """How an additive model whose slice input moved is brought up to date: its slice
    computed again, and the rest by the difference of the buckets its other moved inputs
    moved (as `_additive_scope` tells). None: it is rebuilt."""
    assert model.slice is not None
    where = slices.scope(con, model.name, model.slice)
    if where is None:
        return None
    others = [n for n in moved if n != model.slice.source]
    if not others:
        return where, None
    scoped = _additive_scope(ledger, inputs, others, changed)
    if scoped is None or isinstance(scoped, str):
        return None
    return where, scoped


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the marts exist and are no older than the last delivery."""
    tables = table_names(con)
    # A warehouse built by an older version lacks newer models: it needs a rebuild too.
    expected = {m.name for m in discover_models()} | set(MODEL_TABLES)
    if not expected <= tables:
        return False
    if "build_info" not in tables:
        return False
    if scalar(con, "SELECT models_digest FROM build_info") != publishing.models_digest():
        return False  # built by other code
    built_version = scalar(con, "SELECT data_version FROM mart_data_status")
    current = scalar(con, "SELECT COALESCE(max(delivery_id), 0) FROM deliveries")
    return built_version == current
