"""Oversight (issue 14): personnel and their shifts on units, use-of-force reports (each
member's force, each person affected, reviews), complaints, versioned early-intervention
thresholds and their flags, the oversight bodies' notes. New tables only.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ei_thresholds",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=True),
        sa.Column("uof_reports", sa.Integer(), nullable=True),
        sa.Column("injuries", sa.Integer(), nullable=True),
        sa.Column("review_findings", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ei_thresholds")),
        sa.UniqueConstraint("version", name=op.f("uq_ei_thresholds_version")),
    )
    op.create_table(
        "oversight_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("object_type", sa.String(length=30), nullable=False),
        sa.Column(
            "object_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_notes")),
    )
    with op.batch_alter_table("oversight_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_oversight_notes_object", ["object_type", "object_id"], unique=False
        )

    op.create_table(
        "personnel",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("service_number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("rank", sa.String(length=60), nullable=False),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column(
            "command_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_code"], ["agencies.code"], name=op.f("fk_personnel_agency_code_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["command_unit_id"],
            ["command_units.id"],
            name=op.f("fk_personnel_command_unit_id_command_units"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_personnel_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personnel")),
        sa.UniqueConstraint("service_number", name=op.f("uq_personnel_service_number")),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "personnel_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("received_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("closed_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_complaints_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["personnel_id"], ["personnel.id"], name=op.f("fk_complaints_personnel_id_personnel")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_complaints_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_personnel", ["personnel_id", "received_at"], unique=False
        )

    op.create_table(
        "ei_flags",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "personnel_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "thresholds_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("window_start", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("window_end", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("explanation_es", sa.Text(), nullable=False),
        sa.Column("explanation_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("responded_by", sa.String(length=200), nullable=True),
        sa.Column("responded_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("computed_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["personnel_id"], ["personnel.id"], name=op.f("fk_ei_flags_personnel_id_personnel")
        ),
        sa.ForeignKeyConstraint(
            ["thresholds_id"],
            ["ei_thresholds.id"],
            name=op.f("fk_ei_flags_thresholds_id_ei_thresholds"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ei_flags")),
    )
    with op.batch_alter_table("ei_flags", schema=None) as batch_op:
        batch_op.create_index("ix_ei_flags_personnel", ["personnel_id", "status"], unique=False)

    op.create_table(
        "personnel_shifts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "personnel_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("starts_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["personnel_id"],
            ["personnel.id"],
            name=op.f("fk_personnel_shifts_personnel_id_personnel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_personnel_shifts_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personnel_shifts")),
    )
    with op.batch_alter_table("personnel_shifts", schema=None) as batch_op:
        batch_op.create_index("ix_personnel_shifts_unit", ["unit_id", "starts_at"], unique=False)

    op.create_table(
        "uof_reports",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "incident_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "command_unit_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("incident_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("utc_offset_min", sa.Integer(), nullable=False),
        sa.Column("reported_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=300), nullable=True),
        sa.Column("location_type", sa.String(length=40), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("district_ubigeo", sa.String(length=6), nullable=True),
        sa.Column("contact_reason", sa.String(length=300), nullable=True),
        sa.Column("firearm_discharged", sa.Boolean(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("medical_aid_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("medical_aid_by", sa.String(length=200), nullable=True),
        sa.Column("family_notified_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("supervisor_present", sa.Boolean(), nullable=True),
        sa.Column(
            "legal_basis_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("bodycam_refs", sa.Text(), nullable=False),
        sa.Column("evidence_refs", sa.Text(), nullable=False),
        sa.Column("referred_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("overdue_flagged", sa.String(length=60), nullable=False),
        sa.Column("owner_agency", sa.String(length=16), nullable=False),
        sa.Column("classification", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["command_unit_id"],
            ["command_units.id"],
            name=op.f("fk_uof_reports_command_unit_id_command_units"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_uof_reports_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["legal_basis_id"],
            ["legal_authorizations.id"],
            name=op.f("fk_uof_reports_legal_basis_id_legal_authorizations"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_uof_reports_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_uof_reports_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uof_reports")),
    )
    with op.batch_alter_table("uof_reports", schema=None) as batch_op:
        batch_op.create_index("ix_uof_reports_incident", ["incident_id"], unique=False)
        batch_op.create_index("ix_uof_reports_status", ["status", "incident_at"], unique=False)
        batch_op.create_index(
            "ix_uof_reports_zero", ["kind", "command_unit_id", "period"], unique=False
        )

    op.create_table(
        "uof_affected",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["uof_reports.id"],
            name=op.f("fk_uof_affected_report_id_uof_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uof_affected")),
    )
    with op.batch_alter_table("uof_affected", schema=None) as batch_op:
        batch_op.create_index("ix_uof_affected_report", ["report_id"], unique=False)

    op.create_table(
        "uof_force",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "personnel_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("agency_code", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["personnel_id"], ["personnel.id"], name=op.f("fk_uof_force_personnel_id_personnel")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["uof_reports.id"],
            name=op.f("fk_uof_force_report_id_uof_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uof_force")),
    )
    with op.batch_alter_table("uof_force", schema=None) as batch_op:
        batch_op.create_index("ix_uof_force_personnel", ["personnel_id"], unique=False)
        batch_op.create_index("ix_uof_force_report", ["report_id"], unique=False)

    op.create_table(
        "uof_reviews",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column(
            "reviewer_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("finding", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("order_ids", sa.String(length=300), nullable=False),
        sa.Column("reviewed_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["uof_reports.id"],
            name=op.f("fk_uof_reviews_report_id_uof_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_user_id"], ["users.id"], name=op.f("fk_uof_reviews_reviewer_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uof_reviews")),
    )
    with op.batch_alter_table("uof_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_uof_reviews_report", ["report_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("uof_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_uof_reviews_report")

    op.drop_table("uof_reviews")
    with op.batch_alter_table("uof_force", schema=None) as batch_op:
        batch_op.drop_index("ix_uof_force_report")
        batch_op.drop_index("ix_uof_force_personnel")

    op.drop_table("uof_force")
    with op.batch_alter_table("uof_affected", schema=None) as batch_op:
        batch_op.drop_index("ix_uof_affected_report")

    op.drop_table("uof_affected")
    with op.batch_alter_table("uof_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_uof_reports_zero")
        batch_op.drop_index("ix_uof_reports_status")
        batch_op.drop_index("ix_uof_reports_incident")

    op.drop_table("uof_reports")
    with op.batch_alter_table("personnel_shifts", schema=None) as batch_op:
        batch_op.drop_index("ix_personnel_shifts_unit")

    op.drop_table("personnel_shifts")
    with op.batch_alter_table("ei_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_ei_flags_personnel")

    op.drop_table("ei_flags")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_personnel")

    op.drop_table("complaints")
    op.drop_table("personnel")
    with op.batch_alter_table("oversight_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_notes_object")

    op.drop_table("oversight_notes")
    op.drop_table("ei_thresholds")
