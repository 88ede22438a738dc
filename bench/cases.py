"""The benchmark cases. Each runs in a fresh process (see run.py) and returns its measures.

A case gets a `Paths` (where the scale's demo data, warehouse and scratch space live) and
returns a dict with at least `seconds`; `rows` where a throughput makes sense. Peak memory is
added by the worker from the process's own high-water mark.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = 1
YEARS = (2015, 2024)
# The municipality for the one-municipality figures: the largest, so the most work.
GEMEENTE = "GM0363"


@dataclass(frozen=True)
class Paths:
    root: Path  # bench/tmp/scale-S

    @property
    def demo(self) -> Path:
        return self.root / "demo"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def scratch(self) -> Path:
        return self.root / "scratch"

    def fresh_scratch(self) -> Path:
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        return self.scratch


def _timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def demo(paths: Paths, scale: float, keep: bool) -> dict:
    """Generate the demo exports. The warm-up run writes the data every other case uses."""
    from intake.demo.generate import generate_demo

    out = paths.demo if keep else paths.fresh_scratch() / "demo"
    if keep:
        shutil.rmtree(out, ignore_errors=True)
    seconds, result = _timed(lambda: generate_demo(out, YEARS, scale, SEED))
    return {
        "seconds": seconds,
        "rows": result.n_episodes + result.n_trajectories + result.n_cases,
        "files": len(result.files),
        "megabytes": round(sum(f.stat().st_size for f in result.files) / 1e6, 1),
    }


def ingest(paths: Paths, scale: float, keep: bool) -> dict:
    """`terugkeer ingest` without the build: read, privacy guard, validate, load every file."""
    from store.ingest import ingest_paths
    from store.publish import publications_dir
    from store.warehouse import connect

    target = paths.warehouse if keep else paths.fresh_scratch() / "warehouse.duckdb"
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(publications_dir(target), ignore_errors=True)

    def work() -> list:
        con = connect(target)
        try:
            return ingest_paths(con, [paths.demo])
        finally:
            con.close()

    seconds, reports = _timed(work)
    refused = [r.file for r in reports if r.status == "refused"]
    if refused:
        raise RuntimeError(f"demo files refused: {refused}")
    return {
        "seconds": seconds,
        "rows": sum(r.rows_read for r in reports),
        "rows_loaded": sum(r.rows_loaded for r in reports),
        "files": len(reports),
    }


def ingest_full(paths: Paths, scale: float, keep: bool) -> dict:
    """`terugkeer ingest` of every demo file into a new store, as a user runs it: the writer
    lock, ingest, build and publication of the snapshot the dashboard reads."""
    target = paths.fresh_scratch() / "warehouse.duckdb"
    command = [sys.executable, "-m", "cli", "ingest", "--warehouse", str(target)]
    seconds, done = _timed(
        lambda: subprocess.run(
            [*command, str(paths.demo)], cwd=ROOT, capture_output=True, text=True, check=False
        )
    )
    if done.returncode != 0:
        raise RuntimeError(f"ingest failed: {done.stderr.strip()[-300:]}")
    return {"seconds": seconds, "peak_rss_mb_child": _child_peak_mb()}


def _child_peak_mb() -> float:
    """The high-water mark of resident memory of this process's finished children."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def ingest_floor(paths: Paths, scale: float, keep: bool) -> dict:
    """The floor: DuckDB reads the same files into tables, all text, with no checks at all.

    CSV and Parquet through DuckDB's own readers. DuckDB's Excel reader is an extension that
    must be downloaded, so the few XLSX files go through fastexcel (Arrow) into DuckDB; the
    Windows-1252 CSVs are re-encoded to UTF-8 first.
    """
    import duckdb
    import fastexcel

    from store.ingest import expand_paths

    target = paths.fresh_scratch() / "floor.duckdb"
    files = expand_paths([paths.demo])

    def work() -> int:
        con = duckdb.connect(str(target))
        rows = 0
        try:
            for i, path in enumerate(files):
                table = f"file_{i}"
                suffix = path.suffix.lower()
                if suffix == ".parquet":
                    con.execute(
                        f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)", [str(path)]
                    )
                elif suffix == ".xlsx":
                    reader = fastexcel.read_excel(str(path))
                    name = next((n for n in reader.sheet_names if n.lower() == "export"), 0)
                    sheet = reader.load_sheet(name, dtypes="string").to_arrow()  # noqa: F841
                    con.execute(f"CREATE TABLE {table} AS SELECT * FROM sheet")
                else:
                    con.execute(
                        f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, all_varchar = true)",
                        [str(_utf8(path, target.parent))],
                    )
                rows += con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        finally:
            con.close()
        return rows

    seconds, rows = _timed(work)
    return {"seconds": seconds, "rows": rows, "files": len(files)}


def _utf8(path: Path, scratch: Path) -> Path:
    """The file itself when it is UTF-8; else a UTF-8 copy. The contract allows Windows-1252,
    which DuckDB reads only through a downloadable extension (its latin-1 lacks 0x80-0x9f)."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        copy = scratch / f"utf8_{path.name}"
        copy.write_bytes(data.decode("cp1252").encode("utf-8"))
        return copy
    return path


def ingest_pandas(paths: Paths, scale: float, keep: bool) -> dict:
    """The analyst's alternative: pandas + Pandera's pandas backend (bench/pandas_ingest.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    import pandas_ingest

    from store.ingest import expand_paths

    target = paths.fresh_scratch() / "pandas.duckdb"
    files = expand_paths([paths.demo])
    seconds, loaded = _timed(lambda: pandas_ingest.ingest(files, target))
    return {"seconds": seconds, "rows_loaded": loaded, "files": len(files)}


def build(paths: Paths, scale: float, keep: bool) -> dict:
    """`terugkeer build --full`: every SQL model and the statistical models, in one
    transaction, and the whole publication (a build after a delivery rebuilds less)."""
    from store.build import MODEL_STEPS, OTHER_STEPS
    from store.build import build as run_build
    from store.warehouse import connect

    def work() -> dict:
        con = connect(paths.warehouse)
        try:
            return run_build(con, full=True)
        finally:
            con.close()

    seconds, timings = _timed(work)
    models = sum(timings.pop(step, 0.0) for step in MODEL_STEPS)
    publication = timings.get("publication", 0.0)
    for step in OTHER_STEPS:
        timings.pop(step, None)
    slowest = max(timings, key=timings.get)
    return {
        "seconds": seconds,
        "sql_seconds": sum(timings.values()),
        "models_seconds": models,
        "publication_seconds": publication,
        "slowest_sql_model": f"{slowest} {timings[slowest]:.1f} s",
    }


# The next delivery of each kind (intake/demo/generate.py), by the name of its case.
DELIVERIES = {
    "pi": "next_pi_export",
    "recidive": "next_recidive_export",
    "reclassering": "next_reclassering_export",
    "nazorg": "next_nazorg_export",
}


def next_delivery(kind: str, demo: Path, folder: Path) -> Path:
    """The file of the next delivery of `kind`, written to `folder`."""
    from intake.demo import generate

    return getattr(generate, DELIVERIES[kind])(demo, folder)


def _delivery(kind: str) -> Callable[[Paths, float, bool], dict]:
    def case(paths: Paths, scale: float, keep: bool) -> dict:
        """A delivery at rest, on a copy of the store: `ingest_paths` of the next delivery of
        its kind and `terugkeer build` as the ingest runs it (only what the delivery changed:
        by the persons' buckets, the marts by what the buckets add) with the snapshot
        written from the current one."""
        from store.build import MODEL_STEPS, OTHER_STEPS
        from store.build import build as run_build
        from store.ingest import ingest_paths
        from store.publish import publications_dir
        from store.warehouse import connect

        scratch = paths.fresh_scratch()
        store = scratch / "warehouse.duckdb"
        shutil.copy(paths.warehouse, store)
        shutil.copytree(publications_dir(paths.warehouse), publications_dir(store))
        delivery = next_delivery(kind, paths.demo, scratch)
        con = connect(store)
        try:
            started = time.perf_counter()
            reports = ingest_paths(con, [delivery])
            ingested = time.perf_counter() - started
            timings = run_build(con)
            seconds = time.perf_counter() - started
        finally:
            con.close()
        rebuilt = [t for t in timings if t not in OTHER_STEPS]
        return {
            "seconds": seconds,
            # Readers see it once it is published; the store's checkpoint comes after.
            "published_seconds": seconds - timings.get("checkpoint", 0.0),
            "ingest_seconds": ingested,
            "models_seconds": sum(timings.get(step, 0.0) for step in MODEL_STEPS),
            "publication_seconds": timings.get("publication", 0.0),
            "rebuilt": len(rebuilt),
            "rows": sum(r.rows_read for r in reports),
        }

    case.__name__ = f"delivery_{kind}"
    return case


def _figures(paths: Paths, extra: list[str]) -> dict:
    """`terugkeer figures --json` as a user runs it: a new process, start-up included."""
    command = [
        sys.executable,
        "-m",
        "cli.main",
        "figures",
        "--json",
        "--warehouse",
        str(paths.warehouse),
        *extra,
    ]
    seconds, done = _timed(
        lambda: subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    )
    if done.returncode != 0:
        raise RuntimeError(f"figures failed: {done.stderr.strip()}")
    return {"seconds": seconds, "bytes": len(done.stdout)}


def figures_national(paths: Paths, scale: float, keep: bool) -> dict:
    return _figures(paths, [])


def figures_gemeente(paths: Paths, scale: float, keep: bool) -> dict:
    return _figures(paths, ["--gemeente", GEMEENTE])


def stats_casemix(paths: Paths, scale: float, keep: bool) -> dict:
    """The case-mix model (both windows) on the national cohorts, as the build fits it."""
    from store.models import fit_casemix
    from store.warehouse import connect

    con = connect(paths.warehouse, read_only=True)
    try:
        seconds, (cells, coefficients) = _timed(lambda: fit_casemix(con))
    finally:
        con.close()
    return {"seconds": seconds, "rows": cells.height, "coefficients": coefficients.height}


def stats_km(paths: Paths, scale: float, keep: bool) -> dict:
    """Kaplan-Meier of time to re-offence for every cohort member released by the peildatum,
    followed up to three years as the curves are (query + estimate)."""
    import numpy as np

    from store.stats import kaplan_meier
    from store.warehouse import connect

    def work() -> tuple[int, int]:
        con = connect(paths.warehouse, read_only=True)
        try:
            days, events = (
                con.sql(
                    "SELECT observed_days(o.release_date, o.first_offence_date, p.peildatum), "
                    "observed_event(o.release_date, o.first_offence_date, p.peildatum) "
                    "FROM core_recidivism_outcomes AS o, core_peildatum AS p "
                    "WHERE o.release_date <= p.peildatum"
                )
                .fetchnumpy()
                .values()
            )
        finally:
            con.close()
        events = np.asarray(events, dtype=float)
        curve = kaplan_meier(np.asarray(days), events, 1.0 - events)
        return len(days), curve.time.size

    seconds, (people, times) = _timed(work)
    return {"seconds": seconds, "rows": people, "distinct_times": times}


def effect(paths: Paths, scale: float, keep: bool) -> dict:
    """An Effectmeting evaluation as the dashboard server runs it (issue 35): the largest
    definition there is, supervision after release (every covered release either treated or
    in the pool), on the published store, in a fresh process (the first evaluation reads
    mart_factors: nothing cached). scikit-learn is imported before the clock starts, as the
    dashboard imports it at start-up (dashboard/app.py)."""
    import sklearn.neighbors  # noqa: F401

    from published import reader
    from published.effect import Definition, EffectError, evaluate

    reader.use_store(paths.warehouse)
    try:
        seconds, result = _timed(lambda: _evaluate_or_refusal(evaluate, Definition, EffectError))
    finally:
        reader.release()
    return {"seconds": seconds, **result}


def _evaluate_or_refusal(evaluate: Callable, definition: type, error: type) -> dict:
    try:
        result = evaluate(definition(condition="onder_toezicht"))
    except error as exc:  # a tiny scale may hold too few: timed all the same
        return {"refused": exc.code}
    return {"rows": result["treated"]["found"] + result["comparison"]["n"]}


CASES: dict[str, Callable[[Paths, float, bool], dict]] = {
    "demo": demo,
    "ingest": ingest,
    "ingest_full": ingest_full,
    "ingest_floor": ingest_floor,
    "ingest_pandas": ingest_pandas,
    "build": build,
    **{f"delivery_{kind}": _delivery(kind) for kind in DELIVERIES},
    "figures_national": figures_national,
    "figures_gemeente": figures_gemeente,
    "stats_casemix": stats_casemix,
    "stats_km": stats_km,
    "effect": effect,
}


def peak_rss_mb() -> float:
    """This process's high-water mark of resident memory."""
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def environment() -> dict:
    """What the numbers were measured on."""
    import platform
    from importlib.metadata import version

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory_kb = 0
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "python": platform.python_version(),
        "commit": commit or "unknown",
        "libraries": {
            name: version(name)
            for name in ("duckdb", "polars", "pandera", "pandas", "streamlit", "statsmodels")
        },
    }
