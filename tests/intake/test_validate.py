"""Every row rule of the contract, each on a tiny file."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.ingest import check_file
from tests.conftest import PI_HEADER, pi_row, write_lines


def _errors(tmp_path: Path, header: str, *rows: str) -> list[tuple[int, str, str]]:
    report, _, _ = check_file(write_lines(tmp_path / "x.csv", [header, *rows]))
    assert report.status == "valid", report.reason
    return [(e["row"], e["column"], e["rule"]) for e in report.errors]


@pytest.mark.parametrize("date", ["2021-02-01", "01-02-2021", "1-2-2021", "01/02/2021"])
def test_every_legal_date_form_is_accepted(tmp_path: Path, date: str) -> None:
    assert _errors(tmp_path, PI_HEADER, pi_row(instroom=date)) == []


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        (pi_row(pseudoniem="kort"), "pseudoniem", "invalid_format"),
        (pi_row(pseudoniem="PERSOON 0001"), "pseudoniem", "invalid_format"),
        (pi_row(pseudoniem=""), "pseudoniem", "required"),
        (pi_row(inrichting="PI Nergenshuizen"), "inrichting", "unknown_pi"),
        (pi_row(instroom="31-02-2021"), "instroomdatum", "invalid_date"),
        (pi_row(instroom="2021/02/01"), "instroomdatum", "invalid_date"),
        (pi_row(instroom="12-12-1989", uitstroom=""), "instroomdatum", "admission_out_of_range"),
        (
            pi_row(instroom="16-01-2025", uitstroom="", reden=""),
            "instroomdatum",
            "admission_out_of_range",
        ),
        (pi_row(uitstroom="01-01-2021"), "uitstroomdatum", "release_before_admission"),
        (pi_row(uitstroom="16-01-2025"), "uitstroomdatum", "release_after_export_date"),
        (pi_row(uitstroom="", reden="einde_straf"), "uitstroomreden", "reason_without_release"),
        (pi_row(reden=""), "uitstroomreden", "release_without_reason"),
        (pi_row(reden="ontslagen"), "uitstroomreden", "invalid_code"),
        (pi_row(gemeente="GM9999"), "gemeente_code", "unknown_gemeente"),
        (pi_row(geboortejaar="90"), "geboortejaar", "invalid_format"),
        (pi_row(geboortejaar="2012"), "geboortejaar", "age_out_of_range"),
        (pi_row(geboortejaar="1915"), "geboortejaar", "age_out_of_range"),
        (pi_row(geslacht="Man"), "geslacht", "invalid_code"),
        (pi_row(export=""), "exportdatum", "required"),
    ],
)
def test_a_pi_row_breaking_one_rule_is_quarantined_with_that_rule(
    tmp_path: Path, row: str, column: str, rule: str
) -> None:
    assert (3, column, rule) in _errors(tmp_path, PI_HEADER, pi_row(pseudoniem="GOEDEREGEL1"), row)


def test_leefgebied_codes_process_columns_and_their_dates(tmp_path: Path) -> None:
    header = PI_HEADER + ";onderdak_uitstroom;Reintegratieplan;TBO datum;melding_gemeente_datum"
    base = pi_row()
    assert _errors(tmp_path, header, base + ";Ja;NEE;05-02-2021;01-03-2021") == []
    errors = _errors(
        tmp_path,
        header,
        base + ";misschien;soms;31-01-2021;30-01-2021",
    )
    assert errors == [
        (2, "melding_gemeente_datum", "notice_before_admission"),
        (2, "onderdak_uitstroom", "invalid_code"),
        (2, "reintegratieplan", "invalid_code"),
        (2, "tbo_datum", "tbo_before_admission"),
    ]


def test_gemeente_export_rules(tmp_path: Path) -> None:
    header = "pseudoniem;gemeente_code;melding_datum;casemanager;zorg_3mnd;exportdatum"
    assert _errors(tmp_path, header, "PERSOON0001;gm0193;01-02-2021;ja;nvt;01-02-2025") == []
    assert _errors(tmp_path, header, "PERSOON0001;GM0000;;x;later;01-02-2025") == [
        (2, "casemanager", "invalid_code"),
        (2, "gemeente_code", "unknown_gemeente"),
        (2, "melding_datum", "required"),
        (2, "zorg_3mnd", "invalid_code"),
    ]


def test_recidive_export_rules(tmp_path: Path) -> None:
    header = (
        "pseudoniem,zaak_id,pleegdatum,registratiedatum,delictgroep,ernstig,afdoening,peildatum"
    )
    good = "PERSOON0001,Z1,2021-03-01,2021-03-05,geweld,ja,lopend,2025-06-30"
    assert _errors(tmp_path, header.replace(",", ";"), good.replace(",", ";")) == []
    bad = "PERSOON0001,Z2,2021-03-01,2021-02-01,fraude,misschien,geseponeerd,2025-06-30"
    assert _errors(tmp_path, header.replace(",", ";"), bad.replace(",", ";")) == [
        (2, "afdoening", "invalid_code"),
        (2, "delictgroep", "invalid_code"),
        (2, "ernstig", "invalid_code"),
        (2, "registratiedatum", "registration_before_offence"),
    ]


def test_a_header_that_fits_no_kind_is_refused_naming_the_missing_columns(tmp_path: Path) -> None:
    report, _, _ = check_file(write_lines(tmp_path / "x.csv", ["pseudoniem;inrichting", "A;B"]))
    assert report.status == "refused"
    assert "instroomdatum" in report.reason and "geboortejaar" in report.reason


def test_a_given_source_kind_must_fit_the_header(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "x.csv", [PI_HEADER, pi_row()])
    report, _, _ = check_file(path, source="recidive")
    assert report.status == "refused" and "zaak_id" in report.reason


def test_export_date_must_be_the_same_on_every_row(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "x.csv",
        [PI_HEADER, pi_row(), pi_row(pseudoniem="PERSOON0002", export="16-01-2025")],
    )
    report, _, _ = check_file(path)
    assert report.status == "refused" and "exportdatum" in report.reason


def test_identical_rows_are_dropped_and_differing_rows_with_one_key_all_quarantined(
    tmp_path: Path,
) -> None:
    rows = [
        pi_row(pseudoniem="PERSOON0001"),
        pi_row(pseudoniem="PERSOON0001"),  # identical: dropped, counted
        pi_row(pseudoniem="PERSOON0002", geslacht="M"),
        pi_row(pseudoniem="PERSOON0002", geslacht="V"),  # same key, differs: both out
        pi_row(pseudoniem="PERSOON0003", geslacht="X"),
    ]
    report, _, _ = check_file(write_lines(tmp_path / "x.csv", [PI_HEADER, *rows]))
    assert (
        report.rows_read,
        report.rows_loaded,
        report.rows_quarantined,
        report.rows_duplicate,
    ) == (
        5,
        2,
        2,
        1,
    )
    assert {(e["row"], e["rule"]) for e in report.errors} == {(4, "conflict"), (5, "conflict")}
    assert report.error_counts == {"conflict": 2}
