"""Oversight services: personnel and shifts, use-of-force reports (obligations, filing,
follow-up, review outside the chain of command, closing), zero reports, deadlines,
complaints, early intervention, the oversight bodies' notes. Every function takes the
actor first; every change and every read of personal data is on record.

The rules themselves (what is missing, which deadline passed, where a report goes) are
``oversight.rules``, the same module ``kuntur oversight check`` runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NoReturn, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.attributes import set_committed_value

from kuntur.command import legal
from kuntur.command.authorizations import as_legal
from kuntur.command.models import CommandUnit, LegalAuthorization, Order, Unit
from kuntur.config import get_settings
from kuntur.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from kuntur.core.i18n import _, both
from kuntur.core.registry import EventType
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.dispatch.models import Assignment
from kuntur.geography import service as geo
from kuntur.identity.actor import ACCESS_DENIED, EVERY_RECORD, Actor
from kuntur.identity.models import User
from kuntur.identity.roles import OPERATIONAL_AGENCIES, Role
from kuntur.incidents.models import Incident
from kuntur.oversight import rules
from kuntur.oversight.manifest import (
    COMPLAINT_FILED,
    COMPLAINT_UPDATED,
    COMPLAINTS_WRITE,
    EI_FLAGGED,
    EI_MANAGE,
    EI_RESPONDED,
    EI_RUN,
    EI_THRESHOLDS,
    FLAGS_RESPOND,
    OVERSIGHT_NOTE,
    OVERSIGHT_NOTED,
    OVERSIGHT_READ,
    PERSONNEL_CREATED,
    PERSONNEL_MANAGE,
    PERSONNEL_READ,
    SHIFT_ASSIGNED,
    UOF_CLOSED,
    UOF_EVIDENCE,
    UOF_FILED,
    UOF_OBLIGATION,
    UOF_OVERDUE,
    UOF_READ,
    UOF_REFERRED,
    UOF_REPORT,
    UOF_REVIEW,
    UOF_REVIEW_REFUSED,
    UOF_REVIEWED,
    UOF_UPDATED,
    UOF_ZERO,
)
from kuntur.oversight.models import (
    Complaint,
    EiFlag,
    EiThresholds,
    OversightNote,
    Personnel,
    ShiftAssignment,
    UofAffected,
    UofForce,
    UofPhoto,
    UofReport,
    UofReview,
)
from kuntur.oversight.schemas import ComplaintIn, FollowUpIn, ReportIn, ThresholdsIn

READ_LIMIT = 500


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def review_days() -> int:
    return get_settings().uof_review_days


# --- the command tree ------------------------------------------------------------------
def ancestors(db: Session, node_id: int) -> set[int]:
    """``node_id`` and every node above it."""
    parents = dict(db.execute(select(CommandUnit.id, CommandUnit.parent_id)).all())
    out: set[int] = set()
    at: int | None = node_id
    while at is not None and at not in out:
        out.add(at)
        at = parents.get(at)
    return out


def _desk_of(actor: Actor) -> int | None:
    if actor.ctx.user_id is None:
        return None
    user = actor.db.get(User, actor.ctx.user_id)
    return user.unit_id if user else None


def _below(db: Session, node_id: int) -> set[int]:
    """``node_id`` and every node under it."""
    children: dict[int, list[int]] = {}
    for nid, parent in db.execute(select(CommandUnit.id, CommandUnit.parent_id)).all():
        if parent is not None:
            children.setdefault(parent, []).append(nid)
    out: set[int] = set()
    todo = [node_id]
    while todo:
        at = todo.pop()
        if at not in out:
            out.add(at)
            todo.extend(children.get(at, ()))
    return out


def _internal_affairs(actor: Actor) -> bool:
    return Role.INTERNAL_AFFAIRS.value in actor.roles


def _readable(actor: Actor, report_id: int, view: str | None = None) -> UofReport:
    """A report, for those allowed to read it: oversight readers (commanders, auditors,
    the oversight bodies), reviewers, and the reporting desks in the filing unit's chain of
    command (their desk is the report's command node or above it). Read on record."""
    db = actor.db
    r = db.get(UofReport, report_id, execution_options={EVERY_RECORD: True})
    chain = False
    if r is not None and not (actor.can(OVERSIGHT_READ) or actor.can(UOF_REVIEW)):
        desk = _desk_of(actor)
        chain = (
            actor.can(UOF_REPORT)
            and desk is not None
            and r.command_unit_id is not None
            and desk in ancestors(db, r.command_unit_id)
        )
    if not chain and not actor.can(UOF_REVIEW):
        actor.require(OVERSIGHT_READ, object_type="uof_report", object_id=str(report_id))
    r = actor.get(UofReport, report_id, object_type="uof_report")
    details = {"view": view} if view else None
    actor.record(UOF_READ, object_type="uof_report", object_id=str(r.id), details=details)
    return r


class _Row(Protocol):
    @property
    def id(self) -> int: ...


def _add_recorded(
    actor: Actor,
    row: _Row,
    event: EventType,
    *,
    object_type: str,
    details: dict[str, Any],
    object_id: str | None = None,
) -> None:
    """Store a new row and put it on record: under its own id, or ``object_id`` (the
    record it belongs to)."""
    actor.db.add(row)
    actor.db.flush()
    actor.record(
        event,
        object_type=object_type,
        object_id=str(row.id) if object_id is None else object_id,
        details=details,
    )


# --- personnel -------------------------------------------------------------------------
def personnel_out(p: Personnel) -> dict[str, Any]:
    return {
        "id": p.id,
        "service_number": p.service_number,
        "name": p.name,
        "rank": p.rank,
        "agency": p.agency_code,
        "command_unit_id": p.command_unit_id,
        "status": p.status,
    }


def create_personnel(
    actor: Actor,
    *,
    service_number: str,
    name: str,
    rank: str,
    agency: str,
    command_unit_id: int,
    status: str = "active",
    user_id: int | None = None,
) -> Personnel:
    db = actor.db
    actor.require(PERSONNEL_MANAGE, object_type="personnel")
    if agency not in OPERATIONAL_AGENCIES:
        raise InvalidInput(
            f"agency: {agency!r} no es una institución operativa / is not an operational agency"
        )
    if db.get(CommandUnit, command_unit_id) is None:
        raise InvalidInput(
            f"command_unit_id: no existe el nodo / no command node {command_unit_id}"
        )
    if user_id is not None and db.get(User, user_id) is None:
        raise InvalidInput(f"user_id: no existe el usuario / no user {user_id}")
    if db.scalar(select(Personnel.id).where(Personnel.service_number == service_number)):
        raise Conflict(f"service_number: {service_number} ya registrado / already recorded")
    p = Personnel(
        service_number=service_number,
        name=name.strip(),
        rank=rank.strip(),
        agency_code=agency,
        command_unit_id=command_unit_id,
        status=status,
        user_id=user_id,
        created_at=utcnow(),
    )
    # The log names the record and its service number, never the person's name.
    _add_recorded(
        actor,
        p,
        PERSONNEL_CREATED,
        object_type="personnel",
        details={"service_number": service_number, "agency": agency, "node": command_unit_id},
    )
    return p


def _record_read(actor: Actor, ids: Sequence[int], what: str) -> None:
    actor.record(
        PERSONNEL_READ,
        object_type="personnel",
        object_id=str(ids[0]) if len(ids) == 1 else None,
        details={"ids": list(ids)[:200], "count": len(ids), "view": what},
    )


def list_personnel(actor: Actor, node_id: int | None = None) -> list[Personnel]:
    actor.require(OVERSIGHT_READ, object_type="personnel")
    q = select(Personnel).order_by(Personnel.id).limit(READ_LIMIT)
    if node_id is not None:
        q = q.where(Personnel.command_unit_id == node_id)
    rows = list(actor.db.scalars(q))
    _record_read(actor, [p.id for p in rows], "list")
    return rows


def get_personnel(actor: Actor, personnel_id: int) -> Personnel:
    actor.require(OVERSIGHT_READ, object_type="personnel", object_id=str(personnel_id))
    p = actor.db.get(Personnel, personnel_id)
    if p is None:
        raise NotFound(f"personnel {personnel_id} does not exist")
    _record_read(actor, [p.id], "detail")
    return p


MEMBER_RESULTS = 20


def find_members(actor: Actor, q: str) -> list[Personnel]:
    """Members to name in a report, by service number (its start) or name (any part):
    active ones, those readable to the reporter (oversight readers: all; a reporting desk:
    its own agency's). Each read on record."""
    actor.require(UOF_REPORT, object_type="personnel")
    text = q.strip()
    if len(text) < 2:
        raise InvalidInput(_("q: escriba al menos dos caracteres del n.º de servicio o del nombre"))
    low = text.lower()
    query = (
        select(Personnel)
        .where(
            Personnel.status == "active",
            func.lower(Personnel.service_number).startswith(low, autoescape=True)
            | func.lower(Personnel.name).contains(low, autoescape=True),
        )
        .order_by(Personnel.service_number)
        .limit(MEMBER_RESULTS)
    )
    if not (actor.is_system or actor.can(OVERSIGHT_READ)):
        query = query.where(Personnel.agency_code == (actor.agency or ""))
    rows = list(actor.db.scalars(query))
    _record_read(actor, [p.id for p in rows], "uof members search")
    return rows


def members_on_shift(actor: Actor, report_id: int) -> list[Personnel]:
    """The members on shift, at the incident's time, on the units of a report's incident
    (those dispatched to it, and the report's unit): what the report form starts from."""
    actor.require(UOF_REPORT, object_type="uof_report", object_id=str(report_id))
    db = actor.db
    r = _readable(actor, report_id, "members on shift")
    units = {r.unit_id} if r.unit_id is not None else set()
    if r.incident_id is not None:
        units |= set(
            db.scalars(select(Assignment.unit_id).where(Assignment.incident_id == r.incident_id))
        )
    if not units:
        return []
    rows = shift_members(db, units, r.incident_at)
    if not (actor.is_system or actor.can(OVERSIGHT_READ)):
        rows = [p for p in rows if p.agency_code == (actor.agency or "")]
    _record_read(actor, [p.id for p in rows], f"uof members on shift, report {r.id}")
    return rows


def shift_members(db: Session, unit_ids: Iterable[int], at: datetime) -> list[Personnel]:
    """The members on shift on these units at ``at``. No check and nothing on record: the
    caller checks who may ask and records the read (``_record_read``)."""
    units = sorted(set(unit_ids))
    if not units:
        return []
    return list(
        db.scalars(
            select(Personnel)
            .join(ShiftAssignment, ShiftAssignment.personnel_id == Personnel.id)
            .where(
                ShiftAssignment.unit_id.in_(units),
                ShiftAssignment.starts_at <= at,
                ShiftAssignment.ends_at > at,
            )
            .order_by(Personnel.service_number)
            .distinct()
        )
    )


def record_personnel_read(actor: Actor, ids: Sequence[int], what: str) -> None:
    """Put a read of members on record (ids only), for a caller that read them itself."""
    _record_read(actor, ids, what)


def assign_shift(
    actor: Actor, personnel_id: int, unit_id: int, starts_at: datetime, ends_at: datetime
) -> ShiftAssignment:
    db = actor.db
    actor.require(PERSONNEL_MANAGE, object_type="personnel", object_id=str(personnel_id))
    if db.get(Personnel, personnel_id) is None:
        raise NotFound(f"personnel {personnel_id} does not exist")
    if db.get(Unit, unit_id) is None:
        raise InvalidInput(f"unit_id: no existe la unidad / no unit {unit_id}")
    if ends_at <= starts_at:
        raise InvalidInput("ends_at: el turno termina después de empezar / must follow starts_at")
    s = ShiftAssignment(
        personnel_id=personnel_id, unit_id=unit_id, starts_at=starts_at, ends_at=ends_at
    )
    db.add(s)
    db.flush()
    actor.record(
        SHIFT_ASSIGNED,
        object_type="personnel",
        object_id=str(personnel_id),
        details={"unit": unit_id, "shift": s.id},
    )
    return s


def shift_out(s: ShiftAssignment) -> dict[str, Any]:
    return {
        "id": s.id,
        "personnel_id": s.personnel_id,
        "unit_id": s.unit_id,
        "starts_at": _iso(s.starts_at),
        "ends_at": _iso(s.ends_at),
    }


def on_duty(actor: Actor, unit_id: int, at: datetime) -> list[Personnel]:
    """Who was on ``unit_id`` at ``at``: what a unit did, traced to who was there."""
    actor.require(OVERSIGHT_READ, object_type="personnel")
    rows = list(
        actor.db.scalars(
            select(Personnel)
            .join(ShiftAssignment, ShiftAssignment.personnel_id == Personnel.id)
            .where(
                ShiftAssignment.unit_id == unit_id,
                ShiftAssignment.starts_at <= at,
                ShiftAssignment.ends_at > at,
            )
            .order_by(Personnel.id)
        )
    )
    _record_read(actor, [p.id for p in rows], f"on_duty unit {unit_id}")
    return rows


# --- use-of-force reports --------------------------------------------------------------
def _forces(db: Session, report_id: int) -> list[tuple[UofForce, Personnel]]:
    return [
        (f, p)
        for f, p in db.execute(
            select(UofForce, Personnel)
            .join(Personnel, Personnel.id == UofForce.personnel_id)
            .where(UofForce.report_id == report_id)
            .order_by(UofForce.id)
        )
    ]


def _affected(db: Session, report_id: int) -> list[UofAffected]:
    return list(
        db.scalars(
            select(UofAffected).where(UofAffected.report_id == report_id).order_by(UofAffected.id)
        )
    )


def _reviews(db: Session, report_id: int) -> list[UofReview]:
    return list(
        db.scalars(select(UofReview).where(UofReview.report_id == report_id).order_by(UofReview.id))
    )


def _force_out(f: UofForce) -> dict[str, Any]:
    return {"agency": f.agency_code, "level": f.level, "rounds": f.rounds}


def _affected_out(db: Session, report_id: int) -> list[dict[str, Any]]:
    return [{"outcome": a.outcome, "age": a.age, "sex": a.sex} for a in _affected(db, report_id)]


def document_of(db: Session, r: UofReport) -> dict[str, Any]:
    """The report as the rules read it (the document ``kuntur oversight check`` takes)."""
    tz = timezone(timedelta(minutes=r.utc_offset_min))

    def t(value: datetime | None) -> str | None:
        return None if value is None else _aware(value).astimezone(tz).isoformat()

    reviews = _reviews(db, r.id)
    last = reviews[-1] if reviews else None
    return {
        "incident_at": t(r.incident_at),
        "reported_at": t(r.reported_at) if r.status != "pending" else None,
        "force": [{"member": p.service_number, **_force_out(f)} for f, p in _forces(db, r.id)],
        "affected": _affected_out(db, r.id),
        "medical_aid_at": t(r.medical_aid_at),
        "family_notified_at": t(r.family_notified_at),
        "supervisor_present": r.supervisor_present,
        "legal_basis": str(r.legal_basis_id) if r.legal_basis_id else None,
        "reviewed_by": last.reviewer if last else None,
        "reviewed_at": t(last.reviewed_at) if last else None,
    }


def check_report(db: Session, r: UofReport, at: datetime | None = None) -> rules.Result:
    """The rules as of ``at`` (default now); a pending obligation has no force recorded
    yet, and still needs its report and its review."""
    report = rules.parse(document_of(db, r))
    result = rules.check(report, at or utcnow(), review_days())
    if r.status == "pending" and r.kind == "incident":
        # Force was recorded at the close: the review is due as for any report with force.
        due = rules.review_due(report, review_days())
        lacking = [*result.missing, "reviewed_by", "reviewed_at"]
        overdue = list(result.overdue)
        if (at or utcnow()) >= due:
            overdue.append("reviewed_at")
        return rules.Result(
            complete=False,
            missing=list(dict.fromkeys(lacking)),
            overdue=overdue,
            referrals=result.referrals,
            deadlines={**result.deadlines, "reviewed_at": due},
        )
    return result


def check_out(result: rules.Result) -> dict[str, Any]:
    return {
        **result.as_dict(),
        "deadlines": {k: v.isoformat() for k, v in result.deadlines.items()},
    }


def report_out(db: Session, r: UofReport, at: datetime | None = None) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "status": r.status,
        "incident_id": r.incident_id,
        "order_id": r.order_id,
        "unit_id": r.unit_id,
        "command_unit_id": r.command_unit_id,
        "period": r.period,
        "incident_at": _iso(r.incident_at),
        "reported_at": _iso(r.reported_at),
        "place": r.place,
        "location_type": r.location_type,
        "district": r.district_ubigeo,
        "contact_reason": r.contact_reason,
        "firearm_discharged": r.firearm_discharged,
        "rounds": r.rounds,
        "force": [
            {"personnel_id": f.personnel_id, "service_number": p.service_number, **_force_out(f)}
            for f, p in _forces(db, r.id)
        ],
        "affected": _affected_out(db, r.id),
        "medical_aid_at": _iso(r.medical_aid_at),
        "medical_aid_by": r.medical_aid_by,
        "family_notified_at": _iso(r.family_notified_at),
        "supervisor_present": r.supervisor_present,
        "legal_basis_id": r.legal_basis_id,
        "bodycam_refs": [x for x in r.bodycam_refs.split("\n") if x],
        "evidence_refs": [x for x in r.evidence_refs.split("\n") if x],
        "referred_at": _iso(r.referred_at),
        "reviews": [
            {
                "id": v.id,
                "reviewer": v.reviewer,
                "finding": v.finding,
                "text": v.text,
                "order_ids": [int(x) for x in v.order_ids.split(",") if x],
                "reviewed_at": _iso(v.reviewed_at),
            }
            for v in _reviews(db, r.id)
        ],
        "photos": [photo_out(p) for p in photos_of(db, r.id)],
        "check": check_out(check_report(db, r, at)),
        "closed_at": _iso(r.closed_at),
    }


def report_brief(db: Session, r: UofReport, at: datetime | None = None) -> dict[str, Any]:
    result = check_report(db, r, at)
    return {
        "id": r.id,
        "kind": r.kind,
        "status": r.status,
        "incident_id": r.incident_id,
        "unit_id": r.unit_id,
        "command_unit_id": r.command_unit_id,
        "period": r.period,
        "incident_at": _iso(r.incident_at),
        "agency": r.owner_agency,
        "missing": result.missing,
        "overdue": result.overdue,
        "referrals": result.referrals,
    }


def create_obligation(actor: Actor, incident: Incident, unit_ids: Iterable[int]) -> UofReport:
    """An incident closed with force: a report is now due (24 h from the incident). The
    close was permitted (dispatch); this is its consequence, on record in the same unit of
    work, and it cannot be skipped: the obligation stays pending until a report is filed."""
    db = actor.db
    existing = db.scalar(
        select(UofReport).where(UofReport.incident_id == incident.id, UofReport.kind == "incident")
    )
    if existing is not None:
        return existing
    units = list(unit_ids)
    unit = db.get(Unit, units[0]) if units else None
    r = UofReport(
        kind="incident",
        status="pending",
        incident_id=incident.id,
        unit_id=unit.id if unit else None,
        command_unit_id=unit.command_unit_id if unit else None,
        incident_at=incident.occurred_at,
        utc_offset_min=-300,
        latitude=incident.latitude,
        longitude=incident.longitude,
        district_ubigeo=incident.district_ubigeo,
        owner_agency=unit.agency_code if unit else incident.owner_agency,
        classification=0,
        created_by=actor.who,
        created_at=utcnow(),
    )
    _add_recorded(
        actor,
        r,
        UOF_OBLIGATION,
        object_type="uof_report",
        details={"incident": incident.id, "units": units},
    )
    return r


def _legal_basis(db: Session, basis_id: int | None) -> int | None:
    if basis_id is not None and db.get(LegalAuthorization, basis_id) is None:
        raise InvalidInput(f"legal_basis_id: no existe la base legal / no legal basis {basis_id}")
    return basis_id


def check_legal_basis(db: Session, r: UofReport, agencies: Iterable[str]) -> None:
    """The legal basis of a report where armed-forces members used force must cover the
    report's place and time, as a tasking's must (``command.legal``: its area holds the
    point, it was in force at the incident's time, not revoked, and it provides for
    armed-forces participation). Refused (422) saying exactly what it lacks, Spanish first;
    a report without its place cannot be checked, and is refused saying so."""
    if r.legal_basis_id is None or not any(rules.is_armed_force(a) for a in agencies):
        return
    row = db.get(LegalAuthorization, r.legal_basis_id)
    if row is None:
        return
    basis = as_legal(row)
    if r.latitude is None or r.longitude is None:
        raise InvalidInput(
            both(
                lambda lang: _(
                    "legal_basis_id: no se puede comprobar que {basis} cubra el lugar del uso de "
                    "la fuerza: falta el lugar (latitude y longitude, o el incidente)",
                    lang,
                    basis=basis.label(lang),
                )
            )
        )
    at = _aware(r.incident_at)
    gap = legal.shortfall(basis, r.longitude, r.latitude, at, at)
    if gap.place and gap.time == legal.IN_FORCE and gap.forces:
        return
    raise InvalidInput(
        both(
            lambda lang: _(
                "legal_basis_id: {basis} no cubre el uso de la fuerza por las Fuerzas Armadas el "
                "{at} (hora de Lima): le falta {lacks}",
                lang,
                basis=basis.label(lang),
                at=f"{at.astimezone(LIMA):%Y-%m-%d %H:%M}",
                lacks="; ".join(legal.missing(gap, at, at, lang)),
            )
        )
    )


def _refer_if_grave(actor: Actor, r: UofReport, outcomes: Iterable[str]) -> None:
    bodies = rules.REFERRAL_BODIES if set(outcomes) & rules.GRAVE else ()
    if bodies and r.referred_at is None:
        r.referred_at = utcnow()
        actor.record(
            UOF_REFERRED,
            object_type="uof_report",
            object_id=str(r.id),
            details={"bodies": list(bodies), "principle": "UN BPUFF 22"},
        )


def file_report(actor: Actor, data: ReportIn) -> UofReport:
    """File a use-of-force report (fulfilling the incident's pending obligation, if any);
    a death or serious injury is referred to the Fiscalía and the Defensoría at once."""
    actor.require(UOF_REPORT, object_type="uof_report")
    return apply_file_report(actor, data)


def apply_file_report(actor: Actor, data: ReportIn) -> UofReport:
    """The rules every filing meets (the incident's report once, the members, the legal
    basis's cover, the referral of a grave outcome), without the check of *who* files: the
    caller makes it first (``file_report``: ``uof.report``; the field app: the unit's own
    closed incident, decision 0019). On record as ``uof.filed`` by the actor."""
    db = actor.db
    incident = None
    r: UofReport | None = None
    if data.incident_id is not None:
        incident = actor.get(Incident, data.incident_id, object_type="incident")
        r = db.scalar(
            select(UofReport).where(
                UofReport.incident_id == incident.id, UofReport.kind == "incident"
            )
        )
        if r is not None and r.status != "pending":
            raise Conflict(
                f"el incidente {incident.id} ya tiene su informe / incident already reported",
                existing_id=r.id,
            )
    if data.order_id is not None and db.get(Order, data.order_id) is None:
        raise InvalidInput(f"order_id: no existe la orden / no order {data.order_id}")
    unit = db.get(Unit, data.unit_id) if data.unit_id is not None else None
    if data.unit_id is not None and unit is None:
        raise InvalidInput(f"unit_id: no existe la unidad / no unit {data.unit_id}")
    members = []
    for f in data.force:
        p = db.get(Personnel, f.personnel_id)
        if p is None:
            raise InvalidInput(f"force: no existe el personal / no personnel {f.personnel_id}")
        members.append((f, p))
    when = data.incident_at or (incident.occurred_at if incident else None)
    if when is None:
        raise InvalidInput("incident_at: obligatorio sin incidente / required without an incident")
    offset = _aware(when).utcoffset() if data.incident_at else timedelta(hours=-5)
    if r is None:
        r = UofReport(kind="incident", created_by=actor.who, created_at=utcnow())
        db.add(r)
    first = members[0][1]
    r.status = "filed"
    r.incident_id = incident.id if incident else None
    r.order_id = data.order_id
    r.unit_id = unit.id if unit else r.unit_id
    r.command_unit_id = (unit.command_unit_id if unit else None) or r.command_unit_id
    r.command_unit_id = r.command_unit_id or first.command_unit_id
    r.incident_at = when
    r.utc_offset_min = int((offset or timedelta(0)).total_seconds() // 60)
    r.reported_at = data.reported_at or utcnow()
    r.place = data.place or None
    r.location_type = data.location_type or None
    r.contact_reason = data.contact_reason or None
    if data.latitude is not None and data.longitude is not None:
        r.latitude, r.longitude = data.latitude, data.longitude
    elif incident is not None and r.latitude is None:
        r.latitude, r.longitude = incident.latitude, incident.longitude
    if incident is not None:
        r.district_ubigeo = incident.district_ubigeo
    elif r.latitude is not None and r.longitude is not None:
        r.district_ubigeo = geo.locate_one(r.longitude, r.latitude)  # the place given
    r.rounds = sum(f.rounds for f, _p in members)
    r.firearm_discharged = any(f.level == "firearm" and f.rounds > 0 for f, _p in members)
    r.medical_aid_at = data.medical_aid_at
    r.medical_aid_by = data.medical_aid_by
    r.family_notified_at = data.family_notified_at
    r.supervisor_present = data.supervisor_present
    r.legal_basis_id = _legal_basis(db, data.legal_basis_id)
    check_legal_basis(db, r, (p.agency_code for _f, p in members))
    r.bodycam_refs = "\n".join(x.strip() for x in data.bodycam_refs if x.strip())
    r.evidence_refs = "\n".join(x.strip() for x in data.evidence_refs if x.strip())
    r.owner_agency = (unit.agency_code if unit else None) or first.agency_code
    r.classification = 0
    db.flush()
    for f, p in members:
        db.add(
            UofForce(
                report_id=r.id,
                personnel_id=p.id,
                agency_code=p.agency_code,
                level=f.level,
                rounds=f.rounds,
            )
        )
    for a in data.affected:
        db.add(UofAffected(report_id=r.id, outcome=a.outcome, age=a.age, sex=a.sex))
    db.flush()
    actor.record(
        UOF_FILED,
        object_type="uof_report",
        object_id=str(r.id),
        details={
            "incident": r.incident_id,
            "levels": sorted({f.level for f, _p in members}),
            "rounds": r.rounds,
            "affected": sorted(a.outcome for a in data.affected),
        },
    )
    _refer_if_grave(actor, r, (a.outcome for a in data.affected))
    return r


# --- evidence photos ---------------------------------------------------------------------
def photos_of(db: Session, report_id: int) -> list[UofPhoto]:
    """A report's photos, without their bytes loaded (the page lists them; each image is
    read on its own)."""
    return list(
        db.scalars(
            select(UofPhoto)
            .where(UofPhoto.report_id == report_id)
            .options(defer(UofPhoto.data))
            .order_by(UofPhoto.id)
        )
    )


def photo_out(p: UofPhoto) -> dict[str, Any]:
    return {
        "id": p.id,
        "report_id": p.report_id,
        "sha256": p.sha256,
        "original_sha256": p.original_sha256,
        "size_bytes": p.size_bytes,
        "width": p.width,
        "height": p.height,
        "taken_at": _iso(p.taken_at),
        "latitude": p.latitude,
        "longitude": p.longitude,
        "attached_by": p.attached_by,
        "attached_at": _iso(p.attached_at),
        "url": f"/api/oversight/uof/{p.report_id}/photos/{p.id}",
    }


def apply_attach_photo(
    actor: Actor,
    r: UofReport,
    data: bytes,
    *,
    width: int,
    height: int,
    original_sha256: str,
    taken_at: datetime | None,
    latitude: float | None = None,
    longitude: float | None = None,
    content_type: str = "image/jpeg",
) -> UofPhoto:
    """Keep a photo as evidence of report ``r``: the bytes as given (already stripped of
    what the evidence rules do not need), their SHA-256 computed here, of exactly what is
    stored, and put on record with the hash (``uof.evidence``), so that the audit chain
    vouches for the file a reviewer later sees. No check of *who* attaches: the caller makes
    it first (the field app: the unit's own report). A closed report takes no more."""
    if r.status == "closed":
        raise Conflict(_("el informe {id} está cerrado: no admite más fotos", id=r.id))
    digest = hashlib.sha256(data).hexdigest()
    p = UofPhoto(
        report_id=r.id,
        data=data,
        content_type=content_type,
        size_bytes=len(data),
        width=width,
        height=height,
        sha256=digest,
        original_sha256=original_sha256,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        attached_by=actor.who,
        attached_at=utcnow(),
    )
    actor.db.add(p)
    actor.db.flush()
    actor.record(
        UOF_EVIDENCE,
        object_type="uof_report",
        object_id=str(r.id),
        details={
            "photo": p.id,
            "sha256": digest,
            "original_sha256": original_sha256,
            "bytes": len(data),
            "taken_at": _iso(taken_at),
            "with_place": latitude is not None,
        },
    )
    return p


def get_photo(actor: Actor, report_id: int, photo_id: int) -> UofPhoto:
    """One photo of a report, for those who may read the report (``_readable``); the
    reading is on record (``uof.read``, ``view: photo``)."""
    _readable(actor, report_id, f"photo {photo_id}")
    p = actor.db.get(UofPhoto, photo_id)
    if p is None or p.report_id != report_id:
        raise NotFound(_("el informe {id} no tiene la foto {photo}", id=report_id, photo=photo_id))
    return p


def get_report(actor: Actor, report_id: int, view: str | None = None) -> UofReport:
    """One report, for those allowed (see ``_readable``). Read on record."""
    return _readable(actor, report_id, view)


def list_reports(
    actor: Actor, status: str | None = None, kind: str | None = None
) -> list[UofReport]:
    actor.require(OVERSIGHT_READ, object_type="uof_report")
    q = select(UofReport).order_by(UofReport.incident_at.desc()).limit(READ_LIMIT)
    if status:
        q = q.where(UofReport.status == status)
    if kind:
        q = q.where(UofReport.kind == kind)
    rows = list(actor.db.scalars(q))
    actor.record(UOF_READ, object_type="uof_report", details={"count": len(rows)})
    return rows


def pending_reports(actor: Actor) -> list[UofReport]:
    """Reports due and not yet filed: what the reporting desks must do (a desk: those of
    the units in its chain of command, its node or below it)."""
    actor.require(UOF_REPORT, object_type="uof_report")
    q = select(UofReport).where(UofReport.status == "pending")
    if not (actor.can(OVERSIGHT_READ) or actor.can(UOF_REVIEW)):
        desk = _desk_of(actor)
        if desk is None:
            return []
        q = q.where(UofReport.command_unit_id.in_(sorted(_below(actor.db, desk))))
    return list(actor.db.scalars(q.order_by(UofReport.incident_at).limit(READ_LIMIT)))


def _editable(actor: Actor, report_id: int) -> UofReport:
    r = _readable(actor, report_id, "edit")
    if r.status == "closed":
        raise InvalidInput(f"el informe {r.id} está cerrado / report {r.id} is closed")
    return r


def follow_up(actor: Actor, report_id: int, data: FollowUpIn) -> UofReport:
    """Medical aid given (who, when), family notified, legal basis, supervisor present."""
    actor.require(UOF_REPORT, object_type="uof_report", object_id=str(report_id))
    r = _editable(actor, report_id)
    if r.status == "pending":
        raise InvalidInput("primero presente el informe / file the report first (POST /uof)")
    changed = {}
    if data.medical_aid_at is not None:
        r.medical_aid_at, changed["medical_aid"] = data.medical_aid_at, True
        r.medical_aid_by = data.medical_aid_by or r.medical_aid_by
    if data.family_notified_at is not None:
        r.family_notified_at, changed["family_notified"] = data.family_notified_at, True
    if data.legal_basis_id is not None:
        r.legal_basis_id = _legal_basis(actor.db, data.legal_basis_id)
        check_legal_basis(actor.db, r, (p.agency_code for _f, p in _forces(actor.db, r.id)))
        changed["legal_basis"] = True
    if data.supervisor_present is not None:
        r.supervisor_present, changed["supervisor_present"] = data.supervisor_present, True
    if not changed:
        raise InvalidInput("nada que registrar / nothing to record")
    actor.record(UOF_UPDATED, object_type="uof_report", object_id=str(r.id), details=changed)
    return r


def month_bounds(period: str) -> tuple[datetime, datetime]:
    year, month = (int(x) for x in period.split("-"))
    start = datetime(year, month, 1, tzinfo=LIMA)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LIMA)
    return start.astimezone(UTC), end.astimezone(UTC)


def zero_report(actor: Actor, command_unit_id: int, period: str) -> UofReport:
    """A unit with no force in a month says so (FBI collection): refused when that unit
    has a force report in the month, or already filed its zero report."""
    db = actor.db
    actor.require(UOF_REPORT, object_type="uof_report")
    node = db.get(CommandUnit, command_unit_id)
    if node is None:
        raise InvalidInput(
            f"command_unit_id: no existe el nodo / no command node {command_unit_id}"
        )
    if not actor.is_system:
        desk = _desk_of(actor)
        if desk is None or desk not in ancestors(db, command_unit_id):
            raise Forbidden(
                _(
                    "command_unit_id: su puesto no es el nodo {node} ni está por encima de él",
                    node=command_unit_id,
                )
            )
    start, end = month_bounds(period)
    if start > utcnow():
        raise InvalidInput(f"period: {period} aún no empieza / has not started yet")
    if end > utcnow():
        raise InvalidInput(
            _(
                "period: {period} aún no termina; el reporte en cero es de un mes cerrado",
                period=period,
            )
        )
    every = {EVERY_RECORD: True}  # a report the caller cannot read still counts
    same = select(UofReport.id).where(UofReport.command_unit_id == command_unit_id)
    zero = same.where(UofReport.kind == "zero", UofReport.period == period).limit(1)
    if db.scalar(zero, execution_options=every):
        raise Conflict(f"ya hay reporte en cero de {period} / zero report already filed")
    force = db.scalar(
        same.where(
            UofReport.kind == "incident",
            UofReport.incident_at >= start,
            UofReport.incident_at < end,
        ).limit(1),
        execution_options=every,
    )
    if force:
        raise InvalidInput(
            f"period: la unidad tiene un informe de uso de la fuerza en {period} (n.º {force}) / "
            f"the unit has a use-of-force report in {period}"
        )
    now = utcnow()
    r = UofReport(
        kind="zero",
        status="closed",
        command_unit_id=command_unit_id,
        period=period,
        incident_at=start,
        reported_at=now,
        owner_agency=node.agency_code,
        classification=0,
        created_by=actor.who,
        created_at=now,
        closed_at=now,
    )
    _add_recorded(
        actor,
        r,
        UOF_ZERO,
        object_type="uof_report",
        details={"node": command_unit_id, "period": period},
    )
    return r


def _involved_orders(db: Session, r: UofReport, nodes: set[int]) -> list[int]:
    """Orders in force at the time to the report's unit or to the members' nodes (or any
    node above them): attached to the review, since superior orders are no defence."""
    chain: set[int] = set()
    for n in nodes:
        chain |= ancestors(db, n)
    q = select(Order.id, Order.target_unit_id, Order.target_node_id).where(
        Order.starts_at <= r.incident_at, Order.ends_at >= r.incident_at
    )
    found = set()
    for oid, unit_id, node_id in db.execute(q):
        if (r.unit_id is not None and unit_id == r.unit_id) or node_id in chain:
            found.add(oid)
    if r.order_id:
        found.add(r.order_id)
    return sorted(found)


def review(
    actor: Actor, report_id: int, *, finding: str, text: str, order_ids: Sequence[int] = ()
) -> UofReview:
    """Review a filed report: refused (and on record) to anyone involved, and to anyone
    whose desk is the involved members' unit or above it in the chain of command."""
    db = actor.db
    actor.require(UOF_REVIEW, object_type="uof_report", object_id=str(report_id))
    r = _editable(actor, report_id)
    if r.kind != "incident" or r.status != "filed":
        raise InvalidInput("solo se revisa un informe presentado / only a filed report is reviewed")
    if finding not in rules.FINDINGS:
        raise InvalidInput(f"finding: one of {', '.join(rules.FINDINGS)}")
    forces = _forces(db, r.id)
    nodes = {p.command_unit_id for _f, p in forces}
    reason = None
    if actor.ctx.user_id is not None and any(p.user_id == actor.ctx.user_id for _f, p in forces):
        reason = "involved"
    desk = _desk_of(actor)
    if r.command_unit_id is not None:
        nodes.add(r.command_unit_id)
    if reason is None and not actor.is_system:
        if desk is None:
            if not _internal_affairs(actor):
                reason = "no_desk"
        elif any(desk in ancestors(db, n) for n in nodes):
            reason = "chain_of_command"
    if reason:
        actor.record_apart(
            UOF_REVIEW_REFUSED,
            object_type="uof_report",
            object_id=str(r.id),
            outcome="denied",
            details={"reason": reason, "desk": desk},
        )
        raise Forbidden(
            "El revisor no puede estar implicado ni en la cadena de mando de los implicados / "
            "The reviewer may be neither involved nor in the involved members' chain of command"
        )
    for oid in order_ids:
        if db.get(Order, oid) is None:
            raise InvalidInput(f"order_ids: no existe la orden / no order {oid}")
    attached = sorted(set(order_ids) | set(_involved_orders(db, r, nodes)))
    v = UofReview(
        report_id=r.id,
        reviewer=actor.who,
        reviewer_user_id=actor.ctx.user_id,
        finding=finding,
        text=text.strip(),
        order_ids=",".join(str(x) for x in attached),
        reviewed_at=utcnow(),
    )
    _add_recorded(
        actor,
        v,
        UOF_REVIEWED,
        object_type="uof_report",
        object_id=str(r.id),
        details={"finding": finding, "orders": attached},
    )
    return v


def close_report(actor: Actor, report_id: int) -> UofReport:
    """Close a report: refused while any mandatory element is missing (medical aid when
    anyone was hurt, family notice on a serious injury or death, the legal basis of armed
    forces, the review)."""
    actor.require(UOF_REPORT, object_type="uof_report", object_id=str(report_id))
    r = _editable(actor, report_id)
    result = check_report(actor.db, r)
    if result.missing:
        es, en = rules.key_words(result.missing, "es"), rules.key_words(result.missing, "en")
        raise InvalidInput(
            f"No se puede cerrar el informe {r.id}: falta {es} / "
            f"Report {r.id} cannot close: missing {en} ({', '.join(result.missing)})"
        )
    r.status, r.closed_at = "closed", utcnow()
    actor.record(
        UOF_CLOSED,
        object_type="uof_report",
        object_id=str(r.id),
        details={"late": result.overdue},
    )
    return r


def overdue(actor: Actor, at: datetime | None = None) -> list[tuple[UofReport, rules.Result]]:
    """Open reports with a deadline passed (for the commander and oversight)."""
    actor.require(OVERSIGHT_READ, object_type="uof_report")
    out = []
    for r in actor.db.scalars(
        select(UofReport)
        .where(UofReport.status != "closed", UofReport.kind == "incident")
        .order_by(UofReport.incident_at)
    ):
        result = check_report(actor.db, r, at)
        if result.overdue:
            out.append((r, result))
    return out


def flag_overdue(actor: Actor, at: datetime | None = None) -> list[int]:
    """Put each newly missed deadline on record once (``uof.overdue``): the commander's and
    the oversight desk's lists read it. Returns the reports flagged now.

    Safe with several server processes sweeping at once (``oversight.scheduled``) and the
    CLI besides: the keys flagged are written by a compare-and-set (only where they are
    still what this sweep read), so of two sweeps that read the same report one writes and
    records, and the other, finding the row changed, records nothing."""
    flagged = []
    for r, result in overdue(actor, at):
        old = r.overdue_flagged
        new = [k for k in result.overdue if k not in old.split(",")]
        if not new:
            continue
        value = ",".join(x for x in [*old.split(","), *new] if x)
        won = actor.db.execute(
            update(UofReport)
            .where(UofReport.id == r.id, UofReport.overdue_flagged == old)
            .values(overdue_flagged=value)
            .execution_options(synchronize_session=False)
        )
        if getattr(won, "rowcount", 0) != 1:
            actor.db.refresh(r, ["overdue_flagged"])  # another sweep flagged it first
            continue
        set_committed_value(r, "overdue_flagged", value)
        actor.record(
            UOF_OVERDUE,
            object_type="uof_report",
            object_id=str(r.id),
            details={"overdue": new, "node": r.command_unit_id, "to": ["commander", "oversight"]},
        )
        flagged.append(r.id)
    return flagged


def finished_months(at: datetime, count: int) -> list[str]:
    """The ``count`` months (``YYYY-MM``, Lima) before the one ``at`` falls in, newest first."""
    first = _aware(at).astimezone(LIMA).replace(day=1)
    out = []
    for _i in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(f"{first:%Y-%m}")
    return out


def missing_zero_reports(
    actor: Actor, at: datetime | None = None, months: int = 3, periods: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The units that filed neither a use-of-force report nor a zero report for a finished
    month (the FBI collection's zero-report rule: a month without force is reported as
    such, so that silence is never read as zero). A unit is a command node with field units
    (``units.command_unit_id``); a report only due (pending) is no report filed, and is
    named with it. ``periods`` (``YYYY-MM``) or else the ``months`` before ``at``'s."""
    db = actor.db
    actor.require(OVERSIGHT_READ, object_type="uof_report")
    every = {EVERY_RECORD: True}  # whether a node reported, not what: across agencies
    nodes = list(
        db.scalars(
            select(CommandUnit)
            .where(CommandUnit.id.in_(select(Unit.command_unit_id)))
            .order_by(CommandUnit.id)
        )
    )
    out: list[dict[str, Any]] = []
    for period in periods or finished_months(at or utcnow(), months):
        start, end = month_bounds(period)
        in_month = select(UofReport.command_unit_id, UofReport.id, UofReport.status).where(
            UofReport.kind == "incident",
            UofReport.incident_at >= start,
            UofReport.incident_at < end,
        )
        filed: set[int] = set()
        pending: dict[int, list[int]] = {}
        for node_id, rid, status in db.execute(in_month, execution_options=every):
            if node_id is None:
                continue
            if status == "pending":
                pending.setdefault(node_id, []).append(rid)
            else:
                filed.add(node_id)
        zeros = set(
            db.scalars(
                select(UofReport.command_unit_id).where(
                    UofReport.kind == "zero", UofReport.period == period
                ),
                execution_options=every,
            )
        )
        out.extend(
            {
                "period": period,
                "command_unit_id": n.id,
                "name": n.name,
                "agency": n.agency_code,
                "pending_report_ids": sorted(pending.get(n.id, [])),
            }
            for n in nodes
            if n.id not in filed and n.id not in zeros
        )
    return out


# --- complaints ------------------------------------------------------------------------
def complaint_out(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.id,
        "channel": c.channel,
        "incident_id": c.incident_id,
        "personnel_id": c.personnel_id,
        "unit_id": c.unit_id,
        "received_at": _iso(c.received_at),
        "summary": c.summary,
        "status": c.status,
        "outcome": c.outcome,
        "closed_at": _iso(c.closed_at),
    }


def file_complaint(actor: Actor, data: ComplaintIn) -> Complaint:
    db = actor.db
    actor.require(COMPLAINTS_WRITE, object_type="complaint")
    if data.personnel_id is None and data.unit_id is None:
        raise InvalidInput(
            "personnel_id o unit_id: la queja es contra alguien / a complaint names its subject"
        )
    if data.personnel_id is not None and db.get(Personnel, data.personnel_id) is None:
        raise InvalidInput(f"personnel_id: no existe / no personnel {data.personnel_id}")
    if data.unit_id is not None and db.get(Unit, data.unit_id) is None:
        raise InvalidInput(f"unit_id: no existe la unidad / no unit {data.unit_id}")
    if data.incident_id is not None:
        actor.get(Incident, data.incident_id, object_type="incident")
    c = Complaint(
        channel=data.channel,
        incident_id=data.incident_id,
        personnel_id=data.personnel_id,
        unit_id=data.unit_id,
        received_at=data.received_at or utcnow(),
        summary=data.summary.strip(),
        status="open",
        created_by=actor.who,
    )
    _add_recorded(
        actor,
        c,
        COMPLAINT_FILED,
        object_type="complaint",
        details={"channel": c.channel, "personnel": c.personnel_id, "unit": c.unit_id},
    )
    return c


def update_complaint(
    actor: Actor, complaint_id: int, status: str, outcome: str | None = None
) -> Complaint:
    actor.require(COMPLAINTS_WRITE, object_type="complaint", object_id=str(complaint_id))
    c = actor.db.get(Complaint, complaint_id)
    if c is None:
        raise NotFound(f"complaint {complaint_id} does not exist")
    if status == "closed" and outcome is None:
        raise InvalidInput("outcome: obligatorio al cerrar / required to close")
    c.status, c.outcome = status, outcome if status == "closed" else c.outcome
    c.closed_at = utcnow() if status == "closed" else None
    actor.record(
        COMPLAINT_UPDATED,
        object_type="complaint",
        object_id=str(c.id),
        details={"status": status, "outcome": outcome},
    )
    return c


def list_complaints(actor: Actor) -> list[Complaint]:
    actor.require(OVERSIGHT_READ, object_type="complaint")
    return list(
        actor.db.scalars(select(Complaint).order_by(Complaint.received_at.desc()).limit(READ_LIMIT))
    )


# --- early intervention ----------------------------------------------------------------
def thresholds_out(t: EiThresholds) -> dict[str, Any]:
    return {
        "id": t.id,
        "version": t.version,
        "window_days": t.window_days,
        "complaints": t.complaints,
        "uof_reports": t.uof_reports,
        "injuries": t.injuries,
        "review_findings": t.review_findings,
        "created_at": _iso(t.created_at),
        "superseded_at": _iso(t.superseded_at),
    }


def set_thresholds(actor: Actor, data: ThresholdsIn) -> EiThresholds:
    """A new version of the thresholds; it supersedes the last (whose flags keep it)."""
    db = actor.db
    actor.require(EI_MANAGE, object_type="ei_thresholds")
    now = utcnow()
    last = current_thresholds(db)
    if last is not None:
        last.superseded_at = now
    t = EiThresholds(
        version=(last.version + 1) if last else 1,
        window_days=data.window_days,
        complaints=data.complaints,
        uof_reports=data.uof_reports,
        injuries=data.injuries,
        review_findings=data.review_findings,
        created_by=actor.who,
        created_at=now,
    )
    db.add(t)
    db.flush()
    actor.record(
        EI_THRESHOLDS,
        object_type="ei_thresholds",
        object_id=str(t.version),
        details=thresholds_out(t) | {"created_at": None},
    )
    return t


def current_thresholds(db: Session) -> EiThresholds | None:
    return db.scalars(select(EiThresholds).order_by(EiThresholds.version.desc()).limit(1)).first()


def list_thresholds(actor: Actor) -> list[EiThresholds]:
    actor.require(OVERSIGHT_READ, object_type="ei_thresholds")
    return list(actor.db.scalars(select(EiThresholds).order_by(EiThresholds.version)))


def indicators(
    db: Session, personnel_id: int, start: datetime, end: datetime
) -> dict[str, list[int]]:
    """The records behind each indicator of one member in the window ``(start, end]``:
    complaints received against them; use-of-force reports (filed) where they used force;
    people injured, seriously injured or killed in those reports where they used physical
    force or more (the affected rows); reviews of their reports, done in the window, with a
    finding other than within policy."""
    complaints = db.scalars(
        select(Complaint.id).where(
            Complaint.personnel_id == personnel_id,
            Complaint.received_at > start,
            Complaint.received_at <= end,
        )
    ).all()
    mine = (
        select(UofForce.report_id, UofForce.level)
        .join(UofReport, UofReport.id == UofForce.report_id)
        .where(
            UofForce.personnel_id == personnel_id,
            UofReport.kind == "incident",
            UofReport.status != "pending",
        )
    )
    in_window = mine.where(UofReport.incident_at > start, UofReport.incident_at <= end)
    reports: dict[int, set[str]] = {}
    for rid, level in db.execute(in_window):
        reports.setdefault(rid, set()).add(level)
    forceful = [
        rid for rid, levels in reports.items() if levels & {"physical", "non_lethal", "firearm"}
    ]
    injuries = (
        db.scalars(
            select(UofAffected.id).where(
                UofAffected.report_id.in_(forceful), UofAffected.outcome.in_(sorted(rules.HURT))
            )
        ).all()
        if forceful
        else []
    )
    all_mine = {rid for rid, _l in db.execute(mine)}
    findings = (
        db.scalars(
            select(UofReview.id).where(
                UofReview.report_id.in_(sorted(all_mine)),
                UofReview.finding != "within_policy",
                UofReview.reviewed_at > start,
                UofReview.reviewed_at <= end,
            )
        ).all()
        if all_mine
        else []
    )
    return {
        "complaints": sorted(complaints),
        "uof_reports": sorted(reports),
        "injuries": sorted(injuries),
        "review_findings": sorted(findings),
    }


def compute_flags(actor: Actor, at: datetime | None = None) -> list[EiFlag]:
    """Flag each active member whose indicators cross the current thresholds (one open
    flag per member and version); every flag says which indicator crossed which threshold."""
    db = actor.db
    actor.require(EI_MANAGE, object_type="ei_flag")
    t = current_thresholds(db)
    if t is None:
        raise InvalidInput("no hay umbrales: fíjelos primero / no thresholds set yet")
    end = at or utcnow()
    start = end - timedelta(days=t.window_days)
    limits = {name: getattr(t, name) for name in rules.INDICATORS}
    open_for = set(
        db.scalars(
            select(EiFlag.personnel_id).where(EiFlag.status == "open", EiFlag.thresholds_id == t.id)
        )
    )
    out = []
    for p in db.scalars(
        select(Personnel).where(Personnel.status == "active").order_by(Personnel.id)
    ):
        if p.id in open_for:
            continue
        ids = indicators(db, p.id, start, end)
        values = {k: len(v) for k, v in ids.items()}
        found = rules.crossings(values, limits)
        if not found:
            continue
        es, en = rules.explain(found, t.window_days, t.version)
        crossed = {c.indicator for c in found}
        detail = {
            k: {"value": values[k], "threshold": limits[k], "crossed": k in crossed, "ids": ids[k]}
            for k in rules.INDICATORS
        }
        flag = EiFlag(
            personnel_id=p.id,
            thresholds_id=t.id,
            window_start=start,
            window_end=end,
            indicators=json.dumps(detail),
            explanation_es=es,
            explanation_en=en,
            status="open",
            computed_at=utcnow(),
        )
        _add_recorded(
            actor,
            flag,
            EI_FLAGGED,
            object_type="ei_flag",
            details={"personnel": p.id, "version": t.version, "crossed": sorted(crossed)},
        )
        out.append(flag)
    actor.record(
        EI_RUN,
        object_type="ei_thresholds",
        object_id=str(t.version),
        details={"at": end.isoformat(), "flags": [f.id for f in out]},
    )
    return out


def flag_out(db: Session, f: EiFlag, lang: str = "es") -> dict[str, Any]:
    version = db.scalar(select(EiThresholds.version).where(EiThresholds.id == f.thresholds_id))
    return {
        "id": f.id,
        "personnel_id": f.personnel_id,
        "thresholds_version": version or 0,
        "window_start": _iso(f.window_start),
        "window_end": _iso(f.window_end),
        "indicators": json.loads(f.indicators),
        "explanation": f.explanation_es if lang == "es" else f.explanation_en,
        "explanation_es": f.explanation_es,
        "explanation_en": f.explanation_en,
        "status": f.status,
        "response": f.response,
        "responded_by": f.responded_by,
        "responded_at": _iso(f.responded_at),
    }


def list_flags(actor: Actor, status: str | None = None) -> list[EiFlag]:
    actor.require(OVERSIGHT_READ, object_type="ei_flag")
    q = select(EiFlag).order_by(EiFlag.id.desc()).limit(READ_LIMIT)
    if status:
        q = q.where(EiFlag.status == status)
    return list(actor.db.scalars(q))


def _refuse_flag(actor: Actor, flag_id: int, reason: str, message: str) -> NoReturn:
    actor.record_apart(
        ACCESS_DENIED,
        object_type="ei_flag",
        object_id=str(flag_id),
        outcome="denied",
        details={"permission": str(FLAGS_RESPOND), "reason": reason},
    )
    raise Forbidden(message)


def respond_flag(actor: Actor, flag_id: int, response: str) -> EiFlag:
    """A supervisor's documented response; a flag never triggers discipline by itself."""
    actor.require(FLAGS_RESPOND, object_type="ei_flag", object_id=str(flag_id))
    f = actor.db.get(EiFlag, flag_id)
    if f is None:
        raise NotFound(f"flag {flag_id} does not exist")
    if f.status != "open":
        raise InvalidInput(f"la alerta {f.id} ya fue respondida / flag already answered")
    if not actor.is_system:
        subject = actor.db.get(Personnel, f.personnel_id, execution_options={EVERY_RECORD: True})
        me = actor.ctx.user_id
        if subject is not None and me is not None and subject.user_id == me:
            _refuse_flag(actor, f.id, "self", _("Nadie responde una alerta sobre sí mismo"))
        desk = _desk_of(actor)
        in_chain = (
            subject is not None
            and desk is not None
            and subject.command_unit_id is not None
            and desk in ancestors(actor.db, subject.command_unit_id)
        )
        if not (in_chain or _internal_affairs(actor)):
            _refuse_flag(
                actor,
                f.id,
                "chain_of_command",
                _("Responde a la alerta un superior en la cadena de mando del efectivo"),
            )
    f.status, f.response = "responded", response.strip()
    f.responded_by, f.responded_at = actor.who, utcnow()
    actor.record(EI_RESPONDED, object_type="ei_flag", object_id=str(f.id))
    return f


# --- the oversight bodies' notes -------------------------------------------------------
NOTE_TARGETS: dict[str, Any] = {
    "uof_report": UofReport,
    "complaint": Complaint,
    "ei_flag": EiFlag,
    "incident": Incident,
    "order": Order,
}


def note_out(n: OversightNote) -> dict[str, Any]:
    return {
        "id": n.id,
        "object_type": n.object_type,
        "object_id": n.object_id,
        "agency": n.agency_code,
        "author": n.author,
        "text": n.text,
        "created_at": _iso(n.created_at),
    }


def add_note(actor: Actor, object_type: str, object_id: int, text: str) -> OversightNote:
    actor.require(OVERSIGHT_NOTE, object_type=object_type, object_id=str(object_id))
    model = NOTE_TARGETS.get(object_type)
    if model is None:
        raise InvalidInput(f"object_type: one of {', '.join(NOTE_TARGETS)}")
    actor.get(model, object_id, object_type=object_type)
    n = OversightNote(
        object_type=object_type,
        object_id=object_id,
        agency_code=actor.agency or "",
        author=actor.who,
        text=text.strip(),
        created_at=utcnow(),
    )
    actor.db.add(n)
    actor.db.flush()
    actor.record(
        OVERSIGHT_NOTED,
        object_type=object_type,
        object_id=str(object_id),
        details={"note": n.id},
    )
    return n


def my_notes(actor: Actor) -> list[OversightNote]:
    """The notes of the reader's own body (agency)."""
    actor.require(OVERSIGHT_NOTE, object_type="oversight_note")
    return list(
        actor.db.scalars(
            select(OversightNote)
            .where(OversightNote.agency_code == (actor.agency or ""))
            .order_by(OversightNote.id.desc())
            .limit(READ_LIMIT)
        )
    )


def count_reports(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(UofReport)) or 0)
