"""The Beheer page issues and revokes API tokens (issue 34): the secret is shown once, only
its hash is kept, and a revoked token no longer opens the per-unit datasets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import texts_access
from people import appdb
from tests.conftest import copy_warehouse


def test_a_beheerder_issues_and_revokes_a_token(
    national_demo: dict, open_app: Callable[..., AppTest], tmp_path: Path
) -> None:
    warehouse = copy_warehouse(national_demo["warehouse"], tmp_path / "warehouse.duckdb")
    app = open_app(warehouse, "beheer")
    assert not app.exception, [e.message for e in app.exception]
    field = next(t for t in app.text_input if t.label == texts_access.ADMIN_TOKEN_NAME)
    field.set_value("Universiteit Leiden")
    next(b for b in app.button if b.label == texts_access.ADMIN_TOKEN_ADD).click().run()
    assert not app.exception, [e.message for e in app.exception]
    secret = app.code[0].value
    assert secret.startswith("tkm_") and len(secret) > 40
    engine = appdb.open_database(warehouse)
    token = appdb.find_token(engine, secret)
    assert token is not None and token["name"] == "Universiteit Leiden"
    assert secret not in str(appdb.list_tokens(engine))  # only its hash is kept
    app.run()  # shown once: not on the next run
    assert not app.code
    app.selectbox(key="admin_revoke_token").set_value(token["token_id"])
    app.button(key="admin_revoke").click().run()
    assert appdb.find_token(engine, secret) is None
    actions = [a["action"] for a in appdb.audit_trail(engine, actor="lokaal")]
    assert {"api_token_added", "api_token_revoked"} <= set(actions)
