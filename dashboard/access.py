"""Who is using the dashboard, and what their role lets them open.

With an `[auth]` section in Streamlit's secrets, people log in with OpenID Connect
(`st.login`); the application database says their role, found by the provider's issuer and
subject (people/login.py). Local mode (the local user acts as beheerder) only when
`terugkeer dashboard` chose it explicitly (loopback, no login configured): every problem
with the configuration closes the dashboard instead (fail closed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from basis.settings import SettingsError, load_settings
from dashboard import texts_access
from people import appdb, login

# What each role may open (meetregels aside: every figure shown is disclosed already).
FIGURE_PAGES = (
    "overzicht", "uitstroom", "leefgebieden", "recidive", "vergelijken", "succesfactoren",
    "effectmeting", "gemeenteprofiel", "inrichtingsprofiel", "toelichting", "toegankelijkheid",
)  # fmt: skip
PAGES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "lezer": FIGURE_PAGES,
    "gemeente": (*FIGURE_PAGES, "zelfscan"),
    "aanleverancier": (*FIGURE_PAGES, "aanleveren"),
    "beheerder": (*FIGURE_PAGES, "zelfscan", "datakwaliteit", "aanleveren", "beheer"),
}
LOCAL_USER = "lokaal"


@dataclass(frozen=True)
class Person:
    """The visitor: `email` None when anonymous; `role` None when logged in but unknown."""

    email: str | None
    role: str | None
    organisation: str | None
    local: bool = False

    @property
    def actor(self) -> str:
        """The name the audit trail records."""
        return LOCAL_USER if self.local else (self.email or "anoniem")

    def may_open(self, page: str) -> bool:
        return page in PAGES_BY_ROLE.get(self.role or "", ())

    def may_use_scan_of(self, gemeente: str) -> bool:
        if self.role == "beheerder":
            return True
        return self.role == "gemeente" and self.organisation == gemeente


@dataclass(frozen=True)
class Gate:
    """How this page run may go on: `local` (explicit local mode), `login` (login
    configured), or `closed` with the reason (shown in Dutch; nothing else is drawn)."""

    kind: str
    reason: str | None = None
    auth: dict | None = None


def gate() -> Gate:
    """Read the login configuration as Streamlit has it now, and the request's Host. Any
    problem closes the gate: a broken, unreadable or partial secrets file, no login
    configured without explicit local mode, or a Host header other than the allowed."""
    try:
        secrets = st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) != "no-secrets-found":
            return Gate("closed", texts_access.CONFIG_BROKEN)
        secrets = {}
    except Exception:  # noqa: BLE001 -- whatever went wrong, no page without login
        return Gate("closed", texts_access.CONFIG_BROKEN)
    try:
        auth = login.auth_section(secrets)
    except login.LoginConfigError:
        return Gate("closed", texts_access.CONFIG_BROKEN)
    if auth is None and os.environ.get(login.LOCAL_MODE_ENV) != "1":
        return Gate("closed", texts_access.CONFIG_MISSING)
    allowed = login.LOOPBACK_HOSTS if auth is None else (login.public_host(auth),)
    if not login.host_allowed(_host_header(), allowed):
        return Gate("closed", texts_access.HOST_REFUSED)
    return Gate("local", auth=None) if auth is None else Gate("login", auth=auth)


def _host_header() -> str | None:
    try:
        return st.context.headers.get("Host")
    except Exception:  # noqa: BLE001 -- no request (AppTest): no browser to rebind
        return None


def current_person(engine: sa.Engine, opened: Gate) -> Person:
    """The visitor of a page run whose gate is open."""
    if opened.kind == "local":
        return Person(LOCAL_USER, "beheerder", None, local=True)
    if opened.kind != "login" or not st.user.is_logged_in:
        return Person(None, None, None)
    claims = st.user.to_dict()
    try:
        domains = load_settings().login_email_domains
    except SettingsError:
        domains = ()  # the page run reports the settings error itself
    who = login.identity(claims, domains)
    user = appdb.find_login(engine, who)
    if user is None:
        shown = who.email or who.unverified_email or who.subject
        return Person(str(shown) if shown else "?", None, None)
    return Person(user["email"], user["role"], user["organisation"])


def still_may(engine: sa.Engine, person: Person, page: str) -> bool:
    """Re-checked inside every write (upload, withdrawal, Zelfscan answer, user change): the
    person's role as the application database holds it now, not as the page run began (a
    role revoked meanwhile writes nothing)."""
    if person.local:
        return True
    if person.email is None:
        return False
    user = appdb.find_user(engine, person.email)
    if user is None or (user["role"], user["organisation"]) != (person.role, person.organisation):
        return False
    return person.may_open(page)
