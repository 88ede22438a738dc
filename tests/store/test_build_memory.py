"""DuckDB's memory limit during a build (store/build.py `_memory_limit`): set for the body and
as it was afterwards, also when the body fails inside the build's transaction, where the
body's own error is what the caller sees (not "transaction is aborted")."""

from __future__ import annotations

import duckdb
import pytest

from store.build import _memory_limit


def _limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


def _as_duckdb_says(megabytes: int) -> str:
    other = duckdb.connect()
    other.execute(f"SET memory_limit = '{megabytes}MB'")
    return _limit(other)


def test_the_limit_holds_for_the_body_and_is_set_back() -> None:
    """Set back exactly: DuckDB reports 600 MB as "572.2 MiB", and setting that string back
    gave 572.1 MiB (an earlier version read the limit back that way)."""
    con = duckdb.connect()
    default = _limit(con)
    with _memory_limit(con, 600):
        assert _limit(con) == _as_duckdb_says(600)
        with _memory_limit(con, 200, after=600):
            assert _limit(con) == _as_duckdb_says(200)
        assert _limit(con) == _as_duckdb_says(600)
    assert _limit(con) == default


def test_a_failure_inside_the_transaction_raises_its_own_error_and_the_limit_comes_back() -> None:
    con = duckdb.connect()
    default = _limit(con)
    with pytest.raises(duckdb.ConversionException), _memory_limit(con, 600):
        con.execute("BEGIN TRANSACTION")
        try:
            with _memory_limit(con, 200, after=600):
                con.execute("SELECT CAST('geen getal' AS INTEGER)")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    assert _limit(con) == default
