"""The legal basis of armed-forces members' force must cover the report's place and time
(the command's own check), refused in words saying what it lacks, Spanish first."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.command import service as command
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import system
from tests.command.conftest import World
from tests.oversight.helpers import body, member

CALLAO = {"latitude": -12.06, "longitude": -77.14}  # outside the emergency's districts


def test_the_basis_must_cover_the_place_and_the_time(
    world: World, commander: TestClient, engine: Engine
) -> None:
    soldier = member(commander, "EP-0900", "EP", world.army_div)
    force = [{"personnel_id": soldier, "level": "physical"}]
    basis = {"legal_basis_id": world.emergency}
    elsewhere = commander.post("/api/oversight/uof", json=body(force, **basis, **CALLAO))
    assert elsewhere.status_code == 422
    said = elsewhere.json()["detail"]
    es, en = said.split(" / ", 1)
    assert es.startswith("legal_basis_id: Estado de emergencia DS 1-2026-PCM")
    assert "no cubre el uso de la fuerza por las Fuerzas Armadas" in es
    assert "el lugar (el punto queda fuera de su área" in es
    assert "does not cover" in en
    # Before the state of emergency began (it began five days ago).
    early = (utcnow() - timedelta(days=9)).isoformat()
    before = commander.post("/api/oversight/uof", json=body(force, **basis, incident_at=early))
    assert before.status_code == 422
    assert "el plazo (rige recién desde el" in before.json()["detail"]
    # Without a place it cannot be checked, and says so.
    nowhere = body(force, **basis)
    del nowhere["latitude"], nowhere["longitude"]
    unplaced = commander.post("/api/oversight/uof", json=nowhere)
    assert unplaced.status_code == 422
    assert "falta el lugar (latitude y longitude" in unplaced.json()["detail"]
    # Inside the area and the term: filed. The police alone need no basis to be checked.
    ok = commander.post("/api/oversight/uof", json=body(force, **basis))
    assert ok.status_code == 201, ok.text
    assert "legal_basis" not in ok.json()["check"]["missing"]
    officer = member(commander, "PNP-0900", "PNP", world.station_a)
    police = body([{"personnel_id": officer, "level": "verbal"}], **basis, **CALLAO)
    assert commander.post("/api/oversight/uof", json=police).status_code == 201


def test_a_basis_given_later_is_checked_too(
    world: World, commander: TestClient, engine: Engine
) -> None:
    with Session(engine) as db, db.begin():
        now = utcnow()
        police_only = command.create_authorization(
            system(db, "test"),
            kind="state_of_emergency",
            number="DS 7-2026-PCM",
            starts_at=now - timedelta(days=3),
            ends_at=now + timedelta(days=20),
            forces_role="none",
            districts=["150101"],
            restricted_rights=["movement"],
        ).id
    soldier = member(commander, "EP-0901", "EP", world.army_div)
    filed = commander.post(
        "/api/oversight/uof", json=body([{"personnel_id": soldier, "level": "verbal"}])
    )
    assert filed.status_code == 201, filed.text
    assert "legal_basis" in filed.json()["check"]["missing"]
    url = f"/api/oversight/uof/{filed.json()['id']}/follow-up"
    refused = commander.post(url, json={"legal_basis_id": police_only})
    assert refused.status_code == 422
    assert "la participación de las Fuerzas Armadas (no la dispone" in refused.json()["detail"]
    assert commander.post(url, json={"legal_basis_id": world.emergency}).status_code == 200
