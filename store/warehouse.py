"""The DuckDB warehouse file: connections and the tables that ingest writes.

DuckDB lets one process write a database file at a time, and a writer excludes readers in
other processes. So: ingest and build take a read-write connection, waiting for the lock
while someone else holds it; the dashboard takes short-lived read-only connections and caches
what it reads per data version (see published/reader.py).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import duckdb

from basis.contract import COLUMNS, DATE_COLUMNS
from basis.reference import Reference, load_reference
from basis.settings import SQL_DIR, make_private, private_files

RAW_TABLES: dict[str, str] = {
    "pi": "raw_pi_episodes",
    "gemeente": "raw_gemeente_trajectories",
    "recidive": "raw_recidive_cases",
    "reclassering": "raw_reclassering_trajectories",
}


class WarehouseBusy(Exception):
    """Another process holds the warehouse for writing."""


class WarehouseBroken(Exception):
    """The warehouse file exists but is not a DuckDB database this product can read."""


def connect(
    path: Path, read_only: bool = False, wait_seconds: float = 60.0
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writer waits up to `wait_seconds` for another writer to finish."""
    if read_only and not path.exists():
        raise FileNotFoundError(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
        private_files()
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            if not read_only:
                for made in (path, Path(f"{path}.wal")):
                    make_private(made)
            return con
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise WarehouseBroken(f"{path} cannot be opened as a warehouse") from None
            if time.monotonic() >= deadline:
                raise WarehouseBusy(f"{path} is in use by another process") from None
            time.sleep(0.25)
        except duckdb.Error:
            raise WarehouseBroken(f"{path} is not a DuckDB warehouse") from None


def _raw_table_ddl(source: str) -> str:
    columns = []
    for column in COLUMNS[source]:
        kind = "DATE" if column in DATE_COLUMNS[source] else "VARCHAR"
        if column == "geboortejaar":
            kind = "INTEGER"
        columns.append(f"{column} {kind}")
    return (
        f"CREATE TABLE IF NOT EXISTS {RAW_TABLES[source]} ("
        "delivery_id INTEGER NOT NULL, row_number INTEGER NOT NULL, " + ", ".join(columns) + ")"
    )


SCHEMA = [
    "CREATE SEQUENCE IF NOT EXISTS delivery_seq START 1",
    """CREATE TABLE IF NOT EXISTS deliveries (
        delivery_id INTEGER PRIMARY KEY,
        file_name VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        source VARCHAR,
        supplier VARCHAR,
        delivery_date DATE,
        ingested_at TIMESTAMP NOT NULL,
        status VARCHAR NOT NULL,
        rows_read INTEGER,
        rows_loaded INTEGER,
        rows_quarantined INTEGER,
        rows_duplicate INTEGER,
        ignored_columns VARCHAR[],
        error_counts JSON,
        reason VARCHAR,
        is_synthetic BOOLEAN
    )""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        delivery_id INTEGER NOT NULL,
        row_number INTEGER NOT NULL,
        column_name VARCHAR,
        rule VARCHAR NOT NULL,
        message VARCHAR,
        raw_values JSON
    )""",
    *(_raw_table_ddl(s) for s in RAW_TABLES),
    """CREATE TABLE IF NOT EXISTS ref_gemeenten (
        gemeente_code VARCHAR PRIMARY KEY, gemeente_naam VARCHAR, provincie VARCHAR,
        veiligheidsregio VARCHAR, geldig_tot DATE, current_code VARCHAR, inwoners_2019 INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS ref_pis (
        pi_code VARCHAR PRIMARY KEY, pi_naam VARCHAR, vestigingsplaats VARCHAR,
        gemeente_code VARCHAR, locaties VARCHAR
    )""",
    (SQL_DIR / "current_quarantine.sql").read_text(encoding="utf-8"),
    # Added after the first stores were made: why a refused file was refused, as a code with
    # its parameters (intake/refusals.py), so that the dashboard can say it in Dutch.
    "ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS reason_code VARCHAR",
    "ALTER TABLE deliveries ADD COLUMN IF NOT EXISTS reason_params JSON",
    # The secret behind the record keys of the cell-key method (core_releases, docs/cellkey.md):
    # drawn once when the store is made, kept with it, never published.
    f"CREATE TABLE IF NOT EXISTS record_key_secret AS SELECT '{secrets.token_hex(32)}' AS secret",
]


def ensure_schema(con: duckdb.DuckDBPyConnection, ref: Reference | None = None) -> None:
    """Create what is missing and refresh the reference tables from data/reference/."""
    ref = ref or load_reference()
    for statement in SCHEMA:
        con.execute(statement)
    gemeenten = ref.gemeenten.join(
        ref.herindelingen.select("oude_code", "nieuwe_code"),
        left_on="gemeente_code",
        right_on="oude_code",
        how="left",
    ).join(ref.inwoners.select("gemeente_code", "inwoners_2019"), on="gemeente_code", how="left")
    con.register("incoming_gemeenten", gemeenten)
    con.register("incoming_pis", ref.pis)
    con.execute("DELETE FROM ref_gemeenten")
    con.execute(
        """INSERT INTO ref_gemeenten
           SELECT gemeente_code, gemeente_naam, provincie, veiligheidsregio,
                  TRY_CAST(geldig_tot AS DATE), COALESCE(nieuwe_code, gemeente_code), inwoners_2019
           FROM incoming_gemeenten"""
    )
    con.execute("DELETE FROM ref_pis")
    con.execute("INSERT INTO ref_pis SELECT * FROM incoming_pis")
    con.unregister("incoming_gemeenten")
    con.unregister("incoming_pis")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The first value of a query's first row (the whole result is fetched: DuckDB 2 keeps an
    unfinished result open on the connection otherwise)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def database_name(con: duckdb.DuckDBPyConnection) -> str:
    """The name of the connection's own database: its tables as `"<name>".main.<table>`
    are the stored ones, not a temporary view that shadows them (store/delta.py)."""
    return str(scalar(con, "SELECT current_database()"))


@contextmanager
def settings(con: duckdb.DuckDBPyConnection, **values: object) -> Iterator[None]:
    """DuckDB's settings at `values` for the body, and as they were afterwards. (Should the
    body fail inside a transaction, setting them back fails too, and is left to whoever rolls
    it back; the body's error is what is raised.)"""
    before = {
        name: scalar(con, "SELECT value FROM duckdb_settings() WHERE name = ?", [name])
        for name in values
    }
    _set(con, values)
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            _set(con, before)
        raise
    _set(con, before)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _set(con: duckdb.DuckDBPyConnection, values: dict[str, object]) -> None:
    for name, value in values.items():
        con.execute(f"SET {name} = {_literal(value)}")


# DuckDB's checkpoint vacuums as it goes: it rewrites into fewer row groups those that hold
# deleted rows or are partly filled (duckdb PR 9931). A delivery written as its changes deletes
# a few rows from many row groups, so every build's checkpoint rewrote hundreds of thousands of
# rows that it had not changed: at a justice-records quarter (national scale) 370,000 rows of
# stg_recidive_cases and 161,000 of mart_factors, 0.62 of the checkpoint's 0.65 s, and the
# snapshot's checkpoint likewise. So a checkpoint vacuums only once a table holds many deleted
# rows (at least VACUUM_ROWS, and VACUUM_SHARE of what its row groups hold) or many more row
# groups than its rows need (VACUUM_SPARE_GROUPS: DuckDB appends every later write to a table as
# a row group of its own, for a vacuum to merge), and then every table that the checkpoint
# writes: deleted rows and small row groups cost space and reading time only that much.
# Counting the rows is cheap (0.02 s for the store's 45 tables); counting the row groups is not
# (0.16 s: DuckDB lists every column's segments), so a build looks at them once its data
# version has passed a multiple of ROW_GROUPS_EVERY (`row_groups_due`): a table gathers at most
# one row group a delivery.
VACUUM_ROWS = 10_000
VACUUM_SHARE = 0.2
VACUUM_SPARE_GROUPS = 16
ROW_GROUPS_EVERY = 8
ROW_GROUP_ROWS = 122_880  # DuckDB's row group size


def row_groups_due(before: int, after: int) -> bool:
    """Whether a build that takes the data from version `before` to `after` counts the row
    groups (see above)."""
    return before // ROW_GROUPS_EVERY != after // ROW_GROUPS_EVERY


@dataclass(frozen=True)
class Held:
    """What a table's storage holds: its rows, the rows its row groups hold (those and the
    deleted ones not yet vacuumed) and its row groups."""

    rows: int
    held: int
    row_groups: int

    @property
    def worth_vacuuming(self) -> bool:
        deleted = self.held - self.rows
        spare = self.row_groups - -(-self.held // ROW_GROUP_ROWS)
        return (
            deleted >= VACUUM_ROWS and deleted >= VACUUM_SHARE * self.held
        ) or spare >= VACUUM_SPARE_GROUPS


def storage(
    con: duckdb.DuckDBPyConnection, database: str | None = None, row_groups: bool = True
) -> dict[str, Held]:
    """Per table of `database` (default: the connection's own): what its storage holds (its
    row groups counted only when `row_groups`; else as many as its rows need)."""
    database = database or database_name(con)
    tables = con.execute(
        "SELECT table_name, estimated_size FROM duckdb_tables() "
        "WHERE database_name = ? AND schema_name = 'main' AND NOT temporary",
        [database],
    ).fetchall()
    out = {}
    for table, size in tables:
        name = f'"{database}".main."{table}"'
        rows = int(scalar(con, f"SELECT count(*) FROM {name}"))
        groups = -(-int(size) // ROW_GROUP_ROWS)
        if row_groups:
            groups = int(
                scalar(
                    con, "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info(?)", [name]
                )
            )
        out[table] = Held(rows, int(size), groups)
    return out


def needs_vacuum(
    con: duckdb.DuckDBPyConnection, database: str | None = None, row_groups: bool = True
) -> bool:
    """Whether a table of `database` is worth vacuuming (see above; its row groups looked at
    only when `row_groups`)."""
    return any(held.worth_vacuuming for held in storage(con, database, row_groups).values())


# DuckDB's default number of vacuum tasks a checkpoint may schedule.
VACUUM_TASKS = 100


def checkpoint(
    con: duckdb.DuckDBPyConnection, database: str | None = None, row_groups: bool = True
) -> bool:
    """CHECKPOINT `database` (default: the connection's own), vacuuming only when
    `needs_vacuum` (`row_groups`: whether to count them). Returns whether it vacuumed."""
    vacuum = needs_vacuum(con, database, row_groups)
    with settings(con, max_vacuum_tasks=VACUUM_TASKS if vacuum else 0):
        con.execute("CHECKPOINT" if database is None else f"CHECKPOINT {database}")
    return vacuum


# --- what a build made (store/build.py), read by the publication too -------------------

# Per built table: the key of the inputs it was built from and the fingerprint of its content.
STATE_TABLE = "build_state"


def temp_tables(con: duckdb.DuckDBPyConnection, prefix: str) -> list[str]:
    """The temporary tables of the connection whose name starts with `prefix`."""
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)",
            [prefix],
        ).fetchall()
    ]


def drop_temp_tables(con: duckdb.DuckDBPyConnection, prefix: str) -> None:
    """Drop the temporary tables whose name starts with `prefix`."""
    for name in temp_tables(con, prefix):
        con.execute(f'DROP TABLE IF EXISTS temp.main."{name}"')


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables and views of the connection's own database (not of attached ones)."""
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema = 'main'"
        ).fetchall()
    }


def drop_relation(con: duckdb.DuckDBPyConnection, name: str, database: str | None = None) -> None:
    """Drop table or view `name` of `database` (default: the connection's own), whichever it
    is, if it exists (DROP TABLE refuses a view, and DROP VIEW a table)."""
    database = database or database_name(con)
    kinds = con.execute(
        "SELECT 'TABLE' FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ? UNION ALL SELECT 'VIEW' FROM duckdb_views() "
        "WHERE database_name = ? AND schema_name = 'main' AND view_name = ?",
        [database, name, database, name],
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f'DROP {kind} IF EXISTS "{database}".main."{name}"')


def digest(*parts: object) -> str:
    """A short stable digest of the parts' text."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


def fingerprint(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """A digest of a table's columns and content (its rows as a multiset: equal content in
    another order has the same fingerprint). A sum of 64-bit row hashes: tens of milliseconds
    for a million rows."""
    rows, total = con.execute(
        f'SELECT count(*), COALESCE(sum(CAST(hash(t) AS HUGEINT)), 0) FROM "{table}" AS t'
    ).fetchall()[0]
    return fingerprint_of(con, table, rows, total)


def fingerprint_of(con: duckdb.DuckDBPyConnection, table: str, rows: int, total: int) -> str:
    """The fingerprint of `table` holding `rows` rows whose hashes sum to `total`."""
    # duckdb_columns(): the same text as information_schema.columns in half the time.
    columns = con.execute(
        "SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) "
        "FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?",
        [table],
    ).fetchall()[0][0]
    return digest(columns, rows, total)
