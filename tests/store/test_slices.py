"""Slices (store/slices.py): the rows of a mart that can move with the peildatum. The
promise the recidivism models make (rows of cohort years below the peildatum's year less
three do not depend on it) is checked here against the measurement rules' own macros, day by
day; the build's use of it against a full build in tests/store/test_incremental.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from basis.settings import SQL_DIR
from store import slices
from store.build import discover_models
from store.warehouse import ensure_schema


def _macros() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    ensure_schema(con)
    con.execute((SQL_DIR / "macros.sql").read_text(encoding="utf-8"))
    return con


def test_the_models_that_read_the_peildatum_declare_what_moves_with_it() -> None:
    reading = {m.name: m for m in discover_models() if "core_peildatum" in m.sql}
    promised = slices.Slice("core_peildatum", "cohort_year", "year(peildatum) - 3")
    sliced = {name for name, m in reading.items() if slices.declared(m.sql) == promised}
    # mart_factors and mart_survival are kept in two tables each, their views named as them.
    parts = {f"{n}_{p}" for n in ("mart_factors", "mart_survival") for p in ("settled", "open")}
    assert sliced == {"core_cohort_cells", "mart_reoffence_groups", *parts}
    # The one other reader is one row (its peildatum).
    assert set(reading) - sliced == {"mart_data_status"}
    views = {m.name: m.sql for m in discover_models() if m.part == slices.VIEW}
    assert views == {
        "mart_factors": "SELECT * FROM mart_factors_settled UNION ALL "
        "SELECT * FROM mart_factors_open",
        "mart_survival": "SELECT * FROM mart_survival_settled UNION ALL "
        "SELECT * FROM mart_survival_open",
    }


# Every release day of the cohorts 2017-2021 and of 2022, first cases at these days after
# release (around one, two and three years, the 1,095 days of the curves) or none.
OFFSETS = (0, 1, 364, 365, 366, 729, 730, 731, 1094, 1095, 1096, 1097, 1461, None)
EXPRESSIONS = {
    "released": "release_date <= {p}",
    "days": "observed_days(release_date, first_offence_date, {p})",
    "event": "observed_event(release_date, first_offence_date, {p})",
    "available_1y": "followed_up(year(release_date), 1, {p})",
    "available_2y": "followed_up(year(release_date), 2, {p})",
}


def _differing(con: duckdb.DuckDBPyConnection, before: str, after: str) -> list[tuple]:
    """Per cohort year: the (release, first case) pairs whose measures differ between the
    two peildata."""
    offsets = ", ".join("NULL" if o is None else str(o) for o in OFFSETS)
    measures = ", ".join(
        f"{e.format(p=f'DATE {before!r}')} IS DISTINCT FROM {e.format(p=f'DATE {after!r}')} "
        f"AS {name}"
        for name, e in EXPRESSIONS.items()
    )
    return con.execute(
        "SELECT year(release_date) AS cohort, count(*) FROM ("
        f"SELECT release_date, {measures} FROM (SELECT CAST(d AS DATE) AS release_date, "
        "CAST(d AS DATE) + o AS first_offence_date FROM range(DATE '2017-01-01', "
        f"DATE '2023-01-01', INTERVAL 1 DAY) AS r(d), unnest([{offsets}]) AS u(o))) "
        f"WHERE {' OR '.join(EXPRESSIONS)} GROUP BY ALL ORDER BY ALL"
    ).fetchall()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("2025-06-30", "2025-09-30"),  # the justice records' next quarter
        ("2025-01-01", "2025-03-31"),  # from the first day of a year
        ("2025-10-01", "2026-01-02"),  # into the next year
        ("2025-01-01", "2031-12-31"),  # years on
    ],
)
def test_rows_below_the_bound_are_the_same_at_either_peildatum(before: str, after: str) -> None:
    """Cohort years up to the earlier peildatum's year less four (the bound: year - 3) give
    the same measures at both peildata, for every release day and first case tried; the
    cohort year at the bound does not (so the bound cannot be lower)."""
    differing = dict(_differing(_macros(), before, after))
    bound = dt.date.fromisoformat(before).year - 3
    assert not {cohort for cohort in differing if cohort < bound}
    assert differing.get(bound, 0) > 0, differing


def _tables(con: duckdb.DuckDBPyConnection, before: str | None, now: str | None) -> None:
    """A mart of ten cohorts, and its input `peildatum` kept as it was, then changed."""
    con.execute("CREATE TABLE mart AS SELECT range AS cohort_year FROM range(2015, 2025)")
    con.execute("CREATE TABLE peildatum AS SELECT CAST(? AS DATE) AS peildatum", [before])
    slices.keep_before(con, "peildatum")
    con.execute("UPDATE peildatum SET peildatum = ?", [now])


PROMISE = slices.Slice("peildatum", "cohort_year", "year(peildatum) - 3")


@pytest.mark.parametrize(
    ("before", "now", "where"),
    [
        ("2025-06-30", "2025-09-30", "cohort_year >= 2022"),  # 3 of 10 cohorts
        ("2026-03-31", "2025-12-31", "cohort_year >= 2022"),  # withdrawn: the lower bound
        ("2026-03-31", "2027-01-01", "cohort_year >= 2023"),
        ("2025-06-30", None, None),  # no peildatum now: everything may move
        (None, "2025-06-30", None),
        ("2021-06-30", "2021-09-30", None),  # 7 of 10 cohorts: above MAX_SLICE_SHARE
    ],
)
def test_the_slice_is_the_cohorts_at_or_above_the_lower_bound(
    tmp_path: Path, before: str | None, now: str | None, where: str | None
) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    _tables(con, before, now)
    assert slices.scope(con, "mart", PROMISE) == where


def test_without_the_rows_before_there_is_no_slice(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    _tables(con, "2025-06-30", "2025-09-30")
    slices.drop_before(con, {"peildatum"})
    assert slices.scope(con, "mart", PROMISE) is None


SPLIT = """-- Key: cohort_year
-- Moves with peildatum: cohort_year >= year(peildatum) - 3
-- Split: by the bound
SELECT cohort_year, count(*) AS n FROM cohorts GROUP BY ALL"""


@pytest.mark.parametrize(
    ("peildatum", "settled", "open_"),
    [
        ("2025-09-30", [None, 2015, 2016, 2017, 2018, 2019, 2020, 2021], [2022, 2023, 2024]),
        ("2027-01-01", [None, *range(2015, 2024)], [2024]),
        ("2017-06-30", [None], list(range(2015, 2025))),
        (None, [None, *range(2015, 2025)], []),  # no bound: every row is settled
    ],
)
def test_a_split_model_keeps_every_row_in_one_of_its_two_tables(
    peildatum: str | None, settled: list, open_: list
) -> None:
    """The parts of a split model, run with the bound its input gives (the peildatum's year
    less three), hold the rows below it (and those without a cohort year) and the others; the
    view of both holds every row of the model once."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE cohorts AS SELECT range AS cohort_year FROM range(2015, 2025) "
        "UNION ALL SELECT NULL"
    )
    con.execute("CREATE TABLE peildatum AS SELECT CAST(? AS DATE) AS peildatum", [peildatum])
    assert slices.split(SPLIT) and not slices.split(SPLIT.replace("-- Split", "-- Not"))
    parts = slices.parts("mart", SPLIT)
    assert list(parts) == ["mart_settled", "mart_open", "mart"]
    assert [part for part, _ in parts.values()] == [slices.SETTLED, slices.OPEN, slices.VIEW]
    for name, (part, sql) in parts.items():
        kind = "VIEW" if part == slices.VIEW else "TABLE"
        con.execute(f"CREATE {kind} {name} AS {slices.bounded(con, sql, PROMISE)}")

    def years(name: str) -> list:
        rows = con.execute(f"SELECT cohort_year, n FROM {name} ORDER BY 1 NULLS FIRST").fetchall()
        assert all(n == 1 for _, n in rows)
        return [year for year, _ in rows]

    assert years("mart_settled") == settled
    assert years("mart_open") == open_
    assert years("mart") == [None, *range(2015, 2025)]
