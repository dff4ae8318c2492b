"""The integrators' API under /api/exchange (docs/exchange.md): NENA EIDO documents in and
out, and the analysts' exports. Thin: each route calls its service with the actor, which
authorises and records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Response

from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.exchange import eido_service, exports
from kuntur.exchange.schemas import EidoDocument, EidoImported
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/exchange", tags=["exchange"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "/eido/incidents/{incident_id}",
    response_model=EidoDocument,
    response_model_by_alias=True,
    response_model_exclude_unset=True,
)
def eido_export(incident_id: Id, actor: ActorDep) -> dict[str, Any]:
    """One incident as a NENA EIDO document (NENA-STA-021.1a, JSON): its call, dispatches,
    units, times, disposition, location (PIDF-LO) and owning agency."""
    return eido_service.export_incident(actor, incident_id)


@router.post("/eido", response_model=EidoImported)
def eido_import(
    payload: Annotated[
        dict[str, Any] | list[dict[str, Any]],
        Body(description="one EIDO document, or a JSON array of documents"),
    ],
    actor: ActorDep,
) -> dict[str, Any]:
    """Store the incidents of EIDO documents from another centre. A document that does not
    validate refuses the request (422, the schema's first error: its path and message) and
    nothing is written; an incident tracking id already stored is counted, not stored."""
    return eido_service.import_documents(actor, payload).out()


Dataset = Literal["incidents", "forecasts", "networks", "patrol_plans"]
Format = Literal["geojson", "gpkg", "csv"]


@router.get(
    "/exports/{dataset}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/geo+json": {},
                "application/geopackage+sqlite3": {},
                "text/csv": {},
            },
            "description": "the dataset as GeoJSON, GeoPackage or CSV (EPSG:4326)",
        }
    },
)
def export(
    dataset: Dataset,
    fmt: Format,
    actor: ActorDep,
    start: Annotated[
        datetime | None, Query(alias="from", description="from (ISO 8601; no offset: Lima)")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="to, excluded")] = None,
    district: Annotated[
        list[str] | None, Query(description="a district (ubigeo or name); repeatable")
    ] = None,
) -> Response:
    """Incidents, forecast cells, networks (nodes and links: intelligence analysts only,
    with ``X-Purpose`` naming an open case) or patrol posts, for GIS tools. Each needs the
    permission its dataset's own read needs; every export is on record (what, how many
    rows, never the contents)."""
    out = exports.export(
        actor,
        dataset,
        fmt,
        exports.ExportFilter(start=start, end=end, districts=list(district or [])),
    )
    return Response(
        out.content,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.file_name}"'},
    )
