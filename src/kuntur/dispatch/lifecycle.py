"""Incident and unit states, and which moves between them are allowed.

received -> triaged -> dispatched -> en_route -> on_scene -> cleared; an incident may be
cleared from any open state (a false alarm, merged into another report), and a
dispatched incident whose unit is recalled goes back to triaged. Every move keeps
its timestamp: the response KPIs are computed from them.
"""

from __future__ import annotations

from kuntur.command.units import UnitStatus
from kuntur.incidents.categories import Status

INCIDENT_MOVES: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.TRIAGED, Status.DISPATCHED, Status.CLEARED}),
    Status.TRIAGED: frozenset({Status.DISPATCHED, Status.CLEARED}),
    Status.DISPATCHED: frozenset(
        {Status.EN_ROUTE, Status.ON_SCENE, Status.TRIAGED, Status.CLEARED}
    ),
    Status.EN_ROUTE: frozenset({Status.ON_SCENE, Status.CLEARED}),
    Status.ON_SCENE: frozenset({Status.CLEARED}),
    Status.CLEARED: frozenset(),
    Status.CLOSED: frozenset(),
}
# The column that records when an incident entered each state.
TIMESTAMP_OF = {
    Status.TRIAGED: "triaged_at",
    Status.DISPATCHED: "dispatched_at",
    Status.EN_ROUTE: "en_route_at",
    Status.ON_SCENE: "on_scene_at",
    Status.CLEARED: "cleared_at",
}
OPEN = frozenset(
    {Status.RECEIVED, Status.TRIAGED, Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SCENE}
)


# A unit's status follows its incident's while assigned.
UNIT_FOLLOWS = {
    Status.DISPATCHED: UnitStatus.DISPATCHED,
    Status.EN_ROUTE: UnitStatus.EN_ROUTE,
    Status.ON_SCENE: UnitStatus.ON_SCENE,
    Status.CLEARED: UnitStatus.RETURNING,
}


class IllegalMove(ValueError):
    pass


def check_move(current: str, target: str) -> None:
    """Raise ``IllegalMove`` with the allowed moves when ``current -> target`` is not one."""
    allowed = INCIDENT_MOVES.get(current, frozenset())
    if target not in allowed:
        options = ", ".join(sorted(allowed)) or "none (closed)"
        raise IllegalMove(
            f"an incident that is {current} cannot become {target}; allowed: {options}"
        )
