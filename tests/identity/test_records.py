"""Per-record rules on incidents: agency sharing, classification, stated purpose."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from tests.conftest import make_user

BASE = {
    "source": "police_report",
    "occurred_at": "2026-11-20T21:15:00",
    "latitude": -12.0464,
    "longitude": -77.03,
}
NARRATIVE = "Me llaman del 987654321 exigiendo S/ 2.000 por Yape"


def as_user(
    engine: Engine,
    settings: Settings,
    name: str,
    agency: str,
    clearance: int = 0,
    roles: tuple[str, ...] = ("dispatcher",),
) -> TestClient:
    token, _ = make_user(engine, name, list(roles), agency=agency, clearance=clearance)
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


def events(engine: Engine, type_: str) -> list[AuditEvent]:
    with Session(engine) as db:
        query = select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.idx)
        return list(db.scalars(query))


def test_agencies_see_what_sharing_rules_grant(engine: Engine, settings: Settings) -> None:
    pnp = as_user(engine, settings, "policia", "PNP")
    army = as_user(engine, settings, "soldado", "EP")
    created = pnp.post("/api/incidents", json={**BASE, "category": "theft"}).json()
    assert created["owner_agency"] == "PNP"
    assert army.get("/api/incidents").json()["total"] == 1  # PNP shares with every agency
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_rules WHERE owner_agency = 'PNP'"))
    # The rule is gone: at once, the army sees nothing, anywhere.
    assert army.get("/api/incidents").json()["total"] == 0
    assert army.get("/api/incidents/stats").json()["count"] == 0
    wide = army.get("/api/incidents/map?bbox=-77.4,-12.6,-76.6,-11.5").json()
    assert wide["total"] == 0
    assert army.get(f"/api/incidents/{created['id']}").status_code == 404  # not even "exists"
    assert pnp.get(f"/api/incidents/{created['id']}").status_code == 200
    denied = events(engine, "authz.denied")
    assert [(e.actor, e.object_id) for e in denied] == [("user:soldado", str(created["id"]))]


def test_classified_records_need_the_clearance(engine: Engine, settings: Settings) -> None:
    chief = as_user(engine, settings, "jefe", "PNP", clearance=2)
    clerk = as_user(engine, settings, "auxiliar", "PNP", clearance=0)
    secret = chief.post(
        "/api/incidents", json={**BASE, "category": "kidnapping", "classification": 2}
    ).json()
    chief.post("/api/incidents", json={**BASE, "category": "theft"})
    assert chief.get("/api/incidents").json()["total"] == 2
    assert clerk.get("/api/incidents").json()["total"] == 1
    assert clerk.get(f"/api/incidents/{secret['id']}").status_code == 404
    too_high = clerk.post("/api/incidents", json={**BASE, "category": "theft", "classification": 3})
    assert too_high.status_code == 422 and "clearance" in too_high.json()["detail"]


def test_sensitive_narratives_need_a_stated_purpose(engine: Engine, settings: Settings) -> None:
    c = as_user(engine, settings, "analista", "PNP", roles=("dispatcher", "intel_analyst"))
    made = c.post(
        "/api/incidents", json={**BASE, "category": "extortion", "narrative": NARRATIVE}
    ).json()
    # The purpose is an open case the reader is a member of (identity.purposes).
    case = c.post(
        "/api/intel/cases",
        json={"number": "CASO-2026-0457", "title": "Extorsión", "network": f"N-{made['id']}"},
    )
    assert case.status_code == 201, case.text
    plain = c.get(f"/api/incidents/{made['id']}").json()
    assert plain["narrative"] is None and plain["narrative_withheld"] is True
    listed = c.get("/api/incidents").json()["items"][0]
    assert listed["narrative"] is None and listed["narrative_withheld"] is True
    assert events(engine, "record.read.sensitive") == []
    shown = c.get(f"/api/incidents/{made['id']}", headers={"X-Purpose": "Caso 2026-0457"}).json()
    assert shown["narrative"] == NARRATIVE
    (read,) = events(engine, "record.read.sensitive")
    assert read.purpose == "case:CASO-2026-0457" and read.object_id == str(made["id"])
    assert "987654321" not in read.details  # the log records the read, not the data
    theft = c.post(
        "/api/incidents", json={**BASE, "category": "theft", "narrative": "Le quitaron el celular"}
    ).json()
    assert c.get(f"/api/incidents/{theft['id']}").json()["narrative"] == "Le quitaron el celular"


def test_a_duplicate_reveals_nothing_of_a_record_the_caller_may_not_read(
    engine: Engine, settings: Settings
) -> None:
    """The duplicate check once answered 200 with another agency's classified record in
    full: a Serenazgo dispatcher (clearance 0) got an Army kidnapping narrative."""
    army = as_user(engine, settings, "coronel", "EP", clearance=3)
    sereno = as_user(engine, settings, "sereno", "SERENAZGO", clearance=0)
    secret = {
        **BASE,
        "external_id": "EP-2026-0042",
        "category": "kidnapping",
        "classification": 3,
        "narrative": NARRATIVE,
    }
    stored = army.post("/api/incidents", json=secret)
    assert stored.status_code == 201
    probe = sereno.post(
        "/api/incidents", json={**BASE, "external_id": "EP-2026-0042", "category": "theft"}
    )
    assert probe.status_code == 409
    assert probe.json().keys() == {"detail"}  # neither the record nor even its id
    assert "987654321" not in probe.text and str(stored.json()["id"]) not in probe.text
    # The owner's retry is told which record it already sent.
    again = army.post("/api/incidents", json=secret)
    assert again.status_code == 409 and again.json()["existing_id"] == stored.json()["id"]
    refused = events(engine, "incident.duplicate_refused")
    assert [(e.actor, e.object_id, e.outcome) for e in refused] == [
        ("user:sereno", str(stored.json()["id"]), "refused"),
        ("user:coronel", str(stored.json()["id"]), "refused"),
    ]
    with Session(engine) as db:  # nothing else was stored by either attempt
        assert db.scalar(text("SELECT count(*) FROM incidents")) == 1
