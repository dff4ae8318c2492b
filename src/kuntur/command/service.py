"""Command tree, units, legal authorizations and orders.

Every state change goes through ``authz.require`` and lands in the audit log in
the same transaction; every change a map shows is announced with ``events.emit``.
A refused military tasking is audited in a transaction of its own, so the
attempt stays on record although nothing else happens.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuntur.audit import service as audit
from kuntur.audit.catalogue import EventType
from kuntur.command import legal
from kuntur.command.models import LegalAuthorization, Order, Unit
from kuntur.core import events
from kuntur.core.context import RequestContext
from kuntur.core.db import get_or_404
from kuntur.core.errors import Forbidden, InvalidInput
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.dispatch.cot import MAX_CLOCK_SKEW
from kuntur.dispatch.lifecycle import UnitStatus
from kuntur.dispatch.routing import TYPE_SPEED_KMH
from kuntur.geography import service as geo
from kuntur.identity import authz
from kuntur.identity.authz import Permission
from kuntur.identity.models import CommandUnit, User
from kuntur.identity.roles import AGENCIES

LEVELS = ("joint_command", "front", "division", "station")
CAPABILITIES = frozenset({"hostage", "extortion", "firearms", "riot", "medical", "k9", "traffic"})
EXPIRY_WARNING = timedelta(days=3)
POSITIONS_PER_EVENT = 40


def _require_own_units(db: Session, ctx: RequestContext, units: Sequence[Unit], what: str) -> None:
    """Positions and status are reported by a unit's own agency (its field units, its TAK
    gateway, its dispatchers): another agency's report about them is refused and audited."""
    if "system" in ctx.roles:
        return
    foreign = sorted(u.call_sign for u in units if u.agency_code != ctx.agency)
    if not foreign:
        return
    audit.record_apart(
        db,
        ctx,
        EventType.ACCESS_DENIED,
        object_type="unit",
        object_id=str(units[0].id) if len(units) == 1 else None,
        outcome="denied",
        details={"reason": f"{what} of another agency's units", "units": len(foreign)},
    )
    spanish = "posición" if what == "position" else "estado"
    raise Forbidden(
        f"Solo la institución de la unidad informa su {spanish} ({', '.join(foreign[:10])})."
        f" / Only a unit's own agency reports its {what}."
    )


def is_military(agency_code: str) -> bool:
    return AGENCIES.get(agency_code, ("", ""))[1] == "military"


# ---------------------------------------------------------------- command tree


def subtree(db: Session, node_id: int) -> set[int]:
    """``node_id`` and every node below it (the tree is small: read it whole)."""
    children: dict[int | None, list[int]] = {}
    for nid, parent in db.execute(select(CommandUnit.id, CommandUnit.parent_id)).all():
        children.setdefault(parent, []).append(nid)
    out, stack = set(), [node_id]
    while stack:
        n = stack.pop()
        if n not in out:
            out.add(n)
            stack.extend(children.get(n, []))
    return out


def create_node(
    db: Session,
    ctx: RequestContext,
    *,
    name: str,
    agency: str,
    level: str,
    parent_id: int | None,
    district: str | None = None,
) -> CommandUnit:
    authz.require(db, ctx, Permission.ORDERS_ISSUE, object_type="command_unit")
    if level not in LEVELS:
        raise InvalidInput(f"level: one of {', '.join(LEVELS)}")
    if agency not in AGENCIES:
        raise InvalidInput(f"agency: {agency!r} is not one of {', '.join(AGENCIES)}")
    if parent_id is not None and db.get(CommandUnit, parent_id) is None:
        raise InvalidInput(f"parent_id: no command node {parent_id}")
    node = CommandUnit(
        name=name, agency_code=agency, level=level, parent_id=parent_id, district_ubigeo=district
    )
    db.add(node)
    db.flush()
    return node


def tree(db: Session, ctx: RequestContext) -> list[dict[str, Any]]:
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="command_unit")
    rows = db.scalars(select(CommandUnit).order_by(CommandUnit.id)).all()
    return [
        {
            "id": n.id,
            "name": n.name,
            "agency": n.agency_code,
            "level": n.level,
            "parent_id": n.parent_id,
            "district": n.district_ubigeo,
        }
        for n in rows
    ]


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class UnitSpec:
    call_sign: str
    agency: str
    unit_type: str
    command_unit_id: int
    home_lon: float
    home_lat: float
    capabilities: tuple[str, ...] = ()
    personnel: int = 2
    shift: str = "24h"


# A row of a command tree: key, name, agency, level, parent key (None: the root), district.
TreeRow = tuple[str, str, str, str, str | None, str | None]


def create_tree(
    db: Session, ctx: RequestContext, rows: Sequence[TreeRow]
) -> dict[str, CommandUnit]:
    """Create command nodes from a table, parents before children; the nodes by key."""
    nodes: dict[str, CommandUnit] = {}
    for key, name, agency, level, parent, district in rows:
        if parent is not None and parent not in nodes:
            raise InvalidInput(f"{key}: parent {parent!r} must come earlier in the table")
        nodes[key] = create_node(
            db,
            ctx,
            name=name,
            agency=agency,
            level=level,
            parent_id=nodes[parent].id if parent else None,
            district=district,
        )
    return nodes


def create_unit(db: Session, ctx: RequestContext, spec: UnitSpec) -> Unit:
    authz.require(db, ctx, Permission.ORDERS_ISSUE, object_type="unit")
    errors = []
    if spec.agency not in AGENCIES:
        errors.append(f"agency: {spec.agency!r} unknown")
    if spec.unit_type not in TYPE_SPEED_KMH:
        errors.append(f"unit_type: one of {', '.join(TYPE_SPEED_KMH)}")
    bad = sorted(set(spec.capabilities) - CAPABILITIES)
    if bad:
        errors.append(f"capabilities: unknown {', '.join(bad)}")
    if db.get(CommandUnit, spec.command_unit_id) is None:
        errors.append(f"command_unit_id: no command node {spec.command_unit_id}")
    if db.scalar(select(Unit.id).where(Unit.call_sign == spec.call_sign)) is not None:
        errors.append(f"call_sign: {spec.call_sign!r} exists")
    if errors:
        raise InvalidInput("; ".join(errors))
    now = utcnow()
    unit = Unit(
        call_sign=spec.call_sign,
        agency_code=spec.agency,
        unit_type=spec.unit_type,
        capabilities=",".join(sorted(spec.capabilities)),
        personnel=spec.personnel,
        command_unit_id=spec.command_unit_id,
        home_lon=spec.home_lon,
        home_lat=spec.home_lat,
        shift=spec.shift,
        status=UnitStatus.AVAILABLE,
        lon=spec.home_lon,
        lat=spec.home_lat,
        position_at=now,
        updated_at=now,
    )
    db.add(unit)
    db.flush()
    audit.record(
        db,
        ctx,
        EventType.UNIT_CREATED,
        object_type="unit",
        object_id=str(unit.id),
        details={"call_sign": unit.call_sign, "agency": unit.agency_code},
    )
    events.emit(db, "unit", unit_out(unit))
    return unit


def unit_out(u: Unit) -> dict[str, Any]:
    return {
        "id": u.id,
        "call_sign": u.call_sign,
        "agency": u.agency_code,
        "military": is_military(u.agency_code),
        "unit_type": u.unit_type,
        "capabilities": [c for c in u.capabilities.split(",") if c],
        "personnel": u.personnel,
        "command_unit_id": u.command_unit_id,
        "shift": u.shift,
        "status": u.status,
        "lon": u.lon,
        "lat": u.lat,
        "position_at": u.position_at.isoformat() if u.position_at else None,
        "incident_id": u.incident_id,
    }


def list_units(
    db: Session, ctx: RequestContext, *, status: str | None = None, node_id: int | None = None
) -> Sequence[Unit]:
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="unit")
    q = select(Unit).order_by(Unit.call_sign)
    if status:
        q = q.where(Unit.status == status)
    if node_id is not None:
        q = q.where(Unit.command_unit_id.in_(subtree(db, node_id)))
    return db.scalars(q).all()


def get_unit(db: Session, ctx: RequestContext, unit_id: int) -> Unit:
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="unit")
    u = get_or_404(db, Unit, unit_id, f"unit {unit_id}")
    return u


def report_positions(
    db: Session, ctx: RequestContext, reports: Sequence[tuple[str, float, float, datetime | None]]
) -> int:
    """Positions by call sign (API and CoT); unknown call signs are an error naming them.

    Positions are high-volume telemetry: announced live, and audited once per report
    (a batch), not once per position: who reported how many positions for how many units.
    Only the units' own agency may report them, and never with a future date.
    """
    authz.require(db, ctx, Permission.UNITS_REPORT, object_type="unit")
    signs = [r[0] for r in reports]
    units = {u.call_sign: u for u in db.scalars(select(Unit).where(Unit.call_sign.in_(signs)))}
    unknown = sorted(set(signs) - set(units))
    if unknown:
        raise InvalidInput(f"unknown call signs: {', '.join(unknown[:10])}")
    _require_own_units(db, ctx, list(units.values()), "position")
    now = utcnow()
    moved: list[dict[str, Any]] = []
    for sign, lon, lat, at in reports:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidInput(f"{sign}: coordinates out of range ({lon}, {lat})")
        u = units[sign]
        when = to_utc(at) if at else now
        if when > now + MAX_CLOCK_SKEW:
            raise InvalidInput(
                f"{sign}: la hora del reporte ({when.isoformat()}) está en el futuro; revise el "
                f"reloj del equipo. / The report's time is in the future: check the device clock."
            )
        if u.position_at and when < u.position_at:
            continue  # an older report arriving late never moves a unit back
        u.lon, u.lat, u.position_at, u.updated_at = lon, lat, when, now
        moved.append(
            {
                "id": u.id,
                "call_sign": sign,
                "lon": lon,
                "lat": lat,
                "status": u.status,
                "at": when.isoformat(),
            }
        )
    # One live event per slice of a batch, not per position: a TAK gateway sends hundreds a
    # second, and every event is written to every open map (and must fit pg_notify's 8 kB).
    for i in range(0, len(moved), POSITIONS_PER_EVENT):
        events.emit(db, "positions", {"positions": moved[i : i + POSITIONS_PER_EVENT]})
    audit.record(
        db,
        ctx,
        EventType.UNIT_POSITIONS,
        object_type="unit",
        object_id=str(units[signs[0]].id) if len(units) == 1 else None,
        details={"reports": len(reports), "units": len(units), "moved": len(moved)},
    )
    return len(reports)


def set_unit_status(db: Session, ctx: RequestContext, unit_id: int, status: str) -> Unit:
    authz.require(db, ctx, Permission.UNITS_REPORT, object_type="unit", object_id=str(unit_id))
    if status not in UnitStatus.__members__.values():
        raise InvalidInput(f"status: one of {', '.join(UnitStatus)}")
    u = get_unit(db, ctx, unit_id)
    _require_own_units(db, ctx, [u], "status")
    if u.incident_id is not None and status in (UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY):
        raise InvalidInput(
            f"{u.call_sign} is assigned to incident {u.incident_id}: clear or recall it first"
        )
    old, u.status, u.updated_at = u.status, status, utcnow()
    audit.record(
        db,
        ctx,
        EventType.UNIT_STATUS,
        object_type="unit",
        object_id=str(u.id),
        details={"from": old, "to": status},
    )
    events.emit(db, "unit", unit_out(u))
    return u


def readiness(db: Session, ctx: RequestContext) -> dict[str, Any]:
    """Units by status and agency, per command node (with its subtree) and per district."""
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="unit")
    units = db.execute(
        select(Unit.command_unit_id, Unit.agency_code, Unit.status, Unit.lon, Unit.lat)
    ).all()
    nodes = db.scalars(select(CommandUnit)).all()
    parent = {n.id: n.parent_id for n in nodes}

    def ancestors(nid: int) -> list[int]:
        out = []
        cur: int | None = nid
        while cur is not None and cur not in out:
            out.append(cur)
            cur = parent.get(cur)
        return out

    by_node: dict[int, dict[str, dict[str, int]]] = {}
    for nid, agency, status, _lon, _lat in units:
        for a in ancestors(nid):
            cell = by_node.setdefault(a, {}).setdefault(agency, {})
            cell[status] = cell.get(status, 0) + 1
    lons = [u[3] for u in units if u[3] is not None]
    lats = [u[4] for u in units if u[4] is not None]
    districts: list[object] = list(geo.locate(lons, lats)) if lons else []
    by_district: dict[str, dict[str, dict[str, int]]] = {}
    placed = [u for u in units if u[3] is not None]
    for (_nid, agency, status, _lon, _lat), d in zip(placed, districts, strict=True):
        cell = by_district.setdefault(str(d or "-"), {}).setdefault(agency, {})
        cell[status] = cell.get(status, 0) + 1
    names = {n.id: n.name for n in nodes}
    return {
        "nodes": [
            {"id": nid, "name": names.get(nid, "?"), "by_agency": v} for nid, v in by_node.items()
        ],
        "districts": [
            {"ubigeo": d, "name": _district_name(d), "by_agency": v}
            for d, v in sorted(by_district.items())
        ],
    }


# ---------------------------------------------------------------- legal authorizations


def _district_name(ubigeo: str) -> str:
    d = geo.get_district(ubigeo)
    return d.name if d else ubigeo


def _area(districts: Sequence[str], polygon: dict[str, Any] | None) -> tuple[Any, str]:
    if polygon is not None:
        try:
            geom = shape(polygon)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidInput(f"area: not a GeoJSON polygon ({exc})") from exc
        return geom, "polígono"
    shapes, names = [], []
    for d in districts:
        found = [d] if geo.district_geometry(d) else [x.ubigeo for x in geo.find_districts(d)]
        geom = geo.district_geometry(found[0]) if found else None
        if geom is None:
            raise InvalidInput(f"area: unknown district {d!r}")
        shapes.append(shape(geom))
        names.append(_district_name(found[0]))
    if not shapes:
        return None, ""
    label = ", ".join(names[:4]) + (f" y {len(names) - 4} más" if len(names) > 4 else "")
    return shapely.union_all(shapes), label


def create_authorization(
    db: Session,
    ctx: RequestContext,
    *,
    kind: str,
    number: str,
    starts_at: datetime,
    ends_at: datetime,
    forces_role: str,
    districts: Sequence[str] = (),
    polygon: dict[str, Any] | None = None,
    area_label: str | None = None,
    restricted_rights: Sequence[str] = (),
    purpose: str | None = None,
) -> LegalAuthorization:
    """Record a decree or resolution; an invalid one is refused with every reason (audited)."""
    authz.require(db, ctx, Permission.LEGAL_WRITE, object_type="legal_authorization")
    area, label = _area(districts, polygon)
    starts_at, ends_at = to_utc(starts_at), to_utc(ends_at)
    reasons = legal.problems(
        kind=kind,
        number=number,
        area=area,
        starts_at=starts_at,
        ends_at=ends_at,
        forces_role=forces_role,
        restricted_rights=set(restricted_rights),
        purpose=purpose,
    )
    if reasons:
        with Session(db.get_bind()) as side, side.begin():
            audit.record(
                side,
                ctx,
                EventType.AUTHORIZATION_REFUSED,
                object_type="legal_authorization",
                outcome="refused",
                details={"number": number, "kind": kind, "reasons": reasons},
            )
        raise InvalidInput("; ".join(reasons))
    row = LegalAuthorization(
        kind=kind,
        number=number.strip(),
        area_geojson=json.dumps(mapping(area)),
        area_label=area_label or label,
        starts_at=starts_at,
        ends_at=ends_at,
        forces_role=forces_role,
        restricted_rights=",".join(sorted(restricted_rights)),
        purpose=purpose,
        created_by=ctx.actor,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        ctx,
        EventType.AUTHORIZATION_CREATED,
        object_type="legal_authorization",
        object_id=str(row.id),
        details={"number": row.number, "kind": kind, "ends_at": ends_at.isoformat()},
    )
    events.emit(db, "authorization", {"id": row.id, "number": row.number})
    return row


def revoke_authorization(db: Session, ctx: RequestContext, auth_id: int) -> LegalAuthorization:
    authz.require(db, ctx, Permission.LEGAL_WRITE, object_type="legal_authorization")
    row = get_or_404(db, LegalAuthorization, auth_id, f"authorization {auth_id}")
    row.revoked = True
    audit.record(
        db,
        ctx,
        EventType.AUTHORIZATION_REVOKED,
        object_type="legal_authorization",
        object_id=str(row.id),
        details={"number": row.number},
    )
    events.emit(db, "authorization", {"id": row.id, "number": row.number, "revoked": True})
    return row


def as_legal(row: LegalAuthorization) -> legal.Authorization:
    return legal.Authorization(
        id=row.id,
        kind=row.kind,
        number=row.number,
        area=shape(json.loads(row.area_geojson)),
        area_label=row.area_label,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        forces_role=row.forces_role,
        restricted_rights=frozenset(r for r in row.restricted_rights.split(",") if r),
        purpose=row.purpose,
        revoked=row.revoked,
    )


_PARSED: dict[tuple[int, bool, datetime, datetime], legal.Authorization] = {}


def authorizations(db: Session) -> list[legal.Authorization]:
    """Every recorded authorization, for the legal checks (no permission: internal).

    Areas are parsed and prepared once per (id, revoked, term): every dispatch
    recommendation checks them, and a metropolitan polygon costs milliseconds to parse.
    """
    out = []
    rows = db.execute(
        select(
            LegalAuthorization.id,
            LegalAuthorization.revoked,
            LegalAuthorization.starts_at,
            LegalAuthorization.ends_at,
        )
    ).all()
    for aid, revoked, starts, ends in rows:
        key = (aid, bool(revoked), starts, ends)
        hit = _PARSED.get(key)
        if hit is None:
            row = db.get(LegalAuthorization, aid)
            assert row is not None
            hit = as_legal(row)
            shapely.prepare(hit.area)
            _PARSED[key] = hit
        out.append(hit)
    return out


def authorization_out(row: LegalAuthorization, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    active = not row.revoked and row.starts_at <= now < row.ends_at
    return {
        "id": row.id,
        "kind": row.kind,
        "number": row.number,
        "area_label": row.area_label,
        "area": json.loads(row.area_geojson),
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "forces_role": row.forces_role,
        "restricted_rights": [r for r in row.restricted_rights.split(",") if r],
        "purpose": row.purpose,
        "revoked": row.revoked,
        "active": active,
        "expires_soon": active and row.ends_at - now <= EXPIRY_WARNING,
    }


def list_authorizations(db: Session, ctx: RequestContext) -> list[dict[str, Any]]:
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="legal_authorization")
    rows = db.scalars(select(LegalAuthorization).order_by(LegalAuthorization.ends_at.desc()))
    return [authorization_out(r) for r in rows]


def refuse_military(
    db: Session, ctx: RequestContext, *, what: str, unit: Unit, reason: str, **details: Any
) -> Forbidden:
    """Audit a refused military tasking in its own transaction; returns the error to raise."""
    with Session(db.get_bind()) as side, side.begin():
        audit.record(
            side,
            ctx,
            EventType.MILITARY_REFUSED,
            object_type="unit",
            object_id=str(unit.id),
            outcome="refused",
            details={"what": what, "call_sign": unit.call_sign, "reason": reason, **details},
        )
    return Forbidden(f"{unit.call_sign} ({unit.agency_code}) may not be {what}: {reason}")


def check_military(
    db: Session,
    ctx: RequestContext,
    unit: Unit,
    lon: float,
    lat: float,
    start: datetime,
    end: datetime,
    what: str,
) -> int | None:
    """The legal basis id for a military unit at this place and time, or a refusal."""
    if not is_military(unit.agency_code):
        return None
    auths = authorizations(db)
    basis = legal.basis_for(auths, lon, lat, start, end)
    if basis is None:
        raise refuse_military(
            db,
            ctx,
            what=what,
            unit=unit,
            reason=legal.refusal(auths, lon, lat, start, end),
            lon=lon,
            lat=lat,
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return basis.id


# ---------------------------------------------------------------- orders


def _actor_node(db: Session, ctx: RequestContext) -> int | None:
    if ctx.user_id is None:
        return None
    user = db.get(User, ctx.user_id)
    return user.unit_id if user else None


def _refuse_order(db: Session, ctx: RequestContext, issuer_node_id: int, reason: str) -> None:
    """An order outside the chain of command is refused and stays on record."""
    audit.record_apart(
        db,
        ctx,
        EventType.ACCESS_DENIED,
        object_type="command_node",
        object_id=str(issuer_node_id),
        outcome="denied",
        details={"reason": f"order out of the chain of command: {reason}"},
    )


def issue_order(
    db: Session,
    ctx: RequestContext,
    *,
    issuer_node_id: int,
    kind: str,
    text: str,
    starts_at: datetime,
    ends_at: datetime,
    target_node_id: int | None = None,
    target_unit_id: int | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> Order:
    """An order from a node to its own subtree; military units need a legal basis."""
    authz.require(db, ctx, Permission.ORDERS_ISSUE, object_type="order")
    if (target_node_id is None) == (target_unit_id is None):
        raise InvalidInput("give exactly one of target_node_id, target_unit_id")
    starts_at, ends_at = to_utc(starts_at), to_utc(ends_at)
    if ends_at <= starts_at:
        raise InvalidInput("ends_at: must be after starts_at")
    if not text.strip():
        raise InvalidInput("text: the order says what to do")
    if db.get(CommandUnit, issuer_node_id) is None:
        raise InvalidInput(f"issuer_node_id: no command node {issuer_node_id}")
    mine = _actor_node(db, ctx)
    if "system" not in ctx.roles and (mine is None or issuer_node_id not in subtree(db, mine)):
        _refuse_order(db, ctx, issuer_node_id, "issuer is not the actor's node or below it")
        raise Forbidden(
            "Solo puede emitir órdenes desde su propio nodo de mando o uno que dependa de él."
            " / You may issue orders only from your own command node or below it."
        )
    below = subtree(db, issuer_node_id)
    unit = db.get(Unit, target_unit_id) if target_unit_id is not None else None
    if target_unit_id is not None and unit is None:
        raise InvalidInput(f"target_unit_id: no unit {target_unit_id}")
    target_node = unit.command_unit_id if unit else target_node_id
    if target_node not in below or (target_node == issuer_node_id and unit is None):
        _refuse_order(db, ctx, issuer_node_id, "target is not below the issuer")
        raise Forbidden(
            "Las órdenes bajan por la cadena de mando: el destino no depende del emisor."
            " / Orders go down the chain of command: the target is not below the issuer."
        )
    basis_id = None
    military_targets = (
        [unit]
        if unit
        else [
            u
            for u in db.scalars(
                select(Unit).where(Unit.command_unit_id.in_(subtree(db, target_node)))
            )
            if is_military(u.agency_code)
        ]
    )
    for u in military_targets:
        if u is None or not is_military(u.agency_code):
            continue
        if lon is None or lat is None:
            raise InvalidInput("lon, lat: an order to armed-forces units names its place")
        basis_id = check_military(db, ctx, u, lon, lat, starts_at, ends_at, "tasked")
    order = Order(
        issuer_node_id=issuer_node_id,
        target_node_id=target_node_id,
        target_unit_id=target_unit_id,
        kind=kind,
        text=text.strip(),
        lon=lon,
        lat=lat,
        starts_at=starts_at,
        ends_at=ends_at,
        legal_basis_id=basis_id,
        status="issued",
        issued_by=ctx.actor,
        issued_at=utcnow(),
    )
    db.add(order)
    db.flush()
    audit.record(
        db,
        ctx,
        EventType.ORDER_ISSUED,
        object_type="order",
        object_id=str(order.id),
        details={
            "issuer": issuer_node_id,
            "target_node": target_node_id,
            "target_unit": target_unit_id,
            "legal_basis": basis_id,
        },
    )
    events.emit(db, "order", order_out(order))
    return order


def _for_receiver(db: Session, ctx: RequestContext, order_id: int, expected: str) -> Order:
    """The order, if it is ``expected`` and ``ctx`` belongs to its receiving chain: the
    target node or one above it, but never the issuer's own desk."""
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="order", object_id=str(order_id))
    order = get_or_404(db, Order, order_id, f"order {order_id}")
    if order.status != expected:
        raise InvalidInput(f"order {order_id} is {order.status}, not {expected}")
    target = order.target_node_id
    if target is None and order.target_unit_id is not None:
        unit = db.get(Unit, order.target_unit_id)
        target = unit.command_unit_id if unit else None
    mine = _actor_node(db, ctx)
    if "system" not in ctx.roles and (
        mine is None or target not in subtree(db, mine) or mine == order.issuer_node_id
    ):
        raise Forbidden("only the receiving unit's chain answers an order")
    return order


def acknowledge_order(db: Session, ctx: RequestContext, order_id: int) -> Order:
    order = _for_receiver(db, ctx, order_id, "issued")
    order.status, order.acknowledged_by, order.acknowledged_at = "acknowledged", ctx.actor, utcnow()
    audit.record(
        db, ctx, EventType.ORDER_ACKNOWLEDGED, object_type="order", object_id=str(order.id)
    )
    events.emit(db, "order", order_out(order))
    return order


def complete_order(db: Session, ctx: RequestContext, order_id: int) -> Order:
    """The receiving chain reports the order carried out (after acknowledging it)."""
    order = _for_receiver(db, ctx, order_id, "acknowledged")
    order.status, order.completed_at = "completed", utcnow()
    audit.record(db, ctx, EventType.ORDER_COMPLETED, object_type="order", object_id=str(order.id))
    events.emit(db, "order", order_out(order))
    return order


def order_out(o: Order) -> dict[str, Any]:
    return {
        "id": o.id,
        "issuer_node_id": o.issuer_node_id,
        "target_node_id": o.target_node_id,
        "target_unit_id": o.target_unit_id,
        "kind": o.kind,
        "text": o.text,
        "lon": o.lon,
        "lat": o.lat,
        "starts_at": o.starts_at.isoformat(),
        "ends_at": o.ends_at.isoformat(),
        "legal_basis_id": o.legal_basis_id,
        "status": o.status,
        "issued_by": o.issued_by,
        "issued_at": o.issued_at.isoformat(),
        "acknowledged_by": o.acknowledged_by,
        "acknowledged_at": o.acknowledged_at.isoformat() if o.acknowledged_at else None,
        "completed_at": o.completed_at.isoformat() if o.completed_at else None,
    }


def list_orders(db: Session, ctx: RequestContext, limit: int = 100) -> list[dict[str, Any]]:
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="order")
    rows = db.scalars(select(Order).order_by(Order.id.desc()).limit(limit))
    return [order_out(o) for o in rows]


def count_units(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(Unit)) or 0)
