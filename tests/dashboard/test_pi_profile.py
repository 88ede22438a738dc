"""The Inrichtingsprofiel under AppTest, and its Word report."""

from __future__ import annotations

import io
from collections.abc import Callable

import duckdb
import polars as pl
from docx import Document
from streamlit.testing.v1 import AppTest

from published import reader, rules
from published.format import display_frame
from published.report import profile_report
from published.scope import Scope
from published.tables.profile import pi_profile
from store.publish import current


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


def test_a_pi_beside_all_other_pis_cannot_be_worked_back_from_the_national_figure() -> None:
    """National 177 = PI 5 + the others 172: showing the others beside the national figure
    would give the PI's 5 away, so the others are hidden too ('x')."""
    from published.tables.comparison import over_time_from_counts, parts_of_the_whole

    counts = pl.DataFrame(
        {
            "year": [2015, 2015, 2015, 2016, 2016],
            "unit": ["almelo", "vught", "zwolle", "almelo", "vught"],
            "k": [2, 40, 30, 6, 70],
            "n": [5, 90, 82, 20, 150],
            "e": [2.0, 41.0, 33.0, 7.0, 69.0],
        }
    )
    series = {
        "Nederland": ["*"],
        "Andere inrichtingen": ["vught", "zwolle"],
        "PI Almelo": ["almelo"],
    }
    assert parts_of_the_whole(list(series.values()))
    assert not parts_of_the_whole([["*"], ["vught", "zwolle"], ["vught"]])  # overlapping
    table = over_time_from_counts(counts, series, 10, corrected=False)
    shown = {(r[0], r[1]): r[2] for r in display_frame(table).rows()}
    assert shown[("PI Almelo", "2015")] == "<10"
    assert shown[("Andere inrichtingen", "2015")] == "x"
    assert shown[("Nederland", "2015")] == "177"
    assert shown[("PI Almelo", "2016")] == "20"  # nothing small in 2016: all shown
    assert shown[("Andere inrichtingen", "2016")] == "150"


def test_no_hidden_count_of_the_pi_follows_from_the_national_and_other_figures(
    national_demo: dict,
) -> None:
    reader.use_store(national_demo["warehouse"])
    try:
        narrow = Scope(sexes=("V",), age_bands=("12-17", "50+"))
        profile = pi_profile(narrow, 10, "almelo", {"almelo": "PI Almelo"})
    finally:
        reader.release()
    checked = 0
    tables = [(profile.recidivism[k], "year") for k in (1, 2)] + [(profile.process, "label")]
    for table, by in tables:
        series = "series" if "series" in table.frame.columns else "scope"
        frame = table.frame.with_row_index("row")
        for (key,), rows in frame.group_by(by):
            row = {r[series]: r["row"] for r in rows.iter_rows(named=True)}
            for column in ("n",):
                mine, others, whole = (
                    row["PI Almelo"],
                    row["Andere inrichtingen"],
                    row["Nederland"],
                )
                if table.is_suppressed(column, mine):
                    checked += 1
                    assert table.is_suppressed(column, others) or table.is_suppressed(
                        column, whole
                    ), (key, column)
    assert checked > 0  # the narrow selection does hide some of the PI's counts
