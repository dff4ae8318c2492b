"""What intelligence does when other domains announce a change, and what it tells them.

A new report of a linked category (extortion, kidnapping, homicide) with a narrative joins
the extortion networks as it arrives, in the transaction that stores it: incidents
announce the new incident and never call intelligence themselves. An open case the reader
is a member of counts as a stated purpose (``identity.purposes``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.core import events
from kuntur.identity import purposes
from kuntur.identity.actor import Actor
from kuntur.incidents.manifest import INCIDENT_CREATED
from kuntur.incidents.models import Incident
from kuntur.intelligence import service
from kuntur.intelligence.cases import case_ref
from kuntur.intelligence.manifest import INTEL_READ
from kuntur.intelligence.models import Case, CaseMember


def link_new_report(db: Session, incident: Incident) -> None:
    if incident.narrative and incident.category in service.LINKED_CATEGORIES:
        service.link_reports(db, [incident])


def open_case_of_reader(actor: Actor, text: str, stated: str) -> tuple[str | None, str]:
    """(reference, reason code): an open case the reader is a member of, or why not."""
    # Numbers are stored normalised; a case opened before that may be stored as typed.
    db = actor.db
    case = db.scalar(select(Case).where(Case.number.in_({text, stated})).limit(1))
    if case is None and not actor.is_system and actor.ctx.user_id is not None:
        # An investigation's number names a case when exactly one of the reader's open
        # cases belongs to it; with several, the reader states which (the log names one).
        mine = db.scalars(
            select(Case)
            .join(CaseMember, CaseMember.case_id == Case.id)
            .where(
                Case.investigation == text,
                Case.status == "open",
                CaseMember.user_id == actor.ctx.user_id,
            )
            .limit(2)
        ).all()
        if len(mine) > 1:
            return None, "several_cases"
        case = mine[0] if mine else None
    if case is None:
        return None, "no_such_case"
    if case.status != "open":
        return None, "case_closed"
    if not actor.is_system:
        if actor.ctx.user_id is None or db.get(CaseMember, (case.id, actor.ctx.user_id)) is None:
            return None, "not_a_case_member"
        if not actor.can(INTEL_READ):  # a member whose role was revoked
            return None, "not_an_analyst"
    return case_ref(case), ""


def register() -> None:
    events.subscribe(INCIDENT_CREATED, link_new_report)
    purposes.register_case_check(open_case_of_reader)
