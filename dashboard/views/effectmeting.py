"""Effectmeting: did a way of working or a process step go with less recidivism than in
comparable releases without it? The matched comparison of published/effect.py (the same
function `terugkeer effect` runs), with its balance, curves, a "Wat u kunt zeggen" sentence
and downloads. An evaluation runs only on the button, re-checks the person's role, counts
towards the daily limit and is written to the audit trail."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from basis.settings import SettingsError, load_settings
from dashboard import access, charts, texts
from dashboard import texts_effect as te
from dashboard.components import (
    chart_block,
    download_button,
    note_for,
    table_and_downloads,
    xlsx_workbook,
)
from dashboard.context import current
from people import appdb
from published import labels, queries, reader, rules
from published.effect import CONDITIONS, Definition, EffectError, audited_evaluation
from published.format import nl_int, nl_number
from published.report import profile_report
from published.tables.effect import EffectTables, effect_tables

PAGE = "effectmeting"
RULE = rules.RULES["effect"]

ctx = current()
t = ctx.threshold
st.title(texts.PAGES[PAGE])
st.write(te.INTRO)
if ctx.peildatum is None:
    st.info(texts.NO_RECIDIVE_DATA)
    st.stop()
options = queries.filter_options()
years = options["years"]["release_year"].to_list()
first_year, last_year = ctx.filters.year_from, ctx.filters.year_to


def _units_text(gemeenten: tuple[str, ...], pis: tuple[str, ...]) -> str:
    return te.UNITS_AND.join(ctx.label(c) for c in (*gemeenten, *pis))


def _describe(definition: Definition) -> str:
    if definition.condition is not None:
        return labels.FACTOR_LABELS[definition.condition]
    return te.DEFINITION_START.format(
        month=labels.MONTHS[definition.start.month - 1],
        year=definition.start.year,
        units=_units_text(definition.gemeenten, definition.pis),
    )


# --- the definition ------------------------------------------------------------------------
kind = st.radio(
    te.KIND, list(te.KINDS), format_func=te.KINDS.get, key="effect_kind", horizontal=True
)
definition: Definition | None = None
problem: EffectError | None = None
try:
    if kind == "condition":
        condition = st.selectbox(
            te.CONDITION, list(CONDITIONS), format_func=labels.FACTOR_LABELS.get,
            key="effect_condition",
        )  # fmt: skip
        st.caption(f"{te.CONDITION_MEANING[condition]} {te.CONDITION_POOL}")
        if ctx.filters.gemeenten or ctx.filters.pis:
            st.caption(
                te.CONDITION_SCOPE.format(scope=_units_text(ctx.filters.gemeenten, ctx.filters.pis))
            )
        definition = Definition(
            condition=condition, gemeenten=ctx.filters.gemeenten, pis=ctx.filters.pis,
            first_year=first_year, last_year=last_year,
        )  # fmt: skip
    else:
        left, right = st.columns(2)
        start_year = left.selectbox(
            te.START_YEAR, years, index=max(0, len(years) - 5), key="effect_start_year"
        )
        start_month = right.selectbox(
            te.START_MONTH, list(range(1, 13)), format_func=lambda m: labels.MONTHS[m - 1],
            key="effect_start_month",
        )  # fmt: skip
        gemeenten = st.multiselect(
            te.GEMEENTEN, options["gemeenten"]["gemeente_code"].to_list(),
            format_func=ctx.label, key="effect_gemeenten",
        )  # fmt: skip
        pis = st.multiselect(
            te.PIS, options["pis"]["pi_code"].to_list(), format_func=ctx.label, key="effect_pis"
        )
        st.caption(te.START_MEANING)
        definition = Definition(
            start=dt.date(start_year, start_month, 1), gemeenten=tuple(gemeenten),
            pis=tuple(pis), first_year=first_year, last_year=last_year,
        )  # fmt: skip
except EffectError as exc:
    problem = exc
period = (
    f"{first_year or years[0]}–{last_year or years[-1]}"
    if first_year or last_year
    else te.ALL_YEARS
)
st.caption(te.PERIOD.format(period=period))


def _refusal(exc: EffectError) -> str:
    if exc.code == "limit":
        return te.LIMIT.format(**exc.params)
    return te.ERRORS.get(exc.code, te.ERRORS["definition"]).format(**exc.params)


if st.button(te.SUBMIT, type="primary", key="effect_submit"):
    st.session_state.pop("effect_result", None)
    st.session_state.pop("effect_refusal", None)
    person = st.session_state["person"]
    engine = appdb.open_database(reader.warehouse_file())
    if problem is not None:
        st.session_state["effect_refusal"] = _refusal(problem)
    elif not access.still_may(engine, person, PAGE):
        st.session_state["effect_refusal"] = te.NO_RIGHT
    else:
        try:
            settings = load_settings()
            with st.spinner(te.WORKING):
                result = audited_evaluation(
                    definition, engine, person.actor, settings.effect_min_treated,
                    settings.effect_max_per_day,
                )  # fmt: skip
            st.session_state["effect_result"] = (
                reader.version(), definition, result, effect_tables(result, t, ctx.names),
            )  # fmt: skip
        except EffectError as exc:
            st.session_state["effect_refusal"] = _refusal(exc)
        except SettingsError as exc:
            st.session_state["effect_refusal"] = str(exc)

if "effect_refusal" in st.session_state:
    st.error(st.session_state["effect_refusal"])
kept = st.session_state.get("effect_result")
if kept is None or kept[0] != reader.version():  # nothing asked yet, or an older publication
    st.stop()
shown, result, tables = kept[1], kept[2], kept[3]
tables: EffectTables

# --- the result ----------------------------------------------------------------------------
st.subheader(te.RESULT_OF.format(definition=_describe(shown)))
if shown != definition:
    st.info(te.CHANGED.format(submit=te.SUBMIT))
context = ctx.download_note()
what = te.WHAT["condition" if shown.condition else "start"]
treated, comparison = result["treated"], result["comparison"]

st.markdown(f"#### {te.GROUPS}")
tiles = st.columns(3)
tiles[0].metric(te.FOUND, nl_int(treated["found"]), border=True)
tiles[1].metric(te.MATCHED, nl_int(treated["matched"]), border=True)
tiles[2].metric(te.COMPARISON, nl_int(comparison["n"]), border=True)
if result["dropped"] > 0:
    st.caption(te.DROPPED.format(dropped=nl_int(result["dropped"])))


def _sentences() -> list[str]:
    """The JDL's plain sentence per window, the power, and (inconclusive) the size needed."""
    said = []
    for k in (1, 2):
        d = result.get(f"difference_{k}y")
        if d is None:
            said.append(te.SAY_NO_2Y)
            continue
        values = {
            "k": k, "what": what, "t": nl_number(treated[f"rate_{k}y"], 0),
            "c": nl_number(comparison[f"rate_{k}y"], 0),
        }  # fmt: skip
        low, high = nl_number(d["low"]), nl_number(d["high"])
        if d["significant"] and d["high"] < 0:
            text = te.SAY_LOWER.format(
                low=nl_number(-d["high"]), high=nl_number(-d["low"]), **values
            )
        elif d["significant"]:
            text = te.SAY_HIGHER.format(low=low, high=high, **values)
        else:
            text = te.SAY_NONE.format(low=low, high=high, **values)
            text += " " + te.SAY_POWER.format(detectable=nl_number(d["detectable"]))
            if d["needed"]:
                text += te.SAY_NEEDED.format(
                    d=nl_number(abs(d["estimate"])), needed=nl_int(d["needed"])
                )
        said.append(text)
    return said


sentences = _sentences()
st.markdown(f"#### {te.SAY}")
for sentence in sentences:
    st.markdown(sentence)
if shown.start is not None:
    did = result.get("did_1y")
    if did is None:
        st.caption(te.NO_DID)
    else:
        st.markdown(
            te.DID.format(
                months=did["before_months"], estimate=nl_number(did["estimate"]),
                low=nl_number(did["low"]), high=nl_number(did["high"]),
            )
        )  # fmt: skip
        if did.get("disagrees"):
            st.warning(te.DISAGREE)

st.markdown(f"#### {te.DIFFERENCES}")
# Per window (x) the two groups side by side: the text alternative then reads each group's
# rate after one and after two years.
rates = tables.groups.where(pl.col("rate_1y").is_not_null()).frame
windows = pl.DataFrame(
    {
        "window": [te.GROUP_BARS[c] for c in ("rate_1y", "rate_2y")],
        **{row["grp"]: [row["rate_1y"], row["rate_2y"]] for row in rates.iter_rows(named=True)},
    }
)
figure = charts.bars(
    windows, "window", {g: g for g in rates["grp"]}, te.GROUPS_CHART, te.GROUPS_Y,
    hover="%{y:.1f}%", percent=True,
)  # fmt: skip
chart_block("effect_groepen", figure, tables.groups, RULE, context)
table_and_downloads(
    "effect_verschillen", tables.differences, te.DIFFERENCES, RULE, context, open_table=True
)

st.markdown(f"#### {te.BALANCE}")
flagged = tables.balance.frame.filter(pl.col("flagged") == labels.YES).height
if flagged:
    st.warning(te.BALANCE_FLAGGED.format(n=flagged))
else:
    st.success(te.BALANCE_OK)
balance = tables.balance.frame.with_columns(
    (pl.col("covariate") + ": " + pl.col("level")).alias("label")
)
figure = charts.bars(
    balance, "label", te.BALANCE_SERIES, te.BALANCE_CHART, te.BALANCE_X, horizontal=True,
    hover="%{y:.2f}",
)  # fmt: skip
chart_block("effect_balans", figure, tables.balance, RULE, context)

st.markdown(f"#### {te.CURVES}")
if tables.curves:
    figure = charts.survival_curves(tables.curves, te.CURVES, te.CURVES_X, te.CURVES_Y)
    chart_block("effect_tijd_tot_recidive", figure, tables.milestones, RULE, context)

st.markdown(f"#### {te.DOWNLOADS}")
name = "terugkeermonitor_effectmeting"
title = te.REPORT_TITLE.format(definition=_describe(shown))
buttons = st.container(horizontal=True)
download_button(
    buttons,
    te.DOWNLOAD_XLSX,
    data=lambda: xlsx_workbook(tables.tables(), note_for(title, RULE, t, context)),
    file_name=f"{name}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="effect_xlsx",
    on_click="ignore",
)
download_button(
    buttons,
    te.DOWNLOAD_DOCX,
    data=lambda: profile_report(
        title,
        [s.replace("**", "") for s in sentences] + [context["filters"]],
        {sheet: (table, RULE) for sheet, table in tables.tables().items()},
        ctx.peildatum,
        t,
    ),
    file_name=f"{name}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key="effect_docx",
    on_click="ignore",
)
