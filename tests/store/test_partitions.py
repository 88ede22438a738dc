"""Partition digests (store/partitions.py): they add up to the table's fingerprint, name
exactly the values whose rows changed, and select those rows (NULL and quotes included)."""

from __future__ import annotations

import duckdb
import pytest

from store import partitions
from store.warehouse import fingerprint


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


def test_many_values_are_put_to_a_stored_table_as_a_temporary_table_of_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above LISTED_MAX values the predicate names a temporary table of them (of the column's
    type), made once per set, selecting the same rows as the listed constants; dropped by
    drop_scopes."""
    con = duckdb.connect()
    con.execute("CREATE TABLE b (bucket INTEGER, n INTEGER)")
    con.executemany("INSERT INTO b VALUES (?, ?)", [(1, 1), (2, 2), (3, 3), (None, 4)])
    ledger = partitions.Ledger(con, {"b": "bucket"}, {})
    values = {"1", "3", None}
    assert ledger.stored_scope("bucket", values, "b") == partitions.scope("bucket", values)
    monkeypatch.setattr(partitions, "LISTED_MAX", 1)
    where = ledger.stored_scope("bucket", values, "b")
    assert "IN (SELECT value FROM temp.partition_scope_0)" in where
    assert ledger.stored_scope("bucket", set(values), "b") == where  # made once
    assert con.execute(f"SELECT n FROM b WHERE {where} ORDER BY n").fetchall() == [(1,), (3,), (4,)]
    # Of the state's text values, another table.
    assert "temp.partition_scope_1" in ledger.stored_scope("value", values)
    partitions.drop_scopes(con)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall() == [(0,)]


def test_the_ledger_keeps_the_digests_in_the_store_and_names_what_moved() -> None:
    """The digests kept in `partition_state` equal those computed from the table, add up to
    its fingerprint, and a rebuild of some values names exactly those whose rows changed."""
    con = duckdb.connect()
    con.execute("CREATE TABLE src (code VARCHAR, n INTEGER)")
    con.executemany(
        "INSERT INTO src VALUES (?, ?)", [("GM0001", 1), ("GM0001", 2), ("GM0002", 3), (None, 4)]
    )
    sql = "SELECT code, n * 10 AS m FROM src"
    ledger = partitions.Ledger(con, {"t": "code"}, {})
    ledger.rebuild("t", sql, None, None)
    assert partitions.load(con) == {"t": partitions.digests(con, "t", "code")}
    assert ledger.fingerprint("t") == fingerprint(con, "t")
    assert ledger.moved["t"] is None  # nothing was known before
    built = {"t": fingerprint(con, "t")}

    # GM0002's row changes and the NULL row goes; GM0001 stays.
    con.execute("UPDATE src SET n = 30 WHERE code = 'GM0002'")
    con.execute("DELETE FROM src WHERE code IS NULL")
    ledger = partitions.Ledger(con, {"t": "code"}, built)
    assert ledger.held("t") and ledger.rows("t") == 4 and ledger.rows("t", {"GM0001"}) == 2
    ledger.rebuild("t", sql, built["t"], {"GM0002", None, "GM0001"})
    assert ledger.moved["t"] == {"GM0002", None}
    assert sorted(con.execute("SELECT * FROM t").fetchall()) == [
        ("GM0001", 10), ("GM0001", 20), ("GM0002", 300),
    ]  # fmt: skip
    assert partitions.load(con) == {"t": partitions.digests(con, "t", "code")}
    assert ledger.fingerprint("t") == fingerprint(con, "t")
    # Digests that no longer add up to the table's fingerprint are not trusted.
    assert not partitions.Ledger(con, {"t": "code"}, {"t": "another"}).held("t")


def test_the_partition_header() -> None:
    sql = "-- Grain: x\n-- Key: a, b\n-- Partition: gemeente_code\nSELECT 1"
    assert partitions.declared(sql) == "gemeente_code"
    assert partitions.declared("-- Key: a\nSELECT 1") is None
