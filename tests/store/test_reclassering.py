"""The reclasseringsexport (contract v1.1, issue 21): header recognition, every row rule, the
trajectory key and re-deliveries, the privacy guard and the organisation of a supplier."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.ingest import check_file, ingest_paths
from store.warehouse import connect
from tests.conftest import write_lines

HEADER = (
    "pseudoniem;organisatie;soort;kader;startdatum;einddatum;afloop;betrokken_bij_tbo;exportdatum"
)


def row(
    pseudoniem: str = "PERSOON0001",
    organisatie: str = "rn",
    soort: str = "toezicht",
    kader: str = "vi",
    start: str = "2021-03-15",
    eind: str = "2022-03-14",
    afloop: str = "regulier",
    tbo: str = "ja",
    export: str = "2025-01-31",
) -> str:
    return ";".join([pseudoniem, organisatie, soort, kader, start, eind, afloop, tbo, export])


def _errors(tmp_path: Path, *rows: str, header: str = HEADER) -> list[tuple[int, str, str]]:
    report, _, _ = check_file(write_lines(tmp_path / "x.csv", [header, *rows]))
    assert report.status == "valid", report.reason
    assert report.source == "reclassering"
    return sorted((e["row"], e["column"], e["rule"]) for e in report.errors)


def test_a_good_file_in_messy_form_is_recognised_and_valid(tmp_path: Path) -> None:
    """Headers in other spellings and codes in capitals are the contract's own; an advice has
    no frame and no outcome; a running supervision has no end and no outcome."""
    header = (
        "Pseudoniem;ORGANISATIE;Soort;Kader;Start datum;Eind-datum;Afloop;Betrokken bij TBO;"
        "Exportdatum"
    )
    rows = [
        row(),
        row(
            pseudoniem="PERSOON0002",
            organisatie="SVG",
            soort="Advies",
            kader="",
            eind="",
            afloop="",
            start="15-01-2021",
        ),  # fmt: skip
        row(pseudoniem="PERSOON0003", organisatie="ldh", eind="", afloop="", tbo=""),
    ]
    assert _errors(tmp_path, *rows, header=header) == []


@pytest.mark.parametrize(
    ("bad", "column", "rule"),
    [
        (row(pseudoniem="kort"), "pseudoniem", "invalid_format"),
        (row(organisatie="probatie"), "organisatie", "invalid_code"),
        (row(organisatie=""), "organisatie", "required"),
        (row(soort="begeleiding"), "soort", "invalid_code"),
        (row(kader="tbs"), "kader", "invalid_code"),
        (row(kader=""), "kader", "supervision_without_frame"),
        (row(soort="advies", eind="", afloop=""), "kader", "frame_without_supervision"),
        (row(start="31-12-1989", eind=""), "startdatum", "start_out_of_range"),
        (row(start="2025-02-01", eind="", afloop=""), "startdatum", "start_out_of_range"),
        (row(start="2021-02-30"), "startdatum", "invalid_date"),
        (row(eind="2021-03-14"), "einddatum", "end_before_start"),
        (row(eind="2025-02-01"), "einddatum", "end_after_export_date"),
        (row(afloop=""), "afloop", "ended_supervision_without_outcome"),
        (row(eind=""), "afloop", "outcome_without_ended_supervision"),
        (row(afloop="geslaagd"), "afloop", "invalid_code"),
        (row(tbo="misschien"), "betrokken_bij_tbo", "invalid_code"),
        (row(export=""), "exportdatum", "required"),
    ],
)
def test_a_row_breaking_one_rule_is_quarantined_with_that_rule(
    tmp_path: Path, bad: str, column: str, rule: str
) -> None:
    found = _errors(tmp_path, row(pseudoniem="GOEDEREGEL1"), bad)
    assert (3, column, rule) in found
    assert all(r == 3 for r, _, _ in found)  # the good row stays


def test_the_trajectory_key_and_a_re_delivery(tmp_path: Path, warehouse: Path) -> None:
    """Key (pseudoniem, organisatie, soort, startdatum): the same person with two organisations
    is two trajectories; a later export of one trajectory replaces it."""
    first = write_lines(
        tmp_path / "rn_jan.csv",
        [HEADER, row(eind="", afloop=""), row(organisatie="svg", kader="overig")],
    )
    later = write_lines(
        tmp_path / "rn_mar.csv", [HEADER, row(export="2025-03-31")]
    )  # ended, regulier
    con = connect(warehouse)
    reports = ingest_paths(con, [first, later])
    assert [r.status for r in reports] == ["loaded", "loaded"]
    assert [r.rows_loaded for r in reports] == [2, 1]
    suppliers = con.execute(
        "SELECT supplier FROM deliveries ORDER BY delivery_id"
    ).fetchall()  # the organisation
    assert suppliers == [("rn",), ("rn",)]
    latest = con.execute(
        "SELECT organisatie, einddatum, afloop FROM raw_reclassering_trajectories AS r "
        "JOIN deliveries AS d USING (delivery_id) "
        "QUALIFY row_number() OVER (PARTITION BY pseudoniem, organisatie, soort, startdatum "
        "ORDER BY d.delivery_date DESC) = 1 ORDER BY organisatie"
    ).fetchall()
    con.close()
    assert [(o, str(e), a) for o, e, a in latest] == [
        ("rn", "2022-03-14", "regulier"),
        ("svg", "2022-03-14", "regulier"),
    ]


def test_the_privacy_guard_refuses_a_reclassering_file_without_trace(
    tmp_path: Path, warehouse: Path
) -> None:
    path = write_lines(tmp_path / "x.csv", [HEADER + ";Naam", row() + ";Jan Jansen"])
    con = connect(warehouse)
    [report] = ingest_paths(con, [path])
    tables = [
        t
        for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    stored = [str(r) for t in tables for r in con.execute(f"SELECT * FROM {t}").fetchall()]
    con.close()
    assert report.status == "refused" and "direct identifier" in report.reason
    assert not any("Jan Jansen" in s for s in stored)


def test_a_probation_organisation_may_load_only_its_own_exports(
    tmp_path: Path, warehouse: Path
) -> None:
    own = write_lines(tmp_path / "own.csv", [HEADER, row(organisatie="svg", kader="overig")])
    mixed = write_lines(
        tmp_path / "mixed.csv", [HEADER, row(organisatie="svg"), row(organisatie="rn")]
    )
    con = connect(warehouse)
    reports = ingest_paths(con, [own, mixed], organisation="SVG")
    con.close()
    assert [r.status for r in reports] == ["loaded", "refused"]
    assert "rn" in reports[1].reason
