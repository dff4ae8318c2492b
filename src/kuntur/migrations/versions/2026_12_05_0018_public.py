"""Public statistics and alerts: public_releases, public_release_cells, public_budget_years,
public_alerts (issue 16, part B).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_releases",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("period", sa.String(length=7), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("epsilon", sa.Float(), nullable=False),
        sa.Column("mechanism", sa.String(length=40), nullable=False),
        sa.Column("scale", sa.Float(), nullable=False),
        sa.Column("sensitivity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("ci95", sa.Integer(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("holdback_days", sa.Integer(), nullable=False),
        sa.Column("covers_from", UTCDateTime(), nullable=False),
        sa.Column("covers_until", UTCDateTime(), nullable=False),
        sa.Column("cells", sa.Integer(), nullable=False),
        sa.Column("year_budget", sa.Float(), nullable=False),
        sa.Column("spent_after", sa.Float(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
    )
    op.create_index("ix_public_releases_year", "public_releases", ["year"])
    op.create_table(
        "public_release_cells",
        sa.Column(
            "release_id",
            BigId,
            sa.ForeignKey("public_releases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("district_ubigeo", sa.String(length=6), primary_key=True),
        sa.Column("category", sa.String(length=32), primary_key=True),
        sa.Column("noisy_count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "public_budget_years",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("spent", sa.Float(), nullable=False),
    )
    op.create_table(
        "public_alerts",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("identifier", sa.String(length=120), nullable=False, unique=True),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("sent", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("msg_type", sa.String(length=10), nullable=False),
        sa.Column("district_ubigeo", sa.String(length=6), nullable=False),
        sa.Column("district_name", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=200), nullable=False),
        sa.Column("urgency", sa.String(length=12), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("certainty", sa.String(length=12), nullable=False),
        sa.Column("headline", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("instruction", sa.Text(), nullable=False),
        sa.Column("expires", UTCDateTime(), nullable=True),
        sa.Column("references_id", BigId, sa.ForeignKey("public_alerts.id"), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
    )
    op.create_index("ix_public_alerts_sent", "public_alerts", ["sent"])


def downgrade() -> None:
    op.drop_index("ix_public_alerts_sent", table_name="public_alerts")
    op.drop_table("public_alerts")
    op.drop_table("public_budget_years")
    op.drop_table("public_release_cells")
    op.drop_index("ix_public_releases_year", table_name="public_releases")
    op.drop_table("public_releases")
