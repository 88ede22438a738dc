"""The published tables: one function per table, counts from `dashboard.queries` in,
a DisclosedTable (pipelines/disclosure.py) out. Pages choose and draw; they never disclose.

Each function declares how its cells hang together (rates, shares, totals), so that
disclosure control can hide whatever would give a small count away.
"""

from dashboard import queries
from dashboard.shared import per_publication

# A published table depends only on the publication and its arguments: computed once per
# process for everyone who asks the same (dashboard/shared.py).
published = per_publication(queries.version)
