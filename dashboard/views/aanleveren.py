"""Gegevens aanleveren: upload export files, read the check in Dutch, confirm the load."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import access, texts, texts_access
from dashboard.upload import check_upload, dutch_reason, forget_upload, load_files
from people import appdb
from published import labels, queries, reader
from published.format import nl_int

st.title(texts.PAGES["aanleveren"])
st.write(texts.UPLOAD_INTRO)
person = st.session_state["person"]
# An aanleverancier delivers only its own organisation's exports; a beheerder any.
organisation = person.organisation if person.role == "aanleverancier" else None
if organisation:
    st.caption(texts.UPLOAD_OWN_ONLY.format(organisation=organisation))

loading = reader.loading_now()
if loading:
    since = loading.get("since", "")
    st.info(texts.UPLOAD_LOADING_NOW.format(since=since[11:16] if len(since) >= 16 else since))

SOURCES = {None: texts.UPLOAD_SOURCE_AUTO, **labels.SOURCES}
source = st.selectbox(
    texts.UPLOAD_SOURCE, options=list(SOURCES), format_func=SOURCES.get, key="upload_source"
)
generation = st.session_state.setdefault("upload_generation", 0)
uploads = st.file_uploader(
    texts.UPLOAD_WIDGET,
    type=["csv", "txt", "xlsx", "xlsm", "parquet", "pq"],
    accept_multiple_files=True,
    key=f"upload_{generation}",
)

if st.session_state.get("upload_done"):
    st.success(st.session_state.pop("upload_done"))

checked_cache: dict = st.session_state.setdefault("upload_checked", {})
accepted = []
if uploads:
    st.subheader(texts.UPLOAD_REPORT)
with st.spinner(texts.UPLOAD_CHECKING):
    for upload in uploads or []:
        key = (upload.file_id, source)
        if key not in checked_cache:
            checked_cache[key] = check_upload(upload.name, upload.getvalue(), source, organisation)
            if checked_cache[key].report.status == "refused":  # recorded once per upload
                refused = checked_cache[key].report
                appdb.record(
                    appdb.open_database(reader.warehouse_file()),
                    person.actor,
                    "file_refused",
                    refused.file,
                    {"source": refused.source, "reason": refused.reason, "checked_only": True},
                )
            if checked_cache[key].report.status == "refused":
                forget_upload(upload.file_id)  # nothing of a refused file stays
        checked = checked_cache[key]
        report = checked.report
        if report.status == "refused":
            continue
        if checked.sha256 and queries.is_loaded(checked.sha256):
            st.info(texts.UPLOAD_UNCHANGED.format(file=report.file))
            continue
        accepted.append(checked)
        box = st.warning if report.rows_quarantined else st.success
        box(
            texts.UPLOAD_VALID.format(
                file=report.file,
                source=labels.SOURCES.get(report.source, report.source),
                read=nl_int(report.rows_read),
                loaded=nl_int(report.rows_loaded),
                quarantined=nl_int(report.rows_quarantined),
                duplicate=nl_int(report.rows_duplicate),
            )
        )
        if report.ignored_columns:
            st.caption(
                texts.UPLOAD_IGNORED_COLUMNS.format(columns=", ".join(report.ignored_columns))
            )
        if report.error_counts:
            st.caption(texts.UPLOAD_QUARANTINE_NOTE)
            counts = pl.DataFrame(
                {
                    texts.UPLOAD_RULE: [labels.RULE_LABELS.get(r, r) for r in report.error_counts],
                    labels.COL["n_rows"]: [nl_int(n) for n in report.error_counts.values()],
                }
            )
            st.dataframe(counts, hide_index=True)
            errors = pl.DataFrame(
                {
                    texts.UPLOAD_ROW: [str(e["row"]) for e in report.errors],
                    texts.UPLOAD_COLUMN: [e["column"] or "" for e in report.errors],
                    texts.UPLOAD_RULE: [
                        labels.RULE_LABELS.get(e["rule"], e["rule"]) for e in report.errors
                    ],
                },
                schema={
                    texts.UPLOAD_ROW: pl.String,
                    texts.UPLOAD_COLUMN: pl.String,
                    texts.UPLOAD_RULE: pl.String,
                },
            )
            with st.expander(texts.UPLOAD_ERRORS_HEADER):
                st.dataframe(errors, hide_index=True)

# Refused files are shown from their reports alone: their bytes left the upload store.
for refused_file in (c.report for c in checked_cache.values() if c.report.status == "refused"):
    st.error(texts.UPLOAD_REFUSED.format(file=refused_file.file, reason=dutch_reason(refused_file)))

if uploads and not accepted:
    st.info(texts.UPLOAD_NOTHING)
confirmed = accepted and st.button(texts.UPLOAD_CONFIRM.format(n=len(accepted)), type="primary")
if confirmed and not access.still_may(
    appdb.open_database(reader.warehouse_file()), person, "aanleveren"
):
    st.error(texts_access.WRITE_REFUSED)
elif confirmed:
    with st.spinner(texts.UPLOAD_LOADING):
        result = load_files(
            accepted,
            reader.warehouse_file(),
            source,
            organisation=organisation,
            actor=person.actor,
        )
    if result.ok:
        st.session_state["upload_done"] = texts.UPLOAD_DONE.format(
            files=", ".join(c.name for c in accepted)
        )
        st.session_state["upload_generation"] = generation + 1
        st.session_state["upload_checked"] = {}
        st.rerun()
    elif result.busy:
        st.error(texts.UPLOAD_BUSY)
    else:
        st.error(texts.UPLOAD_FAILED.format(detail=result.detail))
