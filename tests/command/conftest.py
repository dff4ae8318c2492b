"""A small joint command: two fronts, stations, police and army units, a Lima emergency."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.command import service as command
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.identity.models import User
from tests.conftest import make_user

SYSTEM = RequestContext.system("test")
LIMA_POINT = (-77.0300, -12.0464)
TRUJILLO = (-79.0300, -8.1120)


@dataclass
class World:
    joint: int
    front: int
    station_a: int
    station_b: int
    army_front: int
    army_div: int
    patrol: int
    moto: int
    platoon: int
    emergency: int


def build_world(engine: Engine) -> World:
    with Session(engine) as db, db.begin():
        identity.ensure_agencies(db)
        db.flush()
        t = command.create_tree(
            Actor(db, SYSTEM),
            [
                ("joint", "Comando Conjunto", "PNP", "joint_command", None, None),
                ("front", "Frente Lima", "PNP", "front", "joint", None),
                ("a", "Comisaría Cercado", "PNP", "station", "front", "150101"),
                ("b", "Comisaría Rímac", "PNP", "station", "front", "150128"),
                ("army", "CO Centro", "EP", "front", "joint", None),
                ("div", "Destacamento Lima", "EP", "division", "army", None),
            ],
        )
        joint, front, a, b, army, div = (t[k] for k in ("joint", "front", "a", "b", "army", "div"))
        spec = command.UnitSpec
        p = command.create_unit(
            Actor(db, SYSTEM), spec("PNP-A-P1", "PNP", "patrol_car", a.id, -77.0320, -12.0470)
        )
        m = command.create_unit(
            Actor(db, SYSTEM), spec("PNP-B-M1", "PNP", "motorcycle", b.id, -77.0250, -12.0300)
        )
        pl = command.create_unit(
            Actor(db, SYSTEM),
            spec(
                "EP-PEL-1", "EP", "military_platoon", div.id, -77.0300, -12.0350, ("firearms",), 30
            ),
        )
        now = utcnow()
        emergency = command.create_authorization(
            Actor(db, SYSTEM),
            kind="state_of_emergency",
            number="DS 1-2026-PCM",
            starts_at=now - timedelta(days=5),
            ends_at=now + timedelta(days=30),
            forces_role="support",
            districts=["150101", "150128", "Rímac"],
            restricted_rights=["movement"],
        )
        return World(
            joint.id, front.id, a.id, b.id, army.id, div.id, p.id, m.id, pl.id, emergency.id
        )


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def client_for(
    engine: Engine,
    settings: Settings,
    username: str,
    roles: list[str],
    node: int | None,
    agency: str = "PNP",
) -> TestClient:
    token, _ = make_user(engine, username, roles, agency=agency)
    if node is not None:
        with Session(engine) as db, db.begin():
            db.execute(update(User).where(User.username == username).values(unit_id=node))
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def commander(engine: Engine, settings: Settings, world: World) -> Iterator[TestClient]:
    with client_for(engine, settings, "cmdte_frente", ["commander"], world.front) as c:
        yield c


@pytest.fixture
def dispatcher(engine: Engine, settings: Settings, world: World) -> Iterator[TestClient]:
    with client_for(engine, settings, "desp", ["dispatcher"], world.front) as c:
        yield c
