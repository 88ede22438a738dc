"""The first application database: Zelfscan scans and answers, users, audit trail.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "zelfscan_scans",
        sa.Column("scan_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("gemeente_code", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("questions_version", sa.String(64), nullable=False),
    )
    op.create_index("ix_zelfscan_scans_gemeente_code", "zelfscan_scans", ["gemeente_code"])
    op.create_table(
        "zelfscan_answers",
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("zelfscan_scans.scan_id"), primary_key=True),
        sa.Column("question_code", sa.String(128), primary_key=True),
        sa.Column("value", sa.Integer, nullable=True),
        sa.Column("answered_at", sa.DateTime, nullable=False),
        sa.Column("answered_by", sa.String(320), nullable=True),
    )
    op.create_table(
        "users",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(32), nullable=True),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("added_by", sa.String(320), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(512), nullable=True),
        sa.Column("detail", sa.Text, nullable=True),
    )
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_actor", "audit", ["actor"])
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String(128), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("app_meta", "audit", "users", "zelfscan_answers", "zelfscan_scans"):
        op.drop_table(table)
