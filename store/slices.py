"""Slices: the rows of a mart that can move when a one-row input (the peildatum) moves.

The justice records' quarter moves the peildatum, and every model that reads it
(core_peildatum) used to be computed again whole: mart_factors, 2.8 million rows at ten times
the national scale, to change the rows of the last few cohorts. A model may promise, in a
header line, which of its rows can depend on such an input:

    -- Moves with core_peildatum: cohort_year >= year(peildatum) - 3

says that its rows with `cohort_year` below the bound (an expression over the input's one
row) are the same whatever that row holds, as long as the bound is not lower for it; that is,
given the same other inputs, the rows below both the old and the new bound stay as they were.
(For the recidivism models: a member released in cohort year Y - 4 or earlier, Y the
peildatum's year, was released at least 1,095 days before 1 January of Y, so the days observed
until a case or the peildatum, cut at 1,095, and whether the case lies within them, are the
same for any peildatum in year Y or later; so is whether the one- and two-year windows have
passed: 31 December of Y - 2 at the latest.)

When only that input and the model's partitioned inputs moved, the build rebuilds the rows at
or above the lower of the two bounds (`delta.rebuild_part`) and brings the rows below it up to
date by the difference of the moved buckets (`store/additive.py`, restricted to those rows);
both are written, and published, as the model's changes. tests/store/test_incremental.py
checks that the result equals a full build.

A sliced model may also be kept in two tables (a header line `-- Split:`): its rows below the
bound (`<name>_settled`, brought up to date as above, where the slice holds only the cohort
that settles when the bound moves up) and its rows at or above it (`<name>_open`, written whole
when the input moves: about half of them change with each quarter, and comparing them row by
row, deleting and inserting the changes in the store and in the snapshot cost more than
writing them), with `<name>` a view of both, in the store and in the snapshot. The bound
splitting them is the input's as the build runs, a constant in their SQL (`BOUND`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import duckdb

from store import additive, delta
from store.warehouse import database_name, temp_tables

# Above this share of the table's rows in the slice, the model is computed again whole.
MAX_SLICE_SHARE = 0.5
# The input's rows as the last build left them, copied before it is rebuilt.
BEFORE = "slice_before_"


@dataclass(frozen=True)
class Slice:
    """A model's promise: its rows with `column` below `bound` (an SQL expression over the
    one row of `source`) do not depend on that row."""

    source: str
    column: str
    bound: str


def declared(sql: str) -> Slice | None:
    """The slice named by a model's `-- Moves with <table>: <column> >= <bound>` header."""
    found = re.search(r"^-- Moves with (\w+): (\w+) >= (.+?)\s*$", sql, flags=re.MULTILINE)
    return Slice(*found.groups()) if found else None


def split(sql: str) -> bool:
    """Whether a sliced model is kept in two tables (its `-- Split:` header)."""
    return declared(sql) is not None and re.search(r"^-- Split:", sql, re.MULTILINE) is not None


# The parts of a split model: its settled rows, its open rows, the view of both (which
# carries the model's name).
SETTLED, OPEN, VIEW = "settled", "open", "view"
# Where a part's SQL holds the bound: a constant put in as the build runs it (`bounded`).
BOUND = "$slice_bound"


def parts(name: str, sql: str) -> dict[str, tuple[str, str]]:
    """The tables and the view a split model is kept in: name -> (part, SQL), the SQL as
    templates holding BOUND; the view's last."""
    promised = declared(sql)
    assert promised is not None
    column = promised.column
    # On lines of its own: the model may end in a comment. A row whose column is NULL is
    # settled (the slice, `column >= bound`, never holds it).
    filters = {
        SETTLED: f"{column} < {BOUND} OR {column} IS NULL OR {BOUND} IS NULL",
        OPEN: f"{column} >= {BOUND}",
    }
    out = {
        f"{name}_{part}": (part, f"SELECT * FROM (\n{sql}\n) WHERE {where}")
        for part, where in filters.items()
    }
    out[name] = (VIEW, " UNION ALL ".join(f"SELECT * FROM {table}" for table in out))
    return out


def bounded(con: duckdb.DuckDBPyConnection, sql: str, promised: Slice) -> str:
    """A split part's SQL with the bound its input gives now, as a constant (so that DuckDB
    pushes it down to the inputs' scans); NULL when the input does not give one (then every
    row is settled)."""
    if BOUND not in sql:
        return sql
    value = _bound(con, promised.bound, f'"{database_name(con)}".main.{promised.source}')
    literal = _literal(value) if value is not None else None
    return sql.replace(BOUND, literal or "NULL")


def keep_before(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Copy the rows of `source` as they are, before the build rebuilds it."""
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE {BEFORE}{source} AS SELECT * FROM "{database_name(con)}"'
        f".main.{source}"
    )


def drop_before(con: duckdb.DuckDBPyConnection, sources: set[str]) -> None:
    for source in sources:
        con.execute(f"DROP TABLE IF EXISTS temp.{BEFORE}{source}")


def _bound(con: duckdb.DuckDBPyConnection, expression: str, table: str) -> Any:
    rows = con.execute(f"SELECT {expression} FROM {table}").fetchall()
    return rows[0][0] if len(rows) == 1 else None


def _literal(value: Any) -> str | None:
    """An SQL constant of a bound (a number or a date), or None for other kinds."""
    if isinstance(value, bool | dt.datetime):
        return None
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return None


def scope(con: duckdb.DuckDBPyConnection, name: str, promised: Slice) -> str | None:
    """The predicate selecting the rows of model `name` that can have moved: its column at or
    above the lower of the bounds before and now, as a constant (so that DuckDB pushes it down
    to the inputs' scans). None when that cannot be told (the input's rows before were not
    kept, it does not hold one row, a bound is NULL) or the slice holds more than
    MAX_SLICE_SHARE of the rows: then the model is computed again whole."""
    database = database_name(con)
    if BEFORE + promised.source not in temp_tables(con, BEFORE + promised.source):
        return None
    old = _bound(con, promised.bound, f"temp.{BEFORE}{promised.source}")
    new = _bound(con, promised.bound, f'"{database}".main.{promised.source}')
    if old is None or new is None:
        return None
    literal = _literal(min(old, new))
    if literal is None:
        return None
    where = f"{promised.column} >= {literal}"
    total, inside = con.execute(
        f'SELECT count(*), count(*) FILTER (WHERE {where}) FROM "{database}".main.{name}'
    ).fetchone()
    return None if inside > MAX_SLICE_SHARE * total else where


def update(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    before: str,
    where: str,
    counts: tuple[str, ...],
    inputs: dict[str, tuple[str, str]] | None,
    gone_rows: bool = True,
) -> delta.Delta | None:
    """Bring additive model `name` up to date: its rows of `where` (the slice: `scope`)
    computed again, and the others by the difference its moved buckets make (`inputs`, as
    for additive.update; None: no bucket moved). Returns the changes of both together, or
    None when the table had to be written whole (its columns changed). `gone_rows`: whether
    the changes keep the rows that went or only their hashes (delta.Delta)."""
    rest = None
    if inputs is not None:
        made = additive.update(
            con, name, sql, before, counts, inputs, where=f"({where}) IS NOT TRUE"
        )
        # Kept under names of their own: the slice's rebuild writes its changes as delta_*.
        rest = {}
        for part, table in (("gone", made.gone), ("came", made.came)):
            rest[part] = f"slice_{part}_{name}"
            con.execute(f"ALTER TABLE {table} RENAME TO {rest[part]}")
    try:
        sliced = delta.rebuild_part(con, name, sql, before, where, gone_rows=gone_rows)
        if sliced is None or rest is None:
            return sliced
        gone = "*" if gone_rows else "hash(g) AS h"
        con.execute(f"INSERT INTO {sliced.gone} SELECT {gone} FROM temp.{rest['gone']} AS g")
        con.execute(f"INSERT INTO {sliced.came} SELECT * FROM temp.{rest['came']}")
        return delta.Delta(name, before, sliced.gone, sliced.came, gone_rows=gone_rows)
    finally:
        for table in (rest or {}).values():
            con.execute(f"DROP TABLE IF EXISTS temp.{table}")
