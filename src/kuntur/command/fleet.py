"""Units and their readiness: creation, positions and status (only from their own agency),
the readiness board by node and district."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuntur.audit.manifest import ACCESS_DENIED
from kuntur.command.manifest import (
    COMMAND_READ,
    ORDERS_ISSUE,
    UNIT_CREATED,
    UNIT_POSITIONS,
    UNIT_STATUS,
    UNITS_REPORT,
)
from kuntur.command.models import CommandUnit, Unit
from kuntur.command.tree import subtree
from kuntur.command.units import MAX_CLOCK_SKEW, TYPE_SPEED_KMH, UnitStatus
from kuntur.core import events
from kuntur.core.db import get_or_404
from kuntur.core.errors import Forbidden, InvalidInput
from kuntur.core.i18n import N_, _, both, render
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.identity.roles import AGENCIES

CAPABILITIES = frozenset({"hostage", "extortion", "firearms", "riot", "medical", "k9", "traffic"})
POSITIONS_PER_EVENT = 40


def district_name(ubigeo: str) -> str:
    d = geo.get_district(ubigeo)
    return d.name if d else ubigeo


def is_military(agency_code: str) -> bool:
    return AGENCIES.get(agency_code, ("", ""))[1] == "military"


def _require_own_units(actor: Actor, units: Sequence[Unit], what: str) -> None:
    """Positions and status are reported by a unit's own agency (its field units, its TAK
    gateway, its dispatchers): another agency's report about them is refused and audited."""
    if actor.is_system:
        return
    foreign = sorted(u.call_sign for u in units if u.agency_code != actor.agency)
    if not foreign:
        return
    actor.record_apart(
        ACCESS_DENIED,
        object_type="unit",
        object_id=str(units[0].id) if len(units) == 1 else None,
        outcome="denied",
        details={"reason": f"{what} of another agency's units", "units": len(foreign)},
    )
    signs = ", ".join(foreign[:10])
    raise Forbidden(
        _("Solo la institución de la unidad informa su posición ({units}).", units=signs)
        if what == "position"
        else _("Solo la institución de la unidad informa su estado ({units}).", units=signs)
    )


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


def create_unit(actor: Actor, spec: UnitSpec) -> Unit:
    db = actor.db
    actor.require(ORDERS_ISSUE, object_type="unit")
    errors: list[tuple[str, dict[str, object]]] = []
    if spec.agency not in AGENCIES:
        errors.append((N_("agency: entidad desconocida {agency!r}"), {"agency": spec.agency}))
    if spec.unit_type not in TYPE_SPEED_KMH:
        errors.append((N_("unit_type: uno de {types}"), {"types": ", ".join(TYPE_SPEED_KMH)}))
    bad = sorted(set(spec.capabilities) - CAPABILITIES)
    if bad:
        errors.append((N_("capabilities: desconocidas {codes}"), {"codes": ", ".join(bad)}))
    if db.get(CommandUnit, spec.command_unit_id) is None:
        errors.append(
            (N_("command_unit_id: no hay nodo de mando {id}"), {"id": spec.command_unit_id})
        )
    if db.scalar(select(Unit.id).where(Unit.call_sign == spec.call_sign)) is not None:
        errors.append((N_("call_sign: {sign!r} ya existe"), {"sign": spec.call_sign}))
    if errors:  # every reason in Spanish, then every reason in English
        raise InvalidInput(
            both(lambda lang: "; ".join(render(text, lang, **v) for text, v in errors))
        )
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
    actor.record(
        UNIT_CREATED,
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
    actor: Actor, *, status: str | None = None, node_id: int | None = None
) -> Sequence[Unit]:
    db = actor.db
    actor.require(COMMAND_READ, object_type="unit")
    q = select(Unit).order_by(Unit.call_sign)
    if status:
        q = q.where(Unit.status == status)
    if node_id is not None:
        q = q.where(Unit.command_unit_id.in_(subtree(db, node_id)))
    return db.scalars(q).all()


def get_unit(actor: Actor, unit_id: int) -> Unit:
    actor.require(COMMAND_READ, object_type="unit")
    u = get_or_404(actor.db, Unit, unit_id, f"unit {unit_id}")
    return u


def report_positions(
    actor: Actor, reports: Sequence[tuple[str, float, float, datetime | None]]
) -> int:
    """Positions by call sign (API and CoT); unknown call signs are an error naming them.

    Positions are high-volume telemetry: announced live, and audited once per report
    (a batch), not once per position: who reported how many positions for how many units.
    Only the units' own agency may report them, and never with a future date.
    """
    db = actor.db
    actor.require(UNITS_REPORT, object_type="unit")
    signs = [r[0] for r in reports]
    units = {u.call_sign: u for u in db.scalars(select(Unit).where(Unit.call_sign.in_(signs)))}
    unknown = sorted(set(signs) - set(units))
    if unknown:
        raise InvalidInput(_("indicativos desconocidos: {signs}", signs=", ".join(unknown[:10])))
    _require_own_units(actor, list(units.values()), "position")
    return apply_positions(actor, units, reports)


def apply_positions(
    actor: Actor,
    units: dict[str, Unit],
    reports: Sequence[tuple[str, float, float, datetime | None]],
) -> int:
    """Move ``units`` (by call sign) to the reported places: the rules every report meets
    (coordinates in range, never dated in the future beyond ``MAX_CLOCK_SKEW``, an older
    report never moves a unit back), announced live and audited once. The caller has
    checked who may report for these units: ``report_positions`` (the unit's agency) or
    the field app (the unit its device token is bound to)."""
    db = actor.db
    signs = [r[0] for r in reports]
    now = utcnow()
    moved: list[dict[str, Any]] = []
    for sign, lon, lat, at in reports:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidInput(
                _("{sign}: coordenadas fuera de rango ({lon}, {lat})", sign=sign, lon=lon, lat=lat)
            )
        u = units[sign]
        when = to_utc(at) if at else now
        if when > now + MAX_CLOCK_SKEW:
            raise InvalidInput(
                _(
                    "{sign}: la hora del reporte ({when}) está en el futuro; revise el reloj del "
                    "equipo.",
                    sign=sign,
                    when=when.isoformat(),
                )
            )
        if u.position_at and when < u.position_at:
            continue  # an older report arriving late never moves a unit back
        u.lon, u.lat, u.position_at, u.updated_at = lon, lat, when, now
        # No status: a position changes none, and the status read here could be older than
        # a dispatch that commits meanwhile, whose own event says the newer one.
        moved.append(
            {"id": u.id, "call_sign": sign, "lon": lon, "lat": lat, "at": when.isoformat()}
        )
    # Announced with the positions of this process's other commits of the moment, a slice
    # per event: 2,000 phones every 10 s and a TAK gateway's hundreds a second, and every
    # event is written to every open map (and must fit pg_notify's 8 kB).
    events.emit_merged(db, "positions", "positions", moved, POSITIONS_PER_EVENT)
    actor.record(
        UNIT_POSITIONS,
        object_type="unit",
        object_id=str(units[signs[0]].id) if len(units) == 1 else None,
        details={"reports": len(reports), "units": len(units), "moved": len(moved)},
    )
    return len(reports)


def set_unit_status(actor: Actor, unit_id: int, status: str) -> Unit:
    actor.require(UNITS_REPORT, object_type="unit", object_id=str(unit_id))
    if status not in UnitStatus.__members__.values():
        raise InvalidInput(_("status: uno de {statuses}", statuses=", ".join(UnitStatus)))
    u = get_unit(actor, unit_id)
    _require_own_units(actor, [u], "status")
    return apply_unit_status(actor, u, status)


def apply_unit_status(actor: Actor, u: Unit, status: str) -> Unit:
    """A unit's new status, by the rules every report meets (a unit on an incident is not
    made available or off duty); audited and announced. The caller has checked who may
    report for the unit (``set_unit_status``; the field app for its device's unit)."""
    if status not in UnitStatus.__members__.values():
        raise InvalidInput(_("status: uno de {statuses}", statuses=", ".join(UnitStatus)))
    if u.incident_id is not None and status in (UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY):
        raise InvalidInput(
            _(
                "{unit} está asignada al incidente {incident}: libérela o hágala volver antes",
                unit=u.call_sign,
                incident=u.incident_id,
            )
        )
    old, u.status, u.updated_at = u.status, status, utcnow()
    actor.record(
        UNIT_STATUS,
        object_type="unit",
        object_id=str(u.id),
        details={"from": old, "to": status},
    )
    events.emit(actor.db, "unit", unit_out(u))
    return u


def readiness(actor: Actor) -> dict[str, Any]:
    """Units by status and agency, per command node (with its subtree) and per district."""
    db = actor.db
    actor.require(COMMAND_READ, object_type="unit")
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
            {"ubigeo": d, "name": district_name(d), "by_agency": v}
            for d, v in sorted(by_district.items())
        ],
    }


def count_units(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(Unit)) or 0)
