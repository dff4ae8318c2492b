"""What a unit is, for every domain that moves or counts units: its statuses with their
labels, and how fast each type of unit travels. Owned by command; dispatch, patrol and the
field app read it from here.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from kuntur.core.i18n import N_


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RETURNING = "returning"
    OUT_OF_SERVICE = "out_of_service"
    OFF_DUTY = "off_duty"


UNIT_STATUS_LABELS = {
    UnitStatus.AVAILABLE: N_("Disponible"),
    UnitStatus.DISPATCHED: N_("Despachada"),
    UnitStatus.EN_ROUTE: N_("En camino"),
    UnitStatus.ON_SCENE: N_("En el lugar"),
    UnitStatus.RETURNING: N_("Retornando"),
    UnitStatus.OUT_OF_SERVICE: N_("Fuera de servicio"),
    UnitStatus.OFF_DUTY: N_("Franco / fuera de turno"),
}


# Urban emergency speeds in km/h by unit type (straight-line fallback), and how each type
# moves relative to road speeds on the graph.
TYPE_SPEED_KMH = {
    "patrol_car": 30.0,
    "motorcycle": 35.0,
    "rapid_response": 35.0,
    "military_platoon": 25.0,
    "serenazgo_car": 28.0,
    "foot_patrol": 5.0,
}
TYPE_ROAD_FACTOR = {
    "patrol_car": 1.0,
    "motorcycle": 1.15,  # filters through traffic
    "rapid_response": 1.05,
    "military_platoon": 0.8,  # trucks
    "serenazgo_car": 0.95,
    "foot_patrol": 0.15,
}

# A position report dated further ahead than this is refused: a clock that far off (or a
# forged date) would pin the unit at that place until the date passes.
MAX_CLOCK_SKEW = timedelta(minutes=2)
