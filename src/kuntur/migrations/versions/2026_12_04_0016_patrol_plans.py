"""Patrol plans and their posts: patrol_plans, patrol_posts (issue 15).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patrol_plans",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column(
            "forecast_id",
            BigId,
            sa.ForeignKey("forecasts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("node_id", BigId, sa.ForeignKey("command_units.id"), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("region", sa.String(length=300), nullable=False),
        sa.Column("include_discovered", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_patrol_plans_created", "patrol_plans", ["created_at"])
    op.create_table(
        "patrol_posts",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "plan_id",
            BigId,
            sa.ForeignKey("patrol_plans.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("unit_id", BigId, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("site", sa.String(length=80), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("reach_m", sa.Float(), nullable=False),
        sa.Column("covered_risk", sa.Float(), nullable=False),
        sa.Column("fixed", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("legal_basis_id", BigId, sa.ForeignKey("legal_authorizations.id"), nullable=True),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("order_id", BigId, sa.ForeignKey("orders.id"), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
    )
    op.create_index("ix_patrol_posts_plan", "patrol_posts", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_patrol_posts_plan", table_name="patrol_posts")
    op.drop_table("patrol_posts")
    op.drop_index("ix_patrol_plans_created", table_name="patrol_plans")
    op.drop_table("patrol_plans")
