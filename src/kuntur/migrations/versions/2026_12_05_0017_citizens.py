"""Anonymous citizen tips: citizen_tips, citizen_tip_photos, citizen_tip_messages (issue 16).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "citizen_tips",
        sa.Column("id", BigId, primary_key=True, autoincrement=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("danger_now", sa.Boolean(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("h3_cell", sa.BigInteger(), nullable=True),
        sa.Column("district_ubigeo", sa.String(length=6), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("occurred_part", sa.String(length=12), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("contact_sealed", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("close_reason", sa.String(length=30), nullable=True),
        sa.Column(
            "incident_id",
            BigId,
            sa.ForeignKey("incidents.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("handled_by", sa.String(length=200), nullable=True),
        sa.Column("handled_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_citizen_tips_queue", "citizen_tips", ["status", "urgency", "received_on"])
    op.create_table(
        "citizen_tip_photos",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "tip_id",
            BigId,
            sa.ForeignKey("citizen_tips.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
    )
    op.create_table(
        "citizen_tip_messages",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "tip_id",
            BigId,
            sa.ForeignKey("citizen_tips.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("written_by", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_citizen_tip_messages_tip", "citizen_tip_messages", ["tip_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_citizen_tip_messages_tip", table_name="citizen_tip_messages")
    op.drop_table("citizen_tip_messages")
    op.drop_table("citizen_tip_photos")
    op.drop_index("ix_citizen_tips_queue", table_name="citizen_tips")
    op.drop_table("citizen_tips")
