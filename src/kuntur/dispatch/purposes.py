"""The purpose dispatch records: ``INC-<id>`` for an incident the reader is handling.

The reader dispatched a unit to it (``assignments.dispatched_by``) and that assignment is
still open. Registered with ``identity.purposes`` at start-up (``kuntur.domains``).
"""

from __future__ import annotations

from sqlalchemy import select

from kuntur.dispatch.models import Assignment
from kuntur.identity import purposes
from kuntur.identity.actor import Actor


def open_assignment(actor: Actor, incident_id: int) -> str | None:
    """An open assignment of ``incident_id`` that the reader dispatched, as a reference."""
    found = actor.db.scalar(
        select(Assignment.id)
        .where(
            Assignment.incident_id == incident_id,
            Assignment.dispatched_by == actor.who,
            Assignment.released_at.is_(None),
            Assignment.recalled.is_(False),
        )
        .order_by(Assignment.id.desc())
        .limit(1)
    )
    return None if found is None else f"assignment:{found}"


def register() -> None:
    purposes.register_assignment_check(open_assignment)
