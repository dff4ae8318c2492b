"""Exchange API: Cursor-on-Target positions from TAK clients (the route keeps its place
under /api/command, where field units and gateways already send)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from kuntur.command import service
from kuntur.command.manifest import UNITS_REPORT
from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _
from kuntur.core.web import UnitOfWorkRoute
from kuntur.exchange import cot
from kuntur.exchange.schemas import CotAccepted
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/command", tags=["exchange"])


@router.post(
    "/positions/cot",
    response_model=CotAccepted,
    openapi_extra={
        "requestBody": {
            "content": {"application/xml": {"schema": {"type": "string"}}},
            "required": True,
        }
    },
)
async def report_cot(request: Request, actor: ActorDep) -> dict[str, Any]:
    """Cursor-on-Target XML from TAK clients: one ``<event>`` or a batch under any root.

    Good events are stored; bad ones are listed with their index and reason.
    """
    # Who may report comes first: nobody unknown gets the XML parser to work for them.
    db = actor.db
    await run_in_threadpool(actor.require, UNITS_REPORT, object_type="unit")
    reports, errors = cot.parse(await request.body())
    if not reports:
        reason = "; ".join(f"event {e.index}: {e.reason}" for e in errors[:20]) or "no events"
        raise InvalidInput(_("ningún evento CoT utilizable: {reason}", reason=reason))

    def store() -> None:  # in a worker thread, committed there: never block the event loop
        service.report_positions(actor, [(r.call_sign, r.lon, r.lat, r.at) for r in reports])
        db.commit()

    await run_in_threadpool(store)
    return {
        "accepted": len(reports),
        "rejected": [{"index": e.index, "reason": e.reason} for e in errors],
    }
