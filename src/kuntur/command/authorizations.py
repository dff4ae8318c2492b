"""Legal bases for military action as records: states of emergency and Resoluciones
Supremas (invalid ones refused with reasons), and the check every military tasking passes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.command import legal
from kuntur.command.fleet import district_name, is_military
from kuntur.command.manifest import (
    AUTHORIZATION_CREATED,
    AUTHORIZATION_REFUSED,
    AUTHORIZATION_REVOKED,
    COMMAND_READ,
    LEGAL_WRITE,
    MILITARY_REFUSED,
)
from kuntur.command.models import LegalAuthorization, Unit
from kuntur.core import events
from kuntur.core.db import get_or_404
from kuntur.core.errors import Forbidden, InvalidInput
from kuntur.core.i18n import _, both
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor

EXPIRY_WARNING = timedelta(days=3)


def _area(districts: Sequence[str], polygon: dict[str, Any] | None) -> tuple[Any, str]:
    if polygon is not None:
        try:
            geom = shape(polygon)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise InvalidInput(_("area: no es un polígono GeoJSON ({exc})", exc=exc)) from exc
        return geom, "polígono"
    shapes, names = [], []
    for d in districts:
        found = [d] if geo.district_geometry(d) else [x.ubigeo for x in geo.find_districts(d)]
        geom = geo.district_geometry(found[0]) if found else None
        if geom is None:
            raise InvalidInput(_("area: distrito desconocido {district!r}", district=d))
        shapes.append(shape(geom))
        names.append(district_name(found[0]))
    if not shapes:
        return None, ""
    label = ", ".join(names[:4]) + (f" y {len(names) - 4} más" if len(names) > 4 else "")
    return shapely.union_all(shapes), label


def create_authorization(
    actor: Actor,
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
    db = actor.db
    actor.require(LEGAL_WRITE, object_type="legal_authorization")
    area, label = _area(districts, polygon)
    starts_at, ends_at = to_utc(starts_at), to_utc(ends_at)

    def reasons(lang: str | None = None) -> list[str]:
        return legal.problems(
            kind=kind,
            number=number,
            area=area,
            starts_at=starts_at,
            ends_at=ends_at,
            forces_role=forces_role,
            restricted_rights=set(restricted_rights),
            purpose=purpose,
            lang=lang,
        )

    if found := reasons():  # each "es / en", as the audit log keeps it
        actor.record_apart(
            AUTHORIZATION_REFUSED,
            object_type="legal_authorization",
            outcome="refused",
            details={"number": number, "kind": kind, "reasons": found},
        )
        # Every reason in Spanish, then every reason in English.
        raise InvalidInput(both(lambda lang: "; ".join(reasons(lang))))
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
        created_by=actor.who,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    actor.record(
        AUTHORIZATION_CREATED,
        object_type="legal_authorization",
        object_id=str(row.id),
        details={"number": row.number, "kind": kind, "ends_at": ends_at.isoformat()},
    )
    events.emit(db, "authorization", {"id": row.id, "number": row.number})
    return row


def revoke_authorization(actor: Actor, auth_id: int) -> LegalAuthorization:
    db = actor.db
    actor.require(LEGAL_WRITE, object_type="legal_authorization")
    row = get_or_404(db, LegalAuthorization, auth_id, f"authorization {auth_id}")
    row.revoked = True
    actor.record(
        AUTHORIZATION_REVOKED,
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


def list_authorizations(actor: Actor) -> list[dict[str, Any]]:
    actor.require(COMMAND_READ, object_type="legal_authorization")
    rows = actor.db.scalars(select(LegalAuthorization).order_by(LegalAuthorization.ends_at.desc()))
    return [authorization_out(r) for r in rows]


# What was refused, in Spanish (a unit: feminine), by the English word callers pass.
WHAT_ES = {"tasked": "asignada", "dispatched": "despachada", "planned": "planificada"}


def refuse_military(
    actor: Actor, *, what: str, unit: Unit, reason: str | tuple[str, str], **details: Any
) -> Forbidden:
    """Audit a refused military tasking in its own transaction; returns the error to raise,
    Spanish first, then English. ``reason``: one text, or a (Spanish, English) pair."""
    es, en = (reason, reason) if isinstance(reason, str) else reason
    both = es if es == en else f"{es} / {en}"
    actor.record_apart(
        MILITARY_REFUSED,
        object_type="unit",
        object_id=str(unit.id),
        outcome="refused",
        details={"what": what, "call_sign": unit.call_sign, "reason": both, **details},
    )
    who = f"{unit.call_sign} ({unit.agency_code})"
    return Forbidden(
        f"{who} no puede ser {WHAT_ES.get(what, what)}: {es} / {who} may not be {what}: {en}"
    )


def check_military(
    actor: Actor,
    unit: Unit,
    lon: float,
    lat: float,
    start: datetime,
    end: datetime,
    what: str,
) -> int | None:
    """The legal basis id for a military unit at this place and time, or a refusal."""
    db = actor.db
    if not is_military(unit.agency_code):
        return None
    auths = authorizations(db)
    basis = legal.basis_for(auths, lon, lat, start, end)
    if basis is None:
        raise refuse_military(
            actor,
            what=what,
            unit=unit,
            reason=legal.refusal_texts(auths, lon, lat, start, end),
            lon=lon,
            lat=lat,
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return basis.id
