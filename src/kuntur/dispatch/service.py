"""Incidents through their lifecycle, dispatch recommendations and assignments.

Every move is checked against ``lifecycle.INCIDENT_MOVES``, stamped, audited and
announced live. A military unit is dispatched only with a legal basis that covers
the incident's place for the tasking's expected duration; a refusal is audited.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import threading
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Table, select, update
from sqlalchemy.orm import Session

from kuntur.command import legal
from kuntur.command import service as command
from kuntur.command.manifest import COMMAND_READ
from kuntur.command.models import Unit
from kuntur.command.units import UnitStatus
from kuntur.config import get_settings
from kuntur.core import events
from kuntur.core.db import get_or_404
from kuntur.core.errors import Conflict, InvalidInput
from kuntur.core.i18n import _, both
from kuntur.core.timeutil import utcnow
from kuntur.dispatch import lifecycle, recommend
from kuntur.dispatch.manifest import (
    DISPATCH,
    INCIDENT_DISPATCHED,
    INCIDENT_MERGED,
    INCIDENT_NOTE,
    INCIDENT_PRIORITY,
    INCIDENT_STATUS,
)
from kuntur.dispatch.models import Assignment, IncidentNote
from kuntur.dispatch.routing import RoadGraph
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Status
from kuntur.incidents.models import Incident

BUNDLED_ROADS = Path(__file__).parent / "data" / "roads_callao.npz"


@functools.lru_cache(maxsize=4)
def _load_roads(path: str, mtime: float) -> RoadGraph:
    return RoadGraph.load(Path(path))


def road_graph() -> RoadGraph | None:
    """The loaded road graph: ``var/roads.npz`` if imported, else the bundled Callao graph."""
    own = get_settings().var_dir / "roads.npz"
    path = own if own.exists() else BUNDLED_ROADS
    if not path.exists():
        return None
    return _load_roads(str(path), path.stat().st_mtime)


def unit_view(u: Unit) -> recommend.UnitView:
    return recommend.UnitView(
        id=u.id,
        call_sign=u.call_sign,
        agency=u.agency_code,
        military=command.is_military(u.agency_code),
        unit_type=u.unit_type,
        capabilities=frozenset(c for c in u.capabilities.split(",") if c),
        status=u.status,
        lon=u.lon,
        lat=u.lat,
    )


def _view(r: Any) -> recommend.UnitView:
    return recommend.UnitView(
        id=r[0],
        call_sign=r[1],
        agency=r[2],
        military=command.is_military(r[2]),
        unit_type=r[3],
        capabilities=frozenset(c for c in r[4].split(",") if c),
        status=r[5],
        lon=r[6],
        lat=r[7],
    )


_UNIT_COLUMNS = (
    Unit.id,
    Unit.call_sign,
    Unit.agency_code,
    Unit.unit_type,
    Unit.capabilities,
    Unit.status,
    Unit.lon,
    Unit.lat,
    Unit.updated_at,
)


class FleetCache:
    """This process's copy of every unit for recommendations.

    Read whole from the store once (and again every ``RESYNC_S`` as a safety net), then
    kept current by the live events every committed unit change already sends: on
    PostgreSQL they come back through LISTEN, so every server process sees every change.
    Without a live feed (the CLI) each call reads the units afresh.
    """

    def __init__(self) -> None:
        self.fleet: recommend.Fleet | None = None
        self.synced = 0.0
        self.feeds = 0  # servers in this process feeding it live events
        self.lock = threading.Lock()
        self.bases: list[legal.Authorization] | None = None
        self.stale_bases = True

    @property
    def fed(self) -> bool:
        return self.feeds > 0

    def attach(self) -> None:
        with self.lock:
            self.feeds += 1

    def detach(self) -> None:
        with self.lock:
            self.feeds = max(0, self.feeds - 1)
            self.fleet = None  # without a feed it would go stale: read afresh next time
            self.bases, self.stale_bases = None, True

    def current(self, db: Session) -> recommend.Fleet:
        with self.lock:
            stale = time.monotonic() - self.synced > RESYNC_S
            if self.fleet is None or not self.fed or stale:
                rows = db.execute(select(*_UNIT_COLUMNS)).all()
                self.fleet = recommend.Fleet.of([_view(r) for r in rows])
                self.synced = time.monotonic()
            return self.fleet

    def legal_bases(self, db: Session) -> list[legal.Authorization]:
        """The authorizations, re-read only after an ``authorization`` event (or a minute)."""
        with self.lock:
            fresh = self.fed and self.bases is not None and not self.stale_bases
            if fresh and time.monotonic() - self.synced < RESYNC_S:
                assert self.bases is not None
                return self.bases
        bases = command.authorizations(db)
        with self.lock:
            self.bases, self.stale_bases = bases, False
        return bases

    def apply(self, event: events.Event) -> None:
        """Update from a live event (called on the server's event loop)."""
        if event.kind == "authorization":
            with self.lock:
                self.stale_bases = True
            return
        if event.kind not in ("unit", "positions"):
            return
        payload = json.loads(event.data)
        with self.lock:
            if self.fleet is None:
                return
            if event.kind == "unit":
                self.fleet.update(
                    [
                        recommend.UnitView(
                            id=payload["id"],
                            call_sign=payload["call_sign"],
                            agency=payload["agency"],
                            military=payload["military"],
                            unit_type=payload["unit_type"],
                            capabilities=frozenset(payload["capabilities"]),
                            status=payload["status"],
                            lon=payload["lon"],
                            lat=payload["lat"],
                        )
                    ]
                )
                return
            index = {int(u): i for i, u in enumerate(self.fleet.ids)}
            moved = []
            for p in payload["positions"]:
                i = index.get(int(p["id"]))
                if i is not None:
                    moved.append(
                        dataclasses.replace(self.fleet.views[i], lon=p["lon"], lat=p["lat"])
                    )
            self.fleet.update(moved)


_FLEETS: dict[str, FleetCache] = {}
RESYNC_S = 60.0


def fleet_cache(engine: Engine) -> FleetCache:
    key = events.channel_for(engine)  # one cache per store
    cache = _FLEETS.get(key)
    if cache is None:
        cache = _FLEETS.setdefault(key, FleetCache())
    return cache


def fleet(db: Session) -> recommend.Fleet:
    return fleet_cache(db.get_bind().engine).current(db)


def recommend_for(actor: Actor, incident_id: int, limit: int = 10) -> dict[str, Any]:
    """Ranked eligible units with ETA and reasons, plus the nearest excluded ones and why."""
    db = actor.db
    actor.require(DISPATCH, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    cache = fleet_cache(db.get_bind().engine)
    units = cache.current(db)
    rec = recommend.recommend(
        lon=inc.longitude,
        lat=inc.latitude,
        category=inc.category,
        priority=inc.priority,
        units=units,
        # Advisory: the dispatch itself re-reads the authorizations before it assigns.
        authorizations=cache.legal_bases(db),
        now=utcnow(),
        roads=road_graph(),
        limit=limit,
    )
    return {
        "incident_id": inc.id,
        "needs": sorted(rec.needs),
        "ranked": [_ranked_out(r) for r in rec.ranked],
        "first_response": [_ranked_out(r) for r in rec.first_response],
        "excluded": [
            {
                "unit_id": e.unit.id,
                "call_sign": e.unit.call_sign,
                "agency": e.unit.agency,
                "reason": e.reason,
                "code": e.code,
                "params": e.params,
            }
            for e in rec.excluded
        ],
    }


def _ranked_out(r: recommend.Ranked) -> dict[str, Any]:
    return {
        "unit_id": r.unit.id,
        "call_sign": r.unit.call_sign,
        "agency": r.unit.agency,
        "unit_type": r.unit.unit_type,
        "eta_seconds": round(r.eta_seconds, 1),
        "distance_m": round(r.distance_m),
        "by_road": r.by_road,
        "legal_basis_id": r.legal_basis_id,
        "reasons": r.reasons,
    }


def _stamp(inc: Incident, status: str, at: Any = None) -> None:
    now = at or utcnow()
    inc.status = status
    col = lifecycle.TIMESTAMP_OF.get(Status(status))
    if col and getattr(inc, col) is None:
        setattr(inc, col, now)


def _units_of(db: Session, incident_id: int) -> list[Unit]:
    return list(db.scalars(select(Unit).where(Unit.incident_id == incident_id)))


# Domain event on clearing an incident (``core.events.publish``, in this transaction): other
# domains react without dispatch calling them (oversight: a use-of-force report falls due
# when the incident is closed with force recorded).
INCIDENT_CLEARED = "dispatch.incident.cleared"


@dataclasses.dataclass(frozen=True)
class Cleared:
    """An incident just cleared: by whom, which units went, whether force was recorded."""

    actor: Actor
    incident: Incident
    unit_ids: tuple[int, ...]
    force: bool


def move(
    actor: Actor,
    incident_id: int,
    status: str,
    *,
    priority: int | None = None,
    disposition: str | None = None,
    force: bool = False,
) -> Incident:
    """Move an incident to ``status`` (triage may set the priority; clearing, the disposition
    and whether force was used: then a use-of-force report falls due)."""
    actor.require(DISPATCH, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    return apply_move(actor, inc, status, priority=priority, disposition=disposition, force=force)


def apply_move(
    actor: Actor,
    inc: Incident,
    status: str,
    *,
    priority: int | None = None,
    disposition: str | None = None,
    force: bool = False,
    at: Any = None,
) -> Incident:
    """The move itself, by the lifecycle's rules (``lifecycle.check_move``), stamped at
    ``at`` (default now: the field app passes the time the officer pressed the button,
    offline perhaps), audited and announced. The caller has checked who may move it:
    ``move`` (a dispatcher), or the field app (the unit assigned to it)."""
    db = actor.db
    if status == Status.DISPATCHED:
        raise InvalidInput(_("status: se despacha asignando una unidad (POST .../dispatch)"))
    try:
        lifecycle.check_move(inc.status, status)
    except lifecycle.IllegalMove as exc:
        raise InvalidInput(str(exc)) from exc
    old = inc.status
    if priority is not None:
        if not 1 <= priority <= 4:
            raise InvalidInput(_("priority: de 1 (vida en riesgo) a 4"))
        inc.priority = priority
    if disposition is not None:
        inc.disposition = disposition.strip()[:200]
    _stamp(inc, status, at)
    follow = lifecycle.UNIT_FOLLOWS.get(Status(status))
    if status == Status.TRIAGED and old == Status.DISPATCHED:  # recalled: units are free again
        for u in _units_of(db, inc.id):
            u.incident_id, u.status = None, UnitStatus.AVAILABLE
            u.updated_at = utcnow()
            events.emit(db, "unit", command.unit_out(u))
    elif follow:
        for u in _units_of(db, inc.id):
            u.status, u.updated_at = follow, utcnow()
            if status == Status.CLEARED:
                u.incident_id = None
            events.emit(db, "unit", command.unit_out(u))
    if status == Status.CLEARED:
        for a in db.scalars(
            select(Assignment).where(
                Assignment.incident_id == inc.id, Assignment.released_at.is_(None)
            )
        ):
            a.released_at = utcnow()
    details: dict[str, Any] = {"from": old, "to": status}
    if status == Status.CLEARED and force:
        details["force"] = True
    if at is not None:
        details["at"] = at.isoformat()
    actor.record(INCIDENT_STATUS, object_type="incident", object_id=str(inc.id), details=details)
    if status == Status.CLEARED:
        went = db.scalars(select(Assignment.unit_id).where(Assignment.incident_id == inc.id))
        events.publish(db, INCIDENT_CLEARED, Cleared(actor, inc, tuple(sorted(set(went))), force))
    incidents.announce(db, inc)
    return inc


def _claim(db: Session, unit: Unit, incident_id: int, now: Any) -> None:
    """Take ``unit`` for an incident if it is still free, in one conditional update.

    Two dispatchers who pick the same unit at the same moment both saw it available; the
    update re-checks the status under the row's write lock (PostgreSQL re-reads a row it
    waited for; SQLite holds one write lock), so exactly one of them gets it.
    """
    result = db.execute(
        update(Unit)
        .where(Unit.id == unit.id, Unit.status.in_(recommend.DISPATCHABLE))
        .values(status=UnitStatus.DISPATCHED, incident_id=incident_id, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], result).rowcount != 1:
        db.refresh(unit)
        raise Conflict(
            _(
                "{unit} acaba de ser asignada por otro despachador (ahora: {status}); elija otra "
                "unidad.",
                unit=unit.call_sign,
                status=unit.status,
            )
        )


def set_priority(actor: Actor, incident_id: int, priority: int) -> Incident:
    """Triage again: a new priority for an open incident (audited, announced)."""
    actor.require(DISPATCH, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    if inc.status not in lifecycle.OPEN:
        raise InvalidInput(
            _(
                "el incidente {id} está cerrado ({status}): su prioridad ya no cambia.",
                id=inc.id,
                status=inc.status,
            )
        )
    if not 1 <= priority <= 4:
        raise InvalidInput(_("priority: de 1 (vida en riesgo) a 4"))
    old = inc.priority
    inc.priority = priority
    actor.record(
        INCIDENT_PRIORITY,
        object_type="incident",
        object_id=str(inc.id),
        details={"from": old, "to": priority},
    )
    incidents.announce(actor.db, inc)
    return inc


NOTE_MAX = 2000


def add_note(actor: Actor, incident_id: int, text: str) -> IncidentNote:
    """A dispatcher's note on an incident: stored, audited (its length, never its words:
    a note may quote a caller), shown in the timeline."""
    actor.require(DISPATCH, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    return apply_note(actor, inc, text)


def apply_note(actor: Actor, inc: Incident, text: str, at: Any = None) -> IncidentNote:
    """The note itself (dated ``at``, default now), audited, announced. The caller has
    checked who may write it: ``add_note`` (a dispatcher), or the field app (the unit
    assigned to the incident)."""
    text = text.strip()
    if not text:
        raise InvalidInput(_("text: la nota está vacía"))
    if len(text) > NOTE_MAX:
        raise InvalidInput(_("text: a lo sumo {n} caracteres", n=NOTE_MAX))
    note = IncidentNote(incident_id=inc.id, text=text, author=actor.who, created_at=at or utcnow())
    actor.db.add(note)
    actor.db.flush()
    actor.record(
        INCIDENT_NOTE,
        object_type="incident",
        object_id=str(inc.id),
        details={"note": note.id, "length": len(text)},
    )
    incidents.announce(actor.db, inc)
    return note


def dispatch(
    actor: Actor, incident_id: int, unit_id: int, override_reason: str | None = None
) -> Assignment:
    """Assign a unit: it must be dispatchable and, if military, lawfully so (refusals audited).

    A unit without a capability the incident needs (the patrol car next door, while the
    anti-extortion unit is 20 minutes away) goes only as a first response, with the
    dispatcher's ``override_reason``: stored with the assignment and audited with the
    dispatch. The override concerns the capability alone: the legal check for an
    armed-forces unit comes first and is never waived."""
    db = actor.db
    actor.require(DISPATCH, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    unit = get_or_404(db, Unit, unit_id, f"unit {unit_id}")
    if inc.status not in (
        Status.RECEIVED,
        Status.TRIAGED,
        Status.DISPATCHED,
        Status.EN_ROUTE,
        Status.ON_SCENE,
    ):
        raise InvalidInput(
            _(
                "el incidente {id} está en {status}: no hay a dónde despachar",
                id=inc.id,
                status=inc.status,
            )
        )
    if unit.status not in recommend.DISPATCHABLE:
        raise InvalidInput(
            _("{unit} está en {status}, no disponible", unit=unit.call_sign, status=unit.status)
        )
    now = utcnow()
    basis = command.check_military(
        actor,
        unit,
        inc.longitude,
        inc.latitude,
        now,
        now + timedelta(hours=recommend.TASKING_HOURS),
        "dispatched",
    )
    lacking = sorted(
        recommend.required_capabilities(inc.category, inc.priority) - unit_view(unit).capabilities
    )
    reason = (override_reason or "").strip()
    if lacking and not reason:
        raise InvalidInput(
            both(
                lambda lang: _(
                    "override_reason: {unit} no tiene la capacidad que este incidente necesita "
                    "({lacking}); para enviarla como primera respuesta, indique el motivo.",
                    lang,
                    unit=unit.call_sign,
                    lacking=recommend.capability_words(lacking, lang),
                )
            )
        )
    if not lacking:
        reason = ""  # nothing is overridden: a reason would record an override that was not
    eta = None
    rec = recommend.recommend(
        lon=inc.longitude,
        lat=inc.latitude,
        # The ETA only: the capability was settled above (needed, or overridden with a reason).
        category=inc.category if not lacking else "other",
        priority=inc.priority,
        units=[unit_view(unit)],
        authorizations=command.authorizations(db),
        now=now,
        roads=road_graph(),
        limit=1,
    )
    if rec.ranked:
        eta = rec.ranked[0].eta_seconds
    _claim(db, unit, inc.id, now)
    a = Assignment(
        incident_id=inc.id,
        unit_id=unit.id,
        legal_basis_id=basis,
        eta_seconds=eta,
        dispatched_at=now,
        dispatched_by=actor.who,
        override_reason=reason[:500] or None,
    )
    db.add(a)
    unit.status, unit.incident_id, unit.updated_at = UnitStatus.DISPATCHED, inc.id, now
    if inc.status in (Status.RECEIVED, Status.TRIAGED):
        _stamp(inc, Status.DISPATCHED)
    db.flush()
    actor.record(
        INCIDENT_DISPATCHED,
        object_type="incident",
        object_id=str(inc.id),
        details={
            "unit": unit.call_sign,
            "legal_basis": basis,
            "eta_seconds": eta,
            **({"override": {"lacks": lacking, "reason": reason[:500]}} if lacking else {}),
        },
    )
    events.emit(db, "unit", command.unit_out(unit))
    incidents.announce(db, inc)
    return a


def merge(actor: Actor, duplicate_id: int, into_id: int) -> Incident:
    """Close ``duplicate_id`` as a duplicate report of ``into_id`` (units move over)."""
    db = actor.db
    actor.require(DISPATCH, object_type="incident", object_id=str(duplicate_id))
    if duplicate_id == into_id:
        raise InvalidInput(_("un incidente no puede fusionarse consigo mismo"))
    dup = incidents.get(actor=actor, incident_id=duplicate_id)
    into = incidents.get(actor=actor, incident_id=into_id)
    if dup.status not in lifecycle.OPEN or into.status not in lifecycle.OPEN:
        raise InvalidInput(_("ambos incidentes deben estar abiertos para fusionarlos"))
    for u in _units_of(db, dup.id):
        u.incident_id = into.id
    dup.merged_into_id = into.id
    dup.disposition = f"duplicado de {into.id}"
    _stamp(dup, Status.CLEARED)
    into.priority = min(into.priority, dup.priority)
    actor.record(
        INCIDENT_MERGED,
        object_type="incident",
        object_id=str(dup.id),
        details={"into": into.id},
    )
    incidents.announce(db, dup)
    incidents.announce(db, into)
    return into


QUEUE_COLUMNS = [
    c
    for c in cast(Table, Incident.__table__).columns
    if c.name in incidents.OUT_COLUMNS and c.name != "narrative"
]


def queue(actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """Open incidents, most urgent first, then oldest."""
    db = actor.db
    actor.require(DISPATCH, object_type="incident")
    filters = incidents.scoped(actor, incidents.IncidentFilter(statuses=sorted(lifecycle.OPEN)))
    # Plain rows of the columns the queue shows, not ORM objects: the queue is read on
    # every screen refresh, and loading up to 200 incidents as objects was an eighth of the
    # server's time under load. The queue never shows a narrative, only whether there is
    # one: that is all that is read of it.
    rows: Sequence[Any] = db.execute(
        select(*QUEUE_COLUMNS, (Incident.narrative != "").label("narrative"))
        .where(*filters.clauses())
        .order_by(Incident.priority, Incident.received_at)
        .limit(limit)
    ).all()
    # Every unit on an incident (the fleet's busy part, hundreds at most): one statement
    # the store prepares once, where an IN list of up to 200 ids was parsed anew each time.
    assigned: dict[int, list[str]] = {}
    on_any = select(Unit.incident_id, Unit.call_sign).where(Unit.incident_id.is_not(None))
    for incident_id, call_sign in db.execute(on_any):
        assigned.setdefault(int(incident_id or 0), []).append(call_sign)
    out = incidents.out_rows(rows, reveal=False)
    for r, item in zip(rows, out, strict=True):
        item["units"] = assigned.get(r.id, [])
    return out


def timeline(actor: Actor, incident_id: int) -> dict[str, Any]:
    """An incident's times and the units assigned to it (with their legal bases): command
    information, like the units themselves."""
    db = actor.db
    actor.require(COMMAND_READ, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    assignments = db.scalars(select(Assignment).where(Assignment.incident_id == inc.id)).all()
    units = {
        u.id: u.call_sign
        for u in db.scalars(select(Unit).where(Unit.id.in_([a.unit_id for a in assignments])))
    }
    stamps = {
        "received_at": inc.received_at,
        "triaged_at": inc.triaged_at,
        "dispatched_at": inc.dispatched_at,
        "en_route_at": inc.en_route_at,
        "on_scene_at": inc.on_scene_at,
        "cleared_at": inc.cleared_at,
    }
    notes = db.scalars(
        select(IncidentNote)
        .where(IncidentNote.incident_id == inc.id)
        .order_by(IncidentNote.created_at, IncidentNote.id)
    ).all()
    return {
        "incident_id": inc.id,
        "status": inc.status,
        "disposition": inc.disposition,
        "merged_into_id": inc.merged_into_id,
        "priority": inc.priority,
        "times": {k: v.isoformat() if v else None for k, v in stamps.items()},
        "assignments": [
            {
                "unit": units.get(a.unit_id),
                "dispatched_at": a.dispatched_at.isoformat(),
                "dispatched_by": a.dispatched_by,
                "eta_seconds": a.eta_seconds,
                "legal_basis_id": a.legal_basis_id,
                "released_at": a.released_at.isoformat() if a.released_at else None,
                "override_reason": a.override_reason,
            }
            for a in assignments
        ],
        "notes": [
            {"id": n.id, "text": n.text, "author": n.author, "created_at": n.created_at.isoformat()}
            for n in notes
        ],
        # Dispatching is its own call (a unit is chosen), so it is not a move offered here.
        "allowed_moves": sorted(
            str(m)
            for m in lifecycle.INCIDENT_MOVES.get(Status(inc.status), frozenset())
            if m != Status.DISPATCHED
        ),
    }
