"""Clients for the border tests: a border officer (screens and decides), a commander (who
manages the watchlists) and a dispatcher (who may do neither)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.config import Settings
from tests.conftest import role_client

WATCHLIST_CSV = """id,name,aliases,birth_date,nationality,document_number,list
W1,José Luis Quispe Mamani,Pepe Quispe;El Cholo,1985-03-12,PE,41234567,requisitoria
W2,Yorbis Hernández Marcano,,1990,VE,18765432,interpol
W3,María Fernanda Rojas Cárdenas,,1979-11-02,CO,1032456789,orden_judicial
W4,Carlos Alberto Pérez García,,1966-07-21,PE,07654321,alerta_migratoria
"""


@pytest.fixture
def officer(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with role_client(engine, settings, "oficial_frontera", "border_officer") as c:
        yield c


@pytest.fixture
def commander(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with role_client(engine, settings, "comandante_frontera", "commander") as c:
        yield c


@pytest.fixture
def dispatcher(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    with role_client(engine, settings, "despacho_frontera", "dispatcher") as c:
        yield c
