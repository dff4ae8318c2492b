"""Incident and unit states, and which moves between them are allowed.

received -> triaged -> dispatched -> en_route -> on_scene -> cleared; an incident may be
cleared from any open state (a false alarm, merged into another report), and a
dispatched incident whose unit is recalled goes back to triaged. Every move keeps
its timestamp: the response KPIs are computed from them.
"""

from __future__ import annotations

from kuntur.command.units import UnitStatus
from kuntur.core.i18n import _, both, render
from kuntur.incidents.categories import STATUS_LABELS, Status

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
    """A move the lifecycle does not allow; its text (``str``, or ``text(lang)``) names the
    states in words, each with the code an API call sends."""

    def __init__(self, current: str, target: str, allowed: frozenset[str]) -> None:
        self.current, self.target, self.allowed = current, target, allowed
        super().__init__(self.text())

    def text(self, lang: str | None = None) -> str:
        if lang is None:
            return both(self.text)
        options = ", ".join(_state(s, lang) for s in sorted(self.allowed))
        return _(
            "status: un incidente «{current}» no puede pasar a «{target}»; se permite: {options}",
            lang,
            current=_state(self.current, lang),
            target=_state(self.target, lang),
            options=options or _("ninguno (está cerrado)", lang),
        )


def _state(code: str, lang: str) -> str:
    """ "En camino (en_route)": the state in words, and the code to send."""
    if code not in STATUS_LABELS:
        return code
    return f"{render(STATUS_LABELS[Status(code)], lang)} ({code})"


def check_move(current: str, target: str) -> None:
    """Raise ``IllegalMove`` with the allowed moves when ``current -> target`` is not one."""
    allowed = INCIDENT_MOVES.get(current, frozenset())
    if target not in allowed:
        raise IllegalMove(current, target, allowed)
