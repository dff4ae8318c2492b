"""Retention and erasure (Ley 29733): personal data kept no longer than its purpose needs.

``purge`` applies every rule below at once, in one transaction, and returns what it purged
by rule; ``kuntur purge`` runs it (a timer in production) and the run is on record
(``ops.purged``: counts and cut-off dates, never the data). Records stay: an incident keeps
its category, place, times and units, a tip its category, district and outcome, so that
statistics, oversight and the audit log still stand; what goes is the personal part (a
narrative, a citizen's contact, a photo, an officer's track). The audit log is not touched:
it never held these (decision 0004: commitments instead of personal data), so it verifies
after a purge as before.

Rules, each with its setting (``KUNTUR_RETENTION_*``):
- closed incidents' narratives, after ``retention_incident_narrative_days``;
- citizens' sealed contacts on closed tips, after ``retention_tip_contact_days``;
- closed tips that became no incident: narrative, messages and photos, after
  ``retention_tip_days``;
- the field app's position reports, after ``retention_field_position_days``;
- traveller data at the border, after ``border_retention_days`` (``border.service.sweep``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update

from kuntur.border import service as border
from kuntur.citizens.models import Tip, TipMessage, TipPhoto
from kuntur.config import Settings
from kuntur.core.errors import Forbidden
from kuntur.core.i18n import _
from kuntur.core.timeutil import utcnow
from kuntur.dispatch import lifecycle
from kuntur.field.models import FieldReport
from kuntur.identity.actor import Actor
from kuntur.incidents.models import Incident
from kuntur.ops.manifest import PURGED


@dataclass(frozen=True)
class Purged:
    rule: str
    rows: int
    before: str  # the cut-off (ISO date): what is older goes


def _count(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)


def purge(
    actor: Actor, settings: Settings, *, now: datetime | None = None, dry_run: bool = False
) -> list[Purged]:
    """Apply every retention rule; ``dry_run``: count what would go, change nothing."""
    if "system" not in actor.ctx.roles:  # the operators' timer, never a screen
        raise Forbidden(_("la depuración la ejecuta el sistema (kuntur purge)"))
    db = actor.db
    now = now or utcnow()
    out: list[Purged] = []

    def cut(days: int) -> datetime:
        return now - timedelta(days=days)

    # Closed incidents' narratives.
    c = cut(settings.retention_incident_narrative_days)
    where = (
        Incident.status.not_in(sorted(lifecycle.OPEN)),
        Incident.received_at < c,
        Incident.narrative.is_not(None),
        Incident.narrative != "",
    )
    n = (
        _n(db, Incident, where)
        if dry_run
        else _count(db.execute(update(Incident).where(*where).values(narrative=None)))
    )
    out.append(Purged("incident_narratives", n, c.date().isoformat()))
    # Citizens' contacts on closed tips.
    c = cut(settings.retention_tip_contact_days)
    where_tip = (Tip.status == "closed", Tip.handled_at < c, Tip.contact_sealed.is_not(None))
    n = (
        _n(db, Tip, where_tip)
        if dry_run
        else _count(db.execute(update(Tip).where(*where_tip).values(contact_sealed=None)))
    )
    out.append(Purged("tip_contacts", n, c.date().isoformat()))
    # Closed tips that became no incident: their words and photos.
    c = cut(settings.retention_tip_days)
    old = select(Tip.id).where(
        Tip.status == "closed", Tip.handled_at < c, Tip.incident_id.is_(None)
    )
    ids = list(db.scalars(old))
    if dry_run:
        n = len(ids)
    else:
        n = 0
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            db.execute(delete(TipPhoto).where(TipPhoto.tip_id.in_(part)))
            db.execute(update(TipMessage).where(TipMessage.tip_id.in_(part)).values(body=""))
            n += _count(db.execute(update(Tip).where(Tip.id.in_(part)).values(narrative="")))
    out.append(Purged("closed_tips", n, c.date().isoformat()))
    # Officers' tracks from the field app.
    c = cut(settings.retention_field_position_days)
    where_pos = (FieldReport.kind == "position", FieldReport.received_at < c)
    n = (
        _n(db, FieldReport, where_pos)
        if dry_run
        else _count(db.execute(delete(FieldReport).where(*where_pos)))
    )
    out.append(Purged("field_positions", n, c.date().isoformat()))
    # Traveller data at the border (its own sweep, its own record).
    if not dry_run:
        swept = border.sweep(
            actor,
            retention_days=settings.border_retention_days,
            clearance_days=settings.border_clearance_days,
            now=now,
        )
        out.append(
            Purged(
                "border_screenings",
                swept["screenings"],
                cut(settings.border_retention_days).date().isoformat(),
            )
        )
    if not dry_run:
        actor.record(
            PURGED,
            object_type="store",
            object_id=now.date().isoformat(),
            details={p.rule: {"rows": p.rows, "before": p.before} for p in out},
        )
    return out


def _n(db: Any, model: Any, where: tuple[Any, ...]) -> int:
    return int(db.scalar(select(func.count()).select_from(model).where(*where)) or 0)
