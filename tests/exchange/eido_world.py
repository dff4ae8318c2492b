"""A small world for the EIDO and export tests: one station, two units, one incident
dispatched, noted and cleared (through the services, as the dispatch desk would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.command import service as command
from kuntur.core.context import RequestContext
from kuntur.dispatch import service as dispatch
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.schemas import IncidentCreate

SYSTEM = RequestContext.system("tests")


@dataclass
class World:
    incident_id: int
    quiet_id: int  # received only: nothing dispatched, no narrative


def build(engine: Engine) -> World:
    with Session(engine) as db, db.begin():
        identity.ensure_agencies(db)
        db.flush()
        actor = Actor(db, SYSTEM)
        t = command.create_tree(
            actor,
            [
                ("joint", "Comando Conjunto", "PNP", "joint_command", None, None),
                ("a", "Comisaría Cercado", "PNP", "station", "joint", "150101"),
            ],
        )
        p1 = command.create_unit(
            actor, command.UnitSpec("PNP-A-P1", "PNP", "patrol_car", t["a"].id, -77.033, -12.048)
        )
        m1 = command.create_unit(
            actor, command.UnitSpec("PNP-A-M1", "PNP", "motorcycle", t["a"].id, -77.031, -12.047)
        )
        inc = incidents.create(
            actor=actor,
            data=IncidentCreate(
                source="emergency_call",
                category="aggravated_robbery",
                category_label="Robo a mano armada en paradero",
                occurred_at=datetime.fromisoformat("2026-11-20T21:10:00-05:00"),
                received_at=datetime.fromisoformat("2026-11-20T21:15:30-05:00"),
                latitude=-12.0464,
                longitude=-77.0300,
                address="Jr. de la Unión 500, Cercado de Lima",
                narrative="Dos sujetos en moto arrebatan un celular y huyen hacia el Rímac.",
            ),
        )
        dispatch.dispatch(actor, inc.id, p1.id)
        dispatch.dispatch(actor, inc.id, m1.id)
        dispatch.add_note(actor, inc.id, "La víctima describe una moto roja sin placa.")
        dispatch.move(actor, inc.id, "en_route")
        dispatch.move(actor, inc.id, "on_scene")
        dispatch.move(actor, inc.id, "cleared", disposition="Detenidos dos sospechosos")
        quiet = incidents.create(
            actor=actor,
            data=IncidentCreate(
                source="police_report",
                category="theft",
                occurred_at=datetime.fromisoformat("2026-11-19T08:00:00-05:00"),
                latitude=-12.1211,
                longitude=-77.0297,
            ),
        )
        return World(inc.id, quiet.id)
