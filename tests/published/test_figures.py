"""Published figures on a hand-made fixture, every number worked out by hand.

Release years 2020-2023, PI Zwolle (P09 ends at Almelo), peildatum 2024-06-30:
1-year recidivism is published for cohorts 2020-2022 (31 Dec Y+1 <= peildatum),
2-year recidivism for 2020-2021 only.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint

from basis.settings import ROOT
from cli.main import main
from published import labels, reader
from published.figures import figures, windows
from published.scope import resolve_scope
from published.tables.recidivism import recidivism_from_counts
from store.build import build
from store.ingest import ingest_paths
from store.warehouse import connect
from tests.conftest import write_lines

LG = ["id_bewijs", "onderdak", "werk_inkomen", "schulden", "zorg", "sociaal_netwerk"]
PI_HEADER = (
    "pseudoniem;inrichting;instroomdatum;uitstroomdatum;uitstroomreden;gemeente_code;"
    "geboortejaar;geslacht;" + ";".join(f"{lg}_uitstroom" for lg in LG) + ";exportdatum"
)


def episode(
    p: str,
    pi: str,
    admitted: str,
    released: str,
    reason: str = "einde_straf",
    gemeente: str = "GM0193",
    onderdak: str = "ja",
    werk: str = "ja",
    export: str = "2024-01-15",
) -> str:
    statuses = {"onderdak": onderdak, "werk_inkomen": werk}
    values = [statuses.get(lg, "ja") for lg in LG]
    return ";".join([p, pi, admitted, released, reason, gemeente, "1990", "M", *values, export])


# Onderdak at release in 2021: ja P01-P05, nvt P06 (op orde 6); nee P07, P08a, P08b (3);
# onbekend P09b, empty P10, P11 (3). Werk: nee for P01 only.
EPISODES_2024 = [
    episode("PERSOON01", "zwolle", "2021-01-01", "2021-03-01", werk="nee"),
    episode("PERSOON02", "zwolle", "2021-01-01", "2021-03-01"),  # case on release day
    episode("PERSOON03", "zwolle", "2021-01-01", "2021-03-01"),  # case on R + 1 year
    episode("PERSOON04", "zwolle", "2021-01-01", "2021-03-01"),  # case on R + 1 year + 1 day
    episode("PERSOON05", "zwolle", "2021-01-01", "2021-03-01"),  # acquitted
    episode("PERSOON06", "zwolle", "2021-01-01", "2021-03-01", onderdak="nvt"),  # tech. sepot
    episode("PERSOON07", "zwolle", "2021-01-01", "2021-03-01", onderdak="nee"),  # pending case
    episode("PERSOON08", "zwolle", "2021-01-01", "2021-02-01", onderdak="nee"),  # two releases
    episode("PERSOON08", "zwolle", "2021-05-01", "2021-09-01", onderdak="nee"),
    episode("PERSOON09", "zwolle", "2020-11-01", "2021-01-10", reason="overplaatsing"),
    episode("PERSOON09", "almelo", "2021-01-10", "2021-04-01", onderdak="onbekend"),
    episode("PERSOON10", "zwolle", "2021-05-01", "2021-06-15", onderdak=""),  # no case
    episode("PERSOON11", "zwolle", "2021-05-01", "2021-06-15", onderdak=""),  # corrected row
    episode("PERSOON12", "zwolle", "2020-01-01", "2020-02-29"),  # leap day release
    episode("PERSOON13", "zwolle", "2020-01-01", "2020-02-29"),
    episode("PERSOON14", "zwolle", "2022-01-01", "2022-05-01", gemeente="GM0363"),
    episode("PERSOON15", "zwolle", "2022-01-01", "2022-05-01"),
    episode("PERSOON16", "zwolle", "2023-01-01", "2023-03-01"),
    "PERSOON17;zwolle;2023-10-01;;;GM0193;1990;M;;;;;;;2024-01-15",  # still detained
]
# An older delivery put P11's release in 2022; the 2024 export corrects it to 2021.
EPISODES_2023 = [
    episode("PERSOON11", "zwolle", "2021-05-01", "2022-02-01", export="2023-01-15"),
]
CASE_HEADER = "pseudoniem,zaak_id,pleegdatum,delictgroep,afdoening,peildatum"
CASES_JUNE = [
    "PERSOON01,Z01,2021-06-01,geweld,veroordeling",
    "PERSOON02,Z02,2021-03-01,geweld,veroordeling",  # on the release day: not after R
    "PERSOON03,Z03,2022-03-01,vermogen,strafbeschikking",  # R + 1 year exactly: within 1y
    "PERSOON04,Z04,2022-03-02,vermogen,transactie",  # one day later: 2y only
    "PERSOON05,Z05,2021-05-01,geweld,vrijspraak",  # acquittal: never counts
    "PERSOON06,Z06,2021-05-01,geweld,technisch_sepot",  # corrected from 'lopend' below
    "PERSOON07,Z07,2021-08-01,opium,lopend",  # pending counts
    "PERSOON08,Z08,2021-04-01,vermogen,beleidssepot",  # after the first release in 2021
    "PERSOON09,Z09,2021-02-01,geweld,veroordeling",  # during detention: before R
    "PERSOON11,Z11,2023-06-16,geweld,veroordeling",  # two years and a day after R
    "PERSOON12,Z12,2021-02-28,geweld,veroordeling",  # 29 Feb 2020 + 1 year = 28 Feb 2021
    "PERSOON13,Z13,2021-03-01,geweld,veroordeling",  # a day later: 2y only
    "PERSOON14,Z14,2022-12-01,geweld,veroordeling",
]
CASES_MARCH = ["PERSOON06,Z06,2021-05-01,geweld,lopend"]


@pytest.fixture
def fixture_warehouse(tmp_path: Path) -> Path:
    files = [
        write_lines(tmp_path / "zwolle_2023.csv", [PI_HEADER, *EPISODES_2023]),
        write_lines(tmp_path / "zwolle_2024.csv", [PI_HEADER, *EPISODES_2024]),
        write_lines(
            tmp_path / "recidive_maart.csv",
            [CASE_HEADER, *(c + ",2024-03-31" for c in CASES_MARCH)],
        ),
        write_lines(
            tmp_path / "recidive_juni.csv", [CASE_HEADER, *(c + ",2024-06-30" for c in CASES_JUNE)]
        ),
    ]
    path = tmp_path / "fixture.duckdb"
    con = connect(path)
    reports = ingest_paths(con, files)
    assert [r.status for r in reports] == ["loaded"] * 4
    assert [r.rows_quarantined for r in reports] == [0, 0, 0, 0]
    build(con)
    con.close()
    return path


def _figures(path: Path, threshold: int, **scope) -> dict:
    reader.use_store(path)
    try:
        return figures(resolve_scope(scope.get("gemeente"), scope.get("pi"), None, None), threshold)
    finally:
        reader.release()


def _wilson(k: int, n: int) -> list[float]:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    return [round(100 * low, 1), round(100 * high, 1)]


def test_every_figure_of_the_fixture_unsuppressed(fixture_warehouse: Path) -> None:
    result = _figures(fixture_warehouse, threshold=1)
    assert result["peildatum"] == "2024-06-30"  # the latest recidive export
    years = {y["year"]: y for y in result["years"]}
    # Releases: 2020 P12, P13; 2021 P01-P07, P08 twice, P09 at Almelo (not its transfer),
    # P10, P11 (corrected) = 12; 2022 P14, P15 (P11's old 2022 row is replaced); 2023 P16.
    assert {y: v["releases"] for y, v in years.items()} == {2020: 2, 2021: 12, 2022: 2, 2023: 1}

    r21 = years[2021]["readiness"]
    # Onderdak: op orde 6 / (6 + 3) = 66.7%; onbekend 3 / 12 = 25.0%.
    assert r21["onderdak"] == {"pct_op_orde": 66.7, "pct_onbekend": 25.0}
    # Werk: 11 / 12 = 91.7%; nothing unknown.
    assert r21["werk_inkomen"] == {"pct_op_orde": 91.7, "pct_onbekend": 0.0}
    assert r21["id_bewijs"] == {"pct_op_orde": 100.0, "pct_onbekend": 0.0}
    # Alle: ja P02-P06 (5); nee P01 (werk), P07, P08a, P08b (4); onbekend P09b, P10, P11 (3):
    # 5 / 9 = 55.6%, onbekend 3 / 12 = 25.0%.
    assert r21["alle"] == {"pct_op_orde": 55.6, "pct_onbekend": 25.0}

    # Cohort 2021: P01-P11 once each = 11. Within 1 year: P01, P03 (R + 1y exactly), P07
    # (pending), P08 (after its first release) = 4 -> 36.4%. Not: P02 (release day), P04
    # (a day late), P05 (acquitted), P06 (technical dismissal after correction), P09 (before
    # R), P10, P11. Within 2 years: also P04 = 5 -> 45.5%.
    rec21 = years[2021]["recidivism"]
    assert rec21["1y"] == {"cohort": 11, "reoffenders": 4, "pct": 36.4, "ci95": _wilson(4, 11)}
    assert rec21["2y"] == {"cohort": 11, "reoffenders": 5, "pct": 45.5, "ci95": _wilson(5, 11)}
    # Cohort 2020 (leap-day releases): 1y P12 only (28 Feb 2021) = 1/2; 2y both = 2/2.
    rec20 = years[2020]["recidivism"]
    assert (rec20["1y"]["reoffenders"], rec20["1y"]["pct"]) == (1, 50.0)
    assert (rec20["2y"]["reoffenders"], rec20["2y"]["pct"]) == (2, 100.0)
    # Cohort 2022: 1y P14 = 1/2; 2y not yet available (31 Dec 2024 > peildatum).
    assert years[2022]["recidivism"]["1y"]["pct"] == 50.0
    assert years[2022]["recidivism"]["2y"] is None
    assert years[2023]["recidivism"] == {"1y": None, "2y": None}


def test_small_cells_are_suppressed_at_the_default_threshold(fixture_warehouse: Path) -> None:
    years = {y["year"]: y for y in _figures(fixture_warehouse, threshold=10)["years"]}
    assert years[2021]["releases"] == 12 and years[2020]["releases"] == "<10"
    # Onderdak's denominator is 9 (< 10): no percentage; % onbekend is over all 12.
    assert years[2021]["readiness"]["onderdak"] == {"pct_op_orde": None, "pct_onbekend": 25.0}
    # 4 of 11 re-offended: the count reads <10 and so does its percentage, which would give
    # it back (36.4% x 11 = 4).
    rec = years[2021]["recidivism"]["1y"]
    assert rec == {"cohort": 11, "reoffenders": "<10", "pct": None, "ci95": None}
    assert years[2020]["recidivism"]["1y"] == {
        "cohort": "<10",
        "reoffenders": "<10",
        "pct": None,
        "ci95": None,
    }


def test_small_threshold_shows_a_share_whose_both_sides_are_large_enough(
    fixture_warehouse: Path,
) -> None:
    # Threshold 4: 4 re-offenders and 7 others of 11 are both >= 4, so 36.4% is shown; within
    # two years 5 and 6: shown too. Cohort 2020 (2 persons) stays hidden.
    years = {y["year"]: y for y in _figures(fixture_warehouse, threshold=4)["years"]}
    assert years[2021]["recidivism"]["1y"] == {
        "cohort": 11,
        "reoffenders": 4,
        "pct": 36.4,
        "ci95": _wilson(4, 11),
    }
    assert years[2021]["recidivism"]["2y"]["pct"] == 45.5
    assert years[2020]["recidivism"]["1y"]["pct"] is None


@pytest.mark.parametrize(
    ("cohort", "hits", "expected"),
    [
        # The case of issue 19: 14 persons, 5 re-offenders. 35.7% would give back 5.
        (14, 5, {"cohort": 14, "reoffenders": "<10", "pct": None, "ci95": None}),
        # 12 of 14: the count is large, but 14 - 12 = 2 did not re-offend: both hidden.
        (14, 12, {"cohort": 14, "reoffenders": "x", "pct": None, "ci95": None}),
        # 0 of 14 and 14 of 14: nothing small on either side, shown.
        (14, 0, {"cohort": 14, "reoffenders": 0, "pct": 0.0, "ci95": [0.0, 21.5]}),
        (14, 14, {"cohort": 14, "reoffenders": 14, "pct": 100.0, "ci95": [78.5, 100.0]}),
        # 10 of 20: both sides 10, shown.
        (20, 10, {"cohort": 20, "reoffenders": 10, "pct": 50.0, "ci95": [29.9, 70.1]}),
        # 11 of 20: 9 without, hidden.
        (20, 11, {"cohort": 20, "reoffenders": "x", "pct": None, "ci95": None}),
    ],
)
def test_recidivism_follows_the_derived_count_rule(cohort: int, hits: int, expected: dict) -> None:
    counts = pl.DataFrame(
        {
            "cohort_year": [2022],
            "grp": [None],
            "n_cohort": [cohort],
            "n_reoffended_1y": [hits],
            "n_reoffended_2y": [hits],
            "n_severe_1y": [0],
            "n_severe_2y": [0],
            "available_1y": [True],
            "available_2y": [False],
        },
        schema_overrides={"grp": pl.String},
    )
    result = windows(recidivism_from_counts(counts, 10), 0)
    assert result == {"1y": expected, "2y": None}
    if isinstance(expected["pct"], float):
        assert expected["ci95"] == _wilson(hits, cohort)


def test_figures_of_one_municipality_and_one_pi(fixture_warehouse: Path) -> None:
    amsterdam = _figures(fixture_warehouse, threshold=1, gemeente="GM0363")
    assert [(y["year"], y["releases"]) for y in amsterdam["years"]] == [(2022, 1)]
    almelo = _figures(fixture_warehouse, threshold=1, pi="PI Almelo")
    assert [(y["year"], y["releases"]) for y in almelo["years"]] == [(2021, 1)]


def test_no_recidive_data_means_no_recidivism_figures(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    ingest_paths(con, [write_lines(tmp_path / "pi.csv", [PI_HEADER, *EPISODES_2024])])
    build(con)
    con.close()
    result = _figures(path, threshold=1)
    assert result["peildatum"] is None
    assert all(y["recidivism"] is None for y in result["years"])


def test_cli_figures_json_csv_and_table(
    fixture_warehouse: Path, capsys: pytest.CaptureFixture
) -> None:
    assert (
        main(
            [
                "figures",
                "--warehouse",
                str(fixture_warehouse),
                "--json",
                "--from",
                "2021",
                "--to",
                "2021",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [y["year"] for y in data["years"]] == [2021]
    assert data["suppression_threshold"] == 10
    assert main(["figures", "--warehouse", str(fixture_warehouse), "--csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("year,releases,") and len(lines) == 5
    assert main(["figures", "--warehouse", str(fixture_warehouse)]) == 0
    assert "peildatum 2024-06-30" in capsys.readouterr().out
    assert main(["figures", "--warehouse", str(fixture_warehouse), "--pi", "nergens"]) == 1
    assert "not a PI" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("cli", "link"),
    [
        ([], {}),
        (["--gemeente", "GM0363"], {"gemeente": "GM0363"}),
        (["--pi", "PI Almelo"], {"pi": "almelo"}),
        (["--from", "2021", "--to", "2021"], {"van": "2021", "tot": "2021"}),
    ],
)
def test_the_dashboard_and_the_cli_publish_the_same_tables(
    fixture_warehouse: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    cli: list[str],
    link: dict[str, str],
) -> None:
    """`terugkeer figures --json` and the dashboard's Uitstroom and Recidive tables, for the
    same scope, read the same: both are made by published/tables (the threshold is the
    default 10, so the fixture's small counts read '<10' and 'x' in both)."""
    from streamlit.testing.v1 import AppTest

    from published.format import nl_int, nl_pct
    from published.labels import COL, NOT_SHOWN

    assert main(["figures", "--warehouse", str(fixture_warehouse), "--json", *cli]) == 0
    years = json.loads(capsys.readouterr().out)["years"]

    def shown(value: object, pct: bool = False) -> str:
        if value is None:
            return NOT_SHOWN
        if isinstance(value, str):
            return value
        return nl_pct(value) if pct else nl_int(value)

    monkeypatch.setenv("TERUGKEER_WAREHOUSE", str(fixture_warehouse))
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120)
    for key, value in link.items():
        app.query_params[key] = value
    app.run()
    app.switch_page("views/uitstroom.py").run()
    assert not app.exception
    outflow = app.dataframe[0].value
    assert list(outflow[COL["period"]]) == [str(y["year"]) for y in years]
    assert list(outflow[labels.TOTAL]) == [shown(y["releases"]) for y in years]

    app.switch_page("views/recidive.py").run()
    assert not app.exception
    recid = app.dataframe[0].value
    by_year = {int(r[COL["cohort_year"]]): r for _, r in recid.iterrows()}
    compared = 0
    for year in years:
        for window in ("1y", "2y"):
            figure = (year["recidivism"] or {}).get(window)
            if figure is None:
                continue
            row = by_year[year["year"]]
            assert row[COL["n_cohort"]] == shown(figure["cohort"])
            assert row[COL[f"n_reoffended_{window}"]] == shown(figure["reoffenders"])
            assert row[COL[f"pct_{window}"]] == shown(figure["pct"], pct=True)
            compared += 1
    assert compared > 0 or all(y["recidivism"] is None for y in years)
