"""Partition digests (pipelines/partitions.py): they add up to the table's fingerprint, name
exactly the values whose rows changed, and select those rows (NULL and quotes included)."""

from __future__ import annotations

import duckdb

from pipelines import partitions
from pipelines.warehouse import fingerprint


def _table(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.execute("CREATE OR REPLACE TABLE t (code VARCHAR, n INTEGER)")
    con.executemany("INSERT INTO t VALUES (?, ?)", rows)


def test_digests_add_up_to_the_fingerprint_and_name_what_changed() -> None:
    con = duckdb.connect()
    rows = [("GM0001", 1), ("GM0001", 2), ("GM0002", 3), (None, 4), ("a'b", 5)]
    _table(con, rows)
    before = partitions.digests(con, "t", "code")
    assert {v: n for v, (n, _) in before.items()} == {"GM0001": 2, "GM0002": 1, None: 1, "a'b": 1}
    assert partitions.table_fingerprint(con, "t", before) == fingerprint(con, "t")

    # One row of GM0002 changes, the NULL row goes, GM0003 comes; GM0001 and a'b stay.
    _table(con, [("GM0001", 2), ("GM0001", 1), ("GM0002", 30), ("a'b", 5), ("GM0003", 6)])
    after = partitions.digests(con, "t", "code")
    assert partitions.changed(before, after) == {"GM0002", None, "GM0003"}
    assert partitions.table_fingerprint(con, "t", after) == fingerprint(con, "t")

    where = partitions.scope("code", {"a'b", None, "GM0003"})
    assert sorted(con.execute(f"SELECT n FROM t WHERE {where}").fetchall()) == [(5,), (6,)]
    _table(con, rows)
    assert con.execute(f"SELECT n FROM t WHERE {where} ORDER BY n").fetchall() == [(4,), (5,)]
    assert con.execute(
        f"SELECT count(*) FROM t WHERE {partitions.scope('code', set())}"
    ).fetchall() == [(0,)]


def test_digests_survive_the_store() -> None:
    con = duckdb.connect()
    _table(con, [("GM0001", 1), (None, 2)])
    kept = {"t": partitions.digests(con, "t", "code")}
    partitions.save(con, kept)
    assert partitions.load(con) == kept
    # A sum of 64-bit hashes beyond 64 bits is kept exactly.
    big = {"x": {"v": (3, 3 * 2**63 + 1)}}
    partitions.save(con, big)
    assert partitions.load(con) == big


def test_the_partition_header() -> None:
    sql = "-- Grain: x\n-- Key: a, b\n-- Partition: gemeente_code\nSELECT 1"
    assert partitions.declared(sql) == "gemeente_code"
    assert partitions.declared("-- Key: a\nSELECT 1") is None
