"""Entry point of the dashboard: `terugkeer dashboard` runs this file with Streamlit.

It checks the warehouse, draws the sidebar filters, and runs the chosen page (one file per
page in dashboard/views/) inside one read-only warehouse session.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable

# Imported at start-up rather than by the first visitor of a page: scipy.stats (funnel
# limits), scikit-learn (Effectmeting), Pandera (the upload check) and python-docx take
# 0.3-2.5 s each to import.
import scipy.stats  # noqa: F401
import sklearn.neighbors  # noqa: F401 -- Effectmeting's matching: 2.5 s to import
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from basis.settings import SettingsError, load_settings, private_files
from dashboard import access, texts, texts_a11y, texts_access
from dashboard import upload as _upload  # noqa: F401
from dashboard.context import PageContext, last_complete_year
from dashboard.filters import sidebar
from people import appdb, zelfscan
from people import zelfscan_report as _report  # noqa: F401 -- python-docx, ~0.3 s
from people.zelfscan import ZelfscanConfigError, load_practices, load_questions
from published import labels, queries, reader
from published.format import nl_date, nl_datetime

private_files()  # uploads and the application database: for the service user only
reader.warm_first()  # a server: readers move to a new publication once what they read is warm
st.set_page_config(page_title=texts.APP_TITLE, layout="wide")

FIGURE_PAGES = ("overzicht", "uitstroom", "leefgebieden", "recidive", "toelichting")
OPEN_PAGES = ("toegankelijkheid",)  # every role, without data, also before login
ANALYSIS_PAGES = (
    "vergelijken", "succesfactoren", "effectmeting", "gemeenteprofiel", "inrichtingsprofiel",
    "zelfscan",
)  # fmt: skip
DATA_PAGES = ("datakwaliteit", "aanleveren")


def _page(name: str) -> st.Page:
    return st.Page(f"views/{name}.py", title=texts.PAGES[name], url_path=name)


def _show_state(state: reader.WarehouseState) -> None:
    path = reader.warehouse_file()
    if state.kind == "broken":
        st.error(f"**{texts.BROKEN_TITLE}**\n\n" + texts.BROKEN_BODY.format(path=path))
    elif state.kind == "busy":
        st.warning(f"**{texts.BUSY_TITLE}**\n\n{texts.BUSY_BODY}")
    elif state.kind == "missing":
        st.info(f"**{texts.EMPTY_TITLE}**\n\n" + texts.MISSING_BODY.format(path=path))
    elif state.kind == "outdated":
        st.info(f"**{texts.OUTDATED_TITLE}**\n\n" + texts.OUTDATED_BODY.format(path=path))
    elif state.kind == "unpublished":
        st.info(f"**{texts.EMPTY_TITLE}**\n\n" + texts.UNPUBLISHED_BODY.format(path=path))
    else:
        st.info(f"**{texts.EMPTY_TITLE}**\n\n{texts.EMPTY_BODY}")


def _labels(options: dict) -> tuple[dict[str, list[str]], dict[str, dict], list[int]]:
    pis, gemeenten = options["pis"], options["gemeenten"]
    choices = {
        "pi": pis["pi_code"].to_list(),
        "gemeente": gemeenten["gemeente_code"].to_list(),
        "provincie": options["provincies"]["provincie"].to_list(),
        "geslacht": list(labels.SEXES),
        "leeftijd": list(labels.AGE_BANDS),
    }
    names = {
        "pi": dict(zip(pis["pi_code"], pis["pi_naam"], strict=True)),
        "gemeente": dict(zip(gemeenten["gemeente_code"], gemeenten["gemeente_naam"], strict=True)),
        "geslacht": labels.SEXES,
        "leeftijd": labels.AGE_BANDS,
    }
    return choices, names, options["years"]["release_year"].to_list()


def _status_line(status: dict) -> None:
    peildatum = status.get("peildatum")
    st.sidebar.caption(
        texts.DATA_STATUS.format(
            peildatum=nl_date(peildatum) if peildatum else texts.NO_PEILDATUM,
            export=nl_date(status.get("last_export_date")),
            loaded=nl_datetime(status.get("last_ingested_at")),
            published=nl_datetime(status.get("published_at")),
            version=status.get("data_version"),
        )
    )
    loading = reader.loading_now()
    if loading:
        since = loading.get("since", "")
        st.sidebar.info(
            texts.LOADING_NOW.format(
                since=since[11:16] if len(since) >= 16 else since,
                published=nl_datetime(status.get("published_at")),
            )
        )


def _check_zelfscan() -> None:
    """The Zelfscan's question files are checked on every run, so a broken edit shows up at
    once (and the Zelfscan page says what is wrong); they are read again only when changed."""
    stamp = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else None
        for p in (zelfscan.QUESTIONS_FILE, zelfscan.PRACTICES_FILE)
    )
    error = _zelfscan_error(stamp)
    if error:
        st.sidebar.error(texts.SCAN_CONFIG_ERROR.format(error=error))


@functools.lru_cache(maxsize=4)
def _zelfscan_error(stamp: tuple) -> str | None:
    try:
        load_practices(questionnaire=load_questions())
    except ZelfscanConfigError as exc:
        return str(exc)
    return None


# Streamlit's page shell says <html lang="en"> whatever the content (WCAG 3.1.1): the page
# says it is Dutch as soon as it runs, before anything is drawn (the proxy, HAProxy, cannot
# rewrite the shell: deploy/haproxy/terugkeer.cfg).
LANG_SCRIPT = "<script>document.documentElement.lang = 'nl';</script>"
# A visible focus indicator on every control (WCAG 2.4.7): Streamlit's own is a change of
# border colour only on some widgets (the select boxes), too faint to see.
FOCUS_CSS = """<style>
:focus-visible { outline: 3px solid #0B5394 !important; outline-offset: 2px !important; }
[data-baseweb="select"]:focus-within, [data-baseweb="input"]:focus-within,
[data-baseweb="textarea"]:focus-within {
  outline: 3px solid #0B5394 !important; outline-offset: 2px !important;
}
</style>"""


def main() -> None:
    started = time.perf_counter()
    st.html(LANG_SCRIPT, unsafe_allow_javascript=True)
    st.html(FOCUS_CSS)
    try:
        with reader.one_publication():  # the whole page from one publication
            run()
    finally:
        # Server-side time of this run, read by bench/dashboard_timings.py.
        st.session_state["last_run_ms"] = (time.perf_counter() - started) * 1000


def _login_page() -> None:
    st.title(texts.APP_TITLE)
    st.write(texts_access.LOGIN_INTRO)
    if st.button(texts_access.LOGIN_BUTTON, type="primary", key="login"):
        st.login()


def _no_access_page(person: access.Person) -> None:
    st.title(texts.APP_TITLE)
    st.warning(texts_access.NO_ACCESS.format(email=person.email or "?"))
    if st.button(texts_access.LOGOUT_BUTTON, key="logout_unknown"):
        st.logout()


def _navigation(person: access.Person) -> st.Page | None:
    """Every page is routable (so that a link to a forbidden page gets a refusal, not the
    start page); the sidebar lists only what the person's role may open."""
    sections = {
        texts.NAV_FIGURES: FIGURE_PAGES,
        texts.NAV_ANALYSIS: ANALYSIS_PAGES,
        texts.NAV_DATA: (*DATA_PAGES, "beheer"),
        texts.NAV_ABOUT: OPEN_PAGES,
    }
    pages = {name: _page(name) for names in sections.values() for name in names}
    page = st.navigation(list(pages.values()), position="hidden")
    for section, names in sections.items():
        allowed = [n for n in names if person.may_open(n)]
        if allowed:
            st.sidebar.caption(section)
            for name in allowed:
                st.sidebar.page_link(pages[name])
    if person.local:
        st.sidebar.caption(texts_access.LOCAL_MODE)
    else:
        st.sidebar.caption(
            texts_access.LOGGED_IN_AS.format(
                email=person.email, role=texts_access.ROLES[person.role]
            )
        )
        if st.sidebar.button(texts_access.LOGOUT_BUTTON, key="logout"):
            st.logout()
    name = page.url_path or FIGURE_PAGES[0]
    if not person.may_open(name):
        appdb.record(
            appdb.open_database(reader.warehouse_file()), person.actor, "page_refused", name
        )
        st.title(texts.PAGES.get(name, name))
        st.error(texts_access.NO_PAGE_ACCESS.format(role=texts_access.ROLES[person.role]))
        return None
    return page


@functools.lru_cache(maxsize=1)
def _audit_exact(engine: object) -> None:
    """A process that shows counts without the cell-key noise says so once in the audit
    trail: it is the operator's choice (terugkeer.toml or the environment), never silent."""
    appdb.record(engine, appdb.os_user(), "figures_exact_env", "dashboard", {"pid": os.getpid()})


def _audit_once(engine: object, person: access.Person, action: str) -> None:
    """A login (or a refused one) is recorded once per browser session."""
    if st.session_state.get("audited_login") != (person.email, action):
        appdb.record(engine, person.actor, action, None, {"role": person.role})
        st.session_state["audited_login"] = (person.email, action)


# The start pages before login are plain functions (a page made from a new lambda on every
# run would be a new page each time, and Streamlit would run the script again and again).
def _closed_start() -> None:
    _closed_page(st.session_state.get("closed_reason", texts_access.CONFIG_BROKEN))


def _no_access_start() -> None:
    _no_access_page(st.session_state["unknown_person"])


def _closed_page(reason: str) -> None:
    st.title(texts_access.CLOSED_TITLE)
    st.error(reason)


def _open_pages(first: Callable[[], None], title: str) -> None:
    """Before login (or when closed): the one page there is, and the toegankelijkheidsverklaring,
    which everyone may read."""
    verklaring = _page("toegankelijkheid")
    # A link to any other page (shared before login) shows this page too, not Streamlit's
    # "page not found" dialog.
    elsewhere = [
        st.Page(first, title=title, url_path=name) for name in texts.PAGES if name not in OPEN_PAGES
    ]
    page = st.navigation(
        [st.Page(first, title=title, url_path="start", default=True), verklaring, *elsewhere],
        position="hidden",
    )
    if page.url_path != "toegankelijkheid":
        st.sidebar.page_link(verklaring, label=texts_a11y.PAGE_LINK)
    page.run()


def run() -> None:
    opened = access.gate()
    if opened.kind == "closed":
        st.session_state["closed_reason"] = opened.reason or texts_access.CONFIG_BROKEN
        _open_pages(_closed_start, texts_access.CLOSED_TITLE)
        return
    try:
        engine = appdb.open_database(reader.warehouse_file())
    except (SettingsError, SQLAlchemyError) as exc:
        st.error(texts_access.APPDB_ERROR.format(error=type(exc).__name__))
        return
    person = access.current_person(engine, opened)
    if person.email is None:
        _open_pages(_login_page, texts_access.LOGIN_BUTTON)
        return
    if person.role is None:
        _audit_once(engine, person, "login_refused")
        st.session_state["unknown_person"] = person
        _open_pages(_no_access_start, texts.APP_TITLE)
        return
    if not person.local:
        _audit_once(engine, person, "login")
    st.session_state["person"] = person
    page = _navigation(person)
    if page is None:
        return
    try:
        settings = load_settings()
    except SettingsError as exc:
        st.error(str(exc))
        return
    threshold = settings.suppression_threshold
    if settings.cell_key_max_noise == 0:
        _audit_exact(engine)
    state = reader.warehouse_state()
    if state.kind != "ready":
        if page.url_path in ("aanleveren", *OPEN_PAGES):
            page.run()
        else:
            st.title(texts.PAGES.get(page.url_path or FIGURE_PAGES[0], texts.APP_TITLE))
            _show_state(state)
        return
    choices, names, years = _labels(queries.filter_options())
    complete = [y for y in years if y <= last_complete_year(state.status)] or years
    filters = sidebar(choices, names, complete)
    _status_line(state.status)
    _check_zelfscan()
    if state.status.get("all_synthetic"):
        st.warning(texts.SYNTHETIC_BANNER)
    elif state.status.get("any_synthetic"):
        st.warning(texts.MIXED_SYNTHETIC_BANNER)
    st.session_state["page_context"] = PageContext(
        filters, state.status, queries.unit_names(), threshold
    )
    page.run()


main()
