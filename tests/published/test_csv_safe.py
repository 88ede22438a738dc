"""CSV downloads cannot smuggle a formula into a spreadsheet (issue 31, finding 11): an
uploaded file named =HYPERLINK(...) reached the deliveries CSV as it was."""

from __future__ import annotations

import polars as pl

from published.format import csv_safe


def test_formula_cells_are_neutralised_and_numbers_kept() -> None:
    frame = pl.DataFrame(
        {
            "bestand": ['=HYPERLINK("https://evil.example","klik")', "+SUM(A1)", "@cmd",
                        "-2+3", "\tTAB", "gewoon.csv", None],
            "verschil": ["-1,5", "+3%", "12", "–", "<10", "x", "0"],
            "aantal": [1, 2, 3, 4, 5, 6, 7],
        }
    )  # fmt: skip
    safe = csv_safe(frame)
    assert safe["bestand"].to_list() == [
        '\'=HYPERLINK("https://evil.example","klik")', "'+SUM(A1)", "'@cmd", "'-2+3",
        "'\tTAB", "gewoon.csv", None,
    ]  # fmt: skip
    assert safe["verschil"].to_list() == frame["verschil"].to_list()  # numbers and marks
    assert safe["aantal"].to_list() == frame["aantal"].to_list()
