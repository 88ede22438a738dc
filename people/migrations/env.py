"""Alembic environment: migrations run on the connection that people.appdb.migrate passes
(never on a URL read from a file here)."""

from __future__ import annotations

from alembic import context

from people.appdb import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
