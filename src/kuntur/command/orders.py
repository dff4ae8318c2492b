"""Orders down the chain of command: issued from one's own node to its subtree, military
targets only with a legal basis, acknowledged and completed by the receivers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from kuntur.audit.manifest import ACCESS_DENIED
from kuntur.command.authorizations import check_military
from kuntur.command.fleet import is_military
from kuntur.command.manifest import (
    COMMAND_READ,
    ORDER_ACKNOWLEDGED,
    ORDER_COMPLETED,
    ORDER_ISSUED,
    ORDERS_ISSUE,
    UNITS_REPORT,
)
from kuntur.command.models import CommandUnit, Order, Unit
from kuntur.command.tree import subtree
from kuntur.core import events
from kuntur.core.db import get_or_404
from kuntur.core.errors import Forbidden, InvalidInput
from kuntur.core.i18n import _
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.identity.actor import Actor
from kuntur.identity.models import User


def _actor_node(actor: Actor) -> int | None:
    if actor.ctx.user_id is None:
        return None
    user = actor.db.get(User, actor.ctx.user_id)
    return user.unit_id if user else None


def _refuse_order(actor: Actor, issuer_node_id: int, reason: str) -> None:
    """An order outside the chain of command is refused and stays on record."""
    actor.record_apart(
        ACCESS_DENIED,
        object_type="command_node",
        object_id=str(issuer_node_id),
        outcome="denied",
        details={"reason": f"order out of the chain of command: {reason}"},
    )


def issue_order(
    actor: Actor,
    *,
    issuer_node_id: int,
    kind: str,
    text: str,
    starts_at: datetime,
    ends_at: datetime,
    target_node_id: int | None = None,
    target_unit_id: int | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> Order:
    """An order from a node to its own subtree; military units need a legal basis."""
    db = actor.db
    actor.require(ORDERS_ISSUE, object_type="order")
    if (target_node_id is None) == (target_unit_id is None):
        raise InvalidInput(_("indique exactamente uno de target_node_id, target_unit_id"))
    starts_at, ends_at = to_utc(starts_at), to_utc(ends_at)
    if ends_at <= starts_at:
        raise InvalidInput(_("ends_at: debe ser posterior a starts_at"))
    if not text.strip():
        raise InvalidInput(_("text: la orden dice qué hacer"))
    if db.get(CommandUnit, issuer_node_id) is None:
        raise InvalidInput(_("issuer_node_id: no existe el nodo de mando {id}", id=issuer_node_id))
    mine = _actor_node(actor)
    if not actor.is_system and (mine is None or issuer_node_id not in subtree(db, mine)):
        _refuse_order(actor, issuer_node_id, "issuer is not the actor's node or below it")
        raise Forbidden(
            _("Solo puede emitir órdenes desde su propio nodo de mando o uno que dependa de él.")
        )
    below = subtree(db, issuer_node_id)
    unit = db.get(Unit, target_unit_id) if target_unit_id is not None else None
    if target_unit_id is not None and unit is None:
        raise InvalidInput(_("target_unit_id: no existe la unidad {id}", id=target_unit_id))
    target_node = unit.command_unit_id if unit else target_node_id
    if target_node not in below or (target_node == issuer_node_id and unit is None):
        _refuse_order(actor, issuer_node_id, "target is not below the issuer")
        raise Forbidden(
            _("Las órdenes bajan por la cadena de mando: el destino no depende del emisor.")
        )
    basis_id = None
    military_targets = (
        [unit]
        if unit
        else [
            u
            for u in db.scalars(
                select(Unit).where(Unit.command_unit_id.in_(subtree(db, target_node)))
            )
            if is_military(u.agency_code)
        ]
    )
    for u in military_targets:
        if u is None or not is_military(u.agency_code):
            continue
        if lon is None or lat is None:
            raise InvalidInput(
                _("lon, lat: una orden a unidades de las Fuerzas Armadas indica su lugar")
            )
        basis_id = check_military(actor, u, lon, lat, starts_at, ends_at, "tasked")
    order = Order(
        issuer_node_id=issuer_node_id,
        target_node_id=target_node_id,
        target_unit_id=target_unit_id,
        kind=kind,
        text=text.strip(),
        lon=lon,
        lat=lat,
        starts_at=starts_at,
        ends_at=ends_at,
        legal_basis_id=basis_id,
        status="issued",
        issued_by=actor.who,
        issued_at=utcnow(),
    )
    db.add(order)
    db.flush()
    actor.record(
        ORDER_ISSUED,
        object_type="order",
        object_id=str(order.id),
        details={
            "issuer": issuer_node_id,
            "target_node": target_node_id,
            "target_unit": target_unit_id,
            "legal_basis": basis_id,
        },
    )
    events.emit(db, "order", live_order(order))
    return order


def _for_receiver(actor: Actor, order_id: int, expected: str) -> Order:
    """The order, if it is ``expected`` and ``ctx`` belongs to its receiving chain: the
    target node or one above it, but never the issuer's own desk. Answering an order is an
    operational report (``units.report``): oversight, which reads orders, answers none."""
    db = actor.db
    actor.require(UNITS_REPORT, object_type="order", object_id=str(order_id))
    order = get_or_404(db, Order, order_id, f"order {order_id}")
    if order.status != expected:
        raise InvalidInput(
            _(
                "la orden {id} está en {status}, no en {expected}",
                id=order_id,
                status=order.status,
                expected=expected,
            )
        )
    target = order.target_node_id
    if target is None and order.target_unit_id is not None:
        unit = db.get(Unit, order.target_unit_id)
        target = unit.command_unit_id if unit else None
    mine = _actor_node(actor)
    if not actor.is_system and (
        mine is None or target not in subtree(db, mine) or mine == order.issuer_node_id
    ):
        actor.record_apart(
            ACCESS_DENIED,
            object_type="order",
            object_id=str(order_id),
            outcome="denied",
            details={"reason": "order answered from outside its receiving chain"},
        )
        raise Forbidden(_("solo la cadena de la unidad que la recibe responde una orden"))
    return order


def acknowledge_order(actor: Actor, order_id: int) -> Order:
    return mark_acknowledged(actor, _for_receiver(actor, order_id, "issued"))


def mark_acknowledged(actor: Actor, order: Order) -> Order:
    """Acknowledge an issued order: audited, announced. The caller has checked that the
    actor answers for its receiver (``acknowledge_order``: the receiving chain; the field
    app: the unit the order names, or a unit under the node it names)."""
    if order.status != "issued":
        raise InvalidInput(
            _(
                "la orden {id} está en {status}, no en {expected}",
                id=order.id,
                status=order.status,
                expected="issued",
            )
        )
    order.status, order.acknowledged_by, order.acknowledged_at = "acknowledged", actor.who, utcnow()
    actor.record(ORDER_ACKNOWLEDGED, object_type="order", object_id=str(order.id))
    events.emit(actor.db, "order", live_order(order))
    return order


def complete_order(actor: Actor, order_id: int) -> Order:
    """The receiving chain reports the order carried out (after acknowledging it)."""
    order = _for_receiver(actor, order_id, "acknowledged")
    order.status, order.completed_at = "completed", utcnow()
    actor.record(ORDER_COMPLETED, object_type="order", object_id=str(order.id))
    events.emit(actor.db, "order", live_order(order))
    return order


def live_order(o: Order) -> dict[str, Any]:
    """An order as a live event: the order's kind as ``order_kind`` (the event's own
    ``kind`` is "order")."""
    out = order_out(o)
    out["order_kind"] = out.pop("kind")
    return out


def order_out(o: Order) -> dict[str, Any]:
    return {
        "id": o.id,
        "issuer_node_id": o.issuer_node_id,
        "target_node_id": o.target_node_id,
        "target_unit_id": o.target_unit_id,
        "kind": o.kind,
        "text": o.text,
        "lon": o.lon,
        "lat": o.lat,
        "starts_at": o.starts_at.isoformat(),
        "ends_at": o.ends_at.isoformat(),
        "legal_basis_id": o.legal_basis_id,
        "status": o.status,
        "issued_by": o.issued_by,
        "issued_at": o.issued_at.isoformat(),
        "acknowledged_by": o.acknowledged_by,
        "acknowledged_at": o.acknowledged_at.isoformat() if o.acknowledged_at else None,
        "completed_at": o.completed_at.isoformat() if o.completed_at else None,
    }


def list_orders(actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    actor.require(COMMAND_READ, object_type="order")
    rows = actor.db.scalars(select(Order).order_by(Order.id.desc()).limit(limit))
    return [order_out(o) for o in rows]
