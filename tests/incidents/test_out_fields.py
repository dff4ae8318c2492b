"""The list and the dispatch queue build their items as plain data (``out_fields``) instead
of an ``IncidentOut`` per row: the answers must stay what the model gives, key for key."""

from __future__ import annotations

from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session

from kuntur.incidents import service
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentOut, IncidentPage

BASE = {
    "source": "emergency_call",
    "category": "aggravated_robbery",
    "occurred_at": "2026-11-20T21:15:00",
    "latitude": -12.0464,
    "longitude": -77.0300,
}
VARIANTS: list[dict[str, Any]] = [
    {},
    {"narrative": "Dos sujetos en moto, placa ABC-123", "address": "Jr. Ucayali 300"},
    {"category": "extortion", "narrative": "Llaman al 987 654 321", "priority": 1},
    {"external_id": "105-778", "category_label": "Robo agravado a mano armada"},
    {"latitude": -12.0566, "longitude": -77.1181, "occurred_at": "1990-07-01T03:00:00Z"},
    {"latitude": -11.70, "longitude": -77.70},  # at sea, no district
]


def _make_all(client: TestClient) -> list[int]:
    ids = []
    for extra in VARIANTS:
        r = client.post("/api/incidents", json={**BASE, **extra})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return ids


@pytest.mark.parametrize("reveal", [True, False])
def test_out_fields_is_the_models_dump(client: TestClient, engine: Engine, reveal: bool) -> None:
    ids = _make_all(client)
    columns = select(*cast(Table, Incident.__table__).columns)  # plain rows, as the queue
    with Session(engine) as db:
        rows = db.execute(columns.where(Incident.id.in_(ids))).all()
        objects = db.scalars(select(Incident).where(Incident.id.in_(ids))).all()
        assert len(rows) == len(objects) == len(VARIANTS)
        for r in [*rows, *objects]:
            fast = service.out_fields(r, reveal=reveal)
            model = service.incident_out(r, reveal=reveal).model_dump(mode="json")
            assert list(fast) == list(model)
            assert fast == model


def test_list_and_queue_validate_against_their_models(client: TestClient) -> None:
    ids = _make_all(client)
    page = client.get("/api/incidents", params={"limit": 1000}).json()
    IncidentPage.model_validate(page)
    by_id = {i["id"]: i for i in page["items"]}
    for incident_id in ids:
        # What the detail shows (without a purpose, it too withholds the extortion's story).
        assert by_id[incident_id] == client.get(f"/api/incidents/{incident_id}").json()
    assert [i["narrative_withheld"] for i in by_id.values()].count(True) == 1
    queue = client.get("/api/dispatch/queue").json()
    assert {q["id"] for q in queue} >= set(ids)
    for item in queue:
        units = item.pop("units")
        assert isinstance(units, list)
        assert IncidentOut.model_validate(item).model_dump(mode="json") == item
        assert item["narrative"] is None


def test_rows_remembered_by_their_values_are_never_stale(
    client: TestClient, engine: Engine
) -> None:
    """``out_rows`` remembers a row's fields by its names and values: the same answers as
    ``out_fields``, a copy for each caller, and a changed incident shown as it now is."""
    ids = _make_all(client)
    columns = select(*cast(Table, Incident.__table__).columns).where(Incident.id.in_(ids))
    with Session(engine) as db:
        rows = db.execute(columns).all()
        first = service.out_rows(rows, reveal=True)
        assert first == [service.out_fields(r, reveal=True) for r in rows]
        first[0]["units"] = ["PNP-01"]  # what the queue adds to its own copy
        again = service.out_rows(rows, reveal=lambda r: r.category not in service.SENSITIVE)
        assert "units" not in again[0]
        assert [i["narrative_withheld"] for i in again].count(True) == 1
    with Session(engine) as db, db.begin():
        db.get_one(Incident, ids[0]).address = "Av. Abancay 500"
    with Session(engine) as db:
        changed = service.out_rows(db.execute(columns).all(), reveal=True)
    assert {i["id"]: i["address"] for i in changed}[ids[0]] == "Av. Abancay 500"
