"""Reading every legal form of export, and refusing what cannot be read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from basis.contract import fold_header
from intake.readers import ROW, UnreadableFile, read_export
from store.ingest import check_file
from tests.conftest import PI_HEADER, pi_row, write_lines


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Uitstroom datum", "uitstroomdatum"),
        ("UITSTROOM-DATUM", "uitstroomdatum"),
        ("uitstroomdatum", "uitstroomdatum"),
        ("ID bewijs uitstroom", "id_bewijs_uitstroom"),
        ("  Gemeente_Code ", "gemeente_code"),
        ("\ufeffPseudoniem", "pseudoniem"),
    ],
)
def test_header_spellings_fold_to_the_canonical_name(header: str, canonical: str) -> None:
    assert fold_header(header) == fold_header(canonical)


def test_dutch_excel_csv_with_bom_semicolons_and_spelled_out_headers(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "a.csv",
        [
            "Pseudoniem;Inrichting;Instroom datum;Geboortejaar;Geslacht;Export datum;Opmerking",
            "PERSOON0001 ; PI Zwolle ;01-02-2021;1990;M;15-01-2025;  ",
        ],
        bom=True,
    )
    raw = read_export(path)
    assert raw.frame.columns == [
        "pseudoniem",
        "inrichting",
        "instroomdatum",
        "geboortejaar",
        "geslacht",
        "exportdatum",
        "Opmerking",
        ROW,
    ]
    row = raw.frame.row(0, named=True)
    assert row["pseudoniem"] == "PERSOON0001"  # trimmed
    assert row["Opmerking"] is None  # only spaces = empty
    assert raw.extra_columns == ["Opmerking"]


def test_windows_1252_is_decoded(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "a.csv", ["pseudoniem;afdeling", "PERSOON0001;één – zuid"], encoding="cp1252"
    )
    assert read_export(path).frame["afdeling"][0] == "één – zuid"


def test_comma_delimiter(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.csv", ["pseudoniem,inrichting", "PERSOON0001,zwolle"])
    assert read_export(path).frame["inrichting"].to_list() == ["zwolle"]


def test_row_numbers_are_the_lines_a_user_sees(tmp_path: Path) -> None:
    # Line 1 header, 2 a row, 3 blank (ignored), 4-5 one record with a line break in quotes,
    # 6 a row of empty cells (ignored), 7 a row.
    path = write_lines(
        tmp_path / "a.csv",
        [
            "pseudoniem;opmerking",
            "PERSOON0001;a",
            "",
            'PERSOON0002;"twee',
            'regels"',
            ";",
            "PERSOON0003;b",
        ],
    )
    frame = read_export(path).frame
    assert frame["pseudoniem"].to_list() == ["PERSOON0001", "PERSOON0002", "PERSOON0003"]
    assert frame[ROW].to_list() == [2, 4, 7]


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(
                        r,
                        c,
                        dt.datetime.combine(value, dt.time()),
                        wb.add_format({"num_format": "dd-mm-yyyy"}),
                    )
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path


def test_xlsx_reads_the_sheet_named_export_with_real_date_cells(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "a.xlsx",
        {
            "Toelichting": [["notes only"]],
            "Export": [
                ["Pseudoniem", "Instroom datum", "Geboortejaar"],
                ["PERSOON0001", dt.date(2021, 2, 1), 1990],
                [None, None, None],
                ["PERSOON0002", "05-03-2021", 1985],
            ],
        },
    )
    raw = read_export(path)
    assert raw.frame["instroomdatum"].to_list() == ["2021-02-01", "05-03-2021"]
    assert raw.frame["geboortejaar"].to_list() == ["1990", "1985"]
    assert raw.frame[ROW].to_list() == [2, 4]


def test_xlsx_without_an_export_sheet_reads_the_first(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "a.xlsx",
        {"Blad1": [["pseudoniem"], ["PERSOON0001"]], "Blad2": [["other"], ["x"]]},
    )
    assert read_export(path).frame.columns == ["pseudoniem", ROW]


def test_parquet_with_typed_columns(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pl.DataFrame(
        {
            "pseudoniem": ["PERSOON0001"],
            "instroomdatum": [dt.date(2021, 2, 1)],
            "geboortejaar": [1990],
        }
    ).write_parquet(path)
    row = read_export(path).frame.row(0, named=True)
    assert row["instroomdatum"] == "2021-02-01" and row["geboortejaar"] == "1990"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("a.csv", b"", "empty"),
        ("a.csv", b"   \n\n", "empty"),
        ("a.csv", b"pseudoniem;inrichting\n", "no data rows"),
        ("a.csv", b"\x00\x01\x02binary\x00", "binary"),
        ("a.xlsx", b"pseudoniem;x\nA;B\n", "not an Excel workbook"),
        ("a.parquet", b"PAR1 truncated", "Parquet"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        ("a.csv", b"a;b\n1;2;3;4\n", "more fields"),
        ("a.csv", b"\x81\x8d\x8f\x90\x9d;x\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    with pytest.raises(UnreadableFile, match=says):
        read_export(tmp_path / name, data=data, name=name)


def test_a_legal_pi_file_is_checked_valid(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.csv", [PI_HEADER, pi_row()])
    report, _, _ = check_file(path)
    assert (report.status, report.source, report.rows_loaded) == ("valid", "pi", 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=300),
        st.lists(st.text(alphabet=';,"\n\r\t ab1-/é', max_size=30), max_size=8).map(
            lambda parts: ("\n".join([PI_HEADER, *parts])).encode("utf-8")
        ),
    )
)
def test_any_bytes_are_either_read_or_refused_never_raise(data: bytes) -> None:
    report, _, _ = check_file(Path("fuzz.csv"), data=data, name="fuzz.csv")
    assert report.status in ("valid", "refused")
    if report.status == "refused":
        assert report.reason
    else:
        assert (
            report.rows_read == report.rows_loaded + report.rows_quarantined + report.rows_duplicate
        )
