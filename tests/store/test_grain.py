"""Every SQL model declares its key (`-- Key:` in its header); the key is unique on the
national demo warehouse. A model whose grain drifts (a join that fans out, a GROUP BY that
misses a column) fails here before a figure doubles."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from basis.settings import ROOT
from store.additive import key_columns

MODELS = sorted((ROOT / "sql").glob("*/*.sql"))


def declared_key(path: Path) -> list[str] | None:
    """The columns of the `-- Key:` header; None for a model of one row."""
    key = key_columns(path.read_text(encoding="utf-8"))
    assert key != [], f"{path.name} declares no key ('-- Key:' in its header)"
    return key


def test_the_key_header_is_read_as_written() -> None:
    assert declared_key(ROOT / "sql" / "core" / "core_releases.sql") == ["release_id"]
    assert declared_key(ROOT / "sql" / "core" / "core_peildatum.sql") is None
    factors = declared_key(ROOT / "sql" / "marts" / "mart_factors.sql")
    assert factors is not None and factors[0] == "cohort_year" and factors[-1] == "event"
    assert len(factors) == 28  # with the release month and the six leefgebieden at intake


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_every_model_is_unique_on_its_key(model: Path, national_demo: dict) -> None:
    key = declared_key(model)
    con = duckdb.connect(str(national_demo["warehouse"]), read_only=True)
    try:
        rows = con.execute(f"SELECT count(*) FROM {model.stem}").fetchone()[0]
        assert rows > 0, f"{model.stem} is empty on the national demo"
        if key is None:
            assert rows == 1
            return
        assert all(re.fullmatch(r"[a-z_0-9]+", c) for c in key)
        repeated = repeats(con, model.stem, key)
    finally:
        con.close()
    assert repeated == [], f"{model.stem}: key {key} repeats, e.g. {repeated}"


def repeats(con: duckdb.DuckDBPyConnection, table: str, key: list[str]) -> list[tuple]:
    return con.execute(
        f"SELECT {', '.join(key)}, count(*) AS n FROM {table} "
        "GROUP BY ALL HAVING count(*) > 1 LIMIT 3"
    ).fetchall()


def test_a_key_that_misses_a_column_is_caught(national_demo: dict) -> None:
    key = declared_key(ROOT / "sql" / "marts" / "mart_outflow.sql")
    assert key is not None
    con = duckdb.connect(str(national_demo["warehouse"]), read_only=True)
    try:
        assert repeats(con, "mart_outflow", key) == []
        assert repeats(con, "mart_outflow", [c for c in key if c != "release_month"]) != []
    finally:
        con.close()
