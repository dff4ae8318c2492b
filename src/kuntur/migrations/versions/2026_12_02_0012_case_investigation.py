"""Several cases to one investigation: intel_cases.investigation.

A case's number named both the case and the investigation it belongs to, and numbers are
unique, so a second case of one investigation (another network, another agency's team) was
refused as "already exists". The investigation is now a column of its own, shared by as
many cases as need it; each case keeps a number of its own, and the purpose an analyst
states names one case. Existing cases are each their own investigation.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (no table rebuild: on SQLite a rebuild drops the old table, and with
    # foreign keys on that would cascade into the notes, entities and members).
    op.add_column("intel_cases", sa.Column("investigation", sa.String(length=100), nullable=True))
    op.execute("UPDATE intel_cases SET investigation = number")
    op.create_index("ix_intel_cases_investigation", "intel_cases", ["investigation"])


def downgrade() -> None:
    op.drop_index("ix_intel_cases_investigation", table_name="intel_cases")
    op.drop_column("intel_cases", "investigation")
