"""Health endpoints: ``GET /health/live`` and ``GET /health/ready`` (no login: load
balancers and orchestrators call them; the answers name no record or person)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from kuntur.ops import health
from kuntur.ops.schemas import LiveOut, ReadyOut

router = APIRouter(prefix="/health", tags=["operations"])


@router.get("/live", response_model=LiveOut)
async def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "live"}


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "Not ready: the failing checks"}},
)
async def ready(request: Request) -> JSONResponse:
    """200 when the store answers, its migrations are current, the audit head agrees with
    the log and the event bus is connected; 503 naming what is not."""
    state = request.app.state
    checks = await health.readiness(state.engine, bool(state.broker.connected))
    ok = all(c.ok for c in checks)
    return JSONResponse(
        {
            "status": "ready" if ok else "not_ready",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )
