"""Partitions: rebuilding only the municipalities that a delivery touched.

A model may declare a partition column in its header (`-- Partition: gemeente_code`). That
is a promise about its SQL: the model's rows with value v in that column are made only from
rows with value v in the same column of its partitioned inputs (and from its other inputs as
a whole). A municipality's nazorg export then changes one partition of each model on its
path, and the build recomputes and writes just that partition (`pipelines/delta.py`), instead
of tables of millions of rows.

What changed is known from digests: per partitioned table and value, the number of rows and
the sum of their 64-bit row hashes (the table's fingerprint is made of the same sums:
`pipelines/warehouse.fingerprint`). They are kept in the store (`partition_state`), next to
the build's keys, and compared after every rebuild. A model is rebuilt by partition only when
everything else it reads is as at its last build and every input that changed is a table
partitioned on the same column whose changed values are known; otherwise it is rebuilt whole.
tests/pipelines/test_incremental.py checks that the result equals a full build.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

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
