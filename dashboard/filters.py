"""The sidebar's global filters, kept in the URL's query parameters.

On a session's first run the widgets start from the link's parameters (unknown values are
dropped, with a note); after every run the parameters are written back from the widgets, so
the link always shows the current view and survives a reload or a page change.
"""

from __future__ import annotations

import streamlit as st

from dashboard import texts
from published import labels
from published.scope import Scope

# Query parameter -> widget key.
PARAMS = {
    "pi": "f_pi",
    "gemeente": "f_gemeente",
    "provincie": "f_provincie",
    "geslacht": "f_sex",
    "leeftijd": "f_age",
}


FILTER_PARAMS = ("van", "tot", *PARAMS)


def _list(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _initialise(options: dict[str, list[str]], years: list[int]) -> None:
    """Widget state from the link, once per session."""
    if st.session_state.get("f_initialised"):
        return
    params = st.query_params
    ignored: list[str] = []
    for param, key in PARAMS.items():
        wanted = _list(params.get(param))
        st.session_state[key] = [v for v in wanted if v in options[param]]
        # Only the parameter's name is shown, never the value: a link's text is the
        # sender's, and would be drawn as markdown (a phishing link in the sidebar).
        if any(v not in options[param] for v in wanted):
            ignored.append(param)
    low, high = years[0], years[-1]
    try:
        low = max(low, int(params.get("van", low)))
        high = min(high, int(params.get("tot", high)))
    except ValueError:
        ignored.append("van/tot")
    if low > high:
        low, high = years[0], years[-1]
    st.session_state["f_years"] = (low, high)
    st.session_state["f_ignored"] = ignored
    st.session_state["f_initialised"] = True


def _reset(years: list[int]) -> None:
    for key in PARAMS.values():
        st.session_state[key] = []
    st.session_state["f_years"] = (years[0], years[-1])


def sidebar(options: dict[str, list[str]], names: dict[str, dict], years: list[int]) -> Scope:
    """Draw the filters; returns what they select. `options` per query parameter."""
    _initialise(options, years)
    # A widget whose state the client did not send back is rebuilt from its default: keep the
    # range a range, and the selections lists.
    if not isinstance(st.session_state.get("f_years"), tuple | list):
        st.session_state["f_years"] = (years[0], years[-1])
    for key in PARAMS.values():
        if not isinstance(st.session_state.get(key), list):
            st.session_state[key] = []
    bar = st.sidebar
    bar.header(texts.FILTERS_HEADER, help=texts.FILTERS_HELP)
    if len(years) > 1:
        bar.slider(
            texts.FILTER_PERIOD, min_value=years[0], max_value=years[-1], step=1, key="f_years"
        )
    year_from, year_to = st.session_state["f_years"]
    widgets = (
        ("pi", texts.FILTER_PI),
        ("gemeente", texts.FILTER_GEMEENTE),
        ("provincie", texts.FILTER_PROVINCIE),
        ("geslacht", texts.FILTER_SEX),
        ("leeftijd", texts.FILTER_AGE),
    )
    for param, label in widgets:
        shown = names.get(param, {})
        bar.multiselect(
            label,
            options=options[param],
            format_func=lambda v, shown=shown: shown.get(v, v),
            key=PARAMS[param],
            placeholder=texts.FILTER_PLACEHOLDER,
        )
    bar.button(texts.FILTER_RESET, on_click=_reset, args=(years,), width="stretch")
    if st.session_state.get("f_ignored"):
        bar.caption(texts.FILTER_IGNORED.format(names=", ".join(st.session_state["f_ignored"])))
    filters = Scope(
        year_from=year_from,
        year_to=year_to,
        pis=tuple(st.session_state["f_pi"]),
        gemeenten=tuple(st.session_state["f_gemeente"]),
        provincies=tuple(st.session_state["f_provincie"]),
        sexes=tuple(st.session_state["f_sex"]),
        age_bands=tuple(st.session_state["f_age"]),
    )
    _write_link(filters, years)
    return filters


def _write_link(filters: Scope, years: list[int]) -> None:
    wanted = {
        "van": str(filters.year_from) if filters.year_from != years[0] else None,
        "tot": str(filters.year_to) if filters.year_to != years[-1] else None,
        "pi": ",".join(filters.pis),
        "gemeente": ",".join(filters.gemeenten),
        "provincie": ",".join(filters.provincies),
        "geslacht": ",".join(filters.sexes),
        "leeftijd": ",".join(filters.age_bands),
    }
    wanted = {k: v for k, v in wanted.items() if v}
    # Parameters of a page (e.g. the municipality of the profile) stay in the link.
    wanted |= {k: v for k, v in st.query_params.items() if k not in FILTER_PARAMS}
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)


def describe(filters: Scope, names: dict[str, str]) -> str:
    """The selection in words, for downloads and printouts."""
    parts = []
    if filters.year_from or filters.year_to:
        parts.append(f"{filters.year_from or '…'}–{filters.year_to or '…'}")
    else:
        parts.append(texts.FILTER_ALL_YEARS)
    for values, label in (
        (filters.pis, texts.FILTER_PI),
        (filters.gemeenten, texts.FILTER_GEMEENTE),
        (filters.provincies, texts.FILTER_PROVINCIE),
        (filters.sexes, texts.FILTER_SEX),
        (filters.age_bands, texts.FILTER_AGE),
    ):
        if values:
            shown = [names.get(v, labels.SEXES.get(v, v)) for v in values]
            parts.append(f"{label}: {', '.join(shown)}")
    return "; ".join(parts)
