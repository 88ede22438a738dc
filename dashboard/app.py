"""Entry point of the dashboard: `terugkeer dashboard` runs this file with Streamlit."""

from __future__ import annotations

import streamlit as st

from dashboard import texts

st.set_page_config(page_title=texts.APP_TITLE, layout="wide")
st.title(texts.APP_TITLE)
st.info(texts.PLACEHOLDER)
