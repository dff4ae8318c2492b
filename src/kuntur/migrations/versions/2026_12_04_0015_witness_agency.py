"""A registered witness belongs to an institution: audit_witnesses.agency_code.

A signed-in user countersigns a checkpoint for a witness (``POST
/api/audit/checkpoints/{id}/countersign``); the witness's institution must be the user's
own, so that a Fiscalía login cannot sign for the Defensoría's witness. Witnesses
registered before this have none, and are countersigned only through the witness's own
route (``.../countersignatures``) until they are registered again with one.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # In place (no table rebuild: the countersignatures refer to these rows).
    op.add_column("audit_witnesses", sa.Column("agency_code", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_witnesses", "agency_code")
