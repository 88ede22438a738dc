"""Checkpoints that rewrite what changed, not what they find (store/warehouse.checkpoint): a
delivery deletes a few rows from many row groups, and DuckDB's vacuum would rewrite them all
at every build. Deleted rows are vacuumed once a table holds many of them, and the small row
groups that later writes append once there are many of those."""

from __future__ import annotations

from pathlib import Path

import duckdb

from store.build import BUILD_SETTINGS, build
from store.warehouse import (
    VACUUM_ROWS,
    VACUUM_SPARE_GROUPS,
    checkpoint,
    connect,
    needs_vacuum,
    row_groups_due,
    storage,
)


def _store(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    # 3,000,000 rows: 25 row groups (24 of 122,880 rows).
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(3000000)")
    con.execute("CHECKPOINT")
    return con


def _held(con: duckdb.DuckDBPyConnection, table: str, database: str | None = None) -> tuple:
    held = storage(con, database)[table]
    return held.rows, held.held


def test_a_few_deleted_rows_stay_until_many_have_piled_up(tmp_path: Path) -> None:
    con = _store(tmp_path / "store.duckdb")
    # One row in twenty: 150,000 rows from every row group, 5% of the table.
    con.execute("DELETE FROM t WHERE i % 20 = 0")
    assert _held(con, "t") == (2_850_000, 3_000_000)
    assert not needs_vacuum(con)
    assert checkpoint(con) is False
    # Not rewritten: the row groups still hold the deleted rows.
    assert _held(con, "t") == (2_850_000, 3_000_000)
    # Two rows in five more (1,200,000, none of them among the first): 1,350,000 deleted, 45%.
    con.execute("DELETE FROM t WHERE i % 5 IN (1, 2)")
    assert _held(con, "t") == (1_650_000, 3_000_000)
    assert needs_vacuum(con)
    assert checkpoint(con) is True
    # Vacuumed: the row groups are rewritten without the deleted rows (DuckDB leaves the last
    # ones as they are: 188,784 of the 1,350,000 stay with DuckDB 2.0).
    rows, held = _held(con, "t")
    assert rows == 1_650_000
    assert held - rows < 0.2 * 1_350_000
    total = sum(i for i in range(3_000_000) if i % 20 != 0 and i % 5 not in (1, 2))
    assert con.execute("SELECT count(*), sum(i) FROM t").fetchall() == [(1_650_000, total)]
    # Its setting is DuckDB's own again.
    assert con.execute("SELECT current_setting('max_vacuum_tasks')").fetchall() == [(100,)]
    con.close()


def test_small_row_groups_are_merged_once_there_are_many(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    # 200,000 rows: two row groups (122,880 and 77,120).
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(200000)")
    con.execute("CHECKPOINT")
    assert storage(con)["t"].row_groups == 2
    # Every later write is a row group of its own: after k deliveries of 1,000 rows, 2 + k,
    # where the rows need 2 (up to 245,760) until 16 are spare.
    for k in range(1, VACUUM_SPARE_GROUPS):
        con.execute("INSERT INTO t SELECT range FROM range(1000)")
        assert storage(con)["t"].row_groups == 2 + k
        assert checkpoint(con) is False
    con.execute("INSERT INTO t SELECT range FROM range(1000)")
    assert storage(con)["t"].row_groups == 2 + VACUUM_SPARE_GROUPS
    assert checkpoint(con) is True
    held = storage(con)["t"]
    assert (held.rows, held.held) == (216_000, 216_000)
    # Merged (DuckDB leaves the last row group as it is).
    assert held.row_groups <= 3
    con.close()


def test_the_row_groups_are_counted_once_in_eight_deliveries() -> None:
    # Counting them costs 0.16 s at national scale; a table gathers one a delivery at most.
    assert row_groups_due(7, 8)
    assert not row_groups_due(8, 9)
    assert not row_groups_due(9, 15)
    assert row_groups_due(15, 16)
    # Many files at once (each its own delivery) pass a multiple too.
    assert row_groups_due(7, 17)
    assert row_groups_due(0, 83)


def test_an_attached_database_is_judged_by_its_own_tables(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(1000)")
    con.execute(f"ATTACH '{tmp_path / 'other.duckdb'}' AS other")
    con.execute("CREATE TABLE other.u AS SELECT range AS i FROM range(50000)")
    con.execute("CHECKPOINT other")
    # 20,000 of 50,000 deleted in the attached one (40%), none in the store.
    con.execute("DELETE FROM other.u WHERE i < 20000")
    assert _held(con, "u", "other") == (30_000, 50_000)
    assert not needs_vacuum(con)
    assert needs_vacuum(con, "other")
    assert checkpoint(con, "other") is True
    con.close()


def test_small_tables_are_not_worth_a_vacuum(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    # A reference table written anew at every ingest: half deleted, but 346 rows.
    con.execute("CREATE TABLE ref AS SELECT range AS i FROM range(692)")
    con.execute("CHECKPOINT")
    con.execute("DELETE FROM ref WHERE i >= 346")
    assert _held(con, "ref") == (346, 692)
    assert VACUUM_ROWS > 346
    assert not needs_vacuum(con)
    con.close()


def test_a_build_leaves_the_settings_as_they_were(warehouse: Path) -> None:
    con = connect(warehouse)
    defaults = _settings(con)
    assert defaults == {"preserve_insertion_order": "true", "max_vacuum_tasks": "100"}
    build(con)
    assert _settings(con) == defaults
    con.close()


def _settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return {
        name: con.execute("SELECT value FROM duckdb_settings() WHERE name = ?", [name]).fetchall()[
            0
        ][0]
        for name in BUILD_SETTINGS
    }
