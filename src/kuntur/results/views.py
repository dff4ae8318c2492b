"""Results API: the interventions with their evaluation, the chart of each (an SVG drawn
on the server), and recording one (``results.manage``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import Response

from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.identity.web import ActorDep
from kuntur.results import chart, service
from kuntur.results.manifest import VIEW
from kuntur.results.schemas import (
    CloseIn,
    InterventionIn,
    InterventionOut,
    TrendsOut,
    WeeklyKpisOut,
    WithdrawIn,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/results", tags=["results"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
District = Annotated[str | None, Query(pattern=r"^\d{6}$", description="ubigeo; none: the city")]


@router.get("/interventions", response_model=list[InterventionOut])
def interventions(actor: ActorDep) -> list[dict[str, Any]]:
    """Every intervention, newest first, with its effect, intervals and checks."""
    return [service.intervention_out(actor, i) for i in service.interventions(actor)]


@router.get("/interventions/{intervention_id}", response_model=InterventionOut)
def intervention(intervention_id: Id, actor: ActorDep) -> dict[str, Any]:
    actor.require(VIEW, object_type="intervention", object_id=str(intervention_id))
    return service.intervention_out(actor, service.get(actor, intervention_id))


@router.get(
    "/interventions/{intervention_id}/chart.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the chart"}},
)
def intervention_chart(
    intervention_id: Id, actor: ActorDep, lang: Literal["es", "en"] = "es"
) -> Response:
    """Observed against counterfactual in the treated districts (SVG; labels in Spanish,
    or ``lang=en``)."""
    actor.require(VIEW, object_type="intervention", object_id=str(intervention_id))
    result = service.cached_evaluation(actor, service.get(actor, intervention_id))
    svg = chart.from_result(result, lang=lang) if result else ""
    return Response(svg, media_type="image/svg+xml")


@router.post("/interventions", response_model=InterventionOut, status_code=status.HTTP_201_CREATED)
def record(data: InterventionIn, actor: ActorDep) -> dict[str, Any]:
    item = service.record(actor, **data.model_dump())
    return service.intervention_out(actor, item, evaluate=False)


@router.post("/interventions/{intervention_id}/close", response_model=InterventionOut)
def close(intervention_id: Id, data: CloseIn, actor: ActorDep) -> dict[str, Any]:
    """Its end date (``results.manage``); on the audit record."""
    item = service.close(actor, intervention_id, data.ends_on)
    return service.intervention_out(actor, item, evaluate=False)


@router.post("/interventions/{intervention_id}/withdraw", response_model=InterventionOut)
def withdraw(intervention_id: Id, data: WithdrawIn, actor: ActorDep) -> dict[str, Any]:
    """Withdraw a record made by mistake, saying why (``results.manage``): it stays listed
    and on the audit record, and is no longer evaluated nor counted against the others."""
    item = service.withdraw(actor, intervention_id, data.reason)
    return service.intervention_out(actor, item, evaluate=False)


@router.get("/trends", response_model=TrendsOut)
def trends(actor: ActorDep) -> dict[str, Any]:
    """Per district, the last 4 weeks against the 12 before: incidents, the median
    call-to-dispatch time and use-of-force reports, each a week."""
    return service.trends(actor)


@router.get(
    "/trends.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the chart"}},
)
def trends_chart(
    actor: ActorDep, lang: Literal["es", "en"] = "es", district: District = None
) -> Response:
    """Incidents, median call-to-dispatch time, use-of-force reports and forecast hit rate
    week by week over the last 16 weeks, each against its baseline, for the city or one
    ``district`` (SVG; labels in Spanish, or ``lang=en``)."""
    from kuntur.geography import service as geo

    actor.require(VIEW, object_type="trends")
    found = geo.get_district(district) if district else None
    place = found.name if found else (district or "")
    svg = chart.weekly_kpis(service.weekly_kpis(actor, district=district), lang, place)
    return Response(svg, media_type="image/svg+xml")


@router.get("/trends/weekly", response_model=WeeklyKpisOut)
def weekly(actor: ActorDep, district: District = None) -> dict[str, Any]:
    """The KPIs behind ``trends.svg``, week by week, with their baselines."""
    return service.weekly_kpis(actor, district=district)
