"""Incidents get an owning agency and a classification; agencies share by rule.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 18:32:00.151445
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharing_rules",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("owner_agency", sa.String(length=16), nullable=False),
        sa.Column("grantee_agency", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_rules")),
    )
    # The joint command's starting point: operational incidents of the police, the armed
    # forces and Serenazgo are visible to every agency; classification still applies.
    rules = sa.table(
        "sharing_rules",
        sa.column("owner_agency", sa.String),
        sa.column("grantee_agency", sa.String),
    )
    op.bulk_insert(
        rules,
        [
            {"owner_agency": a, "grantee_agency": "*"}
            for a in ("PNP", "EP", "MGP", "FAP", "SERENAZGO")
        ],
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner_agency", sa.String(length=16), server_default="PNP", nullable=False)
        )
        batch_op.add_column(
            sa.Column("classification", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.drop_index(batch_op.f("ix_incidents_map"))
        batch_op.create_index(
            "ix_incidents_map",
            [
                "h3_r9",
                "occurred_at",
                "category",
                "source",
                "district_ubigeo",
                "longitude",
                "latitude",
                "owner_agency",
                "classification",
            ],
            unique=False,
            postgresql_include=["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_map", postgresql_include=["id"])
        batch_op.create_index(
            batch_op.f("ix_incidents_map"),
            [
                "h3_r9",
                "occurred_at",
                "category",
                "source",
                "district_ubigeo",
                "longitude",
                "latitude",
            ],
            unique=False,
            postgresql_include=["id"],
        )
        batch_op.drop_column("classification")
        batch_op.drop_column("owner_agency")

    op.drop_table("sharing_rules")
