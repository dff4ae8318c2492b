"""An intervention recorded by mistake is withdrawn, not deleted (issue 18): when, by
whom and why stay on its record, and it no longer counts in the other evaluations.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-10 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import kuntur.core.db

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # None withdrawn so far.
    with op.batch_alter_table("results_interventions") as batch:
        batch.add_column(
            sa.Column("withdrawn_at", kuntur.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("withdrawn_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results_interventions") as batch:
        batch.drop_column("withdrawn_reason")
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_at")
