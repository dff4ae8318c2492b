"""Service accounts and scoped tokens (issue 19): ``users.is_service`` marks an account
that is a program (an integrator's system), never a person, and ``user_sessions.scopes``
limits an API token to named scopes (comma-separated; NULL: a person's token, limited only
by the roles). Expiry is the token's ``expires_at``, as for every token.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("is_service", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(sa.Column("scopes", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_column("scopes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("is_service")
