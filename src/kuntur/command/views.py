"""Command API: tree, units (positions over JSON or CoT), readiness, authorizations, orders."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from kuntur.command import service
from kuntur.command.schemas import (
    AuthorizationIn,
    AuthorizationOut,
    NodeIn,
    NodeOut,
    OrderIn,
    OrderOut,
    PositionsAccepted,
    PositionsIn,
    ReadinessOut,
    StatusIn,
    TreeNodeOut,
    UnitIn,
    UnitOut,
)
from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/command", tags=["command"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/tree", response_model=list[TreeNodeOut])
def command_tree(actor: ActorDep) -> list[dict[str, Any]]:
    return service.tree(actor)


@router.post("/tree", response_model=NodeOut, status_code=status.HTTP_201_CREATED)
def create_node(data: NodeIn, actor: ActorDep) -> dict[str, Any]:
    n = service.create_node(actor, **data.model_dump())
    return {"id": n.id, "name": n.name, "level": n.level, "parent_id": n.parent_id}


@router.get("/units", response_model=list[UnitOut])
def list_units(
    actor: ActorDep,
    status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
    node: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[dict[str, Any]]:
    """Units (of a node's subtree), with status and last known position."""
    return [service.unit_out(u) for u in service.list_units(actor, status=status_, node_id=node)]


@router.post("/units", response_model=UnitOut, status_code=status.HTTP_201_CREATED)
def create_unit(data: UnitIn, actor: ActorDep) -> dict[str, Any]:
    spec = service.UnitSpec(**{**data.model_dump(), "capabilities": tuple(data.capabilities)})
    return service.unit_out(service.create_unit(actor, spec))


@router.post("/units/{unit_id}/status", response_model=UnitOut)
def set_status(unit_id: Id, data: StatusIn, actor: ActorDep) -> dict[str, Any]:
    return service.unit_out(service.set_unit_status(actor, unit_id, data.status))


@router.post("/positions", response_model=PositionsAccepted)
def report_positions(data: PositionsIn, actor: ActorDep) -> dict[str, int]:
    """Position reports by call sign; live maps see them within a second."""
    n = service.report_positions(actor, [(p.call_sign, p.lon, p.lat, p.at) for p in data.positions])
    return {"accepted": n}


@router.get("/readiness", response_model=ReadinessOut)
def readiness(actor: ActorDep) -> dict[str, Any]:
    """Units by status and agency, per command node (subtree) and per district."""
    return service.readiness(actor)


@router.get("/authorizations", response_model=list[AuthorizationOut])
def list_authorizations(actor: ActorDep) -> list[dict[str, Any]]:
    """States of emergency and Resoluciones Supremas, with ``active`` and ``expires_soon``."""
    return service.list_authorizations(actor)


@router.post(
    "/authorizations", response_model=AuthorizationOut, status_code=status.HTTP_201_CREATED
)
def create_authorization(data: AuthorizationIn, actor: ActorDep) -> dict[str, Any]:
    """Record a legal basis; an invalid one is refused with every reason (and audited)."""
    # The schema's fields are the service's keyword arguments, one for one.
    return service.authorization_out(service.create_authorization(actor, **data.model_dump()))


@router.post("/authorizations/{auth_id}/revoke", response_model=AuthorizationOut)
def revoke_authorization(auth_id: Id, actor: ActorDep) -> dict[str, Any]:
    return service.authorization_out(service.revoke_authorization(actor, auth_id))


@router.get("/orders", response_model=list[OrderOut])
def list_orders(actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_orders(actor)


@router.post("/orders", response_model=OrderOut, status_code=status.HTTP_201_CREATED)
def issue_order(data: OrderIn, actor: ActorDep) -> dict[str, Any]:
    """Down the chain of command only; armed-forces targets need a legal basis (refusals
    are audited)."""
    return service.order_out(service.issue_order(actor, **data.model_dump()))


@router.post("/orders/{order_id}/acknowledge", response_model=OrderOut)
def acknowledge(order_id: Id, actor: ActorDep) -> dict[str, Any]:
    return service.order_out(service.acknowledge_order(actor, order_id))


@router.post("/orders/{order_id}/complete", response_model=OrderOut)
def complete(order_id: Id, actor: ActorDep) -> dict[str, Any]:
    return service.order_out(service.complete_order(actor, order_id))
