"""An intervention may cover a drawn polygon rather than whole districts (issue 18): a
market, a corridor or a housing estate is evaluated as a zone of its own.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-09 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every intervention so far covered whole districts: no area.
    op.add_column("results_interventions", sa.Column("area", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("results_interventions") as batch:
        batch.drop_column("area")
