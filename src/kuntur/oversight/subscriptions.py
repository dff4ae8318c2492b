"""What oversight does when dispatch closes an incident: with force recorded, a
use-of-force report falls due (an obligation, in the same transaction as the close;
dispatch never calls oversight)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuntur.core import events
from kuntur.dispatch.service import INCIDENT_CLEARED, Cleared
from kuntur.oversight import service


def report_due(db: Session, cleared: Cleared) -> None:
    if cleared.force:
        service.create_obligation(cleared.actor, cleared.incident, cleared.unit_ids)


def register() -> None:
    events.subscribe(INCIDENT_CLEARED, report_due)
