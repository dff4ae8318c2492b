"""Intelligence: entities found in reports and the links that carry their provenance.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 21:20:02.089788
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_entities",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=240), nullable=False),
        sa.Column("first_seen", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_entities")),
        sa.UniqueConstraint("key", name=op.f("uq_intel_entities_key")),
    )
    op.create_table(
        "intel_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "entity_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("mention", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=30), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["intel_entities.id"],
            name=op.f("fk_intel_links_entity_id_intel_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_intel_links_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_links")),
    )
    with op.batch_alter_table("intel_links", schema=None) as batch_op:
        batch_op.create_index("ix_intel_links_entity", ["entity_id", "incident_id"], unique=False)
        batch_op.create_index("ix_intel_links_incident", ["incident_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("intel_links", schema=None) as batch_op:
        batch_op.drop_index("ix_intel_links_incident")
        batch_op.drop_index("ix_intel_links_entity")

    op.drop_table("intel_links")
    op.drop_table("intel_entities")
