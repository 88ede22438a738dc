"""`terugkeer build`: run the SQL models (staging -> core -> marts) in dependency order.

Each model is a file `sql/<layer>/<name>.sql` holding one SELECT; it becomes the table
<name>. A model depends on every other model whose name it mentions. After the SQL, the
statistical models of pipelines/models.py are fitted. The whole build runs in one
transaction; it ends by publishing a read-only snapshot for the readers.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from pipelines import publish as publishing
from pipelines.models import MODEL_TABLES, build_models
from pipelines.publish import _fault, store_path
from pipelines.publish import publish as publish_snapshot
from pipelines.settings import SQL_DIR
from pipelines.warehouse import ensure_schema, scalar

LAYERS = ("staging", "core", "marts")
# DuckDB's memory during a build; beyond it DuckDB spills to a temporary file beside the store.
# At national scale this keeps the build's peak under 1 GB (1,052 MB without a limit, 965 MB
# with it) and makes it no slower; at ten times the scale it bounds what would grow with the data.
BUILD_MEMORY_LIMIT = "600MB"


@dataclass(frozen=True)
class Model:
    name: str
    layer: str
    sql: str


def discover_models(sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model, in an order where each comes after the models it reads."""
    models = {
        path.stem: Model(path.stem, layer, path.read_text(encoding="utf-8"))
        for layer in LAYERS
        for path in sorted((sql_dir / layer).glob("*.sql"))
    }
    graph = {
        name: {
            other
            for other in models
            if other != name and re.search(rf"\b{re.escape(other)}\b", _strip_comments(m.sql))
        }
        for name, m in models.items()
    }
    return [models[name] for name in TopologicalSorter(graph).static_order()]


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def build(
    con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, publish: bool = True
) -> dict[str, float]:
    """(Re)build every model and publish a snapshot for the readers (pipelines/publish.py);
    returns the seconds each step took."""
    ensure_schema(con)
    timings: dict[str, float] = {}
    con.execute(f"SET memory_limit = '{BUILD_MEMORY_LIMIT}'")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute((sql_dir / "macros.sql").read_text(encoding="utf-8"))
        for model in discover_models(sql_dir):
            started = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TABLE {model.name} AS\n{model.sql}")
            timings[model.name] = time.perf_counter() - started
        started = time.perf_counter()
        build_models(con)
        timings["models (case-mix, success factors)"] = time.perf_counter() - started
        con.execute(
            "CREATE OR REPLACE TABLE build_info AS SELECT ? AS models_digest",
            [publishing.models_digest(sql_dir)],
        )
        _fault("build")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        con.execute("RESET memory_limit")
        raise
    con.execute("CHECKPOINT")
    con.execute("RESET memory_limit")
    if publish and store_path(con) is not None:
        started = time.perf_counter()
        publish_snapshot(con)
        timings["publication"] = time.perf_counter() - started
    return timings


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the marts exist and are no older than the last delivery."""
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    # A warehouse built by an older version lacks newer models: it needs a rebuild too.
    expected = {m.name for m in discover_models()} | set(MODEL_TABLES)
    if not expected <= tables:
        return False
    if "build_info" not in tables:
        return False
    if scalar(con, "SELECT models_digest FROM build_info") != publishing.models_digest():
        return False  # built by other code
    built_version = scalar(con, "SELECT data_version FROM mart_data_status")
    current = scalar(con, "SELECT COALESCE(max(delivery_id), 0) FROM deliveries")
    return built_version == current
