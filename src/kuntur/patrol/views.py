"""Patrol API: the newest plan, one plan, build a plan for a shift, approve it into orders;
and a unit's printable visit sheet."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.identity.web import ActorDep
from kuntur.patrol import service
from kuntur.patrol.schemas import LatestPlanOut, PlanIn, PlanOut

router = APIRouter(route_class=UnitOfWorkRoute, tags=["patrol"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/api/patrol/plans/latest", response_model=LatestPlanOut)
def latest_plan(actor: ActorDep) -> dict[str, Any]:
    """The newest plan, or ``{"plan": null}`` before the first."""
    plan = service.latest_plan(actor)
    return {"plan": service.plan_out(actor, plan) if plan else None}


@router.get("/api/patrol/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: Id, actor: ActorDep) -> dict[str, Any]:
    return service.plan_out(actor, service.get_plan(actor, plan_id))


@router.post("/api/patrol/plans", response_model=PlanOut, status_code=status.HTTP_201_CREATED)
def build_plan(data: PlanIn, actor: ActorDep) -> dict[str, Any]:
    """A plan for the shift from the stored forecast and the units on hand (a draft)."""
    plan = service.build_plan(
        actor,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        region=data.region or None,
        include_discovered=data.include_discovered,
        reach_minutes=data.reach_minutes,
    )
    return service.plan_out(actor, plan)


@router.post("/api/patrol/plans/{plan_id}/approve", response_model=PlanOut)
def approve_plan(plan_id: Id, actor: ActorDep) -> dict[str, Any]:
    """A commander approves: one order per post, down the chain of command."""
    return service.plan_out(actor, service.approve_plan(actor, plan_id))


@router.get(
    "/patrullaje/planes/{plan_id}/hoja/{unit_id}",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def sheet(
    plan_id: Id,
    unit_id: Id,
    request: Request,
    actor: ActorDep,
    lang: Annotated[str | None, Query(pattern="^(es|en)$")] = None,
) -> Response:
    """A unit's printable hot-spot visit sheet."""
    if not actor.authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    chosen = lang or request.cookies.get("lang") or "es"
    return HTMLResponse(
        service.sheet_html(actor, plan_id, unit_id, chosen if chosen in ("es", "en") else "es")
    )
