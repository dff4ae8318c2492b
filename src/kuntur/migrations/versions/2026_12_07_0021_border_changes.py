"""Border watchlist change log: each entry carries the watchlist version that last changed
it (``border_entries.changed_version``, indexed) and the version row an epoch (a new one
when the row is made anew), so that a server process applies only what changed since the
version its screening index was built from (issue 17: an update at a million entries in
about a second, not a rebuild).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("border_entries") as t:
        t.add_column(sa.Column("changed_version", sa.Integer(), nullable=True))
        t.create_index("ix_border_entries_changed_version", ["changed_version"])
    with op.batch_alter_table("border_watchlist_version") as t:
        t.add_column(sa.Column("epoch", sa.String(length=32), nullable=True))
    # The row already there keeps its count: an index built before goes on from it.
    op.execute("UPDATE border_watchlist_version SET epoch = 'before-0021'")


def downgrade() -> None:
    with op.batch_alter_table("border_watchlist_version") as t:
        t.drop_column("epoch")
    with op.batch_alter_table("border_entries") as t:
        t.drop_index("ix_border_entries_changed_version")
        t.drop_column("changed_version")
