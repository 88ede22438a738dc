"""Every page renders on the national demo, on an empty, missing and broken warehouse; the
sidebar filters change the figures to the values worked out from the marts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main
from dashboard import texts
from published import labels, reader
from store.build import build
from store.warehouse import connect
from tests.dashboard.conftest import PAGES


def _mart(warehouse: Path, sql: str, params: list | None = None) -> tuple:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()[0]
    finally:
        con.close()


def _metric(app: AppTest, label_start: str) -> str:
    return next(m.value for m in app.metric if m.label.startswith(label_start))


def _nl(n: float, decimals: int | None = None) -> str:
    """Dutch formatting written out independently of published.format."""
    if decimals is None:
        return f"{n:,}".replace(",", ".")
    return f"{n:.{decimals}f}".replace(".", ",")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_national_demo(
    national_demo: dict, open_app: Callable[..., AppTest], page: str
) -> None:
    app = open_app(national_demo["warehouse"], page)
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == texts.PAGES[page]
    if page != "aanleveren":
        assert any("synthetische gegevens" in w.value for w in app.warning)


def test_overview_tiles_match_the_marts(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    app = open_app(warehouse)
    # The demo's PI exports are of 15 January 2025: 2024 is the last complete year.
    (n_2024,) = _mart(
        warehouse, "SELECT sum(n_releases) FROM mart_outflow WHERE release_year = 2024"
    )
    assert _metric(app, "Uitstroom 2024") == _nl(int(n_2024))
    op, niet = _mart(
        warehouse,
        "SELECT sum(n_alle_op_orde), sum(n_alle_niet_op_orde) FROM mart_readiness "
        "WHERE release_year = 2024",
    )
    assert _metric(app, "Basisvoorwaarden op orde (2024)") == _nl(100 * op / (op + niet), 1) + "%"
    # Peildatum 30 June 2025: the latest cohort with two full years is 2022.
    k, n = _mart(
        warehouse,
        "SELECT sum(n_reoffended_2y), sum(n_cohort) FROM mart_recidivism WHERE cohort_year = 2022",
    )
    assert _metric(app, "Recidive 2 jaar (cohort 2022)") == _nl(100 * k / n, 1) + "%"


def test_a_pi_filter_changes_the_outflow_tile_and_goes_into_the_link(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    app = open_app(warehouse)
    app.sidebar.multiselect(key="f_pi").set_value(["zwolle"]).run()
    (n_zwolle,) = _mart(
        warehouse,
        "SELECT sum(n_releases) FROM mart_outflow WHERE release_year = 2024 AND pi_code = ?",
        ["zwolle"],
    )
    assert _metric(app, "Uitstroom 2024") == _nl(int(n_zwolle))
    assert app.query_params["pi"] == ["zwolle"] or app.query_params["pi"] == "zwolle"


def test_a_shared_link_opens_with_its_filters(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    app = open_app(warehouse, geslacht="V", tot="2023")
    assert app.sidebar.multiselect(key="f_sex").value == ["V"]
    (n_women,) = _mart(
        warehouse,
        "SELECT sum(n_releases) FROM mart_outflow WHERE release_year = 2023 AND sex = 'V'",
    )
    assert _metric(app, "Uitstroom 2023") == _nl(int(n_women))
    k, n = _mart(
        warehouse,
        "SELECT sum(n_reoffended_2y), sum(n_cohort) FROM mart_recidivism "
        "WHERE cohort_year = 2022 AND sex = 'V'",
    )
    assert _metric(app, "Recidive 2 jaar (cohort 2022)") == _nl(100 * k / n, 1) + "%"


def test_unknown_values_in_a_link_are_ignored_with_a_note(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    app = open_app(national_demo["warehouse"], pi="nergens,zwolle")
    assert app.sidebar.multiselect(key="f_pi").value == ["zwolle"]
    assert any("genegeerd (bij: pi)" in c.value for c in app.sidebar.caption)


def test_a_phishing_link_parameter_is_not_drawn(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    """Finding 8 of issue 31: a link parameter that reads as markdown was drawn as a link."""
    bait = "**Uw sessie is verlopen.** [Log hier opnieuw in](https://evil.example/login)"
    app = open_app(national_demo["warehouse"], pi=bait, gemeente="GM0193")
    assert app.sidebar.multiselect(key="f_gemeente").value == ["GM0193"]
    shown = [*app.sidebar.caption, *app.sidebar.markdown, *app.markdown, *app.caption]
    assert not any("evil.example" in e.value or "verlopen" in e.value for e in shown)
    assert any("genegeerd (bij: pi)" in c.value for c in app.sidebar.caption)


def test_a_municipality_too_small_for_figures_shows_less_than_ten(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    warehouse = national_demo["warehouse"]
    # The smallest municipality with releases in 2024 has fewer than ten: its tile reads <10.
    code, n = _mart(
        warehouse,
        "SELECT gemeente_code, sum(n_releases) AS n FROM mart_outflow "
        "WHERE release_year = 2024 AND gemeente_code LIKE 'GM%' GROUP BY 1 HAVING n < 10 "
        "ORDER BY n, 1 LIMIT 1",
    )
    app = open_app(warehouse, gemeente=code, van="2024")
    assert not app.exception
    assert _metric(app, "Uitstroom 2024") == "<10"
    assert _metric(app, "Basisvoorwaarden op orde (2024)") == labels.NOT_SHOWN
    assert 0 < n < 10


def _empty_warehouse(path: Path) -> Path:
    con = connect(path)
    build(con)
    con.close()
    return path


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_warehouse_explains_how_to_load_data(
    tmp_path: Path, open_app: Callable[..., AppTest], page: str
) -> None:
    app = open_app(_empty_warehouse(tmp_path / "leeg.duckdb"), page)
    assert not app.exception
    if page == "aanleveren":
        assert app.title[0].value == texts.PAGES["aanleveren"]
    else:
        assert texts.EMPTY_TITLE in app.info[0].value


def test_a_missing_warehouse_explains_how_to_load_data(
    tmp_path: Path, open_app: Callable[..., AppTest]
) -> None:
    app = open_app(tmp_path / "nergens.duckdb")
    assert not app.exception
    assert texts.EMPTY_TITLE in app.info[0].value
    assert not (tmp_path / "nergens.duckdb").exists()


def test_a_broken_warehouse_file_gives_a_clear_message_and_is_left_alone(
    tmp_path: Path, open_app: Callable[..., AppTest], capsys: pytest.CaptureFixture
) -> None:
    broken = tmp_path / "kapot.duckdb"
    broken.write_bytes(b"dit is geen database" * 1000)
    # The dashboard never opens the store: it says nothing is published yet ...
    app = open_app(broken)
    assert not app.exception
    assert texts.UNPUBLISHED_BODY.split("`")[0] in app.info[0].value
    # ... and the command that would finish the work says plainly what is wrong.
    assert main(["build", "--warehouse", str(broken)]) == 1
    assert "cannot be opened as a warehouse" in capsys.readouterr().err
    assert broken.read_bytes() == b"dit is geen database" * 1000


def test_a_broken_snapshot_gives_a_clear_message(
    tmp_path: Path, open_app: Callable[..., AppTest]
) -> None:
    from store.publish import POINTER, publications_dir

    store = _empty_warehouse(tmp_path / "w.duckdb")
    folder = publications_dir(store)
    (folder / "kapot.duckdb").write_bytes(b"geen database" * 1000)
    (folder / POINTER).write_text("kapot.duckdb")
    app = open_app(store)
    assert not app.exception
    assert texts.BROKEN_TITLE in app.error[0].value


def test_readers_never_hold_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    path = _empty_warehouse(tmp_path / "w.duckdb")
    monkeypatch.setenv("TERUGKEER_WAREHOUSE", str(path))
    assert reader.read("SELECT count(*) AS n FROM deliveries")["n"].to_list() == [0]
    # Right after the query, with the reader's snapshot still open, a writer opens the store.
    duckdb.connect(str(path)).close()


def test_a_publication_made_by_other_code_is_not_read(
    national_demo: dict, tmp_path: Path, open_app: Callable[..., AppTest]
) -> None:
    """After an upgrade, marts made by the previous version may lack columns: the pages say
    that the figures are being rebuilt instead of failing."""
    from store.publish import current
    from tests.conftest import copy_warehouse

    store = copy_warehouse(national_demo["warehouse"], tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(current(store)))
    con.execute("UPDATE publication SET models_digest = 'previous-version'")
    con.close()
    for page in ("overzicht", "datakwaliteit"):
        app = open_app(store, page)
        assert not app.exception
        assert texts.OUTDATED_TITLE in app.info[0].value


def test_the_odds_ratio_chart_is_described_per_factor(
    national_demo: dict, open_app: Callable[..., AppTest]
) -> None:
    """Its text alternative gives each factor's two odds ratios as the model table holds
    them (rounded to the chart's two decimals), not a trend over years."""
    app = open_app(national_demo["warehouse"], "succesfactoren")
    assert not app.exception, [e.message for e in app.exception]
    text = next(c.value for c in app.caption if "grafiek «Odds ratio" in c.value)
    assert "aan het begin" not in text
    found = {
        label: (raw, adjusted)
        for label, raw, adjusted in re.findall(
            r"(?:^|\. )([^.:«»]+): Ruw (\d+,\d\d), Gecorrigeerd (\d+,\d\d)", text
        )
    }
    con = duckdb.connect(str(national_demo["warehouse"]), read_only=True)
    try:
        model = con.execute(
            "SELECT factor, raw_or, adj_or FROM model_factors WHERE years = 2"
        ).fetchall()
    finally:
        con.close()

    def dutch(value: float) -> str:
        return f"{value:.2f}".replace(".", ",")

    expected = {
        labels.FACTOR_LABELS[factor]: (dutch(raw), dutch(adj))
        for factor, raw, adj in model
        if raw is not None and adj is not None
    }
    assert len(expected) >= 6 and found == expected
