"""The Inrichtingsprofiel under AppTest, and its Word report."""

from __future__ import annotations

import io
from collections.abc import Callable

import duckdb
import polars as pl
from docx import Document
from streamlit.testing.v1 import AppTest

from pipelines.publish import current
from published import reader, rules
from published.format import display_frame
from published.report import profile_report
from published.scope import Scope
from published.tables.profile import pi_profile


def _outflow(warehouse: object, pi: str, year: int) -> int:
    con = duckdb.connect(str(current(warehouse)), read_only=True)
    try:
        return con.execute(
            "SELECT sum(n_releases) FROM mart_outflow WHERE pi_code = ? AND release_year = ?",
            [pi, year],
        ).fetchone()[0]
    finally:
        con.close()


def test_the_profile_of_a_pi_opens_from_its_link(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    app = open_app(national_demo["warehouse"], "inrichtingsprofiel", inrichting="almelo")
    assert not app.exception
    assert app.selectbox(key="profile_pi").value == "almelo"
    assert app.query_params["inrichting"] == "almelo"
    tile = app.metric[0]
    year = int(tile.label.split("(")[1].rstrip(")"))
    assert tile.value == f"{_outflow(national_demo['warehouse'], 'almelo', year):,}".replace(
        ",", "."
    )
    headings = " ".join(m.value for m in app.markdown)
    assert "Plaats in de trechter" in headings
    # Every table of the profile is there: outflow, gemeenten, two readiness, process, two
    # recidivism, the funnel, nazorg.
    assert len(app.dataframe) == 9


def test_small_counts_in_a_narrow_selection_read_less_than_ten(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    app = open_app(
        national_demo["warehouse"], "inrichtingsprofiel", inrichting="almelo",
        geslacht="V", leeftijd="12-17",
    )  # fmt: skip
    assert not app.exception
    cells = [str(v) for df in app.dataframe for v in df.value.to_numpy().ravel()]
    assert "<10" in cells
    assert not any(c.isdigit() and 0 < int(c) < 10 for c in cells)


def test_the_word_report_holds_the_pi_and_its_figures(national_demo: dict) -> None:
    reader.use_store(national_demo["warehouse"])
    try:
        profile = pi_profile(Scope(), 10, "almelo", {"almelo": "PI Almelo"})
        report = profile_report(
            "Inrichtingsprofiel PI Almelo",
            ["PI Almelo (Almelo)"],
            {name: (table, rules.RULES["compare"]) for name, table in profile.tables().items()},
            None,
            10,
        )
        expected = display_frame(profile.outflow)
    finally:
        reader.release()
    document = Document(io.BytesIO(report))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Inrichtingsprofiel PI Almelo" in text
    assert len(document.tables) == len(profile.tables())
    outflow = document.tables[0]
    rows = [[c.text for c in row.cells] for row in outflow.rows]
    assert rows[0] == expected.columns
    assert rows[1:] == [list(r) for r in expected.iter_rows()]
    years = pl.Series([int(r[0]) for r in rows[1:]])
    last = int(years.max())
    assert rows[-1][1] == f"{_outflow(national_demo['warehouse'], 'almelo', last):,}".replace(
        ",", "."
    )
