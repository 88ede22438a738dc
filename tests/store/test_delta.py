"""A table written as its changes (store/delta.py): the rows that went and came, found by
their hashes, turn the old content into the new one, in the store and in a copy of it (the
snapshot); a table that no model reads keeps only the hashes of the rows that went."""

from __future__ import annotations

import duckdb
import pytest

from store import delta

# 60,000 rows (above delta.MIN_ROWS): i and v = i mod 7.
OLD = "SELECT i, i % 7 AS v FROM range(60000) AS r(i)"
# The first 100 rows get another v, the last 3 go, 5 come: 103 rows went, 105 came.
NEW = (
    "SELECT i, CASE WHEN i < 100 THEN i % 7 + 1 ELSE i % 7 END AS v FROM range(59997) AS r(i) "
    "UNION ALL SELECT 70000 + i, 0 FROM range(5) AS r(i)"
)


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return sorted(con.execute(f"SELECT * FROM {table}").fetchall())


@pytest.mark.parametrize("gone_rows", [True, False])
def test_the_changes_turn_the_old_rows_into_the_new_in_store_and_copy(gone_rows: bool) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS {OLD}")
    con.execute(f"CREATE TABLE copy AS {OLD}")
    change = delta.rebuild(con, "t", NEW, "before", gone_rows=gone_rows)
    assert change is not None  # written as its changes: 208 of 60,002 rows
    assert change.gone_rows is gone_rows
    gone_columns = [r[0] for r in con.execute(f"DESCRIBE {change.gone}").fetchall()]
    assert gone_columns == (["i", "v"] if gone_rows else ["h"])
    assert con.execute(f"SELECT count(*) FROM {change.gone}").fetchall() == [(103,)]
    assert con.execute(f"SELECT count(*) FROM {change.came}").fetchall() == [(105,)]
    expected = _rows(con, f"({NEW})")
    assert len(expected) == 60002
    assert _rows(con, "t") == expected
    # The publication applies the same changes to its copy.
    delta.apply(con, change, "main.copy")
    assert _rows(con, "copy") == expected
    # The comparison's temporary tables are gone; the changes stay until published.
    temporary = {r[0] for r in con.execute("SHOW TABLES FROM temp.main").fetchall()}
    assert temporary == {"delta_gone_t", "delta_came_t"}
