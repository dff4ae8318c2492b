"""The field app: field_devices, field_reports, field_deliveries (issue 20).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_devices",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "session_id", BigId, sa.ForeignKey("user_sessions.id"), nullable=False, unique=True
        ),
        sa.Column("user_id", BigId, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("unit_id", BigId, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("device_key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("last_contact_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_field_devices_unit", "field_devices", ["unit_id"])
    op.create_table(
        "field_reports",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("unit_id", BigId, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("device_id", BigId, sa.ForeignKey("field_devices.id"), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("incident_id", BigId, nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.UniqueConstraint("unit_id", "client_id", name="uq_field_reports_client"),
    )
    op.create_table(
        "field_deliveries",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("unit_id", BigId, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ref_id", BigId, nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.UniqueConstraint("unit_id", "kind", "ref_id", name="uq_field_deliveries_ref"),
    )


def downgrade() -> None:
    op.drop_table("field_deliveries")
    op.drop_table("field_reports")
    op.drop_index("ix_field_devices_unit", table_name="field_devices")
    op.drop_table("field_devices")
