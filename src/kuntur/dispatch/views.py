"""Dispatch API: queue, recommendation, dispatch, lifecycle, merge, KPIs, live stream."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.command.manifest import COMMAND_READ
from kuntur.core import events
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import to_utc
from kuntur.core.web import MAX_ID, UnitOfWorkRoute, json_response
from kuntur.dispatch import kpi, service
from kuntur.dispatch.schemas import AssignmentMade, Kpis, QueueItem, Recommendation, Timeline
from kuntur.geography import service as geo
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.identity.models import User
from kuntur.identity.web import ActorDep
from kuntur.incidents import service as incidents
from kuntur.incidents.models import Incident

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/dispatch", tags=["dispatch"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
# Between events, a keepalive comment this often; and at least this often (when events
# flow, before the next batch) the stream re-checks that its session still stands.
SESSION_RECHECK_S = 5.0


class MoveIn(BaseModel):
    status: Literal["triaged", "en_route", "on_scene", "cleared"]
    priority: int | None = Field(default=None, ge=1, le=4)
    disposition: str | None = Field(default=None, max_length=200)
    force: bool = Field(
        default=False,
        description="when clearing: force was used (a use-of-force report falls due, "
        "DL 1186; oversight tracks it)",
    )


class DispatchIn(BaseModel):
    unit_id: int = Field(ge=1, le=MAX_ID)
    override_reason: str | None = Field(
        default=None,
        max_length=500,
        description="required to send a unit that lacks a capability the incident needs "
        "(a first response); recorded and audited. Never waives the legal basis.",
    )


class PriorityIn(BaseModel):
    priority: int = Field(ge=1, le=4, description="1 = life at risk now")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class MergeIn(BaseModel):
    into_id: int = Field(ge=1, le=MAX_ID)


@router.get("/queue", response_model=list[QueueItem])
def dispatch_queue(actor: ActorDep) -> Response:
    """Open incidents, most urgent first."""
    # Up to 200 plain rows, on every screen refresh: encoded once, not validated again.
    return json_response(service.queue(actor))


@router.get("/incidents/{incident_id}/recommendation", response_model=Recommendation)
def recommendation(
    incident_id: Id,
    actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> JSONResponse:
    """Eligible units ranked by estimated travel time, each with its reasons; and the
    nearest excluded units with why (status, capability, no legal basis)."""
    # Plain JSON of plain values: a dispatcher waits on this one, so skip the generic encoder.
    return JSONResponse(service.recommend_for(actor, incident_id, limit))


@router.post("/incidents/{incident_id}/dispatch", response_model=AssignmentMade, status_code=201)
def dispatch_unit(incident_id: Id, data: DispatchIn, actor: ActorDep) -> dict[str, Any]:
    """Assign a unit; one lacking a needed capability only with ``override_reason``."""
    a = service.dispatch(actor, incident_id, data.unit_id, data.override_reason)
    return {
        "assignment_id": a.id,
        "incident_id": a.incident_id,
        "unit_id": a.unit_id,
        "legal_basis_id": a.legal_basis_id,
        "eta_seconds": a.eta_seconds,
    }


@router.post("/incidents/{incident_id}/status", response_model=Timeline)
def move_incident(incident_id: Id, data: MoveIn, actor: ActorDep) -> dict[str, Any]:
    service.move(
        actor,
        incident_id,
        data.status,
        priority=data.priority,
        disposition=data.disposition,
        force=data.force,
    )
    return service.timeline(actor, incident_id)


@router.post("/incidents/{incident_id}/priority", response_model=Timeline)
def set_priority(incident_id: Id, data: PriorityIn, actor: ActorDep) -> dict[str, Any]:
    """Triage again: a new priority for an open incident."""
    service.set_priority(actor, incident_id, data.priority)
    return service.timeline(actor, incident_id)


@router.post("/incidents/{incident_id}/notes", response_model=Timeline, status_code=201)
def add_note(incident_id: Id, data: NoteIn, actor: ActorDep) -> dict[str, Any]:
    """A dispatcher's note on the incident (audited; shown in the timeline)."""
    service.add_note(actor, incident_id, data.text)
    return service.timeline(actor, incident_id)


@router.post("/incidents/{incident_id}/merge", response_model=Timeline)
def merge_incident(incident_id: Id, data: MergeIn, actor: ActorDep) -> dict[str, Any]:
    """Close this incident as a duplicate of ``into_id``."""
    into = service.merge(actor, incident_id, data.into_id)
    return service.timeline(actor, into.id)


@router.get("/incidents/{incident_id}/timeline", response_model=Timeline)
def incident_timeline(incident_id: Id, actor: ActorDep) -> dict[str, Any]:
    return service.timeline(actor, incident_id)


# Unset: an interval without a target, or without measurements, has no target figures.
@router.get("/kpis", response_model=Kpis, response_model_exclude_unset=True)
def kpis(
    actor: ActorDep,
    group: Annotated[Literal["district", "agency", "priority", "month"], Query()] = "priority",
    start: Annotated[datetime | None, Query()] = None,
    end: Annotated[datetime | None, Query()] = None,
) -> dict[str, Any]:
    """Call-to-dispatch, dispatch-to-arrival and on-scene time, p50/p90, against targets."""
    actor.require(COMMAND_READ, object_type="kpi")
    filters = incidents.scoped(actor, incidents.IncidentFilter(start=start, end=end))
    q = select(
        Incident.received_at,
        Incident.dispatched_at,
        Incident.on_scene_at,
        Incident.cleared_at,
        Incident.district_ubigeo,
        Incident.owner_agency,
        Incident.priority,
    ).where(Incident.dispatched_at.is_not(None), *filters.clauses())
    rows = []
    for r in actor.db.execute(q):
        rows.append(
            {
                "received_at": r[0],
                "dispatched_at": r[1],
                "on_scene_at": r[2],
                "cleared_at": r[3],
                "district": r[4],
                "agency": r[5],
                "priority": r[6],
                "month": to_utc(r[0]).strftime("%Y-%m") if r[0] else None,
            }
        )
    table = kpi.table(rows, group)
    if group == "district":
        for row in table:
            d = geo.get_district(row["group"])
            row["label"] = d.name if d else row["group"]
    return {"group_by": group, "targets_s": kpi.TARGETS_S, "rows": table}


@router.get(
    "/live",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-sent events: each `data:` line is one event (JSON)",
        }
    },
)
async def live_stream(request: Request, actor: ActorDep) -> StreamingResponse:
    """Server-sent events: ``unit``, ``position``, ``incident``, ``order``, ``authorization``.

    Incident events reach only readers who may see that incident (agency, clearance), as the
    reader stands now: sharing rules, clearance and roles are re-read every few seconds.
    """
    actor.require(COMMAND_READ, object_type="live")
    scope = Scope(*actor.scope())
    actor.db.close()  # a stream lasts hours: do not hold a connection for it
    broker = request.app.state.broker
    engine = request.app.state.engine

    def visible(event: events.Event, now: Scope) -> bool:
        if event.kind != "incident":
            return True
        if now.owners is not None and event.owner_agency not in now.owners:
            return False
        return now.max_class is None or event.classification <= now.max_class

    async def stream() -> AsyncIterator[str]:
        nonlocal scope
        yield "retry: 2000\n\n"
        batches = broker.subscribe().__aiter__()
        # One read of the subscription outstanding at a time, never cancelled: cancelling it
        # (a timeout around ``__anext__``) closes the subscription, which once ended every
        # stream after its first quiet seconds.
        pending: asyncio.Future[list[events.Event]] | None = None
        checked = time.monotonic()
        try:
            while True:
                if pending is None:
                    pending = asyncio.ensure_future(batches.__anext__())
                done, _ = await asyncio.wait({pending}, timeout=SESSION_RECHECK_S)
                batch: list[events.Event] = []
                if done:
                    try:
                        batch = pending.result()
                    except StopAsyncIteration:
                        return
                    pending = None
                # A stream outlives the request that opened it: a user disabled or logged out
                # since then gets nothing more, and what the reader may see is read afresh.
                if time.monotonic() - checked >= SESSION_RECHECK_S:
                    now = await run_in_threadpool(reader_scope, engine, actor.ctx)
                    if now is None:
                        yield "event: session_ended\ndata: {}\n\n"
                        return
                    scope, checked = now, time.monotonic()
                if not batch:
                    yield ": keepalive\n\n"
                    continue
                # One write for all that queued up: busy moments cost a few writes, not hundreds.
                chunk = "".join(f"data: {e.data}\n\n" for e in batch if visible(e, scope))
                if chunk:
                    yield chunk
        finally:  # the client went away: unsubscribe
            if pending is not None:
                pending.cancel()  # runs the subscription's own clean-up
            else:
                await batches.aclose()

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@dataclass(frozen=True)
class Scope:
    owners: list[str] | None  # agencies whose incidents the reader sees; None = all
    max_class: int | None


def reader_scope(engine: Engine, ctx: RequestContext) -> Scope | None:
    """What the stream's reader may see now; None once its session no longer stands (logged
    out, expired, user disabled) or its roles no longer give ``command.read``."""
    if not identity.session_is_live(engine, ctx.session_id):
        return None
    with Session(engine) as db:
        user = db.get(User, ctx.user_id)
        if user is None:
            return None
        now = dataclasses.replace(  # sharing rules read again too (shared_by=None)
            ctx,
            agency=user.agency_code,
            roles=user.role_set,
            clearance=user.clearance,
            shared_by=None,
        )
        reader = Actor(db, now)
        if not reader.can(COMMAND_READ):
            return None
        return Scope(*reader.scope())
