"""The build rebuilds what changed, and the publication rewrites what changed (issue 13): an
incremental build and publication give exactly the tables a full build from scratch gives."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from intake.demo.generate import (
    generate_demo,
    next_nazorg_export,
    next_pi_export,
    next_recidive_export,
    next_reclassering_export,
)
from store import additive, delta, models, partitions, slices
from store.build import OTHER_STEPS, build, build_keys, discover_models, read_by_models
from store.ingest import ingest_paths
from store.models import MODEL_TABLES
from store.publish import current, publications_dir
from store.warehouse import connect, ensure_schema, fingerprint, table_names

# Tables that record when something was loaded or published (ingest times): compared without
# those columns.
TIMED = {
    "deliveries": "ingested_at",
    "mart_deliveries": "ingested_at",
    "mart_data_status": "last_ingested_at",
}


@pytest.fixture(scope="module")
def exports(module_dir: Path) -> Path:
    folder = module_dir / "exports"
    generate_demo(folder, (2019, 2023), 0.03, seed=5)
    return folder


def _store(path: Path, files: list[Path], secret: str | None = None) -> duckdb.DuckDBPyConnection:
    con = connect(path)
    ensure_schema(con)
    if secret is not None:  # the same record keys as another store: comparable key sums
        con.execute("UPDATE record_key_secret SET secret = ?", [secret])
    for file in files:
        ingest_paths(con, [file])
    return con


def _content(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    """The rows in a fixed order; fractions to 9 decimals (DuckDB sums floating-point numbers
    in parallel, in no fixed order: the last bit may differ between two runs)."""
    drop = TIMED.get(table)
    columns = "*" if drop is None else f"* EXCLUDE ({drop})"
    rows = con.execute(f"SELECT {columns} FROM {table}").fetchall()
    return sorted(
        (tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows),
        key=repr,
    )


def _record(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str], list[str]]:
    """The targets that changes were applied to, the tables rebuilt by partition (or by
    slice: store/slices.py) and those brought up to date by adding what changed
    (store/additive.py)."""
    applied: list[str] = []
    parted: list[str] = []
    added: list[str] = []
    apply, rebuild_part, update = delta.apply, delta.rebuild_part, additive.update
    rebuild_keys = delta.rebuild_keys
    monkeypatch.setattr(
        delta, "apply", lambda con, d, target: (applied.append(target), apply(con, d, target))[1]
    )
    monkeypatch.setattr(
        delta,
        "rebuild_part",
        lambda con, name, *a, **k: (parted.append(name), rebuild_part(con, name, *a, **k))[1],
    )
    monkeypatch.setattr(  # a staging model's rows of the persons or cases delivered
        delta,
        "rebuild_keys",
        lambda con, name, *a: (parted.append(name), rebuild_keys(con, name, *a))[1],
    )
    monkeypatch.setattr(
        additive,
        "update",
        lambda con, name, *a, **k: (added.append(name), update(con, name, *a, **k))[1],
    )
    return applied, parted, added


def _equal_to_a_full_build(
    con: duckdb.DuckDBPyConnection, store: Path, files: list[Path], tmp_path: Path
) -> None:
    """Every model of the store equals a full build of the same files (with the same record
    keys), and the publication, written incrementally, holds the store's published tables."""
    secret = con.execute("SELECT secret FROM record_key_secret").fetchall()[0][0]
    full = _store(tmp_path / "full.duckdb", files, secret)
    build(full, full=True)
    models = {m.name for m in discover_models()} | set(MODEL_TABLES)
    assert models <= table_names(con)
    for table in sorted(models):
        assert _content(con, table) == _content(full, table), table
    full.close()
    snapshot = duckdb.connect(str(current(store)), read_only=True)
    published = table_names(snapshot) - {"publication", "publication_tables"}
    assert {"mart_factors", "model_factors", "mart_process", "deliveries"} <= published
    for table in sorted(published):
        assert _content(snapshot, table) == _content(con, table), table
    recorded = dict(snapshot.execute("SELECT * FROM publication_tables").fetchall())
    assert set(recorded) == published
    assert recorded["mart_outflow"] == fingerprint(snapshot, "mart_outflow")
    snapshot.close()


def _equal_to_a_full_build_of_a_copy(
    store: Path, tmp_path: Path, content: Callable[[duckdb.DuckDBPyConnection, str], object]
) -> None:
    """Every model of the (closed) store equals a full build of a copy of it (its raw tables
    as they are), compared by `content`."""
    copy = tmp_path / "full.duckdb"
    shutil.copyfile(store, copy)
    full = connect(copy)
    build(full, full=True, publish=False)
    con = connect(store)
    for table in sorted({m.name for m in discover_models()} | set(MODEL_TABLES)):
        assert content(con, table) == content(full, table), table
    con.close()
    full.close()


# Per delivery kind (issue 33): the next delivery (intake/demo/generate.py), the models it
# rebuilds by partition (the persons' buckets it names), those brought up to date by adding
# what changed, and models it must leave as they are.
SUPPLIER_LISTS = {"core_tbo_pis", "core_nazorg_gemeenten", "core_peildatum"}
BY_RELEASE = ["core_releases", "core_cohort_members", "core_release_aftercare"]
SLICED = ["core_cohort_cells", "mart_factors", "mart_reoffence_groups", "mart_survival"]
# Kept in two tables, the view of both named as the model (store/slices.py): its settled rows
# are brought up to date as the others, its open rows written whole when the peildatum moves.
SPLIT = {"mart_factors", "mart_survival"}
SETTLED = {f"{name}_settled" for name in SPLIT}
OPEN = {f"{name}_open" for name in SPLIT}


def _parts(names: set[str]) -> set[str]:
    """The tables a delivery's models are kept in: a split model's two for its name."""
    return {n for n in names if n not in SPLIT} | {
        f"{n}_{part}" for n in names & SPLIT for part in ("settled", "open")
    }


SLICED_TABLES = _parts(set(SLICED)) - OPEN
DELIVERIES = {
    "pi": (
        next_pi_export,
        {"stg_pi_episodes", *BY_RELEASE, "core_release_probation", "core_recidivism_outcomes"},
        {
            "mart_aftercare", "mart_completeness", "mart_outflow", "mart_readiness",
            "mart_readiness_improvement", "mart_process", "mart_probation", "core_cohort_cells",
            "mart_factors", "mart_reoffence_groups", "mart_survival", "mart_recidivism",
            "mart_readiness_pi",
        },
        {"stg_gemeente_trajectories", "stg_recidive_cases", "core_tbo_pis", "core_peildatum"},
    ),
    # The peildatum moves: the outcomes (which hold no peildatum) are rebuilt for the buckets
    # of the persons whose cases came or went; what reads the peildatum (the days observed,
    # who was released by then) is rebuilt for the cohorts it can move (store/slices.py: the
    # last four) and brought up to date by the moved buckets' difference for the others
    # (mart_recidivism rolls up the changes of the cohorts' cells); the releases and what is
    # made of them alone stay.
    "recidive": (
        next_recidive_export,
        {"stg_recidive_cases", "core_recidivism_outcomes", *SLICED_TABLES},
        {"mart_recidivism", *SLICED_TABLES},
        {"stg_pi_episodes", *BY_RELEASE, "mart_outflow", "mart_readiness", "mart_process"},
    ),
    "reclassering": (
        next_reclassering_export,
        {"stg_reclassering_trajectories", "core_release_probation"},
        {"mart_probation", "mart_factors"},
        {"stg_pi_episodes", "core_releases", "core_recidivism_outcomes", "mart_outflow"},
    ),
    "nazorg": (
        next_nazorg_export,
        {"stg_gemeente_trajectories", "core_release_aftercare"},
        {"mart_aftercare", "mart_process", "mart_factors"},
        {"stg_pi_episodes", "core_releases", "core_nazorg_gemeenten", "core_cohort_cells"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(DELIVERIES))
def test_each_delivery_rebuilds_only_what_it_changes_and_equals_a_full_build(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A PI's next export, the justice records' next quarter, a probation organisation's and
    a municipality's next export: the person-level models are rebuilt only for the buckets of
    the persons the delivery names, the counting marts get the difference those buckets make
    (in the store and in the snapshot), and the result equals a full build of the same files.
    (Staging tables are written as their changes at any size here, as they are at national
    scale, where they hold more than delta.MIN_ROWS rows; and the buckets are put to the
    stored rows as a temporary table of them, as they are when a delivery names more than
    partitions.LISTED_MAX: dropped once published.)"""
    monkeypatch.setattr(delta, "MIN_ROWS", 0)
    monkeypatch.setattr(partitions, "LISTED_MAX", 0)
    # Five cohorts here, of which the last four move with the peildatum.
    monkeypatch.setattr(slices, "MAX_SLICE_SHARE", 1.0)
    make, by_partition, by_addition, kept = DELIVERIES[kind]
    applied, parted, added = _record(monkeypatch)
    # Per table written as its changes: whether they kept the rows that went.
    gone_rows: dict[str, set[bool]] = {}
    applying = delta.apply

    def recording(con: duckdb.DuckDBPyConnection, change: delta.Delta, target: str) -> None:
        gone_rows.setdefault(change.table, set()).add(change.gone_rows)
        applying(con, change, target)

    monkeypatch.setattr(delta, "apply", recording)
    by_key: list[str] = []
    recorded = delta.rebuild_keys
    monkeypatch.setattr(
        delta,
        "rebuild_keys",
        lambda con, name, *a: (by_key.append(name), recorded(con, name, *a))[1],
    )
    scopes: list[str] = []
    drop_scopes = partitions.drop_scopes

    def dropping(con: duckdb.DuckDBPyConnection) -> None:
        scopes.extend(partitions.scope_tables(con))
        drop_scopes(con)

    monkeypatch.setattr(partitions, "drop_scopes", dropping)
    files = sorted(exports.iterdir())
    delivery = make(exports, tmp_path)
    store = tmp_path / "incremental.duckdb"
    con = _store(store, files)
    build(con)
    before = build_keys(con)
    ingest_paths(con, [delivery])
    assert con.execute(
        "SELECT status FROM deliveries ORDER BY delivery_id DESC LIMIT 1"
    ).fetchall() == [("loaded",)]
    parted.clear()
    applied.clear()
    gone_rows.clear()
    cohorts = _cohorts(con)
    rebuilt = set(build(con)) - set(OTHER_STEPS)
    assert set(parted) == by_partition
    assert set(added) == _parts(by_addition)
    # The rows that went are kept for the models that another model reads (their readers add
    # what changed); a comparison of a table that no model reads keeps only their hashes.
    read = read_by_models(discover_models())
    assert read & set(gone_rows)
    assert all(gone_rows[t] == {True} for t in read & set(gone_rows))
    if kind == "recidive":
        assert (
            False in gone_rows["mart_factors_settled"]
            and False in gone_rows["mart_survival_settled"]
        )
        # The open rows written whole: not compared, not written as changes.
        assert rebuilt >= OPEN and not OPEN & (set(parted) | set(added) | set(gone_rows))
    # The staging model, from the raw rows of the persons (cases) delivered alone.
    assert by_key == [n for n in by_partition if n.startswith("stg_")]
    assert scopes and not partitions.scope_tables(con)
    # Nor any other temporary table (the inputs' rows of the marts' updates, the changes).
    assert not con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    # Kept as they were (the one-row and per-supplier tables may be run again, to find that).
    assert not rebuilt & (kept - SUPPLIER_LISTS), rebuilt & kept
    assert all(build_keys(con)[name][1] == before[name][1] for name in kept)
    # The same changes in the snapshot, for the published ones whose content changed.
    after = build_keys(con)
    for name in _parts(by_addition) - {"core_cohort_cells"}:
        if after[name][1] != before[name][1]:
            assert f"snapshot.{name}" in applied, name
    if kind == "recidive":
        # Peildatum 2024-06-30 -> 2024-09-30: the cohorts from 2021 on were computed again
        # (the slice), and the rows of 2019 and 2020 changed too, by the buckets of the persons
        # whose cases were acquitted (brought up to date by their difference).
        peildatum = con.execute("SELECT peildatum FROM core_peildatum").fetchall()
        assert peildatum == [(dt.date(2024, 9, 30),)]
        moved = {year for year, rows in _cohorts(con).items() if cohorts.get(year) != rows}
        assert {2019, 2020} <= moved
    _equal_to_a_full_build(con, store, [*files, delivery], tmp_path)
    con.close()


def _cohorts(con: duckdb.DuckDBPyConnection) -> dict[int, tuple]:
    """mart_factors' rows per cohort year: count and sum of row hashes."""
    rows = con.execute(
        "SELECT cohort_year, count(*), sum(CAST(hash(t) AS HUGEINT)) FROM mart_factors AS t "
        "GROUP BY ALL"
    ).fetchall()
    return {year: (n, total) for year, n, total in rows}


@pytest.mark.parametrize("mode", ["whole", "as-changes"])
def test_without_partitions_a_nazorg_delivery_rebuilds_what_reads_it_and_equals_a_full_build(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """Without the partitions: rebuilt tables written whole, or every one written as its
    changes (store/delta.py: at national scale only the large ones are)."""
    monkeypatch.setattr(partitions, "declared", lambda sql: None)
    if mode == "as-changes":
        monkeypatch.setattr(delta, "MIN_ROWS", 0)
    applied, parted, added = _record(monkeypatch)
    files = sorted(exports.iterdir())
    delivery = next_nazorg_export(exports, tmp_path)
    store = tmp_path / "incremental.duckdb"
    con = _store(store, files)
    build(con)
    unchanged = build(con)  # nothing new: nothing is rebuilt
    assert set(unchanged) == set(OTHER_STEPS)
    known = "SELECT sum(n_cohort) FILTER (WHERE casemanager = 'ja') FROM mart_factors"
    managed = con.execute(known).fetchall()[0][0]
    ingest_paths(con, [delivery])
    parted.clear()
    rebuilt = set(build(con)) - set(OTHER_STEPS)
    assert parted == []
    # The nazorg-exports' models and what reads in beeld / casemanager, not the rest.
    assert {
        "stg_gemeente_trajectories",
        "core_release_aftercare",
        "mart_aftercare",
        "mart_factors",
        "success-factor model",
    } <= rebuilt
    # The case-mix model is fitted on the cohorts' cells, which a nazorg export leaves alone.
    assert not rebuilt & {
        "core_cohort_cells",
        "case-mix model",
        "stg_pi_episodes",
        "core_releases",
        "core_cohort_members",
        "core_recidivism_outcomes",
        "mart_outflow",
        "mart_readiness",
        "mart_readiness_improvement",
        "mart_recidivism",
        "mart_survival",
    }
    if mode != "whole":
        assert {"snapshot.mart_aftercare"} <= set(applied)
        assert {"main.mart_factors_settled", "snapshot.mart_factors_settled"} <= set(applied)
    # The figures moved: every trajectory of that municipality now has a casemanager.
    assert con.execute(known).fetchall()[0][0] > managed
    _equal_to_a_full_build(con, store, [*files, delivery], tmp_path)
    con.close()


def test_a_case_delivered_again_under_another_person_and_a_withdrawal(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A criminal case's key holds no pseudonym: when the justice records deliver 20 earlier
    cases again under another person, the buckets of the persons they left are rebuilt too
    (partitions.delivered), and the result equals a full build. Withdrawing that delivery
    removes rows of a delivery the last build read: the staging table is rebuilt whole, and
    equals a full build of the files without it."""
    import polars as pl

    from store.stewardship import withdraw

    monkeypatch.setattr(delta, "MIN_ROWS", 0)
    applied, parted, added = _record(monkeypatch)
    files = sorted(exports.iterdir())
    source = next(exports.glob("demo_recidive_peildatum_*.csv"))
    rows = pl.read_csv(source, infer_schema=False).sort("zaak_id").head(20)
    # Each case to the person of the next one (another person, in another bucket).
    moved = rows.with_columns(pl.col("pseudoniem").shift(-1, fill_value=rows["pseudoniem"][0]))
    assert (moved["pseudoniem"] != rows["pseudoniem"]).sum() >= 19
    delivery = tmp_path / source.name.replace(".csv", "_correctie.csv")
    moved.write_csv(delivery)
    store = tmp_path / "incremental.duckdb"
    con = _store(store, files)
    build(con)
    left = {
        b for (b,) in con.execute(
            "SELECT DISTINCT CAST(bucket AS VARCHAR) FROM stg_recidive_cases "
            "WHERE case_id IN (SELECT unnest(?))", [rows["zaak_id"].to_list()]
        ).fetchall()
    }  # fmt: skip
    ingest_paths(con, [delivery])
    assert con.execute("SELECT max(delivery_id), status FROM deliveries GROUP BY ALL "
                       "ORDER BY 1 DESC LIMIT 1").fetchall()[0][1] == "loaded"  # fmt: skip
    before = build_keys(con)["raw_recidive_cases"]
    _, then = partitions.raw_fingerprints(con, "raw_recidive_cases", before)
    assert then == before[1]  # the rows read by the last build are as they were
    found = partitions.delivered(con, "raw_recidive_cases", ("zaak_id",), before, then)
    assert found is not None and left <= found
    parted.clear()
    build(con)
    assert "stg_recidive_cases" in parted
    _equal_to_a_full_build(con, store, [*files, delivery], tmp_path / "with")
    (last,) = con.execute("SELECT max(delivery_id) FROM deliveries").fetchall()[0]
    withdraw(con, last, "correctie ingetrokken", "test")
    parted.clear()
    build(con)
    assert "stg_recidive_cases" not in parted
    # Equal to a full build without it, but for the delivery log (which holds the withdrawal)
    # and the data version (its latest delivery).
    secret = con.execute("SELECT secret FROM record_key_secret").fetchall()[0][0]
    full = _store(tmp_path / "without.duckdb", files, secret)
    build(full, full=True)
    logs = {"mart_deliveries", "mart_data_status"}
    for table in sorted({m.name for m in discover_models()} - logs | set(MODEL_TABLES)):
        assert _content(con, table) == _content(full, table), table
    full.close()
    con.close()


def test_a_new_case_of_a_person_whose_earlier_case_went_to_another(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case 1 delivered again under person B leaves its first row in A's bucket. A new case
    of person A then rebuilds the staging rows of the case delivered, from its raw rows alone
    (partitions.Ledger._delivered), and what A's bucket makes further on: case 1, whose
    latest row lies in B's bucket, stays B's (filtering the raw rows by A's bucket would
    have made it A's again), as in a full build."""
    import polars as pl

    monkeypatch.setattr(delta, "MIN_ROWS", 0)
    applied, parted, added = _record(monkeypatch)
    files = sorted(exports.iterdir())
    source = next(exports.glob("demo_recidive_peildatum_*.csv"))
    rows = pl.read_csv(source, infer_schema=False).sort("zaak_id")
    first = rows.head(1)
    other = rows.filter(pl.col("pseudoniem") != first["pseudoniem"][0])["pseudoniem"][0]
    moved = tmp_path / source.name.replace(".csv", "_correctie.csv")
    first.with_columns(pseudoniem=pl.lit(other)).write_csv(moved)
    new = tmp_path / source.name.replace(".csv", "_nieuw.csv")
    first.with_columns(zaak_id=pl.lit("Z-NIEUW-1")).write_csv(new)
    store = tmp_path / "incremental.duckdb"
    con = _store(store, [*files, moved])
    build(con)
    case = "SELECT pseudoniem FROM stg_recidive_cases WHERE case_id = ?"
    assert con.execute(case, [first["zaak_id"][0]]).fetchall() == [(other,)]
    ingest_paths(con, [new])
    parted.clear()
    build(con)
    assert "stg_recidive_cases" in parted
    assert con.execute(case, [first["zaak_id"][0]]).fetchall() == [(other,)]
    assert con.execute(case, ["Z-NIEUW-1"]).fetchall() == [(first["pseudoniem"][0],)]
    _equal_to_a_full_build(con, store, [*files, moved, new], tmp_path)
    con.close()


@pytest.mark.parametrize("peildatum_moves", [False, True])
def test_two_changes_in_one_build_and_a_changed_unpartitioned_input(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, peildatum_moves: bool
) -> None:
    """A nazorg delivery and, in the same build, the cases of 25 re-offenders leaving the
    recidivism data: both are changes of some persons' buckets, so mart_factors (which reads
    both sides) gets the difference of the buckets of either. When the peildatum moves too
    (an input that is not partitioned: every member's days observed change, and here every
    case row too), the outcomes and what reads the peildatum are rebuilt whole, and what
    reads only the nazorg side still goes by bucket. Either way the result equals a full
    build of the same store."""
    monkeypatch.setattr(delta, "MIN_ROWS", 0)
    applied, parted, added = _record(monkeypatch)
    store = tmp_path / "store.duckdb"
    con = _store(store, sorted(exports.iterdir()))
    build(con)
    ingest_paths(con, [next_nazorg_export(exports, tmp_path)])
    con.execute(
        "DELETE FROM raw_recidive_cases WHERE pseudoniem IN (SELECT pseudoniem FROM "
        "core_recidivism_outcomes WHERE first_offence_date IS NOT NULL ORDER BY ALL LIMIT 25)"
    )
    if peildatum_moves:
        con.execute("UPDATE raw_recidive_cases SET peildatum = peildatum + 1")
    outcomes = build_keys(con)["core_recidivism_outcomes"][1]
    parted.clear()
    build(con)
    assert build_keys(con)["core_recidivism_outcomes"][1] != outcomes
    if peildatum_moves:
        # The nazorg rows by bucket; the recidivism rows went from deliveries read before, so
        # their staging is rebuilt whole (partitions.delivered).
        # The split models' settled rows by their slice (at most the cohort that settles)
        # and the rest by the buckets' difference; their open rows written whole.
        assert set(parted) == {"stg_gemeente_trajectories", "core_release_aftercare", *SETTLED}
        assert {"mart_aftercare", "mart_process", *SETTLED} <= set(added)
        assert not (OPEN | {"core_cohort_cells"}) & set(added)
    else:
        assert set(parted) == {
            "stg_gemeente_trajectories",
            "core_release_aftercare",
            "core_recidivism_outcomes",
        }
        assert {"mart_aftercare", "mart_process", *SETTLED, *OPEN} <= set(added)
    assert "snapshot.mart_aftercare" in applied
    con.close()
    _equal_to_a_full_build_of_a_copy(store, tmp_path, _content)


def test_a_changed_model_rebuilds_itself_and_stops_where_its_content_did_not_change(
    exports: Path, tmp_path: Path
) -> None:
    con = _store(tmp_path / "store.duckdb", sorted(exports.glob("demo_detentie_*")))
    build(con)
    before = build_keys(con)
    sql = tmp_path / "sql"
    shutil.copytree(Path(__file__).parents[2] / "sql", sql)
    # Another text (a comment) but the same content: rebuilt, and its readers are kept.
    model = sql / "core" / "core_releases.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- reviewed\n", encoding="utf-8")
    rebuilt = set(build(con, sql_dir=sql, publish=False)) - set(OTHER_STEPS)
    assert rebuilt == {"core_releases"}
    after = build_keys(con)
    assert after["core_releases"][1] == before["core_releases"][1]  # same content
    assert after["core_releases"][0] != before["core_releases"][0]  # another input key
    # Another rule: what reads it is rebuilt as far as its content changes.
    model = sql / "marts" / "mart_outflow.sql"
    text = model.read_text(encoding="utf-8")
    model.write_text(text.replace("count(*) AS n_releases", "0 AS n_releases"), encoding="utf-8")
    assert "0 AS n_releases" in model.read_text(encoding="utf-8")
    rebuilt = set(build(con, sql_dir=sql, publish=False)) - set(OTHER_STEPS)
    assert rebuilt == {"mart_outflow"}
    assert con.execute("SELECT sum(n_releases) FROM mart_outflow").fetchall() == [(0,)]
    # --full rebuilds everything.
    rebuilt = set(build(con, full=True, publish=False)) - set(OTHER_STEPS)
    assert {m.name for m in discover_models()} <= rebuilt
    assert con.execute("SELECT sum(n_releases) FROM mart_outflow").fetchall() != [(0,)]
    con.close()


def test_snapshots_written_incrementally_do_not_grow(exports: Path, tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    nazorg = sorted(exports.glob("demo_nazorg_*.csv"))
    con = _store(store, [f for f in sorted(exports.iterdir()) if f not in nazorg])
    build(con)
    sizes = []
    for file in nazorg[:8]:  # eight publications, each rewriting the nazorg marts
        ingest_paths(con, [file])
        build(con)
        sizes.append(current(store).stat().st_size)
    con.close()
    # A snapshot written whole for comparison.
    whole = duckdb.connect(str(tmp_path / "whole.duckdb"))
    whole.execute(f"ATTACH '{current(store)}' AS s (READ_ONLY)")
    for (table,) in whole.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = 's'"
    ).fetchall():
        whole.execute(f"CREATE TABLE {table} AS SELECT * FROM s.{table}")
    whole.execute("DETACH s")
    whole.close()
    fresh = (tmp_path / "whole.duckdb").stat().st_size
    assert max(sizes) <= 2.5 * fresh, (sizes, fresh)
    assert len(list(publications_dir(store).glob("*.duckdb"))) <= 8 + 1


def test_the_factor_model_sees_the_rows_with_the_smallest_hashes(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most FACTOR_MODEL_MAX_ROWS rows of a window: those with the smallest row hashes,
    whatever order the table holds them in (worked out here by sorting in Python)."""
    con = _store(tmp_path / "store.duckdb", sorted(exports.iterdir()))
    build(con)
    monkeypatch.setattr(models, "FACTOR_MODEL_MAX_ROWS", 40)
    columns = ", ".join(("cohort_year", "pi_code", *models.CASEMIX_DESIGN_COLUMNS, *models.FACTORS))
    rows = con.execute(
        f"SELECT hash({columns}, gemeente_code, days, event), {columns}, n_cohort, "
        "n_reoffended_1y FROM mart_factors WHERE available_1y"
    ).fetchall()
    assert len(rows) > 40
    expected = sorted((row[1:] for row in sorted(rows)[:40]), key=repr)
    frame = models._factor_rows(con, 1)
    got = frame.select(*columns.split(", "), "n_cohort", "k").rows()
    assert sorted(got, key=repr) == expected
    # The same rows after its tables were written in another order.
    for table in ("mart_factors_settled", "mart_factors_open"):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} ORDER BY random()")
    again = models._factor_rows(con, 1)
    assert again.sort(again.columns).equals(frame.sort(frame.columns))
    con.close()


def _digest(con: duckdb.DuckDBPyConnection, table: str) -> object:
    """The rows as a multiset: count and sum of row hashes; the fitted models (fractions
    that may differ in the last bit) rounded and sorted."""
    drop = TIMED.get(table)
    columns = "*" if drop is None else f"* EXCLUDE ({drop})"
    if table in MODEL_TABLES:
        return _content(con, table)
    return con.execute(
        f"SELECT count(*), sum(CAST(hash(t) AS HUGEINT)) FROM (SELECT {columns} FROM {table}) t"
    ).fetchall()


@pytest.mark.parametrize("kind", ["pi", "recidive", "nazorg"])
def test_at_national_scale_a_delivery_equals_a_full_build(
    national_demo: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The national demo (where the staging tables are written as their changes, and cells
    of the marts are shared by many persons): a PI's next month, the justice records' next
    quarter (ten cohorts, of which the peildatum moves the last four: store/slices.py) and a
    municipality's nazorg export, built as the ingest builds them, against a full build of
    the same store."""
    from tests.conftest import copy_warehouse

    store = copy_warehouse(national_demo["warehouse"], tmp_path / "store.duckdb")
    make = {"pi": next_pi_export, "recidive": next_recidive_export}.get(kind, next_nazorg_export)
    delivery = make(national_demo["dir"], tmp_path)
    applied, parted, added = _record(monkeypatch)
    con = connect(store)
    ingest_paths(con, [delivery])
    build(con)
    con.close()
    assert parted and added  # by bucket and by addition, not whole
    if kind == "recidive":
        assert set(parted) & set(added) >= SETTLED
    _equal_to_a_full_build_of_a_copy(store, tmp_path, _digest)


def _kinds(con: duckdb.DuckDBPyConnection, names: set[str]) -> dict[str, str]:
    rows = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables "
        "WHERE table_catalog = current_database()"
    ).fetchall()
    return {name: kind for name, kind in rows if name in names}


def test_a_store_and_snapshot_from_before_the_split_take_its_views(
    exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store built, and published, when mart_factors and mart_survival were tables (before
    they were split, store/slices.py): the next build keeps each in its two tables and makes
    the table a view of both, in the store and in the snapshot started from the last one; and
    equals a full build."""
    files = sorted(exports.iterdir())
    store = tmp_path / "incremental.duckdb"
    with monkeypatch.context() as before:
        before.setattr(slices, "split", lambda sql: False)
        con = _store(store, files)
        build(con)
    tables = dict.fromkeys(SPLIT, "BASE TABLE")
    assert _kinds(con, SPLIT | SETTLED | OPEN) == tables
    snapshot = duckdb.connect(str(current(store)), read_only=True)
    assert _kinds(snapshot, SPLIT | SETTLED | OPEN) == tables
    snapshot.close()
    delivery = next_nazorg_export(exports, tmp_path)
    ingest_paths(con, [delivery])
    build(con)
    kinds = dict.fromkeys(SPLIT, "VIEW") | dict.fromkeys(SETTLED | OPEN, "BASE TABLE")
    assert _kinds(con, SPLIT | SETTLED | OPEN) == kinds
    snapshot = duckdb.connect(str(current(store)), read_only=True)
    assert _kinds(snapshot, SPLIT | SETTLED | OPEN) == kinds
    # The snapshot's view reads the snapshot's own tables.
    assert (
        snapshot.execute("SELECT count(*) FROM mart_factors").fetchall()
        == con.execute("SELECT count(*) FROM mart_factors").fetchall()
    )
    snapshot.close()
    _equal_to_a_full_build(con, store, [*files, delivery], tmp_path)
    con.close()


@pytest.mark.parametrize("years", [1, -1])
def test_a_peildatum_in_another_year_moves_cohorts_between_the_two_tables(
    exports: Path, tmp_path: Path, years: int
) -> None:
    """The peildatum a year on: the cohort at the old bound settles (its rows go from the open
    table to the settled one); a year back (a withdrawn quarter): a settled cohort is open
    again. Either way the store and its snapshot equal a full build."""
    store = tmp_path / "store.duckdb"
    con = _store(store, sorted(exports.iterdir()))
    build(con)

    def cohorts(table: str) -> list[int]:
        rows = con.execute(f"SELECT DISTINCT cohort_year FROM {table} ORDER BY 1").fetchall()
        return [year for (year,) in rows]

    (peildatum,) = con.execute("SELECT peildatum FROM core_peildatum").fetchall()[0]
    bound = peildatum.year - 3
    assert cohorts("mart_factors_open") == list(range(bound, max(cohorts("mart_factors")) + 1))
    assert max(cohorts("mart_factors_settled")) == bound - 1
    con.execute(f"UPDATE raw_recidive_cases SET peildatum = peildatum + INTERVAL ({years}) YEAR")
    build(con)
    assert min(cohorts("mart_factors_open")) == bound + years
    assert max(cohorts("mart_factors_settled")) == bound + years - 1
    assert min(cohorts("mart_survival_open")) == bound + years
    snapshot = duckdb.connect(str(current(store)), read_only=True)
    for table in sorted(SPLIT | SETTLED | OPEN):
        assert _content(snapshot, table) == _content(con, table), table
    snapshot.close()
    con.close()
    _equal_to_a_full_build_of_a_copy(store, tmp_path, _content)
