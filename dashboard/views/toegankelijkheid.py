"""Toegankelijkheid: the toegankelijkheidsverklaring, open to everyone (also before login)."""

from __future__ import annotations

import streamlit as st

from dashboard import texts, texts_a11y
from dashboard.a11y import EXCEPTIONS

st.title(texts.PAGES["toegankelijkheid"])
listed = "; ".join(f"{rule} ({criterion}): {why}" for rule, (criterion, why) in EXCEPTIONS.items())
st.markdown(texts_a11y.VERKLARING.format(exceptions=listed or texts_a11y.NO_EXCEPTIONS))
