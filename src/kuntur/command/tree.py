"""The command tree: one node per joint command, front, division, station or detachment,
across agencies; orders go down it and readiness adds up along it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.command.manifest import COMMAND_NODE_CREATED, COMMAND_READ, ORDERS_ISSUE
from kuntur.command.models import CommandUnit
from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _
from kuntur.identity.actor import Actor
from kuntur.identity.roles import AGENCIES

LEVELS = ("joint_command", "front", "division", "station")


def subtree(db: Session, node_id: int) -> set[int]:
    """``node_id`` and every node below it (the tree is small: read it whole)."""
    children: dict[int | None, list[int]] = {}
    for nid, parent in db.execute(select(CommandUnit.id, CommandUnit.parent_id)).all():
        children.setdefault(parent, []).append(nid)
    out, stack = set(), [node_id]
    while stack:
        n = stack.pop()
        if n not in out:
            out.add(n)
            stack.extend(children.get(n, []))
    return out


def create_node(
    actor: Actor,
    *,
    name: str,
    agency: str,
    level: str,
    parent_id: int | None,
    district: str | None = None,
) -> CommandUnit:
    db = actor.db
    actor.require(ORDERS_ISSUE, object_type="command_unit")
    if level not in LEVELS:
        raise InvalidInput(_("level: uno de {levels}", levels=", ".join(LEVELS)))
    if agency not in AGENCIES:
        raise InvalidInput(
            _(
                "agency: {agency!r} no es una de {agencies}",
                agency=agency,
                agencies=", ".join(AGENCIES),
            )
        )
    if parent_id is not None and db.get(CommandUnit, parent_id) is None:
        raise InvalidInput(_("parent_id: no existe el nodo de mando {id}", id=parent_id))
    node = CommandUnit(
        name=name, agency_code=agency, level=level, parent_id=parent_id, district_ubigeo=district
    )
    db.add(node)
    db.flush()
    actor.record(
        COMMAND_NODE_CREATED,
        object_type="command_unit",
        object_id=str(node.id),
        details={"agency": agency, "level": level, "parent": parent_id},
    )
    return node


def tree(actor: Actor) -> list[dict[str, Any]]:
    actor.require(COMMAND_READ, object_type="command_unit")
    rows = actor.db.scalars(select(CommandUnit).order_by(CommandUnit.id)).all()
    return [
        {
            "id": n.id,
            "name": n.name,
            "agency": n.agency_code,
            "level": n.level,
            "parent_id": n.parent_id,
            "district": n.district_ubigeo,
        }
        for n in rows
    ]


# A row of a command tree: key, name, agency, level, parent key (None: the root), district.
TreeRow = tuple[str, str, str, str, str | None, str | None]


def create_tree(actor: Actor, rows: Sequence[TreeRow]) -> dict[str, CommandUnit]:
    """Create command nodes from a table, parents before children; the nodes by key."""
    nodes: dict[str, CommandUnit] = {}
    for key, name, agency, level, parent, district in rows:
        if parent is not None and parent not in nodes:
            raise InvalidInput(
                _("{key}: el superior {parent!r} debe ir antes en la tabla", key=key, parent=parent)
            )
        nodes[key] = create_node(
            actor,
            name=name,
            agency=agency,
            level=level,
            parent_id=nodes[parent].id if parent else None,
            district=district,
        )
    return nodes
