"""What the use-of-force and desk tests share: the audit events of one type, a member
made through the API, a report's body, a report filed late."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.timeutil import utcnow
from tests.command.conftest import World


def events(engine: Engine, kind: str) -> list[AuditEvent]:
    """The log's events of ``kind``, in the log's order (PostgreSQL returns rows in no
    order unless asked)."""
    with Session(engine) as db:
        query = select(AuditEvent).where(AuditEvent.type == kind).order_by(AuditEvent.idx)
        return list(db.scalars(query))


def member(c: TestClient, number: str, agency: str, node: int) -> int:
    r = c.post(
        "/api/oversight/personnel",
        json={
            "service_number": number,
            "name": f"Agente Sintético {number}",
            "rank": "Suboficial",
            "agency": agency,
            "command_unit_id": node,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def body(force: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    return {
        "incident_at": (utcnow() - timedelta(hours=2)).isoformat(),
        "place": "Jr. Sintético 123",
        "latitude": -12.0464,  # Cercado de Lima: inside the world's state of emergency
        "longitude": -77.03,
        "location_type": "street",
        "contact_reason": "intervención por robo",
        "force": force,
        **kw,
    }


def late_report(commander: TestClient, world: World, number: str) -> int:
    """A report filed 30 hours after its incident, 20 days ago, never reviewed."""
    officer = member(commander, number, "PNP", world.station_a)
    old = utcnow() - timedelta(days=20)
    r = commander.post(
        "/api/oversight/uof",
        json=body(
            [{"personnel_id": officer, "level": "physical"}],
            incident_at=old.isoformat(),
            reported_at=(old + timedelta(hours=30)).isoformat(),
        ),
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])
