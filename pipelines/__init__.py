"""Terugkeermonitor pipelines: demo data, ingest, validation, warehouse build, figures."""
