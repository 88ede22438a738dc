"""The published tables: one function per table, counts from `dashboard.queries` in,
a DisclosedTable (pipelines/disclosure.py) out. Pages choose and draw; they never disclose.

Each function declares how its cells hang together (rates, shares, totals), so that
disclosure control can hide whatever would give a small count away.
"""
