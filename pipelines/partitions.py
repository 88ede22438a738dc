"""Partitions: rebuilding only the buckets of persons that a delivery touched.

A model may declare a partition column in its header (`-- Partition: bucket`). That is a
promise about its SQL: the model's rows with value v in that column are made only from rows
with value v in the same column of its partitioned inputs (and from its other inputs as a
whole). The person-level models are partitioned by the person's bucket (`person_bucket` in
sql/macros.sql: one of 4,096, from the pseudonym, the same for all rows of a person), so a
delivery naming a few hundred persons changes a few hundred buckets of each model on its
path, and the build recomputes and writes just those (`pipelines/delta.py`), instead of
tables of millions of rows. (What depends on more than one person, such as which PIs deliver
TBO dates, is a small model of its own: when it changes, its readers are rebuilt whole.)

What changed is known from digests: per partitioned table and value, the number of rows and
the sum of their 64-bit row hashes (the table's fingerprint is made of the same sums:
`pipelines/warehouse.fingerprint`). They are kept in the store (`partition_state`), next to
the build's keys, and compared after every rebuild. A model is rebuilt by partition only when
everything else it reads is as at its last build and every input that changed is a table
partitioned on the same column whose changed values are known; otherwise it is rebuilt whole.
The counting marts made from these models are brought up to date from the same moved values
(`pipelines/additive.py`). tests/pipelines/test_incremental.py checks that the result equals a
full build, for every kind of delivery.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from pipelines import delta
from pipelines.warehouse import fingerprint_of, table_names

STATE = "partition_state"
# Per table: value -> (rows, sum of row hashes). The value is text (NULL for rows without).
Digests = dict[str | None, tuple[int, int]]


def declared(sql: str) -> str | None:
    """The column named by a model's `-- Partition:` header line, if any."""
    found = re.search(r"^-- Partition: (\w+)\s*$", sql, flags=re.MULTILINE)
    return found.group(1) if found else None


def scope(column: str, values: set[str | None]) -> str:
    """A predicate on `column` selecting the rows of these values (constants, so that DuckDB
    pushes it down to the scans of the inputs)."""
    texts = sorted(v for v in values if v is not None)
    parts = []
    if texts:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in texts)
        parts.append(f"{column} IN ({quoted})")
    if None in values:
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts) + ")" if parts else "false"


def digests(
    con: duckdb.DuckDBPyConnection, table: str, column: str, where: str = "true"
) -> Digests:
    """Rows and sum of row hashes per value of `column`, of the rows that satisfy `where`."""
    rows = con.execute(
        f"SELECT CAST(t.{column} AS VARCHAR), count(*), sum(CAST(hash(t) AS HUGEINT)) "
        f"FROM main.{table} AS t WHERE {where} GROUP BY ALL"
    ).fetchall()
    return {value: (int(n), int(total)) for value, n, total in rows}


def table_fingerprint(con: duckdb.DuckDBPyConnection, table: str, parts: Digests) -> str:
    """The table's fingerprint from its digests: equal to warehouse.fingerprint(con, table)."""
    rows = sum(n for n, _ in parts.values())
    total = sum(t for _, t in parts.values())
    return fingerprint_of(con, table, rows, total)


def changed(before: Digests, after: Digests) -> set[str | None]:
    """The values whose rows differ."""
    return {v for v in before.keys() | after.keys() if before.get(v) != after.get(v)}


class Ledger:
    """The digests of a build's partitioned models: as the last build left them and as this
    build makes them, and which values moved."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, columns: dict[str, str], built: dict[str, str]
    ) -> None:
        """`columns`: the partition column per partitioned model; `built`: the fingerprint
        of each table as the last build left it ({} for a full build: nothing is known)."""
        self.con, self.columns, self.built = con, columns, built
        self.kept = load(con) if built else {}
        self.now: dict[str, Digests] = {}
        # Per model rebuilt now: the values whose rows changed (None: not known).
        self.moved: dict[str, set[str | None] | None] = {}

    def held(self, name: str) -> Digests | None:
        """The digests of the table as the last build left it, if they are known."""
        digests = self.kept.get(name)
        if digests is None or name not in self.built:
            return None
        if table_fingerprint(self.con, name, digests) != self.built[name]:
            return None
        return digests

    def to_rebuild(self, name: str, moved: list[str]) -> set[str | None] | None:
        """The values of model `name` to rebuild when only its inputs `moved` changed (the
        caller checks that): those whose rows moved in them. None when it must be rebuilt
        whole: an input is not partitioned alike or its moves are unknown, or they touch so
        much of the table that a whole rebuild is cheaper."""
        column = self.columns.get(name)
        if column is None or any(
            self.columns.get(n) != column or self.moved.get(n) is None for n in moved
        ):
            return None
        digests = self.held(name)
        if digests is None:
            return None
        values: set[str | None] = set().union(*(self.moved[n] or set() for n in moved))
        rows = sum(digests.get(v, (0, 0))[0] for v in values)
        return None if rows > delta.MAX_SHARE * sum(n for n, _ in digests.values()) else values

    def rebuild(
        self, name: str, sql: str, before: str | None, values: set[str | None] | None
    ) -> delta.Delta | None:
        """Rebuild partitioned model `name`: only `values` when given, else whole (or as its
        changes: pipelines/delta.py). Returns the changes written, if any."""
        column = self.columns[name]
        earlier = self.held(name)
        now = None
        if values is not None and before is not None and earlier is not None:
            where = scope(column, values)
            made = delta.rebuild_part(self.con, name, sql, before, where)
            if made is not None:
                fresh = digests(self.con, name, column, where)
                now = {v: d for v, d in earlier.items() if v not in values} | fresh
        else:
            made = delta.rebuild(self.con, name, sql, before)
        if now is None:
            now = digests(self.con, name, column)
        self.now[name] = now
        self.moved[name] = None if earlier is None else changed(earlier, now)
        return made

    def fingerprint(self, name: str) -> str:
        """The fingerprint of model `name` as this build made it (from its digests)."""
        return table_fingerprint(self.con, name, self.now[name])

    def keep(self, name: str) -> None:
        """Model `name` stays as it was."""
        self.now[name] = self.held(name) or digests(self.con, name, self.columns[name])

    def save(self) -> None:
        save(self.con, self.now)


def load(con: duckdb.DuckDBPyConnection) -> dict[str, Digests]:
    """The digests kept by the last build, per table."""
    if STATE not in table_names(con):
        return {}
    kept: dict[str, Digests] = {}
    for name, value, n, total in con.execute(
        f"SELECT name, value, n, total FROM {STATE}"
    ).fetchall():
        kept.setdefault(name, {})[value] = (int(n), int(total))
    return kept


def save(con: duckdb.DuckDBPyConnection, kept: dict[str, Digests]) -> None:
    rows = [
        (name, value, n, str(total))  # a sum of 64-bit hashes outgrows 64 bits: as text
        for name, parts in sorted(kept.items())
        for value, (n, total) in parts.items()
    ]
    frame = pl.DataFrame(
        rows,
        schema={"name": pl.String, "value": pl.String, "n": pl.Int64, "total": pl.String},
        orient="row",
    )
    con.register("partition_rows", frame)
    try:
        con.execute(
            f"CREATE OR REPLACE TABLE {STATE} AS SELECT name, value, n, "
            "CAST(total AS HUGEINT) AS total FROM partition_rows"
        )
    finally:
        con.unregister("partition_rows")
