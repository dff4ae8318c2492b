"""Intelligence cases: notes and entities an analyst keeps about a network.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 21:37:05.257291
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_cases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("network", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_cases")),
        sa.UniqueConstraint("number", name=op.f("uq_intel_cases_number")),
    )
    op.create_table(
        "intel_case_entities",
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["intel_cases.id"],
            name=op.f("fk_intel_case_entities_case_id_intel_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["intel_entities.id"],
            name=op.f("fk_intel_case_entities_entity_id_intel_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "entity_id", name=op.f("pk_intel_case_entities")),
    )
    op.create_table(
        "intel_case_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.String(length=5000), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["intel_cases.id"],
            name=op.f("fk_intel_case_notes_case_id_intel_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_case_notes")),
    )


def downgrade() -> None:
    op.drop_table("intel_case_notes")
    op.drop_table("intel_case_entities")
    op.drop_table("intel_cases")
