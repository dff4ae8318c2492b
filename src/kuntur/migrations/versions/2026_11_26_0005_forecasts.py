"""Stored hotspot forecasts and their flagged cells.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 20:08:45.762911
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "forecasts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("chosen", sa.String(length=300), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=True),
        sa.Column("exclude_discovered", sa.Boolean(), nullable=False),
        sa.Column("data_version", sa.String(length=64), nullable=False),
        sa.Column("events_used", sa.Integer(), nullable=False),
        sa.Column("cell_size", sa.Float(), nullable=False),
        sa.Column("crs", sa.String(length=40), nullable=False),
        sa.Column("x0", sa.Float(), nullable=False),
        sa.Column("y0", sa.Float(), nullable=False),
        sa.Column("nx", sa.Integer(), nullable=False),
        sa.Column("ny", sa.Integer(), nullable=False),
        sa.Column("area_cells", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Float(), nullable=False),
        sa.Column("valid_from", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fairness", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
    )
    with op.batch_alter_table("forecasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forecasts_valid_from"), ["valid_from"], unique=False)

    op.create_table(
        "forecast_cells",
        sa.Column(
            "forecast_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("cell", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("recent_events", sa.Integer(), nullable=False),
        sa.Column("year_events", sa.Integer(), nullable=False),
        sa.Column("long_term_per_year", sa.Float(), nullable=False),
        sa.Column("district_ubigeo", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(
            ["forecast_id"],
            ["forecasts.id"],
            name=op.f("fk_forecast_cells_forecast_id_forecasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("forecast_id", "cell", name=op.f("pk_forecast_cells")),
    )


def downgrade() -> None:
    op.drop_table("forecast_cells")
    with op.batch_alter_table("forecasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forecasts_valid_from"))

    op.drop_table("forecasts")
