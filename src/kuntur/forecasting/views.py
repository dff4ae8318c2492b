"""Forecast API: thin routes over the forecasting service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.forecasting import service
from kuntur.forecasting.schemas import (
    CellExplanation,
    CellIncidents,
    ForecastCells,
    ForecastOut,
    ForecastRequest,
)
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/forecasts", tags=["forecasts"])
ForecastId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("", response_model=list[ForecastOut], response_model_exclude_unset=True)
def list_forecasts(
    actor: ActorDep, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[dict[str, Any]]:
    """Stored forecasts, newest first."""
    return [service.summary(f) for f in service.list_forecasts(actor=actor, limit=limit)]


@router.post(
    "",
    response_model=ForecastOut,
    response_model_exclude_unset=True,
    status_code=status.HTTP_201_CREATED,
)
def run_forecast(data: ForecastRequest, actor: ActorDep) -> dict[str, Any]:
    """Forecast on the incidents the caller may see; stored, audited, served below."""
    fields = data.model_dump()
    req = service.RunRequest(**{**fields, "categories": tuple(c.value for c in data.categories)})
    return service.summary(service.run(actor=actor, req=req))


@router.get("/latest", response_model=ForecastOut, response_model_exclude_unset=True)
def latest_forecast(actor: ActorDep) -> dict[str, Any]:
    return service.summary(service.latest(actor=actor))


@router.get("/{forecast_id}", response_model=ForecastOut, response_model_exclude_unset=True)
def get_forecast(forecast_id: ForecastId, actor: ActorDep) -> dict[str, Any]:
    """Parameters, data version and fairness report of one forecast."""
    return service.summary(service.get(actor=actor, forecast_id=forecast_id))


@router.get("/{forecast_id}/cells", response_model=ForecastCells)
def forecast_cells(forecast_id: ForecastId, actor: ActorDep) -> dict[str, Any]:
    """Flagged cells as GeoJSON polygons with rank, level (very_high, high) and risk."""
    return service.cells_geojson(actor=actor, forecast_id=forecast_id)


@router.get("/{forecast_id}/cells/{cell}", response_model=CellExplanation)
def explain_cell(
    forecast_id: ForecastId,
    cell: Annotated[int, Path(ge=0, le=MAX_ID)],
    actor: ActorDep,
) -> dict[str, Any]:
    """Why a cell was flagged: rank, recent events, last year, long-term level."""
    return service.explain(actor=actor, forecast_id=forecast_id, cell=cell)


@router.get("/{forecast_id}/cells/{cell}/incidents", response_model=CellIncidents)
def cell_incidents(
    forecast_id: ForecastId,
    cell: Annotated[int, Path(ge=0, le=MAX_ID)],
    actor: ActorDep,
) -> dict[str, Any]:
    """The incidents behind a flagged cell that the reader may read: crime types, hours
    (Lima) and the latest 50, over the year before the forecast."""
    return service.cell_incidents(actor=actor, forecast_id=forecast_id, cell=cell)
