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

from kuntur.core import events
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import to_utc
from kuntur.core.web import MAX_ID, ContextDep, SessionDep, UnitOfWorkRoute, json_response
from kuntur.dispatch import kpi, service
from kuntur.geography import service as geo
from kuntur.identity import authz
from kuntur.identity import service as identity
from kuntur.identity.authz import Permission
from kuntur.identity.models import User
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


class DispatchIn(BaseModel):
    unit_id: int = Field(ge=1, le=MAX_ID)


class MergeIn(BaseModel):
    into_id: int = Field(ge=1, le=MAX_ID)


@router.get("/queue", response_model=list[dict[str, Any]])
def dispatch_queue(db: SessionDep, ctx: ContextDep) -> Response:
    """Open incidents, most urgent first."""
    # Up to 200 plain rows, on every screen refresh: encoded once, not validated again.
    return json_response(service.queue(db, ctx))


@router.get("/incidents/{incident_id}/recommendation")
def recommendation(
    incident_id: Id,
    db: SessionDep,
    ctx: ContextDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> JSONResponse:
    """Eligible units ranked by estimated travel time, each with its reasons; and the
    nearest excluded units with why (status, capability, no legal basis)."""
    # Plain JSON of plain values: a dispatcher waits on this one, so skip the generic encoder.
    return JSONResponse(service.recommend_for(db, ctx, incident_id, limit))


@router.post("/incidents/{incident_id}/dispatch", status_code=201)
def dispatch_unit(
    incident_id: Id, data: DispatchIn, db: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    a = service.dispatch(db, ctx, incident_id, data.unit_id)
    return {
        "assignment_id": a.id,
        "incident_id": a.incident_id,
        "unit_id": a.unit_id,
        "legal_basis_id": a.legal_basis_id,
        "eta_seconds": a.eta_seconds,
    }


@router.post("/incidents/{incident_id}/status")
def move_incident(incident_id: Id, data: MoveIn, db: SessionDep, ctx: ContextDep) -> dict[str, Any]:
    service.move(
        db, ctx, incident_id, data.status, priority=data.priority, disposition=data.disposition
    )
    return service.timeline(db, ctx, incident_id)


@router.post("/incidents/{incident_id}/merge")
def merge_incident(
    incident_id: Id, data: MergeIn, db: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    """Close this incident as a duplicate of ``into_id``."""
    into = service.merge(db, ctx, incident_id, data.into_id)
    return service.timeline(db, ctx, into.id)


@router.get("/incidents/{incident_id}/timeline")
def incident_timeline(incident_id: Id, db: SessionDep, ctx: ContextDep) -> dict[str, Any]:
    return service.timeline(db, ctx, incident_id)


@router.get("/kpis")
def kpis(
    db: SessionDep,
    ctx: ContextDep,
    group: Annotated[Literal["district", "agency", "priority", "month"], Query()] = "priority",
    start: Annotated[datetime | None, Query()] = None,
    end: Annotated[datetime | None, Query()] = None,
) -> dict[str, Any]:
    """Call-to-dispatch, dispatch-to-arrival and on-scene time, p50/p90, against targets."""
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="kpi")
    filters = incidents.scoped(db, ctx, incidents.IncidentFilter(start=start, end=end))
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
    for r in db.execute(q):
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


@router.get("/live")
async def live_stream(request: Request, ctx: ContextDep, db: SessionDep) -> StreamingResponse:
    """Server-sent events: ``unit``, ``position``, ``incident``, ``order``, ``authorization``.

    Incident events reach only readers who may see that incident (agency, clearance), as the
    reader stands now: sharing rules, clearance and roles are re-read every few seconds.
    """
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="live")
    scope = Scope(authz.visible_owners(db, ctx), authz.max_classification(ctx))
    db.close()  # a stream lasts hours: do not hold a connection for it
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
                    now = await run_in_threadpool(reader_scope, engine, ctx)
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
        now = dataclasses.replace(
            ctx, agency=user.agency_code, roles=user.role_set, clearance=user.clearance
        )
        if not authz.can(now, Permission.COMMAND_READ):
            return None
        return Scope(authz.visible_owners(db, now), authz.max_classification(now))
