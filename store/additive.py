"""Additive marts: a delivery's changes added to the counts, instead of the mart made again.

A counting mart sums, per cell, something about each record: counts n_<x>, the cell-key
sums ck_<x> (modulo 2^32) and sums sum_<x>. When every record is made from one person's rows,
and the person-level tables it reads are partitioned by the person's bucket
(store/partitions.py), the mart is the sum over the buckets of what each bucket gives.
A model may declare that with a header line naming the counts that say whether a cell exists
(`-- Additive: n_releases`: a cell is there while one of them is above zero). A delivery that
moved a few buckets then changes the mart by

    (the mart made from the moved buckets as they are now)
  - (the mart made from the same buckets as they were at the last build)

where the buckets' earlier rows are their rows now, less the rows that came and plus the rows
that went in this build (store/delta.py). Both are the model's own SQL, run with its
partitioned inputs shadowed by temporary views of those rows; the difference is added to the
cells it touches, and the result is written, and published, as the mart's changes.

A model additive over one additive table that is not partitioned (mart_recidivism over
core_cohort_cells, mart_readiness_pi over mart_readiness) promises more: it is a roll-up, a
sum of that table's rows per coarser cell. It gets the roll-up of that table's changes (the
rows that came, less the rows that went).
tests/store/test_incremental.py checks that it equals a full build.
"""

from __future__ import annotations

import re

import duckdb

from store import delta
from store.cellkey import KEY_MODULUS
from store.warehouse import database_name, digest, drop_temp_tables

# The columns that are summed: counts, the key sums of the cell-key method, other sums; but
# never a column of the model's key (mart_survival's n_release_op_orde is a cell, not a count).
MEASURE = re.compile(r"^(n|ck|sum)_")


def declared(sql: str) -> tuple[str, ...] | None:
    """The counts named by a model's `-- Additive:` header line, if any."""
    found = re.search(r"^-- Additive: ([\w ]+?)\s*$", sql, flags=re.MULTILINE)
    return tuple(found.group(1).split()) if found else None


def key_columns(sql: str) -> list[str] | None:
    """The columns of a model's `-- Key:` header (continued on '--     ' lines), in order; []
    when it has none, None for a model of one row (`-- Key: (one row)`)."""
    lines = sql.split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("-- Key:")]
    if not starts:
        return []
    parts = [lines[starts[0]].removeprefix("-- Key:")]
    for line in lines[starts[0] + 1 :]:
        if not line.startswith("--     "):
            break
        parts.append(line.removeprefix("--"))
    text = " ".join(parts).strip()
    if text == "(one row)":
        return None
    return [c.strip() for c in text.split(",") if c.strip()]


def update(
    con: duckdb.DuckDBPyConnection,
    name: str,
    sql: str,
    before: str,
    counts: tuple[str, ...],
    inputs: dict[str, tuple[str, str]],
    where: str = "true",
) -> delta.Delta:
    """Add to mart `name` the difference its `inputs` make: per input, a query of its rows
    that count now and one of the same rows as they were (`views`). Only to its rows of
    `where` (a predicate on its cells), when given: the others are left as they are. Returns
    the changes written (the caller publishes and drops them)."""
    database = database_name(con)
    table = f'"{database}".main.{name}'
    columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]
    key = key_columns(sql) or []
    measures = [c for c, _ in columns if MEASURE.match(c) and c not in key]
    cells = [c for c, _ in columns if c not in measures]
    parts = {kind: f"additive_{kind}_{name}" for kind in ("now", "then", "diff")}
    for kind, when in (("now", 0), ("then", 1)):  # the inputs' rows now, then as they were
        shown = {source: queries[when] for source, queries in inputs.items()}
        with delta.shadowing(con, shown):
            # On lines of its own: the model may end in a comment.
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {parts[kind]} AS "
                f"SELECT * FROM (\n{sql}\n) WHERE {where}"
            )
    cell_list = ", ".join(cells)
    # The difference per cell; only the cells it changes.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {parts['diff']} AS SELECT {cell_list}, "
        + ", ".join(f"sum({m}) AS {m}" for m in measures)
        + f" FROM (SELECT {cell_list}, {', '.join(measures)} FROM {parts['now']} UNION ALL "
        f"SELECT {cell_list}, {', '.join(f'-{m}' for m in measures)} FROM {parts['then']}) "
        "GROUP BY ALL HAVING " + " OR ".join(f"sum({m}) <> 0" for m in measures)
    )
    gone, came = f"temp.delta_gone_{name}", f"temp.delta_came_{name}"
    matched = " AND ".join(f"m.{c} IS NOT DISTINCT FROM d.{c}" for c in cells)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE delta_gone_{name} AS "
        f"SELECT m.* FROM {table} AS m SEMI JOIN {parts['diff']} AS d ON {matched}"
    )
    kinds = dict(columns)

    def total(m: str) -> str:
        if m.startswith("ck_"):  # a key sum: modulo 2^32, and never below 0
            modulus = KEY_MODULUS
            return f"CAST(((sum({m}) % {modulus}) + {modulus}) % {modulus} AS {kinds[m]})"
        return f"CAST(sum({m}) AS {kinds[m]})"

    con.execute(
        f"CREATE OR REPLACE TEMP TABLE delta_came_{name} AS SELECT "
        + ", ".join(c for c, _ in columns)
        + f" FROM (SELECT {cell_list}, "
        + ", ".join(f"{total(m)} AS {m}" for m in measures)
        + f" FROM (SELECT {cell_list}, {', '.join(measures)} FROM {gone} UNION ALL "
        f"SELECT {cell_list}, {', '.join(measures)} FROM {parts['diff']}) GROUP BY ALL "
        "HAVING " + " OR ".join(f"sum({c}) > 0" for c in counts) + ")"
    )
    for part in parts.values():
        con.execute(f"DROP TABLE IF EXISTS temp.{part}")
    change = delta.Delta(name, before, gone, came)
    delta.apply(con, change, table)
    return change


# The temporary tables of an input's rows of some buckets, now and as they were (`views`).
ROWS_TABLE = "additive_rows_"


def views(
    con: duckdb.DuckDBPyConnection,
    partitioned: list[str],
    where: str,
    changes: dict[str, delta.Delta],
) -> dict[str, tuple[str, str]]:
    """The inputs of a model additive over buckets: the rows of `where` (the moved buckets) of
    each partitioned input, now and as they were (less the rows that came in this build, plus
    those that went: `changes`). Each kept in a temporary table, made once per input and
    buckets for every mart that reads them (a query of them would scan the whole input for
    each: DuckDB filters on a list of buckets after reading every column of every row, which
    the rows' hashes need; at ten times national scale 0.2 s a mart, a PI's month reads
    core_releases so for nine of them). The build drops them when it is done (`drop_rows`)."""
    database = database_name(con)
    out = {}
    for source in partitioned:
        name = f"{ROWS_TABLE}{source}_{digest(where)[:16]}"
        con.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {name}_now AS "
            f'SELECT t.* FROM "{database}".main.{source} AS t WHERE {where}'
        )
        then = f"temp.{name}_now"
        if source in changes:
            came, gone = changes[source].came, changes[source].gone
            con.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {name}_then AS SELECT * FROM temp.{name}_now "
                f"AS t WHERE hash(t) NOT IN (SELECT hash(c) FROM {came} AS c) "
                f"UNION ALL SELECT * FROM {gone}"
            )
            then = f"temp.{name}_then"
        out[source] = (f"SELECT * FROM temp.{name}_now", f"SELECT * FROM {then}")
    return out


def drop_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the temporary tables of inputs' rows that `views` made."""
    drop_temp_tables(con, ROWS_TABLE)


def rolled_up(source: str, change: delta.Delta) -> dict[str, tuple[str, str]]:
    """The input of a roll-up of an additive table (a sum of its rows, per coarser cell): the
    rows of `source` that came in this build, and those that went."""
    return {source: (f"SELECT * FROM {change.came}", f"SELECT * FROM {change.gone}")}
