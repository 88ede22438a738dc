"""Synthetic national demo data in the exchange format v1 (see truth.py for its ground truth)."""
