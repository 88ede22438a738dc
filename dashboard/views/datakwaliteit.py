"""Datakwaliteit: every delivery, quarantined rows, coverage, and unknowns per PI."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import access, charts, texts, texts_access
from dashboard.components import chart_block, table_and_downloads, toelichting
from dashboard.context import current
from dashboard.upload import withdraw_delivery
from people import appdb
from published import labels, reader, rules
from published.tables import quality

ctx = current()
t = ctx.threshold
context = ctx.download_note()
st.title(texts.PAGES["datakwaliteit"])
st.write(texts.QUALITY_INTRO)
st.caption(texts.QUALITY_FILTER_NOTE)

st.subheader(texts.QUALITY_DELIVERIES)
log = quality.delivery_log()
log_table = quality.deliveries(log, t)
toelichting(rules.RULES["deliveries"], t)
table_and_downloads(
    "aanleveringen", log_table, texts.QUALITY_DELIVERIES, rules.RULES["deliveries"], context
)

person = st.session_state["person"]
if person.role == "beheerder":
    loaded = log.filter(pl.col("status") == labels.DELIVERY_STATUS["loaded"])
    with st.expander(texts.WITHDRAW_HEADER):
        st.write(texts.WITHDRAW_INTRO)
        if loaded.height == 0:
            st.caption(texts.WITHDRAW_NONE)
        else:
            delivery_text = {
                r["delivery_id"]: f"{r['delivery_id']} · {r['file_name']} · {r['supplier_name']}"
                for r in loaded.iter_rows(named=True)
            }
            with st.form("withdraw_form"):
                chosen = st.selectbox(
                    texts.WITHDRAW_CHOOSE, list(delivery_text), format_func=delivery_text.get
                )
                reason = st.text_input(texts.WITHDRAW_REASON)
                sure = st.checkbox(texts.WITHDRAW_CONFIRM)
                submitted = st.form_submit_button(texts.WITHDRAW_BUTTON)
                engine = appdb.open_database(reader.warehouse_file())
                if submitted and not access.still_may(engine, person, "datakwaliteit"):
                    st.error(texts_access.WRITE_REFUSED)
                elif submitted and sure and reason.strip():
                    result = withdraw_delivery(
                        reader.warehouse_file(), int(chosen), reason, person.actor
                    )
                    if result.ok:
                        st.success(
                            texts.WITHDRAW_DONE.format(id=chosen, file=delivery_text[chosen])
                        )
                    else:
                        st.error(texts.WITHDRAW_FAILED.format(detail=result.detail))

st.subheader(texts.QUALITY_COVERAGE)
coverage = quality.coverage(log, t)
if coverage.frame.height:
    figure = charts.timeline(
        coverage.frame,
        "supplier_name",
        "period_from",
        "period_to",
        "source",
        texts.QUALITY_COVERAGE_CHART,
    )
    chart_block("dekking", figure, coverage, rules.RULES["deliveries"], context)

st.subheader(texts.QUALITY_QUARANTINE)
q_table = quality.quarantine(t)
if q_table.frame.height == 0:
    st.success(texts.QUALITY_NO_QUARANTINE)
else:
    per_rule = q_table.frame.group_by("rule", "source").agg(pl.col("n_rows").sum())
    per_rule_wide = per_rule.pivot(on="source", index="rule", values="n_rows").fill_null(0)
    sources = [c for c in per_rule_wide.columns if c != "rule"]
    per_rule_wide = per_rule_wide.with_columns(pl.sum_horizontal(sources).alias("total")).sort(
        "total", descending=True
    )
    figure = charts.bars(
        per_rule_wide,
        "rule",
        {s: s for s in sources},
        texts.QUALITY_QUARANTINE,
        labels.COL["n_rows"],
        stacked=True,
        horizontal=True,
    )
    chart_block("quarantaine", figure, q_table, rules.RULES["quarantine"], context)

st.subheader(texts.QUALITY_COMPLETENESS)
c_table = quality.completeness_by_pi(ctx.filters, t, ctx.names)
if c_table.frame.height:
    figure = charts.heatmap(
        c_table.frame,
        "label",
        "pi",
        "pct_onbekend",
        texts.QUALITY_COMPLETENESS,
        hover_text=" onbekend",
    )
    chart_block("onbekend_per_inrichting", figure, c_table, rules.RULES["completeness"], context)
