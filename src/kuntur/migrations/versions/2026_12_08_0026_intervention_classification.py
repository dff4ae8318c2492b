"""Interventions belong to an agency at a classification, as incidents do (issue 18): a
classified operation is shown only to readers cleared for it, and never in the public brief.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every intervention on record so far was published as a public fact (0, unclassified),
    # recorded by the joint command's police side.
    op.add_column(
        "results_interventions",
        sa.Column("owner_agency", sa.String(length=16), nullable=False, server_default="PNP"),
    )
    op.add_column(
        "results_interventions",
        sa.Column("classification", sa.SmallInteger(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    with op.batch_alter_table("results_interventions") as batch:
        batch.drop_column("classification")
        batch.drop_column("owner_agency")
