"""The published tables: one function per table, counts from `published.queries` in, a
DisclosedTable (published/disclosure.py) out. The dashboard's pages, `terugkeer figures` and
every download or export call these functions; pages choose and draw, they never disclose.

Each function declares how its cells hang together (rates, shares, totals), so that
disclosure control can hide whatever would give a small count away.
"""

from published import reader
from published.cache import per_publication

# A published table depends only on the publication and its arguments: computed once per
# process for everyone who asks the same (published/cache.py).
shared = per_publication(reader.version)
