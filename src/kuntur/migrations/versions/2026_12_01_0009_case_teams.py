"""Cases belong to an agency and a team: intel_cases.owner_agency and intel_case_members.

Existing cases get their creator's agency and the creator as their one member; a case
created by no user (the system) gets PNP, the agency that owned every case before teams,
and no member until one is added.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Added in place with a default (no table rebuild: on SQLite a rebuild drops the old
    # table, and with foreign keys on that would cascade into the notes and entities).
    op.add_column(
        "intel_cases",
        sa.Column("owner_agency", sa.String(length=16), server_default="PNP", nullable=False),
    )
    op.create_table(
        "intel_case_members",
        sa.Column("case_id", BIG, nullable=False),
        sa.Column("user_id", BIG, nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["intel_cases.id"],
            name=op.f("fk_intel_case_members_case_id_intel_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_intel_case_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_intel_case_members")),
    )
    op.create_index("ix_intel_case_members_user", "intel_case_members", ["user_id"])
    # created_by is the actor, "user:<username>": the creator's agency and membership.
    op.execute(
        "UPDATE intel_cases SET owner_agency = (SELECT u.agency_code FROM users u "
        "WHERE 'user:' || u.username = intel_cases.created_by) WHERE EXISTS (SELECT 1 FROM "
        "users u WHERE 'user:' || u.username = intel_cases.created_by)"
    )
    op.execute(
        "INSERT INTO intel_case_members (case_id, user_id, added_by, added_at) "
        "SELECT c.id, u.id, 'migration:0009', c.created_at FROM intel_cases c "
        "JOIN users u ON 'user:' || u.username = c.created_by"
    )


def downgrade() -> None:
    op.drop_index("ix_intel_case_members_user", table_name="intel_case_members")
    op.drop_table("intel_case_members")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), for the same reason: no rebuild.
    op.drop_column("intel_cases", "owner_agency")
