"""Use-of-force evidence photos: uof_photos (issue 20, the field app's report).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 12:00:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uof_photos",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("report_id", BigId, sa.ForeignKey("uof_reports.id"), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("taken_at", UTCDateTime(), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("attached_by", sa.String(length=200), nullable=False),
        sa.Column("attached_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_uof_photos_report", "uof_photos", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_uof_photos_report", table_name="uof_photos")
    op.drop_table("uof_photos")
