"""Who is using the dashboard, and what their role lets them open.

With an `[auth]` section in Streamlit's secrets, people log in with OpenID Connect
(`st.login`); the application database says their role. Without it the dashboard runs in
local mode: bound to 127.0.0.1, the local user acts as beheerder.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
import streamlit as st

from pipelines import appdb

# What each role may open (meetregels aside: every figure shown is disclosed already).
FIGURE_PAGES = (
    "overzicht", "uitstroom", "leefgebieden", "recidive", "vergelijken", "succesfactoren",
    "gemeenteprofiel", "inrichtingsprofiel", "toelichting",
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


def auth_configured() -> bool:
    """True when Streamlit's secrets hold an `[auth]` section (then login is required)."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, OSError):
        return False
    except Exception:  # noqa: BLE001 -- a secrets file Streamlit cannot parse: no auth set up
        return False


def current_person(engine: sa.Engine) -> Person:
    if not auth_configured():
        return Person(LOCAL_USER, "beheerder", None, local=True)
    if not st.user.is_logged_in:
        return Person(None, None, None)
    email = st.user.get("email") or st.user.get("sub")
    user = appdb.find_user(engine, str(email) if email else None)
    if user is None:
        return Person(str(email) if email else None, None, None)
    return Person(user["email"], user["role"], user["organisation"])
