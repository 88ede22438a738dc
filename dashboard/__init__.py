"""The Streamlit dashboard of the Terugkeermonitor (entry point: dashboard/app.py)."""
