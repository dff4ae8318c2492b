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
    # Plain ADD COLUMN, not a batch (which rebuilds the table on SQLite: copy, drop, rename,
    # and the drop of a users table other rows point to is refused by the foreign keys).
    op.add_column(
        "users", sa.Column("is_service", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("user_sessions", sa.Column("scopes", sa.String(length=500), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+), for the same reason as above.
    op.drop_column("user_sessions", "scopes")
    op.drop_column("users", "is_service")
