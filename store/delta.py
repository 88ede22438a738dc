"""Writing a rebuilt table as its changes: the rows that went and the rows that came.

A small delivery changes a few rows of a large table (a nazorg export: one municipality's
rows of mart_factors), but writing the whole table again costs more than computing it: DuckDB
compresses and writes every row into the store, and again into the snapshot (at ten times the
national scale mart_factors took 4.6 s to compute and 5.7 s to write, and its publication 5
s more). So a large table whose columns stay the same is computed into a temporary table,
compared with what it holds, and only the differences are deleted and inserted; the
publication applies the same changes to its copy of the snapshot.

Rows are compared by their 64-bit hash (an anti-join on one number: a tenth of the time of
EXCEPT ALL over every column), as the fingerprints that decide what is rebuilt compare them
(store/warehouse.fingerprint). The rows of every model are distinct (each has a key:
tests/store/test_grain.py), so a deleted row is exactly one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from store.warehouse import database_name, scalar

# Below this many rows a table is simply written again; above MAX_ROWS too: its new rows
# would not fit the build's memory limit as a temporary table, and spilling them to disk was
# slower than writing the table whole (mart_factors at ten times the national scale, 2.8
# million rows: 14 s against 10 s).
MIN_ROWS = 50_000
MAX_ROWS = 1_000_000
# Above this share of changed rows (went + came) too.
MAX_SHARE = 0.2
# The column of the new rows' hashes in delta_new_<table> (see _made).
HASH = "delta_row_hash"


@dataclass(frozen=True)
class Delta:
    """The changes that turned `table` with fingerprint `before` into its new content."""

    table: str
    before: str
    gone: str  # temporary tables of the connection
    came: str
    # A predicate that holds for every row that went (the partitions rebuilt): the rows to
    # look at when deleting them.
    scope: str = "true"
    # Whether `gone` holds the rows that went, or only their hashes (column h): enough to
    # delete them, and what a table that no model reads needs (see `_compare`).
    gone_rows: bool = True


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {relation}").fetchall()]


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    return int(scalar(con, f"SELECT count(*) FROM {relation}"))


def _made(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> str:
    """The rows of `sql` as temporary table delta_new_<name>, each with its hash (column
    HASH, the hash of the row without it: as `hash(t)` of the row in the table) made in the
    same pass: the comparison reads the new rows once more, not twice."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE delta_new_{name} AS "
        f"SELECT t.*, hash(t) AS {HASH} FROM (\n{sql}\n) AS t"
    )
    return f"temp.delta_new_{name}"


def _compare(
    con: duckdb.DuckDBPyConnection,
    name: str,
    old: str,
    new: str,
    most: int | None = None,
    gone_rows: bool = True,
) -> bool:
    """The temporary tables of the rows that went (in `old`, not in `new`: made by `_made`)
    and came. With `most`, only when at most that many rows went and came together: the
    rows' hashes are compared first (one number a row; the rows themselves are copied only
    when they are to be written as changes), and False says that they are more. Without
    `gone_rows`, only the hashes of the rows that went are kept: copying the rows took 0.75 s
    of a quarter at ten times the national scale (mart_factors' 464,000), for no reader."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE delta_oldh_{name} AS SELECT hash(t) AS h FROM {old} AS t"
    )
    old_hashes, new_hashes = f"temp.delta_oldh_{name}", f"(SELECT {HASH} AS h FROM {new})"
    try:
        gone = f"SELECT h FROM {old_hashes} ANTI JOIN {new_hashes} USING (h)"
        came = f"SELECT h FROM {new_hashes} ANTI JOIN {old_hashes} USING (h)"
        if most is not None:
            changed = scalar(
                con, f"SELECT (SELECT count(*) FROM ({gone})) + (SELECT count(*) FROM ({came}))"
            )
            if changed > most:
                return False
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE delta_gone_{name} AS "
            + (
                f"SELECT t.* FROM {old} AS t SEMI JOIN ({gone}) AS x ON hash(t) = x.h"
                if gone_rows
                else gone
            )
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE delta_came_{name} AS SELECT * EXCLUDE ({HASH}) "
            f"FROM {new} WHERE {HASH} IN ({came})"
        )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {old_hashes}")
    return True


def rebuild(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    before: str | None,
    gone_rows: bool = True,
) -> Delta | None:
    """Make table `name` hold the rows of `sql`. When it exists with fingerprint `before`,
    holds MIN_ROWS to MAX_ROWS rows and keeps its columns, and few rows change, only the
    changes are written and returned (the caller drops them with `drop` when published);
    otherwise the table is written whole (None). `gone_rows`: as for `_compare`."""
    if before is None or not MIN_ROWS <= _count(con, f"main.{name}") <= MAX_ROWS:
        con.execute(f"CREATE OR REPLACE TABLE main.{name} AS\n{sql}")
        return None
    gone, came = (f"temp.delta_{part}_{name}" for part in ("gone", "came"))
    new = _made(con, name, sql)
    whole = f"CREATE OR REPLACE TABLE main.{name} AS SELECT * EXCLUDE ({HASH}) FROM {new}"
    try:
        if _columns(con, new)[:-1] != _columns(con, f"main.{name}"):
            con.execute(whole)
            return None
        most = int(MAX_SHARE * _count(con, new))
        if not _compare(con, name, f"main.{name}", new, most, gone_rows):
            con.execute(whole)
            return None
    finally:
        con.execute(f"DROP TABLE IF EXISTS {new}")
    delta = Delta(name, before, gone, came, gone_rows=gone_rows)
    apply(con, delta, f"main.{name}")
    return delta


@contextmanager
def shadowing(con: duckdb.DuckDBPyConnection, views: dict[str, str]) -> Iterator[None]:
    """Temporary views named as the tables they stand in for (`views`: name -> query), so
    that a model's SQL reads part of an input, or the input as it was; dropped afterwards.
    Their queries name the tables themselves by their database (a temporary view shadows
    `main`)."""
    try:
        for source, query in views.items():
            con.execute(f"CREATE OR REPLACE TEMP VIEW {source} AS {query}")
        yield
    finally:
        for source in views:
            con.execute(f"DROP VIEW IF EXISTS temp.main.{source}")


def rebuild_part(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    before: str,
    where: str,
    shadowed: tuple[str, ...] = (),
    gone_rows: bool = True,
) -> Delta | None:
    """Make the rows of table `name` that satisfy `where` (a predicate on its partition
    column: store/partitions.py) hold those of `sql`, leaving the others as they are; the
    changes are written and returned, as by `rebuild`. Should the columns have changed after
    all, the table is written whole (None).

    `shadowed`: inputs partitioned alike, read by `sql` through temporary views of their rows
    of `where` (which the partition's promise allows). DuckDB does not carry a long IN list
    from the outer filter across a join to the other side: core_releases' window over every
    release ran whole (2.97 million rows at ten times national scale, 1.1 s) to keep 6,945.
    `gone_rows`: as for `_compare`."""
    database = database_name(con) if shadowed else ""
    parts = {s: f'SELECT * FROM "{database}".main.{s} WHERE {where}' for s in shadowed}
    return _replace_rows(con, name, sql, before, parts, where, gone_rows=gone_rows)


def rebuild_keys(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    before: str,
    unit: list[str],
    views: dict[str, str],
) -> Delta | None:
    """Make the rows of table `name` whose `unit` (columns: a person, a key) the rows of
    `sql` hold be those rows, leaving the others as they are, `sql` reading its inputs
    through temporary views of `views` (name -> query: all rows its rows of those units are
    made from). The changes are written and returned, as by `rebuild`; None when the
    columns changed (the table is written whole from `sql` on its whole inputs)."""
    return _replace_rows(con, name, sql, before, views, unit=unit)


def _replace_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    before: str,
    views: dict[str, str],
    where: str = "true",
    unit: list[str] | None = None,
    gone_rows: bool = True,
) -> Delta | None:
    """The rows of `sql` that satisfy `where`, its inputs read through temporary views of
    `views`, in place of the rows of table `name` that satisfy `where` (with `unit`: those
    whose unit the new rows hold); the changes written and returned."""
    with shadowing(con, views):
        # On lines of its own: the model may end in a comment.
        new = _made(con, name, f"SELECT * FROM (\n{sql}\n) WHERE {where}")
    old = f"(SELECT * FROM main.{name} WHERE {where})"
    if unit is not None:
        columns = ", ".join(unit)
        old = (
            f"(SELECT t.* FROM main.{name} AS t SEMI JOIN (SELECT DISTINCT {columns} FROM {new}) "
            f"AS k USING ({columns}))"
        )
    try:
        if _columns(con, new)[:-1] != _columns(con, f"main.{name}"):
            con.execute(f"CREATE OR REPLACE TABLE main.{name} AS\n{sql}")
            return None
        _compare(con, name, old, new, gone_rows=gone_rows)
    finally:
        con.execute(f"DROP TABLE IF EXISTS {new}")
    gone, came = f"temp.delta_gone_{name}", f"temp.delta_came_{name}"
    change = Delta(name, before, gone, came, where, gone_rows)
    apply(con, change, f"main.{name}")
    return change


def apply(con: duckdb.DuckDBPyConnection, delta: Delta, target: str) -> None:
    """Delete the rows that went from `target` and insert the rows that came (rows matched
    by their hash, as they were found)."""
    hashes = "hash(g)" if delta.gone_rows else "g.h"
    con.execute(
        f"DELETE FROM {target} AS t WHERE {delta.scope} "
        f"AND hash(t) IN (SELECT {hashes} FROM {delta.gone} AS g)"
    )
    con.execute(f"INSERT INTO {target} SELECT * FROM {delta.came}")


def drop(con: duckdb.DuckDBPyConnection, deltas: list[Delta]) -> None:
    for delta in deltas:
        con.execute(f"DROP TABLE IF EXISTS {delta.gone}")
        con.execute(f"DROP TABLE IF EXISTS {delta.came}")
