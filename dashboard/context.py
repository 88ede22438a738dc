"""What every page needs from the entry point: the filters, the data status and the labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from dashboard import texts
from dashboard.filters import describe
from published import labels
from published.format import nl_date
from published.scope import Scope


@dataclass(frozen=True)
class PageContext:
    filters: Scope
    status: dict
    names: dict[str, str]  # PI and municipality code -> name
    threshold: int

    @property
    def peildatum(self) -> dt.date | None:
        return self.status.get("peildatum")

    def last_year(self) -> int:
        """The last year in the selection (the filters hold complete years only)."""
        return self.filters.year_to or last_complete_year(self.status)

    def download_note(self) -> dict[str, str]:
        """Selection and peildatum, for the Toelichting sheet of every download."""
        filters = describe(self.filters, self.names)
        if self.status.get("any_synthetic"):
            filters += f" ({texts.SYNTHETIC_NOTE})"
        return {
            "filters": filters,
            "peildatum": nl_date(self.peildatum) if self.peildatum else texts.NO_PEILDATUM,
        }

    def label(self, code: str | None) -> str:
        if code is None or code == "onbekend":
            return labels.UNKNOWN
        return self.names.get(code, code)


def last_complete_year(status: dict) -> int:
    """The last release year whose PI exports were made after its 31 December: a later year
    is incomplete and would show as a false dip."""
    year = status["last_release_year"]
    export = status.get("last_export_date")
    if export is not None and export <= dt.date(year, 12, 31):
        year -= 1
    return year


def current() -> PageContext:
    return st.session_state["page_context"]
