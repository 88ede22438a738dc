"""The published tables that the dashboard, the CLI and the exports show (no Streamlit here)."""
