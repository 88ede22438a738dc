"""Beheer (beheerders only): who may use the Terugkeermonitor with which role, and the audit
trail of loads, Zelfscan answers and user changes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import access, texts, texts_access
from people import appdb
from published import reader
from published.format import nl_datetime

person = st.session_state["person"]
engine = appdb.open_database(reader.warehouse_file())
st.title(texts.PAGES["beheer"])
st.write(texts_access.ADMIN_INTRO)

st.subheader(texts_access.ADMIN_USERS)
people = appdb.list_users(engine)
st.dataframe(
    pl.DataFrame(
        {
            texts_access.ADMIN_EMAIL: [u["email"] for u in people],
            texts_access.ADMIN_ROLE: [texts_access.ROLES[u["role"]] for u in people],
            texts_access.ADMIN_ORGANISATION: [u["organisation"] or "" for u in people],
            texts_access.ADMIN_ADDED: [nl_datetime(u["added_at"]) for u in people],
        },
        schema={
            c: pl.String
            for c in (
                texts_access.ADMIN_EMAIL,
                texts_access.ADMIN_ROLE,
                texts_access.ADMIN_ORGANISATION,
                texts_access.ADMIN_ADDED,
            )
        },
    ),
    hide_index=True,
    width="stretch",
)
with st.form("admin_add_user", clear_on_submit=True):
    left, middle, right = st.columns([2, 1, 1])
    email = left.text_input(texts_access.ADMIN_EMAIL)
    role = middle.selectbox(
        texts_access.ADMIN_ROLE,
        options=list(texts_access.ROLES),
        format_func=texts_access.ROLES.get,
    )
    organisation = right.text_input(
        texts_access.ADMIN_ORGANISATION, help=texts_access.ADMIN_ORGANISATION_HELP
    )
    added = st.form_submit_button(texts_access.ADMIN_ADD)
    if added and not access.still_may(engine, person, "beheer"):
        st.error(texts_access.WRITE_REFUSED)
    elif added:
        try:
            appdb.add_user(engine, email, role, organisation or None, person.actor)
            st.success(texts_access.ADMIN_ADDED_OK.format(email=email.strip().lower()))
        except appdb.UserError as exc:
            st.error(texts_access.ADMIN_USER_REFUSED.format(reason=exc))
if people:
    left, right = st.columns([3, 1])
    gone = left.selectbox(
        texts_access.ADMIN_REMOVE_WHO, options=[u["email"] for u in people], key="admin_remove_who"
    )
    if right.button(texts_access.ADMIN_REMOVE, key="admin_remove"):
        if access.still_may(engine, person, "beheer"):
            appdb.remove_user(engine, gone, person.actor)
            st.rerun()
        st.error(texts_access.WRITE_REFUSED)

st.subheader(texts_access.ADMIN_TOKENS)
st.write(texts_access.ADMIN_TOKENS_INTRO)
issued = st.session_state.pop("token_issued", None)
if issued:  # the secret is shown once, right after it was made
    st.success(texts_access.ADMIN_TOKEN_ISSUED.format(name=issued[0]))
    st.code(issued[1], language=None)
tokens = appdb.list_tokens(engine)
if tokens:
    st.dataframe(
        pl.DataFrame(
            {
                texts_access.ADMIN_TOKEN_ID: [str(t["token_id"]) for t in tokens],
                texts_access.ADMIN_TOKEN_NAME: [t["name"] for t in tokens],
                texts_access.ADMIN_ADDED: [nl_datetime(t["created_at"]) for t in tokens],
                texts_access.ADMIN_TOKEN_STATE: [
                    texts_access.ADMIN_TOKEN_REVOKED.format(at=nl_datetime(t["revoked_at"]))
                    if t["revoked_at"]
                    else texts_access.ADMIN_TOKEN_ACTIVE
                    for t in tokens
                ],
                texts_access.ADMIN_TOKEN_CALLS: [str(t["calls"]) for t in tokens],
            }
        ),
        hide_index=True,
        width="stretch",
    )
with st.form("admin_add_token", clear_on_submit=True):
    token_name = st.text_input(texts_access.ADMIN_TOKEN_NAME)
    if st.form_submit_button(texts_access.ADMIN_TOKEN_ADD):
        if not access.still_may(engine, person, "beheer"):
            st.error(texts_access.WRITE_REFUSED)
        else:
            try:
                _, secret = appdb.add_token(engine, token_name, person.actor)
                st.session_state["token_issued"] = (token_name.strip(), secret)
                st.rerun()
            except appdb.UserError as exc:
                st.error(texts_access.ADMIN_USER_REFUSED.format(reason=exc))
active = [t for t in tokens if not t["revoked_at"]]
if active:
    left, right = st.columns([3, 1])
    revoked = left.selectbox(
        texts_access.ADMIN_TOKEN_REVOKE_WHICH,
        options=[t["token_id"] for t in active],
        format_func=lambda i: f"{i}: " + next(t["name"] for t in active if t["token_id"] == i),
        key="admin_revoke_token",
    )
    if right.button(texts_access.ADMIN_TOKEN_REVOKE, key="admin_revoke"):
        if access.still_may(engine, person, "beheer"):
            appdb.revoke_token(engine, revoked, person.actor)
            st.rerun()
        st.error(texts_access.WRITE_REFUSED)

st.subheader(texts_access.ADMIN_AUDIT)
left, middle, right = st.columns(3)
since = left.date_input(texts_access.ADMIN_SINCE, value=dt.date.today() - dt.timedelta(days=30))
until = middle.date_input(texts_access.ADMIN_UNTIL, value=dt.date.today())
who = right.text_input(texts_access.ADMIN_WHO)
trail = appdb.audit_trail(engine, since, until, who or None)
st.dataframe(
    pl.DataFrame(
        {
            texts_access.ADMIN_AT: [nl_datetime(a["at"]) for a in trail],
            texts_access.ADMIN_WHO: [a["actor"] for a in trail],
            texts_access.ADMIN_ACTION: [
                texts_access.AUDIT_ACTIONS.get(a["action"], a["action"]) for a in trail
            ],
            texts_access.ADMIN_TARGET: [a["target"] or "" for a in trail],
            texts_access.ADMIN_DETAIL: [a["detail"] or "" for a in trail],
        },
        schema={
            c: pl.String
            for c in (
                texts_access.ADMIN_AT,
                texts_access.ADMIN_WHO,
                texts_access.ADMIN_ACTION,
                texts_access.ADMIN_TARGET,
                texts_access.ADMIN_DETAIL,
            )
        },  # fmt: skip
    ),
    hide_index=True,
    width="stretch",
)
