"""The one scope type: its WHERE clause, table-driven on a hand-made mart of five rows."""

from __future__ import annotations

import duckdb
import pytest

from published.scope import Scope, UnknownUnit, resolve_scope

# A mart with every scope column: one row per release, its year and units.
ROWS = [
    # year, pi_code, gemeente_code, provincie, sex, age_band
    (2021, "zwolle", "GM0193", "Overijssel", "M", "18-22"),
    (2022, "zwolle", "GM0363", "Noord-Holland", "V", "30-39"),
    (2022, "almelo", "GM0141", "Overijssel", "M", "30-39"),
    (2023, "vught", "GM0363", "Noord-Holland", "M", "50+"),
    (2024, "almelo", "GM0193", "Overijssel", "V", "18-22"),
]


@pytest.fixture(scope="module")
def mart() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE mart (release_year INTEGER, pi_code VARCHAR, gemeente_code VARCHAR, "
        "provincie VARCHAR, sex VARCHAR, age_band VARCHAR)"
    )
    con.executemany("INSERT INTO mart VALUES (?, ?, ?, ?, ?, ?)", ROWS)
    return con


@pytest.mark.parametrize(
    ("scope", "years"),
    [
        (Scope(), [2021, 2022, 2022, 2023, 2024]),
        (Scope(year_from=2022), [2022, 2022, 2023, 2024]),
        (Scope(year_to=2022), [2021, 2022, 2022]),
        (Scope(year_from=2022, year_to=2023), [2022, 2022, 2023]),
        (Scope(year_from=2025), []),
        (Scope(pis=("zwolle",)), [2021, 2022]),
        (Scope(pis=("zwolle", "vught")), [2021, 2022, 2023]),
        (Scope(gemeenten=("GM0363",)), [2022, 2023]),
        (Scope(provincies=("Overijssel",)), [2021, 2022, 2024]),
        (Scope(sexes=("V",)), [2022, 2024]),
        (Scope(age_bands=("18-22", "50+")), [2021, 2023, 2024]),
        # Fields narrow together (AND), values of one field widen (OR).
        (Scope(pis=("almelo",), sexes=("V",)), [2024]),
        (Scope(provincies=("Overijssel",), year_to=2022, age_bands=("30-39",)), [2022]),
        (Scope(pis=("almelo",), gemeenten=("GM0363",)), []),
        # A value that could be SQL is only ever a parameter.
        (Scope(pis=("zwolle' OR 1=1 --",)), []),
    ],
)
def test_where_selects_the_rows_of_the_scope(
    mart: duckdb.DuckDBPyConnection, scope: Scope, years: list[int]
) -> None:
    where, params = scope.where("release_year")
    rows = mart.execute(f"SELECT release_year FROM mart WHERE {where} ORDER BY 1", params)
    assert [r[0] for r in rows.fetchall()] == years


def test_a_mart_without_some_columns_is_narrowed_by_those_it_has(
    mart: duckdb.DuckDBPyConnection,
) -> None:
    # The nazorg-export's mart has no PI or sex: only municipality and period apply.
    scope = Scope(year_from=2022, gemeenten=("GM0363",), pis=("vught",), sexes=("V",))
    where, params = scope.where("release_year", ("gemeenten",))
    assert "pi_code" not in where and "sex" not in where
    rows = mart.execute(f"SELECT release_year FROM mart WHERE {where} ORDER BY 1", params)
    assert [r[0] for r in rows.fetchall()] == [2022, 2023]


def test_the_cli_names_become_a_scope() -> None:
    assert resolve_scope("gm0363", None, 2020, 2021) == Scope(
        year_from=2020, year_to=2021, gemeenten=("GM0363",)
    )
    assert resolve_scope(None, "PI Almelo", None, None).pis == ("almelo",)
    with pytest.raises(UnknownUnit):
        resolve_scope("GM9999", None, None, None)
    with pytest.raises(ValueError):
        resolve_scope(None, None, 2022, 2020)
