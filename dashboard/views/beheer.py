"""Beheer (beheerders only): who may use the Terugkeermonitor with which role, and the audit
trail of loads, Zelfscan answers and user changes."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import texts
from pipelines import appdb
from published import reader
from published.format import nl_datetime

person = st.session_state["person"]
engine = appdb.open_database(reader.warehouse_file())
st.title(texts.PAGES["beheer"])
st.write(texts.ADMIN_INTRO)

st.subheader(texts.ADMIN_USERS)
people = appdb.list_users(engine)
st.dataframe(
    pl.DataFrame(
        {
            texts.ADMIN_EMAIL: [u["email"] for u in people],
            texts.ADMIN_ROLE: [texts.ROLES[u["role"]] for u in people],
            texts.ADMIN_ORGANISATION: [u["organisation"] or "" for u in people],
            texts.ADMIN_ADDED: [nl_datetime(u["added_at"]) for u in people],
        },
        schema={
            c: pl.String
            for c in (
                texts.ADMIN_EMAIL,
                texts.ADMIN_ROLE,
                texts.ADMIN_ORGANISATION,
                texts.ADMIN_ADDED,
            )
        },
    ),
    hide_index=True,
    width="stretch",
)
with st.form("admin_add_user", clear_on_submit=True):
    left, middle, right = st.columns([2, 1, 1])
    email = left.text_input(texts.ADMIN_EMAIL)
    role = middle.selectbox(
        texts.ADMIN_ROLE, options=list(texts.ROLES), format_func=texts.ROLES.get
    )
    organisation = right.text_input(texts.ADMIN_ORGANISATION, help=texts.ADMIN_ORGANISATION_HELP)
    if st.form_submit_button(texts.ADMIN_ADD):
        try:
            appdb.add_user(engine, email, role, organisation or None, person.actor)
            st.success(texts.ADMIN_ADDED_OK.format(email=email.strip().lower()))
        except appdb.UserError as exc:
            st.error(texts.ADMIN_USER_REFUSED.format(reason=exc))
if people:
    left, right = st.columns([3, 1])
    gone = left.selectbox(
        texts.ADMIN_REMOVE_WHO, options=[u["email"] for u in people], key="admin_remove_who"
    )
    if right.button(texts.ADMIN_REMOVE, key="admin_remove"):
        appdb.remove_user(engine, gone, person.actor)
        st.rerun()

st.subheader(texts.ADMIN_AUDIT)
left, middle, right = st.columns(3)
since = left.date_input(texts.ADMIN_SINCE, value=dt.date.today() - dt.timedelta(days=30))
until = middle.date_input(texts.ADMIN_UNTIL, value=dt.date.today())
who = right.text_input(texts.ADMIN_WHO)
trail = appdb.audit_trail(engine, since, until, who or None)
st.dataframe(
    pl.DataFrame(
        {
            texts.ADMIN_AT: [nl_datetime(a["at"]) for a in trail],
            texts.ADMIN_WHO: [a["actor"] for a in trail],
            texts.ADMIN_ACTION: [texts.AUDIT_ACTIONS.get(a["action"], a["action"]) for a in trail],
            texts.ADMIN_TARGET: [a["target"] or "" for a in trail],
            texts.ADMIN_DETAIL: [a["detail"] or "" for a in trail],
        },
        schema={
            c: pl.String
            for c in (
                texts.ADMIN_AT,
                texts.ADMIN_WHO,
                texts.ADMIN_ACTION,
                texts.ADMIN_TARGET,
                texts.ADMIN_DETAIL,
            )
        },  # fmt: skip
    ),
    hide_index=True,
    width="stretch",
)
