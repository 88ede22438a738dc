"""Users are known by their provider's issuer and subject once they have logged in; the
audit trail refuses UPDATE and DELETE (append-only) for whoever runs the application.

Existing users keep their e-mail address; their issuer and subject are bound at their first
login with a verified e-mail address (people/appdb.py, find_login).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
POSTGRES_TRIGGER = (
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
    # The application's role (the owner) gives up its own right to change or remove lines;
    # only a database administrator could give it back.
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM CURRENT_USER",
)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("issuer", sa.String(512), nullable=True))
        batch.add_column(sa.Column("subject", sa.String(255), nullable=True))
        batch.create_unique_constraint("uq_users_issuer_subject", ["issuer", "subject"])
    statements = SQLITE_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_TRIGGER
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER audit_no_update")
        op.execute("DROP TRIGGER audit_no_delete")
    else:
        op.execute("DROP TRIGGER audit_no_change ON audit")
        op.execute("DROP TRIGGER audit_no_truncate ON audit")
        op.execute("DROP FUNCTION audit_append_only()")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_issuer_subject", type_="unique")
        batch.drop_column("subject")
        batch.drop_column("issuer")
