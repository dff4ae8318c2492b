"""What intelligence does when other domains announce a change.

A new report of a linked category (extortion, kidnapping, homicide) with a narrative joins
the extortion networks as it arrives, in the transaction that stores it: incidents
announce the new incident and never call intelligence themselves.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kuntur.core import events
from kuntur.incidents import service as incidents
from kuntur.incidents.models import Incident
from kuntur.intelligence import service


def link_new_report(db: Session, incident: Incident) -> None:
    if incident.narrative and incident.category in service.LINKED_CATEGORIES:
        service.link_reports(db, [incident])


def register() -> None:
    events.subscribe(incidents.INCIDENT_CREATED, link_new_report)
