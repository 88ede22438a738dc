"""The privacy guard refuses a whole file and leaves no trace of its values."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.ingest import ingest_paths
from store.warehouse import connect
from tests.conftest import PI_HEADER, pi_row, write_lines


@pytest.mark.parametrize(
    ("header_extra", "value", "rule_text"),
    [
        (";BSN", "111222333", "named like a direct identifier"),
        (";Geboorte datum", "01-01-1990", "named like a direct identifier"),
        (";E-mail", "geheimewaarde", "named like a direct identifier"),
        (";opmerking", "iemand@voorbeeld.nl", "e-mail address"),
        (";opmerking", "1234 AB 5", "postcode with house number"),
        (";opmerking", "1234AB5", "postcode with house number"),
        (";opmerking", "1234 ab 5a", "postcode with house number"),
    ],
)
def test_identifier_columns_and_values_refuse_the_file(
    tmp_path: Path, warehouse: Path, header_extra: str, value: str, rule_text: str
) -> None:
    path = write_lines(tmp_path / "x.csv", [PI_HEADER + header_extra, pi_row() + ";" + value])
    _assert_refused_without_trace(path, warehouse, rule_text, value)


@pytest.mark.parametrize(
    "pseudoniem",
    [
        "111222333",  # 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11
        "12345672",  # read as 012345672: 0+8+14+18+20+20+18+14-2 = 110 = 10*11
    ],
)
def test_a_pseudonym_that_passes_the_eleven_test_refuses_the_file(
    tmp_path: Path, warehouse: Path, pseudoniem: str
) -> None:
    rows = [pi_row(pseudoniem="GOEDEREGEL1"), pi_row(pseudoniem=pseudoniem)]
    path = write_lines(tmp_path / "x.csv", [PI_HEADER, *rows])
    _assert_refused_without_trace(path, warehouse, "valid BSN", pseudoniem)


def test_nine_digits_that_fail_the_eleven_test_are_only_a_pseudonym(
    tmp_path: Path, warehouse: Path
) -> None:
    # 9+16+21+24+25+24+21+16-9 = 147 = 13*11 + 4: not a BSN.
    path = write_lines(tmp_path / "x.csv", [PI_HEADER, pi_row(pseudoniem="123456789")])
    con = connect(warehouse)
    [report] = ingest_paths(con, [path])
    assert report.status == "loaded"


def _assert_refused_without_trace(path: Path, warehouse: Path, rule_text: str, value: str) -> None:
    con = connect(warehouse)
    [report] = ingest_paths(con, [path])
    assert report.status == "refused"
    assert rule_text in report.reason and value not in report.reason
    assert report.errors == []
    texts = []
    for (table,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
    ).fetchall():
        texts += [str(row) for row in con.execute(f"SELECT * FROM {table}").fetchall()]
    con.close()
    assert not any(value in text for text in texts)
    for file in warehouse.parent.glob(warehouse.name + "*"):
        assert value.encode() not in file.read_bytes()
