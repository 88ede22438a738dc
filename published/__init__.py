"""The published tables: what the dashboard, `terugkeer figures` and the exports show.

reader (the current publication) -> queries (counts from the marts, per Scope) -> tables (one
function per published table, disclosed) -> the dashboard's pages, the CLI, the downloads.
Nothing here imports Streamlit.
"""
