"""Dispatch API: queue, recommendation, dispatch, lifecycle, merge, KPIs, live stream."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from kuntur.core import events
from kuntur.core.timeutil import to_utc
from kuntur.core.web import MAX_ID, ContextDep, SessionDep, UnitOfWorkRoute
from kuntur.dispatch import kpi, service
from kuntur.geography import service as geo
from kuntur.identity import authz
from kuntur.identity import service as identity
from kuntur.identity.authz import Permission
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


@router.get("/queue")
def dispatch_queue(db: SessionDep, ctx: ContextDep) -> list[dict[str, Any]]:
    """Open incidents, most urgent first."""
    return service.queue(db, ctx)


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

    Incident events reach only readers who may see that incident (agency, clearance).
    """
    authz.require(db, ctx, Permission.COMMAND_READ, object_type="live")
    owners = authz.visible_owners(db, ctx)
    max_class = authz.max_classification(ctx)
    db.close()  # a stream lasts hours: do not hold a connection for it
    broker = request.app.state.broker
    engine = request.app.state.engine
    session_id = ctx.session_id

    def visible(event: events.Event) -> bool:
        if event.kind != "incident":
            return True
        if owners is not None and event.owner_agency not in owners:
            return False
        return max_class is None or event.classification <= max_class

    async def still_allowed() -> bool:
        return await run_in_threadpool(identity.session_is_live, engine, session_id)

    async def stream() -> AsyncIterator[str]:
        yield "retry: 2000\n\n"
        batches = broker.subscribe().__aiter__()
        checked = time.monotonic()
        while True:
            try:
                batch = await asyncio.wait_for(batches.__anext__(), SESSION_RECHECK_S)
            except TimeoutError:
                batch = []
            except StopAsyncIteration:
                return
            # A stream outlives the request that opened it: a user disabled or logged out
            # since then gets nothing more (the session is re-read every few seconds).
            if time.monotonic() - checked >= SESSION_RECHECK_S:
                if not await still_allowed():
                    yield "event: session_ended\ndata: {}\n\n"
                    return
                checked = time.monotonic()
            if not batch:
                yield ": keepalive\n\n"
                continue
            # One write for all that queued up: busy moments cost a few writes, not hundreds.
            chunk = "".join(f"data: {e.data}\n\n" for e in batch if visible(e))
            if chunk:
                yield chunk

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
