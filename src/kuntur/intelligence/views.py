"""Intelligence API: networks and their provenance, for analysts with a stated purpose."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from kuntur.core.web import MAX_ID, ContextDep, SessionDep
from kuntur.intelligence import service

router = APIRouter(prefix="/api/intel", tags=["intelligence"])


@router.get("/networks")
def list_networks(
    db: SessionDep,
    ctx: ContextDep,
    min_reports: Annotated[int, Query(ge=1, le=10_000)] = 2,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """Networks ranked by size, growth, violence and recency. Send ``X-Purpose``."""
    return service.list_networks(db, ctx, min_reports=min_reports, limit=limit)


@router.get("/networks/{name}")
def get_network(
    name: Annotated[str, Path(pattern=r"^N-\d{1,19}$")], db: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    """Communities, key players, payment hubs, brokers, timeline, and every link's provenance."""
    return service.network(db, ctx, name)


@router.get("/reports/{incident_id}/network")
def report_network(
    incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], db: SessionDep, ctx: ContextDep
) -> dict[str, Any]:
    """From a report to its network."""
    return service.network_of(db, ctx, incident_id)
