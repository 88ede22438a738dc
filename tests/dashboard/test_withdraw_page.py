"""A beheerder withdraws a delivery from the Datakwaliteit page (issue 17)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cli.main import main
from dashboard import texts
from people import appdb
from store.publish import current
from tests.conftest import PI_HEADER, pi_row, write_lines


def test_a_beheerder_withdraws_a_delivery_with_a_confirmation(
    tmp_path: Path, open_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(appdb.DATABASE_ENV, raising=False)
    appdb.dispose_all()
    store = tmp_path / "warehouse.duckdb"
    rows = [pi_row(pseudoniem=f"PERSOON{i:06d}") for i in range(15)]
    wrong = write_lines(tmp_path / "verkeerd.csv", [PI_HEADER, *rows])
    assert main(["ingest", "--warehouse", str(store), str(wrong)]) == 0
    before = current(store)
    app = open_app(store, "datakwaliteit")
    assert not app.exception, [e.message for e in app.exception]
    form_inputs = [w for w in app.text_input if w.label == texts.WITHDRAW_REASON]
    form_inputs[0].set_value("verkeerde inrichting")
    # Without the confirmation nothing happens.
    app.button[[b.label for b in app.button].index(texts.WITHDRAW_BUTTON)].click().run()
    assert current(store) == before
    app.checkbox[[c.label for c in app.checkbox].index(texts.WITHDRAW_CONFIRM)].check()
    app.button[[b.label for b in app.button].index(texts.WITHDRAW_BUTTON)].click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert [s.value for s in app.success if "ingetrokken" in s.value]
    assert current(store) != before  # rebuilt and published
    # Two lines: the command's, under the operating-system user that ran it, and the
    # dashboard's, under the person who asked (never an actor passed as an argument).
    lines = [a for a in appdb.audit_trail(appdb.open_database(store))
             if a["action"] == "delivery_withdrawn"]  # fmt: skip
    assert sorted(a["actor"] for a in lines) == sorted(["lokaal", appdb.os_user()])
    assert {a["target"] for a in lines if a["actor"] == appdb.os_user()} == {"verkeerd.csv"}
    assert all("verkeerde inrichting" in a["detail"] for a in lines)
