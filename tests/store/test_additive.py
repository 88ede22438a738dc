"""Additive marts (store/additive.py): the difference the moved buckets make, added to
the cells they touch, gives the mart a full computation gives; a key column named like a
count (mart_survival's n_release_op_orde) is a cell, not a sum."""

from __future__ import annotations

import duckdb

from store import additive, delta

SQL = """-- Grain: group x level.
-- Key: grp,
--     n_level
-- Additive: n_rows
SELECT grp, n_level, count(*) AS n_rows, CAST(sum(k) % 4294967296 AS BIGINT) AS ck_rows,
       CAST(sum(x) AS BIGINT) AS sum_x
FROM person GROUP BY ALL"""


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def test_the_difference_of_the_moved_buckets_equals_a_full_computation() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE person AS SELECT i AS id, i % 8 AS bucket, "
        "CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END AS grp, i % 4 AS n_level, "
        "(i * 2654435761) % 4294967296 AS k, i AS x FROM range(200) AS r(i)"
    )
    con.execute(f"CREATE TABLE m AS {SQL}")
    # Buckets 1 and 5 move: some of their persons go, others come, others change level.
    con.execute("CREATE TEMP TABLE delta_gone_person AS SELECT * FROM person WHERE bucket = 1")
    con.execute(
        "CREATE TEMP TABLE delta_came_person AS SELECT id, bucket, grp, (n_level + 1) % 4 AS "
        "n_level, k, x + 1000 AS x FROM person WHERE bucket = 1 AND id % 2 = 0 UNION ALL "
        "SELECT 1000 + i, 5, 'c', 2, 77 * i, i FROM range(5) AS r(i)"
    )
    change = delta.Delta("person", "before", "temp.delta_gone_person", "temp.delta_came_person")
    delta.apply(con, change, "main.person")
    inputs = additive.views(con, ["person"], "bucket IN (1, 5)", {"person": change})
    made = additive.update(con, "m", SQL, "before-m", ("n_rows",), inputs)
    con.execute(f"CREATE TABLE expected AS {SQL}")
    assert _rows(con, "m") == _rows(con, "expected")
    # Only the touched cells were written; n_level stayed a cell (never summed).
    assert 0 < len(_rows(con, made.came)) < len(_rows(con, "expected"))
    assert {r[1] for r in _rows(con, "m")} == {0, 1, 2, 3}
    assert additive.key_columns(SQL) == ["grp", "n_level"]
