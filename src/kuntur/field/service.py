"""The field app's service: a shift's sign-in as one unit, what that unit's phone sees, its
acknowledgements, and the reports it sends (live or queued offline), each applied once.

Every function takes the actor. The phone acts only as the unit its device token is bound
to (``device_of``): it reaches the lifecycle, the orders and the positions through the
``apply_*`` helpers of dispatch and command, which hold the rules every caller meets (the
lifecycle's moves, the clock-skew limit, an older position never moving a unit back) and
leave the question of *who* may ask to their callers (decision 0019). The use-of-force
report and its photos go the same way into oversight (``apply_file_report``,
``apply_attach_photo``): the phone may report only on its own unit's closed incidents."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kuntur.audit.manifest import ACCESS_DENIED
from kuntur.citizens import photos
from kuntur.command import fleet, orders
from kuntur.command.models import CommandUnit, Order, Unit
from kuntur.command.tree import subtree
from kuntur.command.units import MAX_CLOCK_SKEW, UNIT_STATUS_LABELS, UnitStatus
from kuntur.core import events
from kuntur.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from kuntur.core.i18n import _, render
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.dispatch import service as dispatch
from kuntur.dispatch.models import Assignment
from kuntur.field import manifest as field_manifest
from kuntur.field.manifest import ACKNOWLEDGED, DEVICE_REVOKED, DEVICES, REPORT_REFUSED, SIGNED_IN
from kuntur.field.models import FieldDelivery, FieldDevice, FieldReport
from kuntur.field.schemas import UofIn
from kuntur.identity import service as identity
from kuntur.identity.actor import EVERY_RECORD, Actor
from kuntur.identity.models import User, UserSession
from kuntur.incidents.categories import CATEGORY_LABELS, STATUS_LABELS, Category, Status
from kuntur.incidents.models import Incident
from kuntur.oversight import service as oversight
from kuntur.oversight.models import UofReport
from kuntur.oversight.schemas import ReportIn as OversightReportIn
from kuntur.patrol.models import PatrolPlan, PatrolPost

# The status buttons: three moves of the incident the unit is on, and one of the unit.
INCIDENT_BUTTONS = (Status.EN_ROUTE, Status.ON_SCENE, Status.CLEARED)
UNIT_BUTTONS = (UnitStatus.OUT_OF_SERVICE, UnitStatus.AVAILABLE)
CONTACT_EVERY = timedelta(seconds=10)  # how often a device's last contact is written
MAX_BATCH = 200  # reports in one request (a day offline is a few hundred at most)
NOTE_MAX = dispatch.NOTE_MAX
CLOSED = (Status.CLEARED, Status.CLOSED)  # an incident the unit is done with
UOF_DAYS = 7  # the closed incidents the phone lists for a report (the report is due in 24 h)


def _units_for(actor: Actor, user: User) -> list[Unit]:
    """The units an officer may take for a shift: those of the officer's command node and
    the nodes below it."""
    if user.unit_id is None:
        return []
    nodes = subtree(actor.db, user.unit_id)
    return list(
        actor.db.scalars(
            select(Unit).where(Unit.command_unit_id.in_(nodes)).order_by(Unit.call_sign)
        )
    )


def unit_choices(actor: Actor, user: User) -> list[str]:
    actor.require(field_manifest.USE, object_type="field_device")
    return [u.call_sign for u in _units_for(actor, user)]


def may_sign_in(actor: Actor) -> bool:
    """Whether the officer just authenticated holds ``field.use``; a refusal is logged in
    this unit of work (with the logon, which holds the store's write lock on SQLite: a
    refusal written apart would wait for it), and the caller answers it without raising."""
    if actor.can(field_manifest.USE):
        return True
    actor.record(
        ACCESS_DENIED,
        object_type="field_device",
        outcome="denied",
        details={"permission": field_manifest.USE.value},
    )
    return False


def start_shift(
    actor: Actor,
    user: User,
    *,
    device_key: str,
    label: str,
    call_sign: str | None,
    hours: float,
) -> tuple[str, FieldDevice, Unit]:
    """Open a field session for ``user`` (the actor) on this device, as one unit of the
    officer's node: the one named, or the only one there. Returns the raw token once."""
    actor.require(field_manifest.USE, object_type="field_device")
    units = _units_for(actor, user)
    if not units:
        raise Forbidden(
            _("Su usuario no tiene unidad asignada: pida a su comisaría que le asigne una.")
        )
    if call_sign:
        chosen = next((u for u in units if u.call_sign == call_sign.strip()), None)
        if chosen is None:
            raise InvalidInput(
                _(
                    "call_sign: {sign} no es una unidad de su dependencia; elija una de: {signs}",
                    sign=call_sign,
                    signs=", ".join(u.call_sign for u in units),
                )
            )
    elif len(units) == 1:
        chosen = units[0]
    else:
        raise InvalidInput(
            _(
                "call_sign: elija su unidad para el turno: {signs}",
                signs=", ".join(u.call_sign for u in units),
            )
        )
    lifetime = min(timedelta(hours=hours), identity.FIELD_SHIFT)
    raw, sess = identity.open_session(actor.db, user, "field", label=label, lifetime=lifetime)
    now = utcnow()
    dev = FieldDevice(
        session_id=sess.id,
        user_id=user.id,
        unit_id=chosen.id,
        device_key=device_key,
        label=label,
        created_at=now,
        ends_at=sess.expires_at,
        last_contact_at=now,
    )
    actor.db.add(dev)
    actor.db.flush()
    actor.record(
        SIGNED_IN,
        object_type="field_device",
        object_id=str(dev.id),
        details={"unit": chosen.call_sign, "session": sess.id, "hours": round(hours, 2)},
    )
    _announce_device(actor, dev, chosen, True)
    return raw, dev, chosen


@dataclass
class Bound:
    """The device a request came from and the unit it acts as."""

    device: FieldDevice
    unit: Unit


def device_of(actor: Actor, device_key: str) -> Bound:
    """The device and unit behind this request's field token, if the request comes from
    the device the token was issued to. Anything else is refused and on record."""
    actor.require(field_manifest.USE, object_type="field_device")
    # Not a record of any agency (nor is the unit): read without the actor's scope, whose
    # sharing-rules query was one in every ten of a position report's statements.
    # The device and its unit in one statement: a phone's every request starts here.
    found = actor.db.execute(
        select(FieldDevice, Unit)
        .outerjoin(Unit, Unit.id == FieldDevice.unit_id)
        .where(FieldDevice.session_id == actor.ctx.session_id)
        .execution_options(**{EVERY_RECORD: True})
    ).first()
    dev, unit = found if found is not None else (None, None)
    if dev is None:
        raise Forbidden(_("Este acceso no es el de un equipo de campo: inicie sesión en /campo."))
    if not device_key or not hmac.compare_digest(dev.device_key, device_key):
        actor.record_apart(
            ACCESS_DENIED,
            object_type="field_device",
            object_id=str(dev.id),
            outcome="denied",
            details={"reason": "field token presented from another device"},
        )
        raise Forbidden(_("Este token es de otro equipo: inicie sesión en este teléfono."))
    if unit is None:  # a unit is never deleted while a device is bound to it
        raise NotFound(_("la unidad del turno ya no existe"))
    now = utcnow()
    if now - dev.last_contact_at >= CONTACT_EVERY:
        dev.last_contact_at = now
    return Bound(dev, unit)


def ancestors(actor: Actor, node_id: int) -> list[int]:
    """``node_id`` and the nodes above it: an order to any of them reaches the unit."""
    out: list[int] = []
    current: int | None = node_id
    while current is not None and current not in out:
        out.append(current)
        node = actor.db.get(CommandUnit, current)
        current = node.parent_id if node else None
    return out


def _orders_of(actor: Actor, unit: Unit) -> list[Order]:
    nodes = ancestors(actor, unit.command_unit_id)
    return list(
        actor.db.scalars(
            select(Order)
            .where(
                Order.status.in_(("issued", "acknowledged")),
                Order.ends_at > utcnow(),
                or_(Order.target_unit_id == unit.id, Order.target_node_id.in_(nodes)),
            )
            .order_by(Order.starts_at, Order.id)
        )
    )


def _delivery(actor: Actor, unit_id: int, kind: str, ref_id: int) -> FieldDelivery:
    """The delivery row of a dispatch or order to a unit, made on first use.

    Two phones of one unit (or a phone's state and its acknowledgement) may open it at the
    same moment: a plain insert of the second one then breaks the unique key and fails its
    request. ``INSERT ... ON CONFLICT DO NOTHING`` lets the second wait for the first and
    then take its row; the row is read locked (PostgreSQL) so that its received and
    acknowledged stamps are set once, by whichever comes first."""
    db = actor.db
    where = (
        FieldDelivery.unit_id == unit_id,
        FieldDelivery.kind == kind,
        FieldDelivery.ref_id == ref_id,
    )
    found = db.scalar(select(FieldDelivery).where(*where).with_for_update())
    if found is not None:
        return found
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(
        insert(FieldDelivery)
        .values(unit_id=unit_id, kind=kind, ref_id=ref_id)
        .on_conflict_do_nothing(index_elements=["unit_id", "kind", "ref_id"])
    )
    found = db.scalar(select(FieldDelivery).where(*where).with_for_update())
    assert found is not None  # inserted now, or by the other request that just committed
    return found


def _current_assignment(actor: Actor, unit: Unit) -> Assignment | None:
    if unit.incident_id is None:
        return None
    return actor.db.scalar(
        select(Assignment)
        .where(
            Assignment.unit_id == unit.id,
            Assignment.incident_id == unit.incident_id,
            Assignment.released_at.is_(None),
        )
        .order_by(Assignment.id.desc())
        .limit(1)
    )


def _nav_links(lat: float, lon: float) -> dict[str, str]:
    return {
        "geo": f"geo:{lat:.6f},{lon:.6f}?q={lat:.6f},{lon:.6f}",
        "osm": (
            "https://www.openstreetmap.org/directions?engine=fossgis_osrm_car"
            f"&route=%3B{lat:.6f}%2C{lon:.6f}#map=16/{lat:.6f}/{lon:.6f}"
        ),
    }


def state(actor: Actor, bound: Bound, lang: str = "es") -> dict[str, Any]:
    """What the phone shows: the unit, its current dispatch (the incident as far as the
    officer may read it: category, priority, address, place; never the narrative), its
    orders. Fetching them is their delivery: each is marked received."""
    unit, db = bound.unit, actor.db
    now = utcnow()
    dispatch_out: dict[str, Any] | None = None
    a = _current_assignment(actor, unit)
    if a is not None:
        d = _delivery(actor, unit.id, "dispatch", a.id)
        d.received_at = d.received_at or now
        # Scoped like every query of the actor's session: None when the officer may not
        # read the incident (another agency's without a sharing rule, above clearance).
        inc = db.scalar(select(Incident).where(Incident.id == a.incident_id))
        dispatch_out = {
            "assignment_id": a.id,
            "incident_id": a.incident_id,
            "dispatched_at": a.dispatched_at.isoformat(),
            "acknowledged": d.acknowledged_at is not None,
            "visible": inc is not None,
        }
        if inc is not None:
            dispatch_out.update(
                category=inc.category,
                category_label=inc.category_label
                or render(CATEGORY_LABELS[Category(inc.category)], lang),
                priority=inc.priority,
                status=inc.status,
                status_label=render(STATUS_LABELS[Status(inc.status)], lang),
                address=inc.address,
                lat=inc.latitude,
                lon=inc.longitude,
                links=_nav_links(inc.latitude, inc.longitude),
            )
    orders_out = []
    for o in _orders_of(actor, unit):
        d = _delivery(actor, unit.id, "order", o.id)
        d.received_at = d.received_at or now
        orders_out.append(
            {
                "id": o.id,
                "kind": o.kind,
                "text": o.text,
                "status": o.status,
                "starts_at": o.starts_at.isoformat(),
                "ends_at": o.ends_at.isoformat(),
                "lat": o.lat,
                "lon": o.lon,
                "links": _nav_links(o.lat, o.lon)
                if o.lat is not None and o.lon is not None
                else None,
            }
        )
    db.flush()
    return {
        "unit": {
            "id": unit.id,
            "call_sign": unit.call_sign,
            "status": unit.status,
            "status_label": render(UNIT_STATUS_LABELS[UnitStatus(unit.status)], lang),
        },
        "officer": actor.who.removeprefix("user:"),
        "shift_ends_at": bound.device.ends_at.isoformat(),
        "server_time": now.isoformat(),
        "dispatch": dispatch_out,
        "orders": orders_out,
        "patrol": _patrol(actor, unit, now),
    }


def _current_post(actor: Actor, unit: Unit, now: datetime) -> tuple[PatrolPost, PatrolPlan] | None:
    """The unit's post in an approved plan whose shift is on now (the latest approved)."""
    row = actor.db.execute(
        select(PatrolPost, PatrolPlan)
        .join(PatrolPlan, PatrolPlan.id == PatrolPost.plan_id)
        .where(
            PatrolPost.unit_id == unit.id,
            PatrolPlan.status == "approved",
            PatrolPlan.starts_at <= now,
            PatrolPlan.ends_at > now,
        )
        .order_by(PatrolPlan.approved_at.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def _patrol(actor: Actor, unit: Unit, now: datetime) -> dict[str, Any] | None:
    """The unit's hot-spot visits for this shift (the plan's schedule, Koper stops of 10-15
    minutes in an unpredictable order), which of them were logged, and the next one."""
    found = _current_post(actor, unit, now)
    if found is None:
        return None
    post, plan = found
    logged = set(
        actor.db.scalars(
            select(FieldReport.value).where(
                FieldReport.unit_id == unit.id,
                FieldReport.kind == "stop",
                FieldReport.outcome == "applied",
                FieldReport.value.like(f"{post.id}:%"),
            )
        )
    )
    stops = []
    for i, st in enumerate(json.loads(post.schedule or "[]")):
        stops.append(
            {
                "index": i,
                "lat": st["lat"],
                "lon": st["lon"],
                "district": fleet.district_name(st["district"]) if st.get("district") else "",
                "arrive": st["arrive"],
                "leave": st["leave"],
                "minutes": round(
                    (
                        datetime.fromisoformat(st["leave"]) - datetime.fromisoformat(st["arrive"])
                    ).total_seconds()
                    / 60
                ),
                "logged": f"{post.id}:{i}" in logged,
                "links": _nav_links(st["lat"], st["lon"]),
            }
        )
    upcoming = [
        s["index"] for s in stops if not s["logged"] and datetime.fromisoformat(s["leave"]) > now
    ]
    return {
        "plan_id": plan.id,
        "post_id": post.id,
        "ends_at": plan.ends_at.isoformat(),
        "stops": stops,
        "next": upcoming[0] if upcoming else None,
    }


def acknowledge(actor: Actor, bound: Bound, kind: str, ref_id: int) -> dict[str, Any]:
    """One tap: the unit acknowledges its dispatch or an order (an order already
    acknowledged is answered as done, nothing changes)."""
    unit, db = bound.unit, actor.db
    now = utcnow()
    if kind == "order":
        order = next((o for o in _orders_of(actor, unit) if o.id == ref_id), None)
        if order is None:
            raise NotFound(_("la orden {id} no es para {unit}", id=ref_id, unit=unit.call_sign))
        if order.status == "issued":
            orders.mark_acknowledged(actor, order)
    elif kind == "dispatch":
        a = db.get(Assignment, ref_id)
        if a is None or a.unit_id != unit.id:
            raise NotFound(_("el despacho {id} no es de {unit}", id=ref_id, unit=unit.call_sign))
        if a.released_at is not None:
            raise Conflict(
                _(
                    "El despacho {id} ya terminó (la unidad fue liberada o reasignada).",
                    id=ref_id,
                )
            )
    else:
        raise InvalidInput(_("kind: dispatch u order"))
    d = _delivery(actor, unit.id, kind, ref_id)
    d.received_at = d.received_at or now
    if d.acknowledged_at is None:
        d.acknowledged_at, d.acknowledged_by = now, actor.who
        actor.record(
            ACKNOWLEDGED,
            object_type="field_device",
            object_id=str(bound.device.id),
            details={"kind": kind, "ref": ref_id, "unit": unit.call_sign},
        )
        db.flush()
        events.emit(db, "delivery", delivery_out(d, unit))
    return delivery_out(d, unit)


def delivery_out(d: FieldDelivery, unit: Unit) -> dict[str, Any]:
    state_ = "acknowledged" if d.acknowledged_at else "received" if d.received_at else "sent"
    return {
        "unit_id": unit.id,
        "call_sign": unit.call_sign,
        "ref_kind": d.kind,
        "ref_id": d.ref_id,
        "state": state_,
        "received_at": d.received_at.isoformat() if d.received_at else None,
        "acknowledged_at": d.acknowledged_at.isoformat() if d.acknowledged_at else None,
    }


@dataclass(frozen=True)
class ReportIn:
    """One report as the phone made it: its own id, its real time, what it says."""

    client_id: str
    kind: str  # status | position | note | stop
    at: datetime
    status: str | None = None
    incident_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    text: str | None = None
    call_sign: str | None = None
    post_id: int | None = None  # a stop: the patrol post and the stop's place in it
    stop: int | None = None
    uof: dict[str, Any] | None = None  # a use-of-force report (field.schemas.UofIn)


def apply_reports(actor: Actor, bound: Bound, items: list[ReportIn]) -> list[dict[str, Any]]:
    """Apply the phone's reports in the order sent, each once: a client id seen before for
    this unit is answered with what happened then (``duplicate``), not applied again. Each
    report keeps its own time (never later than now, never more than ``MAX_CLOCK_SKEW``
    ahead: then refused); one that the server's rules refuse (the incident reassigned
    meanwhile, an illegal move) is answered ``conflict`` with the reason, and the rest go
    on."""
    if len(items) > MAX_BATCH:
        raise InvalidInput(_("items: a lo sumo {n} reportes por envío", n=MAX_BATCH))
    out = []
    for item in items:
        out.append(_apply_one(actor, bound, item))
    return out


def _apply_one(actor: Actor, bound: Bound, item: ReportIn) -> dict[str, Any]:
    unit, db = bound.unit, actor.db
    # The id alone first: almost every report is new, and the whole row is read only for
    # a duplicate's answer.
    seen_id = db.scalar(
        select(FieldReport.id)
        .where(FieldReport.unit_id == unit.id, FieldReport.client_id == item.client_id)
        .execution_options(**{EVERY_RECORD: True})
    )
    if seen_id is not None:
        seen = db.get(FieldReport, seen_id, execution_options={EVERY_RECORD: True})
        assert seen is not None  # in this transaction since the line above
        return _duplicate(seen)
    now = utcnow()
    at = to_utc(item.at)
    outcome, reason, ref = "applied", None, None
    try:
        if at > now + MAX_CLOCK_SKEW:
            raise InvalidInput(
                _(
                    "la hora del reporte ({when}) está en el futuro; revise el reloj del teléfono.",
                    when=at.isoformat(),
                )
            )
        at = min(at, now)  # a clock a little ahead is taken as now: never in the future
        ref = _apply(actor, bound, item, at)
    except (InvalidInput, Conflict, NotFound) as exc:
        outcome, reason = "conflict", str(exc)
    except Forbidden as exc:
        outcome, reason = "refused", str(exc)
    db.add(
        FieldReport(
            unit_id=unit.id,
            device_id=bound.device.id,
            client_id=item.client_id,
            kind=item.kind,
            value=(
                f"{item.post_id}:{item.stop}"
                if item.kind == "stop"
                else str(ref or "")
                if item.kind == "uof"
                else item.status or ""
            )[:40],
            incident_id=item.incident_id,
            recorded_at=at,
            received_at=now,
            outcome=outcome,
            reason=reason,
        )
    )
    db.flush()
    if outcome != "applied":
        actor.record(
            REPORT_REFUSED,
            object_type="field_device",
            object_id=str(bound.device.id),
            outcome="denied",
            details={"kind": item.kind, "client_id": item.client_id, "outcome": outcome},
        )
    return {
        "client_id": item.client_id,
        "outcome": outcome,
        "first_outcome": outcome,
        "reason": reason,
        "at": at.isoformat(),
        "report_id": ref,
    }


def _duplicate(seen: FieldReport) -> dict[str, Any]:
    """A report sent before: what happened then (and, for a use-of-force report or a
    photo, what it made), nothing applied again."""
    out: dict[str, Any] = {
        "client_id": seen.client_id,
        "outcome": "duplicate",
        "first_outcome": seen.outcome,
        "reason": seen.reason,
        "at": seen.recorded_at.isoformat(),
    }
    parts = seen.value.split(":") if seen.kind in ("uof", "photo") else []
    if parts and parts[0].isdigit():
        out["report_id"] = int(parts[0])
    if len(parts) > 1 and parts[1].isdigit():
        out["photo_id"] = int(parts[1])
        out["sha256"] = parts[2] if len(parts) > 2 else None
    return out


def _apply(actor: Actor, bound: Bound, item: ReportIn, at: datetime) -> int | None:
    unit = bound.unit
    if item.kind == "position":
        if item.lon is None or item.lat is None:
            raise InvalidInput(_("lon, lat: la posición lleva ambas coordenadas"))
        if item.call_sign and item.call_sign != unit.call_sign:
            raise Forbidden(
                _(
                    "Este equipo informa solo como {unit}, no como {other}.",
                    unit=unit.call_sign,
                    other=item.call_sign,
                )
            )
        fleet.apply_positions(
            actor, {unit.call_sign: unit}, [(unit.call_sign, item.lon, item.lat, at)]
        )
    elif item.kind == "status":
        _apply_status(actor, bound, item, at)
    elif item.kind == "note":
        text = (item.text or "").strip()
        if item.incident_id is None:
            raise InvalidInput(_("incident_id: la nota es sobre un incidente"))
        went = actor.db.scalar(
            select(Assignment.id).where(
                Assignment.unit_id == unit.id, Assignment.incident_id == item.incident_id
            )
        )
        if went is None:
            raise Conflict(
                _(
                    "{unit} no fue despachada al incidente {id}: la nota no se guardó.",
                    unit=unit.call_sign,
                    id=item.incident_id,
                )
            )
        inc = actor.get(Incident, item.incident_id, object_type="incident")
        dispatch.apply_note(actor, inc, text, at)
    elif item.kind == "stop":
        _apply_stop(actor, bound, item, at)
    elif item.kind == "uof":
        return _apply_uof(actor, bound, item, at)
    else:
        raise InvalidInput(_("kind: status, position, note, stop o uof"))
    return None


# --- the use-of-force report and its photos ----------------------------------------------


def _went(actor: Actor, unit: Unit, incident_id: int) -> bool:
    return (
        actor.db.scalar(
            select(Assignment.id)
            .where(Assignment.unit_id == unit.id, Assignment.incident_id == incident_id)
            .limit(1)
        )
        is not None
    )


def _refuse_incident(actor: Actor, bound: Bound, incident_id: int | None, why: str) -> NoReturn:
    """Another unit's incident: refused, and the refusal on record (in this unit of work:
    the caller answers the refusal, it does not fail the request; on SQLite a refusal
    written apart would wait for this unit of work's write lock)."""
    actor.record(
        ACCESS_DENIED,
        object_type="incident",
        object_id=str(incident_id) if incident_id is not None else None,
        outcome="denied",
        details={"reason": why, "unit": bound.unit.call_sign, "device": bound.device.id},
    )
    raise Forbidden(
        _(
            "{unit} no fue despachada al incidente {id}: solo la unidad que lo atendió informa "
            "sobre él desde el campo.",
            unit=bound.unit.call_sign,
            id=incident_id if incident_id is not None else "—",
        )
    )


def _closed_incident(actor: Actor, bound: Bound, incident_id: int | None) -> Incident:
    """The unit's own incident, closed: the only one its phone may report force on."""
    if incident_id is None:
        raise InvalidInput(_("incident_id: el informe es sobre un incidente"))
    if not _went(actor, bound.unit, incident_id):
        _refuse_incident(
            actor, bound, incident_id, "use-of-force report on another unit's incident"
        )
    inc = actor.get(Incident, incident_id, object_type="incident")
    if inc.status not in CLOSED:
        raise Conflict(
            _(
                "El incidente {id} aún no está cerrado: el informe de uso de la fuerza se "
                "inicia al cerrarlo (Atendido / despejado).",
                id=inc.id,
            )
        )
    return inc


def _apply_uof(actor: Actor, bound: Bound, item: ReportIn, at: datetime) -> int:
    """File the use-of-force report oversight requires for the unit's closed incident, by
    oversight's own rules (``apply_file_report``: once per incident, a grave outcome
    referred); the members named must have been on shift on the unit at the incident's
    time. The report's time is the phone's: the 24-hour deadline is judged by it."""
    inc = _closed_incident(actor, bound, item.incident_id)
    if item.uof is None:
        raise InvalidInput(_("uof: faltan los datos del informe"))
    data = UofIn.model_validate(item.uof)
    on_shift = {p.id for p in oversight.shift_members(actor.db, [bound.unit.id], inc.occurred_at)}
    for f in data.force:
        if f.personnel_id not in on_shift:
            raise InvalidInput(
                _(
                    "force: el efectivo {id} no estaba de turno en {unit} a la hora del "
                    "incidente: nombre solo a quienes estaban en la unidad.",
                    id=f.personnel_id,
                    unit=bound.unit.call_sign,
                )
            )
    try:
        filing = OversightReportIn(
            incident_id=inc.id,
            unit_id=bound.unit.id,
            reported_at=max(at, inc.occurred_at),  # never before the incident itself
            **data.model_dump(),
        )
    except ValidationError as exc:  # oversight's own shape: answered, the batch goes on
        raise InvalidInput(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        ) from None
    # A savepoint: oversight fills the pending report in before its last checks (the legal
    # basis's cover); a refusal then must leave it pending, while the batch goes on. Its
    # refusals come before anything is put on record.
    with actor.db.begin_nested():
        report = oversight.apply_file_report(actor, filing)
    return report.id


def uof_incidents(actor: Actor, bound: Bound, lang: str = "es") -> list[dict[str, Any]]:
    """The unit's closed incidents of the last ``UOF_DAYS`` days, newest first, each with
    its use-of-force report (due, filed or none) and the members on shift on the unit at
    its time (whom the report may name; the read of them on record)."""
    unit, db = bound.unit, actor.db
    since = utcnow() - timedelta(days=UOF_DAYS)
    ids = sorted(
        set(
            db.scalars(
                select(Assignment.incident_id).where(
                    Assignment.unit_id == unit.id, Assignment.dispatched_at >= since
                )
            )
        )
    )
    if not ids:
        return []
    incidents = list(
        db.scalars(
            select(Incident)
            .where(Incident.id.in_(ids), Incident.status.in_(CLOSED))
            .order_by(Incident.occurred_at.desc(), Incident.id.desc())
        )
    )
    reports = {
        r.incident_id: r
        for r in db.scalars(
            select(UofReport).where(
                UofReport.incident_id.in_([i.id for i in incidents] or [0]),
                UofReport.kind == "incident",
            )
        )
    }
    out, read = [], set()
    for inc in incidents:
        r = reports.get(inc.id)
        members = oversight.shift_members(db, [unit.id], inc.occurred_at)
        read |= {p.id for p in members}
        out.append(
            {
                "incident_id": inc.id,
                "category_label": inc.category_label
                or render(CATEGORY_LABELS[Category(inc.category)], lang),
                "address": inc.address,
                "occurred_at": inc.occurred_at.isoformat(),
                "status_label": render(STATUS_LABELS[Status(inc.status)], lang),
                "force_declared": r is not None,
                "report_id": r.id if r else None,
                "report_status": r.status if r else None,
                "photos": len(oversight.photos_of(db, r.id)) if r else 0,
                "members": [
                    {"id": p.id, "service_number": p.service_number, "name": p.name, "rank": p.rank}
                    for p in members
                ],
            }
        )
    if read:
        oversight.record_personnel_read(actor, sorted(read), f"field uof, unit {unit.call_sign}")
    return out


@dataclass(frozen=True)
class PhotoIn:
    """An evidence photo as the phone sent it: its own id and time, the report it belongs
    to (the client id of the report made on the phone, or the report's id), the bytes, and
    the place only if the officer chose to attach it."""

    client_id: str
    at: datetime
    data: bytes
    report_client_id: str | None = None
    report_id: int | None = None
    lat: float | None = None
    lon: float | None = None


def attach_photo(actor: Actor, bound: Bound, item: PhotoIn, max_bytes: int) -> dict[str, Any]:
    """Attach a photo to the unit's own use-of-force report, once per client id: cleaned
    (``citizens.photos.evidence``: only the pixels, the capture time read first), stored by
    oversight with the SHA-256 of the stored bytes in the audit event."""
    unit, db = bound.unit, actor.db
    seen = db.scalar(
        select(FieldReport).where(
            FieldReport.unit_id == unit.id, FieldReport.client_id == item.client_id
        )
    )
    if seen is not None:
        return _duplicate(seen)
    now = utcnow()
    at = to_utc(item.at)
    if at > now + MAX_CLOCK_SKEW:
        raise InvalidInput(
            _(
                "la hora de la foto ({when}) está en el futuro; revise el reloj del teléfono.",
                when=at.isoformat(),
            )
        )
    at = min(at, now)
    try:
        report = _photo_report(actor, bound, item)
    except Forbidden as exc:
        return _photo_refused(actor, bound, item, at, now, str(exc))
    try:
        clean = photos.evidence(item.data, max_bytes)
    except photos.PhotoRejected as exc:
        raise InvalidInput(_photo_refusal(str(exc), len(item.data), max_bytes)) from None
    with_place = item.lat is not None and item.lon is not None
    photo = oversight.apply_attach_photo(
        actor,
        report,
        clean.data,
        width=clean.width,
        height=clean.height,
        original_sha256=hashlib.sha256(item.data).hexdigest(),
        taken_at=to_utc(clean.taken_at) if clean.taken_at else at,
        latitude=item.lat if with_place else None,
        longitude=item.lon if with_place else None,
    )
    db.add(
        FieldReport(
            unit_id=unit.id,
            device_id=bound.device.id,
            client_id=item.client_id,
            kind="photo",
            # report:photo:first 16 hex of the hash (the column is short; the full hash is
            # in the photo row and in the audit event)
            value=f"{report.id}:{photo.id}:{photo.sha256[:16]}"[:40],
            incident_id=report.incident_id,
            recorded_at=at,
            received_at=now,
            outcome="applied",
            reason=None,
        )
    )
    db.flush()
    return {
        "client_id": item.client_id,
        "outcome": "applied",
        "first_outcome": "applied",
        "reason": None,
        "at": at.isoformat(),
        "report_id": report.id,
        "photo_id": photo.id,
        "sha256": photo.sha256,
    }


def _photo_refused(
    actor: Actor, bound: Bound, item: PhotoIn, at: datetime, now: datetime, reason: str
) -> dict[str, Any]:
    """A photo for a report that is not the unit's: answered ``refused`` (kept, so that a
    replay is answered the same), on record."""
    actor.db.add(
        FieldReport(
            unit_id=bound.unit.id,
            device_id=bound.device.id,
            client_id=item.client_id,
            kind="photo",
            value="",
            incident_id=None,
            recorded_at=at,
            received_at=now,
            outcome="refused",
            reason=reason,
        )
    )
    actor.db.flush()
    actor.record(
        REPORT_REFUSED,
        object_type="field_device",
        object_id=str(bound.device.id),
        outcome="denied",
        details={"kind": "photo", "client_id": item.client_id, "outcome": "refused"},
    )
    return {
        "client_id": item.client_id,
        "outcome": "refused",
        "first_outcome": "refused",
        "reason": reason,
        "at": at.isoformat(),
    }


def _photo_refusal(code: str, size: int, max_bytes: int) -> str:
    mb = max_bytes // (1024 * 1024)
    if code == "too_large":
        return photo_too_large(size, max_bytes)
    if code == "empty":
        return _("photo: la foto está vacía: tómela o elíjala de nuevo")
    if code == "too_many_pixels":
        return _("photo: la foto tiene más de 40 megapíxeles: envíe una más pequeña")
    return _(
        "photo: el archivo no es una foto (JPEG, PNG o WebP; se mira su contenido, no su "
        "nombre): elija una foto de hasta {mb} MB",
        mb=mb,
    )


def photo_too_large(size: int, max_bytes: int) -> str:
    megabytes = round(size / (1024 * 1024), 1)
    return _(
        "photo: la foto pesa {size} MB y el máximo es {mb} MB: envíe una más pequeña.",
        size=megabytes,
        mb=max_bytes // (1024 * 1024),
    )


def _photo_report(actor: Actor, bound: Bound, item: PhotoIn) -> UofReport:
    """The report a photo belongs to: the one the phone filed (by its client id: the photo
    follows it in the queue) or one of the unit's own incidents (by its id)."""
    db, unit = actor.db, bound.unit
    if item.report_client_id:
        filed = db.scalar(
            select(FieldReport).where(
                FieldReport.unit_id == unit.id,
                FieldReport.client_id == item.report_client_id,
                FieldReport.kind == "uof",
            )
        )
        if filed is None:
            raise Conflict(
                _("El informe de esta foto aún no llegó: la foto se envía después del informe.")
            )
        if filed.outcome != "applied" or not filed.value.isdigit():
            raise Conflict(
                _(
                    "El informe de esta foto no se presentó ({reason}): la foto no se guardó.",
                    reason=filed.reason or filed.outcome,
                )
            )
        report_id = int(filed.value)
    elif item.report_id is not None:
        report_id = item.report_id
    else:
        raise InvalidInput(_("report: diga a qué informe pertenece la foto"))
    r = db.get(UofReport, report_id)
    if r is None or r.incident_id is None or not _went(actor, unit, r.incident_id):
        _refuse_incident(
            actor, bound, r.incident_id if r else None, "photo for another unit's report"
        )
    return r


def _apply_stop(actor: Actor, bound: Bound, item: ReportIn, at: datetime) -> None:
    """A hot-spot stop made: it must be one of the unit's current plan, logged once."""
    found = _current_post(actor, bound.unit, at)
    if found is None or item.post_id != found[0].id:
        raise Conflict(
            _(
                "La parada no es del plan de patrullaje vigente de {unit}: no se registró.",
                unit=bound.unit.call_sign,
            )
        )
    post = found[0]
    count = len(json.loads(post.schedule or "[]"))
    if item.stop is None or not 0 <= item.stop < count:
        raise InvalidInput(_("stop: una parada del 0 al {last}", last=count - 1))
    done = actor.db.scalar(
        select(FieldReport.id).where(
            FieldReport.unit_id == bound.unit.id,
            FieldReport.kind == "stop",
            FieldReport.outcome == "applied",
            FieldReport.value == f"{post.id}:{item.stop}",
        )
    )
    if done is not None:
        raise Conflict(_("La parada {n} ya estaba registrada.", n=item.stop + 1))


def _apply_status(actor: Actor, bound: Bound, item: ReportIn, at: datetime) -> None:
    unit = bound.unit
    status = item.status or ""
    if status in UNIT_BUTTONS:
        fleet.apply_unit_status(actor, unit, status)
        return
    if status not in INCIDENT_BUTTONS:
        raise InvalidInput(
            _(
                "status: uno de {codes}",
                codes=", ".join([*INCIDENT_BUTTONS, *UNIT_BUTTONS]),
            )
        )
    if item.incident_id is None or unit.incident_id != item.incident_id:
        raise Conflict(
            _(
                "El incidente {id} ya no está asignado a {unit} (fue reasignado, retirado o "
                "cerrado): este cambio de estado no se aplicó.",
                id=item.incident_id if item.incident_id is not None else "—",
                unit=unit.call_sign,
            )
        )
    inc = actor.get(Incident, item.incident_id, object_type="incident")
    stamps = [inc.dispatched_at, inc.en_route_at, inc.on_scene_at]
    earlier = max((s for s in stamps if s is not None), default=None)
    if earlier is not None and at < earlier:
        at = earlier  # never before the step it follows: the KPIs subtract these stamps
    try:
        dispatch.apply_move(actor, inc, status, at=at)
    except InvalidInput as exc:
        raise Conflict(str(exc)) from exc


# --- the dispatcher's side ---------------------------------------------------------------


def _announce_device(actor: Actor, dev: FieldDevice, unit: Unit, online: bool) -> None:
    events.emit(
        actor.db,
        "field_device",
        {"id": dev.id, "unit_id": unit.id, "call_sign": unit.call_sign, "on_app": online},
    )


def devices(actor: Actor) -> list[dict[str, Any]]:
    """The devices signed in now (session live): officer, unit, since, until, last contact."""
    actor.require(DEVICES, object_type="field_device")
    now = utcnow()
    rows = actor.db.execute(
        select(FieldDevice, UserSession, User, Unit)
        .join(UserSession, UserSession.id == FieldDevice.session_id)
        .join(User, User.id == FieldDevice.user_id)
        .join(Unit, Unit.id == FieldDevice.unit_id)
        .where(UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        .order_by(Unit.call_sign, FieldDevice.id)
    ).all()
    return [
        {
            "id": dev.id,
            "officer": user.username,
            "officer_name": user.display_name,
            "unit_id": unit.id,
            "call_sign": unit.call_sign,
            "label": dev.label,
            "signed_in_at": dev.created_at.isoformat(),
            "ends_at": sess.expires_at.isoformat(),
            "last_contact_at": dev.last_contact_at.isoformat(),
        }
        for dev, sess, user, unit in rows
    ]


def revoke_device(actor: Actor, device_id: int) -> None:
    """End a device's token now: its next request is refused, its live stream ends."""
    actor.require(DEVICES, object_type="field_device", object_id=str(device_id))
    dev = actor.db.get(FieldDevice, device_id)
    if dev is None:
        raise NotFound(_("no existe el equipo de campo {id}", id=device_id))
    sess = actor.db.get(UserSession, dev.session_id)
    if sess is None or sess.revoked_at is not None:
        return  # already ended: nothing changes, nothing to log
    sess.revoked_at = utcnow()
    actor.record(
        DEVICE_REVOKED,
        object_type="field_device",
        object_id=str(dev.id),
        details={"session": sess.id, "user_id": dev.user_id},
    )
    unit = actor.db.get(Unit, dev.unit_id)
    if unit is not None:
        _announce_device(actor, dev, unit, False)


def deliveries(actor: Actor) -> list[dict[str, Any]]:
    """Per open dispatch: its delivery to the unit's phone (sent, received, acknowledged),
    whether the unit is on the app and its last contact."""
    actor.require(DEVICES, object_type="field_device")
    db, now = actor.db, utcnow()
    open_ = db.execute(
        select(Assignment, Unit)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.released_at.is_(None))
        .order_by(Assignment.id)
    ).all()
    on_app: dict[int, datetime] = {}
    for unit_id, last in db.execute(
        select(FieldDevice.unit_id, FieldDevice.last_contact_at)
        .join(UserSession, UserSession.id == FieldDevice.session_id)
        .where(UserSession.revoked_at.is_(None), UserSession.expires_at > now)
    ):
        if unit_id not in on_app or last > on_app[unit_id]:
            on_app[unit_id] = last
    ids = [a.id for a, _u in open_]
    found = {
        d.ref_id: d
        for d in db.scalars(
            select(FieldDelivery).where(
                FieldDelivery.kind == "dispatch", FieldDelivery.ref_id.in_(ids)
            )
        )
    }
    out = []
    for a, unit in open_:
        d = found.get(a.id) or FieldDelivery(unit_id=unit.id, kind="dispatch", ref_id=a.id)
        row = delivery_out(d, unit)
        contact = on_app.get(unit.id)
        row.update(
            incident_id=a.incident_id,
            dispatched_at=a.dispatched_at.isoformat(),
            on_app=contact is not None,
            last_contact_at=contact.isoformat() if contact else None,
        )
        out.append(row)
    return out
