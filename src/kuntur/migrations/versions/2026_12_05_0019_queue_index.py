"""Indexes for the reads every screen repeats (docs/benchmarks.md, Load).

- The dispatch queue, (status, priority, received_at), replaces (status, priority): it
  reads the first 200 open incidents by priority, then age; without received_at the store
  sorted every open incident on each read (7.3 ms at 17,600 open incidents on SQLite,
  0.65 ms with it).
- A district's incidents gain the scope's columns (classification, owner_agency), so the
  list's count and page for one district read the index alone.
- The list's total over everything a reader may see scans (classification, owner_agency).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 09:00:00
"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

DISTRICT = ["district_ubigeo", "occurred_at"]


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_index("ix_incidents_status_priority")
        batch_op.create_index("ix_incidents_queue", ["status", "priority", "received_at"])
        batch_op.drop_index("ix_incidents_district_occurred")
        batch_op.create_index(
            "ix_incidents_district_occurred", [*DISTRICT, "classification", "owner_agency"]
        )
        batch_op.create_index("ix_incidents_scope", ["classification", "owner_agency"])


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_index("ix_incidents_scope")
        batch_op.drop_index("ix_incidents_district_occurred")
        batch_op.create_index("ix_incidents_district_occurred", DISTRICT)
        batch_op.drop_index("ix_incidents_queue")
        batch_op.create_index("ix_incidents_status_priority", ["status", "priority"])
