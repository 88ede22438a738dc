"""Vergelijken, Succesfactoren and Gemeenteprofiel show the numbers the marts give."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
from streamlit.testing.v1 import AppTest


def _one(warehouse: Path, sql: str, params: list | None = None) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()[0]
    finally:
        con.close()


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "%"


def _table_with(app: AppTest, column: str, without: str = "") -> pl.DataFrame:
    for frame in app.dataframe:
        if column in frame.value.columns and without not in frame.value.columns:
            return pl.from_pandas(frame.value)
    raise AssertionError(f"no table with column {column!r}")


def test_the_corrected_rate_of_a_pi_is_observed_over_expected_times_national(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    app = open_app(warehouse, "vergelijken")
    app.radio(key="cmp_kind").set_value("pi_code").run()
    app.multiselect(key="cmp_units_pi_code").set_value(["zwolle"]).run()
    assert not app.exception, [e.message for e in app.exception]
    k, n, e = _one(
        warehouse,
        "SELECT sum(n_reoffended_2y), sum(n_cohort), sum(expected_2y) FROM mart_casemix "
        "WHERE available_2y AND pi_code = 'zwolle' AND cohort_year BETWEEN 2015 AND 2024",
    )
    k_all, n_all = _one(
        warehouse,
        "SELECT sum(n_reoffended_2y), sum(n_cohort) FROM mart_casemix "
        "WHERE available_2y AND cohort_year BETWEEN 2015 AND 2024",
    )
    table = _table_with(app, "Ligging in de trechter")
    row = table.filter(pl.col("Eenheid") == "PI Zwolle").row(0, named=True)
    assert row["Percentage"] == _pct(100 * k / n)
    assert row["Gecorrigeerd percentage"] == _pct(100 * k / e * k_all / n_all)
    # Zwolle's true effect is the strongest protective one of the demo: clearly below.
    assert row["Ligging in de trechter"].startswith("duidelijk lager")


def test_with_and_without_a_factor_follows_the_sex_filter(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    app = open_app(warehouse, "succesfactoren", geslacht="V")
    assert not app.exception, [e.message for e in app.exception]
    k, n = _one(
        warehouse,
        "SELECT sum(n_reoffended_2y), sum(n_cohort) FROM mart_factors "
        "WHERE available_2y AND sex = 'V' AND onderdak = 'ja'",
    )
    # The selection's table, not the national model's (which has the odds ratios).
    table = _table_with(app, "Personen met", without="Odds ratio ruw")
    row = table.filter(pl.col("Factor") == "Onderdak").row(0, named=True)
    assert row["Recidive met (%)"] == _pct(100 * k / n)


def test_the_profile_shows_the_municipality_beside_the_country(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    app = open_app(warehouse, "gemeenteprofiel", profiel="GM0363")
    assert not app.exception, [e.message for e in app.exception]
    (n,) = _one(
        warehouse,
        "SELECT sum(n_releases) FROM mart_outflow WHERE gemeente_code = 'GM0363' "
        "AND release_year = 2024",
    )
    tile = next(m for m in app.metric if m.label.startswith("Uitstroom naar de gemeente"))
    assert tile.value == f"{int(n):,}".replace(",", ".")
    op, niet = _one(
        warehouse,
        "SELECT sum(n_alle_op_orde), sum(n_alle_niet_op_orde) FROM mart_readiness "
        "WHERE release_year BETWEEN 2015 AND 2024",
    )
    ready = next(m for m in app.metric if m.label == "Alle basisvoorwaarden op orde")
    assert ready.delta == f"Nederland {_pct(100 * op / (op + niet))}"
    assert app.query_params["profiel"] in ("GM0363", ["GM0363"])


def test_succesfactoren_shows_supervision_after_release_by_hand(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    """The probation section (issue 21): % onder toezicht na uitstroom of 2022 as SQL on the
    store counts it (covered releases with a toezicht starting by release + 30 days)."""
    from published.labels import COL

    warehouse = national_demo["warehouse"]
    app = open_app(warehouse, "succesfactoren", van="2022", tot="2022")
    assert not app.exception, [e.message for e in app.exception]
    covered, supervised = _one(
        warehouse,
        "SELECT count(*) FILTER (WHERE p.covered), count(*) FILTER (WHERE p.covered AND "
        "p.supervised) FROM core_releases AS r JOIN core_release_probation AS p "
        "USING (release_id) WHERE r.release_year = 2022",
    )
    table = _table_with(app, COL["pct_supervised"])
    row = table.row(0, named=True)
    assert row[COL["n_covered"]] == f"{covered:,}".replace(",", ".")
    assert row[COL["n_supervised"]] == f"{supervised:,}".replace(",", ".")
    assert row[COL["pct_supervised"]] == _pct(round(100 * supervised / covered, 1))
    assert covered > 20_000 and 0.2 < supervised / covered < 0.4
