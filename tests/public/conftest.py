"""Clients for the public domain's tests: anyone (no login), a commander (who may release
and issue alerts) and a dispatcher (who may not)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.config import Settings
from tests.conftest import role_client


@pytest.fixture
def commander(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with role_client(engine, settings, "comandante_pub", "commander") as c:
        yield c


@pytest.fixture
def dispatcher(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with role_client(engine, settings, "despacho_pub", "dispatcher") as c:
        yield c
