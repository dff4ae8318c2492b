"""Live events between server processes on one SQLite file: live_events.

On PostgreSQL the live picture travels by LISTEN/NOTIFY; on SQLite it stayed inside the
one process that committed the change, so the embedded store could run only one server
process. Each process now also writes its live events here in the change's transaction
and polls for the others' (``core.events.relay_sqlite``). The table stays empty on
PostgreSQL; rows live a few minutes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:45:00
"""

import sqlalchemy as sa
from alembic import op

from kuntur.core.db import BigId, UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "live_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("live_events")
