"""Border control: border_entries, border_watchlist_version, border_screenings,
border_hits, border_decisions, border_seizures (issue 17).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "border_entries",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.String(length=120), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.String(length=10), nullable=True),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("document_type", sa.String(length=20), nullable=True),
        sa.Column("document_number", sa.String(length=40), nullable=True),
        sa.Column("value", sa.String(length=80), nullable=True),
        sa.Column("source_list", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner_agency", sa.String(length=20), nullable=False),
        sa.Column("classification", sa.Integer(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("network", sa.String(length=200), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
    )
    op.create_index("ix_border_entries_value", "border_entries", ["value"])
    op.create_table(
        "border_watchlist_version",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "border_screenings",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("post", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("best_score", sa.Float(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
    )
    op.create_index("ix_border_screenings_created", "border_screenings", ["created_at"])
    op.create_index("ix_border_screenings_identity_key", "border_screenings", ["identity_key"])
    op.create_table(
        "border_hits",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "screening_id",
            BigId,
            sa.ForeignKey("border_screenings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("entry_id", sa.String(length=120), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.Column("remembered_id", BigId, nullable=True),
        sa.Column("decision_id", BigId, nullable=True),
    )
    op.create_index("ix_border_hits_screening_id", "border_hits", ["screening_id"])
    op.create_table(
        "border_decisions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=120), nullable=False),
        sa.Column("hit_id", BigId, nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("post", sa.String(length=80), nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
    )
    op.create_index(
        "ix_border_decisions_key_entry", "border_decisions", ["identity_key", "entry_id"]
    )

    op.create_table(
        "border_seizures",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("post", sa.String(length=80), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("serial", sa.String(length=60), nullable=True),
        sa.Column("watchlist_hit", sa.String(length=120), nullable=True),
        sa.Column("incident_id", BigId, nullable=True),
        sa.Column("screening_id", BigId, nullable=True),
        sa.Column("network", sa.String(length=200), nullable=True),
        sa.Column("case_ref", sa.String(length=60), nullable=True),
        sa.Column("seized_at", UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
    )
    op.create_index("ix_border_seizures_post_at", "border_seizures", ["post", "seized_at"])


def downgrade() -> None:
    op.drop_table("border_seizures")
    op.drop_table("border_decisions")
    op.drop_table("border_hits")
    op.drop_table("border_screenings")
    op.drop_table("border_watchlist_version")
    op.drop_table("border_entries")
