"""Clients for the public domain's tests: anyone (no login), a commander (who may release
and issue alerts) and a dispatcher (who may not)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.app import create_app
from kuntur.config import Settings
from tests.conftest import make_user


def _client(engine: Engine, settings: Settings, name: str, role: str) -> TestClient:
    token, _ = make_user(engine, name, [role])
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def commander(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with _client(engine, settings, "comandante_pub", "commander") as c:
        yield c


@pytest.fixture
def dispatcher(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with _client(engine, settings, "despacho_pub", "dispatcher") as c:
        yield c
