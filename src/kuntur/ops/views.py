"""Health endpoints: ``GET /health/live`` and ``GET /health/ready`` (no login: load
balancers and orchestrators call them; the answers name no record or person), and the
Prometheus metrics at ``GET /metrics`` (a scraper's bearer token when one is set, as
production requires)."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from kuntur.core.errors import Forbidden, Unauthenticated
from kuntur.core.i18n import _
from kuntur.core.web import UnitOfWorkRoute
from kuntur.ops import health, metrics
from kuntur.ops.schemas import LiveOut, ReadyOut

router = APIRouter(route_class=UnitOfWorkRoute, tags=["operations"])


@router.get("/health/live", response_model=LiveOut)
async def live() -> dict[str, str]:
    """The process answers."""
    return {"status": "live"}


@router.get(
    "/health/ready",
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


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def prometheus(request: Request) -> Response:
    """Request counts and times by route, live screens, audit log size, dispatch queue
    depth, imports in progress (kuntur.ops.metrics)."""
    settings = request.app.state.settings
    token = settings.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            raise Unauthenticated(_("las métricas piden el token del recolector (Bearer)"))
    elif settings.environment == "production":
        raise Forbidden(_("en producción las métricas piden KUNTUR_METRICS_TOKEN"))
    body, kind = await run_in_threadpool(metrics.exposition, request.app.state.engine)
    return Response(body, media_type=kind, headers={"Cache-Control": "no-store"})
