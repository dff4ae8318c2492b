"""Units, legal authorizations, orders, assignments; incident lifecycle times; command levels.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 20:27:53.395846
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "legal_authorizations",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("area_geojson", sa.Text(), nullable=False),
        sa.Column("area_label", sa.String(length=300), nullable=False),
        sa.Column("starts_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("forces_role", sa.String(length=20), nullable=False),
        sa.Column("restricted_rights", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=60), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_authorizations")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("call_sign", sa.String(length=40), nullable=False),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("unit_type", sa.String(length=30), nullable=False),
        sa.Column("capabilities", sa.String(length=300), nullable=False),
        sa.Column("personnel", sa.Integer(), nullable=False),
        sa.Column(
            "command_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("home_lon", sa.Float(), nullable=False),
        sa.Column("home_lat", sa.Float(), nullable=False),
        sa.Column("shift", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("position_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("updated_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_units_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["command_unit_id"],
            ["command_units.id"],
            name=op.f("fk_units_command_unit_id_command_units"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_units_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("call_sign", name=op.f("uq_units_call_sign")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index("ix_units_status", ["status"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "legal_basis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("eta_seconds", sa.Float(), nullable=True),
        sa.Column("dispatched_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_by", sa.String(length=200), nullable=False),
        sa.Column("released_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recalled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_assignments_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legal_basis_id"],
            ["legal_authorizations.id"],
            name=op.f("fk_assignments_legal_basis_id_legal_authorizations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_assignments_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_incident", ["incident_id"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "issuer_node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "target_node_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "target_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("starts_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "legal_basis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("issued_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["issuer_node_id"],
            ["command_units.id"],
            name=op.f("fk_orders_issuer_node_id_command_units"),
        ),
        sa.ForeignKeyConstraint(
            ["legal_basis_id"],
            ["legal_authorizations.id"],
            name=op.f("fk_orders_legal_basis_id_legal_authorizations"),
        ),
        sa.ForeignKeyConstraint(
            ["target_node_id"],
            ["command_units.id"],
            name=op.f("fk_orders_target_node_id_command_units"),
        ),
        sa.ForeignKeyConstraint(
            ["target_unit_id"], ["units.id"], name=op.f("fk_orders_target_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("command_units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("level", sa.String(length=20), server_default="station", nullable=False)
        )
        batch_op.add_column(sa.Column("district_ubigeo", sa.String(length=6), nullable=True))

    # Plain columns only on incidents (no new foreign key): SQLite then adds them in place
    # instead of copying a table of millions of rows.
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("triaged_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("dispatched_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("en_route_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("on_scene_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("cleared_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("disposition", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column(
                "merged_into_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_index("ix_incidents_status_priority", ["status", "priority"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status_priority")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("disposition")
        batch_op.drop_column("cleared_at")
        batch_op.drop_column("on_scene_at")
        batch_op.drop_column("en_route_at")
        batch_op.drop_column("dispatched_at")
        batch_op.drop_column("triaged_at")

    with op.batch_alter_table("command_units", schema=None) as batch_op:
        batch_op.drop_column("district_ubigeo")
        batch_op.drop_column("level")

    op.drop_table("orders")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_incident")

    op.drop_table("assignments")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index("ix_units_status")

    op.drop_table("units")
    op.drop_table("legal_authorizations")
