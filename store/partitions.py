"""Partitions: rebuilding only the buckets of persons that a delivery touched.

A model may declare a partition column in its header (`-- Partition: bucket`). That is a
promise about its SQL: the model's rows with value v in that column are made only from rows
with value v in the same column of its partitioned inputs (and from its other inputs as a
whole). The person-level models are partitioned by the person's bucket (`person_bucket` in
sql/macros.sql: one of 2^20, from the pseudonym, the same for all rows of a person), so a
delivery naming a few hundred persons changes a few hundred buckets of each model on its
path, and the build recomputes and writes just those (`store/delta.py`), instead of
tables of millions of rows. (What depends on more than one person, such as which PIs deliver
TBO dates, is a small model of its own: when it changes, its readers are rebuilt whole.)

What changed is known from digests: per partitioned table and value, the number of rows and
the sum of their 64-bit row hashes (the table's fingerprint is made of the same sums:
`store/warehouse.fingerprint`). They are kept in the store (`partition_state`), next to
the build's keys, and compared after every rebuild. A model is rebuilt by partition only when
everything else it reads is as at its last build and every input that changed is a table
partitioned on the same column whose changed values are known; otherwise it is rebuilt whole.
The raw tables that the staging models read count as partitioned by the same bucket: what
moved in them is known from the deliveries since the last build (`delivered`), so a
delivery's staging rows are rebuilt too: those of the persons (a criminal case: the cases)
delivered, from their raw rows alone (`Ledger._delivered`), and their buckets are what moved.
The counting marts made from these models are brought up to date from the same moved values
(`store/additive.py`). tests/store/test_incremental.py checks that the result equals a
full build, for every kind of delivery.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

from store import additive, delta
from store.warehouse import (
    database_name,
    drop_temp_tables,
    fingerprint_of,
    table_names,
    temp_tables,
)

# A raw table's entry in the build's state: up to which delivery its rows were read.
READ_UP_TO = "deliveries up to "

STATE = "partition_state"
# Per table: value -> (rows, sum of row hashes). The value is text (NULL for rows without).
Digests = dict[str | None, tuple[int, int]]


def declared(sql: str) -> str | None:
    """The column named by a model's `-- Partition:` header line, if any."""
    found = re.search(r"^-- Partition: (\w+)\s*$", sql, flags=re.MULTILINE)
    return found.group(1) if found else None


# Above this many values, a predicate names a temporary table of them (`Ledger.stored_scope`)
# instead of listing them: DuckDB parses and binds every listed value in every statement (and
# in every view that holds them). A justice-records quarter at ten times the national scale
# names some 70,000 buckets: 0.27 s a statement before any work; its build 39.2 -> 28.0 s.
LISTED_MAX = 2_000
# The temporary tables of those values (dropped by `drop_scopes` once published).
SCOPE_TABLE = "partition_scope_"


def scope(column: str, values: set[str | None], table: str | None = None) -> str:
    """A predicate on `column` selecting the rows of these values: constants (so that DuckDB
    pushes it down to the scans of the inputs), or, with `table`, the values of its column
    `value` (of the column's type: `Ledger.stored_scope`)."""
    texts = sorted(v for v in values if v is not None)
    parts = []
    if texts and table is not None:
        parts.append(f"{column} IN (SELECT value FROM {table})")
    elif texts:
        quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in texts)
        parts.append(f"{column} IN ({quoted})")
    if None in values:
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts) + ")" if parts else "false"


def scope_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The temporary tables of values that `Ledger.stored_scope` made on this connection."""
    return temp_tables(con, SCOPE_TABLE)


def drop_scopes(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables of values that `Ledger.stored_scope` made."""
    drop_temp_tables(con, SCOPE_TABLE)


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
    """The digests of a build's partitioned models, kept in the store's `partition_state`
    (one row per table and bucket that holds rows: at most one per person) and compared there, in
    SQL: as the last build left them and as this build makes them, and which values moved.
    The table is changed inside the build's transaction, so a failed build leaves it as it
    was."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, columns: dict[str, str], built: dict[str, str]
    ) -> None:
        """`columns`: the partition column per partitioned model; `built`: the fingerprint
        of each table as the last build left it ({} for a full build: nothing is known)."""
        self.con, self.columns, self.built = con, columns, built
        if not built or STATE not in table_names(con) or _old_state(con):
            con.execute(
                f"CREATE OR REPLACE TABLE {STATE} "
                "(name VARCHAR, value VARCHAR, n BIGINT, total HUGEINT)"
            )
        # Tables that are no longer partitioned keep no digests.
        con.execute(
            f"DELETE FROM {STATE} WHERE NOT list_contains(CAST(? AS VARCHAR[]), name)",
            [sorted(columns)],
        )
        # Per model rebuilt now: the values whose rows changed (None: not known).
        self.moved: dict[str, set[str | None] | None] = {}
        # The raw tables among the partitioned, with the key their rows are kept by (their
        # moves: `delivered`; no digests kept), and the last delivery the last build read of
        # those whose moves are known.
        self.sources: dict[str, tuple[str, ...]] = {}
        self.since: dict[str, int] = {}
        self._held: dict[str, bool] = {}
        # Per table, its rows and sum of row hashes by its digests, once summed: in all (kept
        # up to date by `_replace`) and of sets of values (until the table is replaced). Each
        # sum scans the state, 1.6 million rows at national scale, and a PI's month asked for
        # 65 of them, mostly the same.
        self._totals: dict[str, tuple[int, int]] = {}
        self._parts: dict[tuple[str, frozenset[str | None]], tuple[int, int]] = {}
        # The temporary tables of many values, per set of values and type (stored_scope).
        self._tables: dict[tuple[frozenset[str | None], str], str] = {}
        self._kinds: dict[tuple[str, str], str] = {}  # (table, column) -> its type

    def stored_scope(self, column: str, values: set[str | None], table: str = STATE) -> str:
        """`scope(column, values)` for the rows of table `table` (whose `column` gives the
        values' type; the state's `value` by default), and of the inputs partitioned alike:
        of many values, naming a temporary table of them, made once per set and type. (A
        model rebuilt by partition reads its partitioned inputs through views of their rows
        of these values, `delta.rebuild_part`, so the semi-join need not reach across its
        joins; the filter on a staging model's raw rows was no slower as a semi-join.)"""
        if len(values) - (None in values) <= LISTED_MAX:
            return scope(column, values)
        if (table, column) not in self._kinds:
            (self._kinds[table, column],) = self.con.execute(
                "SELECT data_type FROM duckdb_columns() WHERE database_name = current_database() "
                "AND schema_name = 'main' AND table_name = ? AND column_name = ?",
                [table, column],
            ).fetchall()[0]
        key = (frozenset(values), self._kinds[table, column])
        if key not in self._tables:
            name = f"{SCOPE_TABLE}{len(self._tables)}"
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT DISTINCT "
                f"CAST(unnest(CAST(? AS VARCHAR[])) AS {key[1]}) AS value",
                [sorted(v for v in values if v is not None)],
            )
            self._tables[key] = f"temp.{name}"
        return scope(column, values, self._tables[key])

    def _sums(self, name: str, values: set[str | None] | None = None) -> tuple[int, int]:
        if values is None and name in self._totals:
            return self._totals[name]
        part = (name, frozenset(values or ()))
        if values is not None and part in self._parts:
            return self._parts[part]
        where = "true" if values is None else self.stored_scope("value", values)
        n, total = self.con.execute(
            f"SELECT COALESCE(sum(n), 0), COALESCE(sum(total), 0) FROM {STATE} "
            f"WHERE name = ? AND {where}",
            [name],
        ).fetchall()[0]
        if values is None:
            self._totals[name] = (int(n), int(total))
        else:
            self._parts[part] = (int(n), int(total))
        return int(n), int(total)

    def held(self, name: str) -> bool:
        """Whether the digests of the table as the last build left it are known (kept, and
        adding up to its fingerprint then). Asked before the table is rebuilt."""
        if name not in self._held:
            known = name in self.built
            if known:
                rows, total = self._sums(name)
                known = fingerprint_of(self.con, name, rows, total) == self.built[name]
            self._held[name] = known
        return self._held[name]

    def rows(self, name: str, values: set[str | None] | None = None) -> int:
        """The table's rows (of `values`, when given), by its digests."""
        return self._sums(name, values)[0]

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
        if not self.held(name):
            return None
        values: set[str | None] = set().union(*(self.moved[n] or set() for n in moved))
        return None if self.rows(name, values) > delta.MAX_SHARE * self.rows(name) else values

    def rebuild(
        self,
        name: str,
        sql: str,
        before: str | None,
        values: set[str | None] | None,
        inputs: Iterable[str] = (),
    ) -> delta.Delta | None:
        """Rebuild partitioned model `name`: only `values` when given, else whole (or as its
        changes: store/delta.py). Returns the changes written, if any. `inputs`: the tables
        it reads; those partitioned alike (models, not raw tables: a criminal case's rows
        may lie in two persons' buckets) are read by the rebuilt values only. A staging
        model (whose partitioned inputs are raw tables) is rebuilt for what was delivered
        since the last build (`_delivered`), which the moved values hold."""
        column = self.columns[name]
        earlier = self.held(name)
        if values is not None and before is not None and earlier:
            where = self.stored_scope(column, values, name)
            alike = [n for n in inputs if self.columns.get(n) == column]
            raw = alike[0] if len(alike) == 1 and alike[0] in self.since else None
            unit = self._unit(raw, sql) if raw is not None else None
            if raw is not None and unit is not None:
                views = {raw: self._delivered(raw, unit[0])}
                made = delta.rebuild_keys(self.con, name, sql, before, unit[1], views)
            else:
                shadowed = tuple(n for n in alike if n not in self.sources)
                made = delta.rebuild_part(self.con, name, sql, before, where, shadowed)
            if made is not None:
                self.moved[name] = self._replace(name, column, where, values)
                return made
        else:
            made = delta.rebuild(self.con, name, sql, before)
        moved = self._replace(name, column, "true", None)
        self.moved[name] = moved if earlier else None
        return made

    def _unit(self, raw: str, sql: str) -> tuple[tuple[str, ...], list[str]] | None:
        """What a staging model made of raw table `raw` is rebuilt by, in the raw table and
        in its own columns: the person (its key holds the pseudonym, which it keeps), or
        else the raw key itself, renamed to the staging model's key (`-- Key:`; a criminal
        case: zaak_id, case_id). None when the model's key does not match it."""
        key = self.sources[raw]
        if "pseudoniem" in key:
            return ("pseudoniem",), ["pseudoniem"]
        kept_as = additive.key_columns(sql)
        return (key, kept_as) if kept_as and len(kept_as) == len(key) else None

    def _delivered(self, raw: str, unit: tuple[str, ...]) -> str:
        """A query of the rows of raw table `raw` of the units (persons, or keys) delivered
        since the last build: all their rows, the earlier too. A staging model keeps the
        latest row per key of the contract (KEYS), and a person's rows or a key's rows are
        all it needs to make their rows (a person's key is made of the person's raw key and
        reference tables, which when changed rebuild it whole); the other units' rows are as
        the last build read them (`delivered`). Read instead of every row: the model's
        window over the keys ran over all of them (4.9 million case rows at ten times
        national scale, 2.1 s, for the quarter's 89,000)."""
        table = f'"{database_name(self.con)}".main.{raw}'
        columns = ", ".join(unit)
        return (
            f"SELECT r.* FROM {table} AS r SEMI JOIN (SELECT DISTINCT {columns} FROM {table} "
            f"WHERE delivery_id > {self.since[raw]}) AS k USING ({columns})"
        )

    def _replace(
        self, name: str, column: str, where: str, values: set[str | None] | None
    ) -> set[str | None]:
        """Compute the digests of the rows of `where` (those of `values`; None: all) anew,
        keep them in place of the old ones, and return the values whose digests changed."""
        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE partition_new AS "
            f"SELECT CAST(t.{column} AS VARCHAR) AS value, count(*) AS n, "
            f"sum(CAST(hash(t) AS HUGEINT)) AS total FROM main.{name} AS t WHERE {where} "
            "GROUP BY ALL"
        )
        old = "true" if values is None else self.stored_scope("value", values)
        # The values whose digests differ, with the difference they make to the table's sums
        # (the others' cancel out).
        moved = con.execute(
            "SELECT COALESCE(o.value, w.value), COALESCE(w.n, 0) - COALESCE(o.n, 0), "
            "COALESCE(w.total, 0) - COALESCE(o.total, 0) "
            f"FROM (SELECT * FROM {STATE} WHERE name = ? AND {old}) AS o "
            "FULL JOIN partition_new AS w ON o.value IS NOT DISTINCT FROM w.value "
            "WHERE o.n IS DISTINCT FROM w.n OR o.total IS DISTINCT FROM w.total",
            [name],
        ).fetchall()
        con.execute(f"DELETE FROM {STATE} WHERE name = ? AND {old}", [name])
        con.execute(f"INSERT INTO {STATE} SELECT ?, value, n, total FROM partition_new", [name])
        con.execute("DROP TABLE temp.partition_new")
        self._parts = {part: sums for part, sums in self._parts.items() if part[0] != name}
        if name in self._totals:
            n, total = self._totals[name]
            self._totals[name] = (
                n + sum(int(d) for _, d, _ in moved),
                total + sum(int(d) for _, _, d in moved),
            )
        return {value for value, _, _ in moved}

    def fingerprint(self, name: str) -> str:
        """The fingerprint of model `name` as this build made it (from its digests)."""
        rows, total = self._sums(name)
        return fingerprint_of(self.con, name, rows, total)

    def keep(self, name: str) -> None:
        """Model `name` stays as it was (its digests are computed if they are not known)."""
        if not self.held(name):
            self._replace(name, self.columns[name], "true", None)


def raw_fingerprints(
    con: duckdb.DuckDBPyConnection, raw: str, before: tuple[str, str] | None
) -> tuple[str, str | None]:
    """The fingerprint of raw table `raw` now, and (in the same scan) that of its rows of the
    deliveries the last build read (`before`: what that build recorded, `READ_UP_TO` its
    last delivery); None for the latter when that build did not read the table."""
    last = -1
    if before is not None and before[0].startswith(READ_UP_TO):
        last = int(before[0].removeprefix(READ_UP_TO))
    rows, total, rows_then, total_then = con.execute(
        "SELECT count(*), COALESCE(sum(CAST(hash(t) AS HUGEINT)), 0), "
        "count(*) FILTER (delivery_id <= $last), "
        f"COALESCE(sum(CAST(hash(t) AS HUGEINT)) FILTER (delivery_id <= $last), 0) FROM {raw} AS t",
        {"last": last},
    ).fetchall()[0]
    now = fingerprint_of(con, raw, int(rows), int(total))
    if last < 0:
        return now, None
    return now, fingerprint_of(con, raw, int(rows_then), int(total_then))


def delivered(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    key: tuple[str, ...],
    before: tuple[str, str] | None,
    then: str | None,
) -> set[str | None] | None:
    """The buckets that moved in raw table `raw` (rows keyed by `key`, as the contract keys
    its source) since the last build read it, `before` being what that build recorded of it
    (`READ_UP_TO` the last delivery then, and its fingerprint) and `then` the fingerprint of
    those deliveries' rows now (`raw_fingerprints`). Rows only come with a new delivery and go
    with a withdrawal, which removes an earlier delivery's rows: when the rows of the
    deliveries read then are as they were, what moved are the persons of the rows delivered
    since, and of the earlier rows that share their key (a later delivery of a key replaces
    the earlier row, and a criminal case's key holds no pseudonym). None when that cannot be
    told: the table was not read before, or rows read then went."""
    if before is None or then is None or then != before[1]:
        return None
    last = int(before[0].removeprefix(READ_UP_TO))
    columns = ", ".join(key)
    found = con.execute(
        f"SELECT DISTINCT CAST(person_bucket(o.pseudoniem) AS VARCHAR) FROM {raw} AS o "
        f"SEMI JOIN (SELECT DISTINCT {columns} FROM {raw} WHERE delivery_id > ?) AS n "
        f"USING ({columns})",
        [last],
    ).fetchall()
    return {value for (value,) in found}


def _old_state(con: duckdb.DuckDBPyConnection) -> bool:
    """A state kept by an earlier version (other columns)."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {STATE}").fetchall()]
    return columns != ["name", "value", "n", "total"]


def load(con: duckdb.DuckDBPyConnection) -> dict[str, Digests]:
    """The digests kept by the last build, per table (for tests and inspection)."""
    if STATE not in table_names(con):
        return {}
    kept: dict[str, Digests] = {}
    for name, value, n, total in con.execute(
        f"SELECT name, value, n, total FROM {STATE}"
    ).fetchall():
        kept.setdefault(name, {})[value] = (int(n), int(total))
    return kept
