"""Dispatch triage on screen (issue 13): notes on an incident, and the reason a dispatcher
gives for sending a unit that lacks the capability the incident needs (a first response).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 03:00:00
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_notes_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_notes")),
    )
    op.create_index("ix_incident_notes_incident", "incident_notes", ["incident_id"], unique=False)
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("override_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("override_reason")
    op.drop_index("ix_incident_notes_incident", table_name="incident_notes")
    op.drop_table("incident_notes")
