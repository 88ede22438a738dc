"""Zelfscan: the municipality's self-assessment, answered theme by theme and saved as it
goes, its scores beside the municipality's own figures, good practices, and a Word report."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from dashboard import access, charts, texts, texts_access
from dashboard.components import download_button, printable, toelichting
from dashboard.context import current
from people import appdb
from people.zelfscan import (
    ScanStore,
    ZelfscanConfigError,
    load_practices,
    load_questions,
    overall_score,
    suggested_practices,
    theme_scores,
)
from people.zelfscan_report import ReportInput, build_report
from published import labels, queries, reader, rules
from published.format import display_frame, nl_date, nl_pct
from published.tables import zelfscan as zelfscan_tables

ctx = current()
t = ctx.threshold
printable()
st.title(texts.PAGES["zelfscan"])
st.write(texts.SCAN_INTRO)
try:
    questionnaire = load_questions()
    practices = load_practices(questionnaire=questionnaire)
except ZelfscanConfigError as exc:
    st.error(texts.SCAN_CONFIG_ERROR.format(error=exc))
    st.stop()
questions = questionnaire.questions
person = st.session_state["person"]
store = ScanStore(appdb.open_database(reader.warehouse_file()), actor=person.actor)

info = queries.gemeente_info()
# A municipality sees and answers only its own scans; a beheerder every municipality's.
codes = [c for c in info["gemeente_code"].to_list() if person.may_use_scan_of(c)]
if not codes:
    st.error(texts.SCAN_NOT_YOURS)
    st.stop()
default = next(iter(ctx.filters.gemeenten), st.query_params.get("profiel", "GM0363"))
left, right = st.columns([1, 1])
gemeente = left.selectbox(
    texts.SCAN_GEMEENTE,
    options=codes,
    index=codes.index(default) if default in codes else 0,
    format_func=ctx.label,
    key="scan_gemeente",
)
name = ctx.label(gemeente)
scans = store.scans(gemeente)
if right.button(texts.SCAN_NEW, key="scan_new"):
    st.session_state["scan_id"] = store.new_scan(gemeente, questionnaire.version)
    scans = store.scans(gemeente)
if not scans:
    st.info(texts.SCAN_NONE)
    st.stop()
ids = [s["scan_id"] for s in scans]
scan_labels = {
    s["scan_id"]: texts.SCAN_LABEL.format(
        date=nl_date(s["started_at"]), n=s["n_answered"], total=len(questions)
    )
    for s in scans
}
if st.session_state.get("scan_id") not in ids:
    st.session_state["scan_id"] = ids[0]
scan_id = st.selectbox(texts.SCAN_CHOOSE, options=ids, format_func=scan_labels.get, key="scan_id")
scan = next(s for s in scans if s["scan_id"] == scan_id)


def save(question: str, key: str) -> None:
    # The callback runs before the next page run's checks: the role is checked here again.
    if not (
        access.still_may(store.engine, person, "zelfscan") and person.may_use_scan_of(gemeente)
    ):
        st.session_state["scan_refused"] = True
        return
    store.answer(scan_id, question, st.session_state[key])
    st.session_state["scan_saved"] = dt.datetime.now().strftime("%H:%M:%S")


if st.session_state.pop("scan_refused", False):
    st.error(texts_access.WRITE_REFUSED)


answers = store.answers(scan_id)
st.progress(
    sum(v is not None for v in answers.values()) / len(questions),
    text=texts.SCAN_PROGRESS.format(
        n=sum(v is not None for v in answers.values()), total=len(questions)
    ),
)
if st.session_state.get("scan_saved"):
    st.caption(texts.SCAN_SAVED.format(time=st.session_state["scan_saved"]))

figure_rows = zelfscan_tables.theme_figures(ctx.filters, t, gemeente)

tabs = st.tabs([theme.title for theme in questionnaire.themes])
for tab, theme in zip(tabs, questionnaire.themes, strict=True):
    with tab:
        if theme.intro:
            st.caption(theme.intro)
        for question in theme.questions:
            key = f"scan_{scan_id}_{question.code}"
            if key not in st.session_state:
                st.session_state[key] = answers.get(question.code)
            options = {o.value: o.label for o in question.options}
            value = st.radio(
                question.text,
                options=list(options),
                format_func=options.get,
                key=key,
                horizontal=True,
                on_change=save,
                args=(question.code, key),
            )
            if value is None:
                st.caption(texts.SCAN_UNANSWERED)
            else:
                st.caption(texts.SCAN_ADVICE.format(advice=question.advice[value]))
        rows = figure_rows.get(theme.code)
        if rows:
            st.markdown(f"**{texts.SCAN_FIGURES.format(gemeente=name)}**")
            st.dataframe(
                pl.DataFrame(
                    rows,
                    schema=[texts.SCAN_MEASURE, name, texts.SCAN_PEERS, labels.NATIONAL],
                    orient="row",
                ),
                hide_index=True,
                width="stretch",
            )

# `answers` was read after this run's on_change callbacks had saved the latest answer.
scores = theme_scores(questionnaire, answers)
overall = overall_score(scores)
st.subheader(texts.SCAN_SCORES)
st.metric(texts.SCAN_OVERALL, nl_pct(overall), border=True)
score_frame = pl.DataFrame(
    {
        "theme": [th.title for th in questionnaire.themes],
        "score": [scores[th.code] for th in questionnaire.themes],
    },
    schema={"theme": pl.String, "score": pl.Float64},
)
figure = charts.bars(
    score_frame, "theme", {"score": texts.SCAN_SCORE_Y}, texts.SCAN_SCORES_CHART,
    texts.SCAN_SCORE_Y, hover="%{y:.0f}%", percent=True,
)  # fmt: skip
st.plotly_chart(figure, key="scan_scores", theme=None, width="stretch")
toelichting(rules.RULES["zelfscan"], t)

earlier = [s for s in scans if s["started_at"] < scan["started_at"]]
earlier_scores = None
if earlier:
    earlier_scores = theme_scores(questionnaire, store.answers(earlier[0]["scan_id"]))
    st.markdown(f"**{texts.SCAN_COMPARE.format(date=nl_date(earlier[0]['started_at']))}**")
    change = zelfscan_tables.score_change(
        score_frame["theme"].to_list(),
        [earlier_scores[th.code] for th in questionnaire.themes],
        score_frame["score"].to_list(),
        (
            texts.SCAN_THEME,
            nl_date(earlier[0]["started_at"]),
            nl_date(scan["started_at"]),
            texts.SCAN_CHANGE,
        ),
        t,
    )
    st.dataframe(display_frame(change), hide_index=True)

st.subheader(texts.SCAN_PRACTICES)
suggested = suggested_practices(practices, scores)
if not suggested:
    st.caption(texts.SCAN_NO_PRACTICES)
titles = {th.code: th.title for th in questionnaire.themes}
for practice, themes in suggested:
    st.markdown(
        f"**{practice.title}** ({', '.join(titles[c] for c in themes)})  \n{practice.description}"
    )

report = ReportInput(
    gemeente=name,
    scan_date=scan["started_at"].date(),
    peildatum=ctx.peildatum,
    questionnaire=questionnaire,
    answers=answers,
    scores=scores,
    overall=overall,
    figures=figure_rows,
    peer_label=texts.SCAN_PEERS,
    practices=suggested,
    earlier=earlier_scores,
    earlier_date=earlier[0]["started_at"].date() if earlier else None,
)
download_button(
    st,
    texts.SCAN_REPORT,
    data=lambda: build_report(report),
    file_name=f"zelfscan_{gemeente}_{scan['started_at']:%Y-%m-%d}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="scan_report",
    on_click="ignore",
    type="primary",
)
