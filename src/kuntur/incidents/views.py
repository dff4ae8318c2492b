"""Incident API: thin routes over the incident service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from kuntur.core.web import MAX_ID, UnitOfWorkRoute, json_response
from kuntur.identity.web import ActorDep
from kuntur.incidents import service
from kuntur.incidents.categories import Category, Source, Status
from kuntur.incidents.layer_cache import TtlCache
from kuntur.incidents.schemas import (
    IncidentCreate,
    IncidentOut,
    IncidentPage,
    IncidentStats,
    MapLayerOut,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/incidents", tags=["incidents"])


async def _filters(
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    district: Annotated[list[str] | None, Query(description="ubigeo or name; repeatable")] = None,
    start: Annotated[
        datetime | None, Query(description="from (inclusive); Lima time if no offset")
    ] = None,
    end: Annotated[datetime | None, Query(description="to (exclusive)")] = None,
    category: Annotated[list[Category] | None, Query()] = None,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    source: Annotated[list[Source] | None, Query()] = None,
) -> service.IncidentFilter:
    # A coroutine: parsing needs no thread (see core.web.get_db).
    return service.IncidentFilter(
        bbox=service.parse_bbox(bbox),
        districts=service.resolve_districts([d for d in district or [] if d]),
        start=start,
        end=end,
        categories=[c.value for c in category or []],
        statuses=[s.value for s in status_ or []],
        sources=[s.value for s in source or []],
    )


FilterDep = Annotated[service.IncidentFilter, Depends(_filters)]


@router.post("", response_model=IncidentOut, status_code=status.HTTP_201_CREATED)
def create_incident(data: IncidentCreate, actor: ActorDep) -> IncidentOut:
    """Create an incident. The same source + external id again is refused (409); the answer
    names the stored incident (``existing_id``) only to a caller who may read it."""
    return service.incident_out(service.create(actor=actor, data=data))


@router.get("", response_model=IncidentPage)
def list_incidents(
    actor: ActorDep,
    filters: FilterDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> Response:
    """Newest first, paginated with limit/offset; ``total`` counts every match."""
    rows, total = service.list_incidents(actor=actor, filters=filters, limit=limit, offset=offset)
    # An IncidentPage, built as plain data and encoded once (see core.web.json_response).
    return json_response(
        {
            "total": total,
            "limit": limit,
            "offset": offset,
            # Lists never carry sensitive narratives; the detail does, with a checked purpose.
            "items": service.out_rows(rows, lambda r: r.category not in service.SENSITIVE),
        }
    )


@router.get("/stats", response_model=IncidentStats)
def incident_stats(actor: ActorDep, filters: FilterDep) -> IncidentStats:
    return service.stats(actor=actor, filters=filters)


def cells_cache(state: Any) -> TtlCache:
    """This app's cache of wide map layers (``incidents.layer_cache``), made on first use."""
    cache = getattr(state, "map_cells_cache", None)
    if cache is None:
        cache = state.map_cells_cache = TtlCache(state.settings.map_cells_cache_s)
    return cache


@router.get("/map", response_class=JSONResponse, response_model=MapLayerOut)
def map_layer(
    request: Request,
    actor: ActorDep,
    filters: FilterDep,
    format_: Annotated[
        Literal["geojson", "compact"],
        Query(alias="format", description="geojson (GIS tools) or compact (arrays, the map page)"),
    ] = "geojson",
) -> Response:
    """The map layer for a view: H3 cell counts when wide, points when close.

    ``kind`` says which; ``resolution`` gives the H3 resolution of cells; ``total``
    counts the incidents in view (null when the points were capped: ``truncated``).
    """
    settings = request.app.state.settings
    layer = service.map_layer(
        actor=actor,
        filters=filters,
        points_max_span=settings.map_points_max_span_deg,
        points_limit=settings.map_points_limit,
        cells_cache=cells_cache(request.app.state),
    )
    # Plain JSON of plain data: FastAPI's generic encoder walks every coordinate and
    # costs more than the query itself on a few thousand polygons; and pydantic's encoder
    # (json_response), not the standard library's, which took 8 ms for 2,000 points.
    if format_ == "compact":
        return json_response(layer.compact())
    return Response(layer.geojson_text(), media_type="application/json")


@router.get("/{incident_id}", response_model=IncidentOut)
def get_incident(
    incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: ActorDep
) -> IncidentOut:
    """One incident. A sensitive narrative (extortion, kidnapping, trafficking) needs a
    purpose: ``X-Purpose: <number of an open case you are a member of>``, or
    ``X-Purpose: INC-<id>`` when you dispatched a unit to this incident. That read is
    audited; another purpose is refused (403, audited)."""
    return service.incident_out_for(actor, service.get(actor=actor, incident_id=incident_id))
