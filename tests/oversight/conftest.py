"""The use-of-force and desk tests' world and clients: the command tests' world, commander
and dispatcher, an army commander and an internal-affairs inspector. Only asked for by
name: the audit-log tests beside them use none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.config import Settings
from tests.command.conftest import World, client_for
from tests.command.conftest import commander as commander
from tests.command.conftest import dispatcher as dispatcher
from tests.command.conftest import world as world


@pytest.fixture
def army_commander(engine: Engine, settings: Settings, world: World) -> Iterator[TestClient]:
    with client_for(engine, settings, "cmdte_ep", ["commander"], world.army_front, "EP") as c:
        yield c


@pytest.fixture
def inspector(engine: Engine, settings: Settings, world: World) -> Iterator[TestClient]:
    with client_for(engine, settings, "inspector", ["internal_affairs"], None) as c:
        yield c
