"""The integrators' API under /api/exchange (docs/exchange.md): NENA EIDO documents in and
out, and the analysts' exports. Thin: each route calls its service with the actor, which
authorises and records."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.exchange import eido_service
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
