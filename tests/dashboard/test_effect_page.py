"""The Effectmeting page (issue 35) under AppTest on the national demo: it shows what
`terugkeer effect` gives for the same definition, refuses a group one below the minimum in
Dutch (and evaluates it at the minimum), stops at the daily limit, and audits each evaluation.
The browser test (tests/browser/test_effect.py) draws both definition kinds and downloads."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from basis.settings import ROOT
from dashboard import texts_effect as te
from people import appdb
from tests.conftest import copy_warehouse


@pytest.fixture(scope="module")
def store(national_demo: dict, module_dir: Path) -> Path:
    """A copy of the national store: its audit trail is this module's own."""
    return copy_warehouse(national_demo["warehouse"], module_dir / "warehouse.duckdb")


def _texts(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown) + "\n".join(e.value for e in app.error)


def _evaluations(store: Path) -> list[dict]:
    with appdb.open_database(store).connect() as con:
        rows = con.exec_driver_sql(
            "SELECT detail FROM audit WHERE action = 'effect_evaluated' ORDER BY audit_id"
        ).fetchall()
    return [json.loads(r[0]) for r in rows]


def test_the_page_shows_what_the_command_gives(
    store: Path, open_app: Callable[..., AppTest]
) -> None:
    app = open_app(store, "effectmeting")
    assert not app.exception, [e.message for e in app.exception]
    app.radio(key="effect_kind").set_value("condition").run()
    app.selectbox(key="effect_condition").set_value("onder_toezicht").run()
    app.button(key="effect_submit").click().run()
    assert not app.exception, [e.message for e in app.exception]
    done = subprocess.run(
        [sys.executable, "-m", "cli", "effect", "--warehouse", str(store),
         "--condition", "onder_toezicht", "--from", "2015", "--to", "2024", "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    shown = _texts(app)
    for k in (1, 2):
        t = round(result["treated"][f"rate_{k}y"])
        c = round(result["comparison"][f"rate_{k}y"])
        d = result[f"difference_{k}y"]
        assert f"binnen {k} jaar {t} een nieuw misdrijf, tegen {c} van elke 100" in shown
        low, high = (f"{-v:.1f}".replace(".", ",") for v in (d["high"], d["low"]))
        assert f"{low} tot {high} procentpunten minder recidive" in shown, shown
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[te.FOUND] == f"{result['treated']['found']:,}".replace(",", ".")
    assert metrics[te.COMPARISON] == f"{result['comparison']['n']:,}".replace(",", ".")
    assert te.BALANCE_OK in "\n".join(s.value for s in app.success)
    # Both evaluations (page and command) are in the audit trail, with their definition.
    audited = _evaluations(store)
    assert [a["condition"] for a in audited[-2:]] == ["onder_toezicht", "onder_toezicht"]


def test_one_below_the_minimum_is_refused_in_dutch_and_the_minimum_is_evaluated(
    store: Path, open_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A way of working in Zwolle from July 2023: its treated releases counted here from the
    mart (cohorts with a year of follow-up); with the minimum one above that number the page
    refuses in Dutch and nothing is audited, with the minimum at it the page evaluates."""
    con = duckdb.connect(str(store), read_only=True)
    (found,) = con.execute(
        "SELECT sum(n_cohort) FROM mart_factors WHERE available_1y AND gemeente_code = 'GM0193' "
        "AND cohort_year * 12 + release_month >= 2023 * 12 + 7"
    ).fetchone()
    con.close()
    assert 20 < found < 1000
    before = len(_evaluations(store))

    def evaluate_with(minimum: int) -> AppTest:
        monkeypatch.setenv("TERUGKEER_EFFECT_MIN_TREATED", str(minimum))
        app = open_app(store, "effectmeting")
        app.radio(key="effect_kind").set_value("start").run()
        app.selectbox(key="effect_start_year").set_value(2023).run()
        app.selectbox(key="effect_start_month").set_value(7).run()
        app.multiselect(key="effect_gemeenten").set_value(["GM0193"]).run()
        app.button(key="effect_submit").click().run()
        assert not app.exception, [e.message for e in app.exception]
        return app

    refused = evaluate_with(int(found) + 1)
    assert [e.value for e in refused.error] == [te.ERRORS["too_few"].format(minimum=int(found) + 1)]
    assert len(_evaluations(store)) == before
    evaluated = evaluate_with(int(found))
    assert not evaluated.error
    metrics = {m.label: m.value for m in evaluated.metric}
    assert te.FOUND in metrics
    assert _evaluations(store)[-1]["gemeenten"] == ["GM0193"]
    assert _evaluations(store)[-1]["start"] == "2023-07-01"


def test_the_daily_limit_stops_the_next_evaluation(
    store: Path, open_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    done = appdb.evaluations_today(appdb.open_database(store), "lokaal")
    assert done >= 1
    monkeypatch.setenv("TERUGKEER_EFFECT_MAX_PER_DAY", str(done))
    app = open_app(store, "effectmeting")
    app.button(key="effect_submit").click().run()
    assert [e.value for e in app.error] == [te.LIMIT.format(done=done)]
    assert appdb.evaluations_today(appdb.open_database(store), "lokaal") == done


def test_a_way_of_working_without_units_is_refused_in_dutch(
    store: Path, open_app: Callable[..., AppTest]
) -> None:
    app = open_app(store, "effectmeting")
    app.radio(key="effect_kind").set_value("start").run()
    app.button(key="effect_submit").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [te.ERRORS["units"]]
