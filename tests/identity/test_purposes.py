"""Stated purposes are checked against the store: an open case the reader is a member of,
or an incident the reader dispatched a unit to. Refusals say what to enter and are audited;
the log records the checked reference, never the typed text."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from tests.command.conftest import build_world
from tests.intelligence.support import open_case, user_client

INCIDENT = {
    "source": "emergency_call",
    "category": "extortion",
    "occurred_at": "2026-11-20T21:15:00",
    "latitude": -12.0464,
    "longitude": -77.03,
    "narrative": "Me llaman del 987654321 exigiendo S/ 2.000 por Yape",
}


def events(engine: Engine, *types: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(
                select(AuditEvent).where(AuditEvent.type.in_(types)).order_by(AuditEvent.idx)
            )
        )


def read(c: TestClient, incident: int, purpose: str | None) -> tuple[int, dict]:
    headers = {"X-Purpose": purpose} if purpose is not None else {}
    r = c.get(f"/api/incidents/{incident}", headers=headers)
    return r.status_code, r.json()


def test_free_text_is_never_a_purpose() -> None:
    ctx = RequestContext(actor="user:ana", purpose="llamé al 987654321")
    assert ctx.purpose is None and ctx.stated_purpose == "llamé al 987654321"
    checked = ctx.with_purpose("case:CASO-1")
    assert checked.purpose == "case:CASO-1" and checked.stated_purpose == ctx.stated_purpose


def test_a_case_purpose_is_an_open_case_of_the_reader(engine: Engine, settings: Settings) -> None:
    desk = user_client(engine, settings, "desk", ("dispatcher",))
    made = desk.post("/api/incidents", json=INCIDENT).json()["id"]
    ana = user_client(engine, settings, "ana", ("intel_analyst",))
    beto = user_client(engine, settings, "beto", ("intel_analyst",))
    open_case(ana, "CASO-2026-0457", f"N-{made}")
    code, plain = read(ana, made, None)  # nothing asked, nothing refused
    assert code == 200 and plain["narrative_withheld"] is True
    assert events(engine, "purpose.refused", "purpose.missing") == []
    code, free = read(ana, made, "x")
    assert code == 403 and free["detail"].startswith("Motivo no válido")
    assert "CASO-2026-0001" in free["detail"] and "INC-" in free["detail"]  # what to enter
    code, shown = read(ana, made, "caso 2026-0457")  # written any way
    assert code == 200 and shown["narrative"] == INCIDENT["narrative"]
    # Another analyst naming ana's case: the same answer as for a made-up one.
    code, other = read(beto, made, "CASO-2026-0457")
    assert code == 403 and other["detail"] == free["detail"]
    with engine.begin() as conn:
        conn.execute(text("UPDATE intel_cases SET status = 'closed'"))
    assert read(ana, made, "CASO-2026-0457")[0] == 403
    refused = events(engine, "purpose.refused")
    assert [json.loads(e.details)["reason"] for e in refused] == [
        "no_such_case",
        "not_a_case_member",
        "case_closed",
    ]
    assert all(e.outcome == "denied" and e.purpose is None for e in refused)
    assert all(e.object_type == "incident" and e.object_id == str(made) for e in refused)
    (sensitive,) = events(engine, "record.read.sensitive")
    assert sensitive.purpose == "case:CASO-2026-0457" and sensitive.actor == "user:ana"


def test_dispatchers_read_the_incidents_they_handle(engine: Engine, settings: Settings) -> None:
    world = build_world(engine)
    desk = user_client(engine, settings, "desk", ("dispatcher",))
    other = user_client(engine, settings, "desk2", ("dispatcher",))
    made = desk.post("/api/incidents", json=INCIDENT).json()["id"]
    theft = desk.post("/api/incidents", json={**INCIDENT, "category": "theft"}).json()["id"]
    code, before = read(desk, made, f"INC-{made}")
    assert code == 403 and f"INC-{made}" in before["detail"]
    sent = desk.post(f"/api/dispatch/incidents/{made}/dispatch", json={"unit_id": world.patrol})
    assert sent.status_code == 201, sent.text
    code, shown = read(desk, made, f"inc-{made}")
    assert code == 200 and shown["narrative"] == INCIDENT["narrative"]
    assert read(other, made, f"INC-{made}")[0] == 403  # another dispatcher's assignment
    assert read(desk, made, f"INC-{theft}")[0] == 403  # another incident's reference
    assert read(desk, made, "CASO-2026-0457")[0] == 403  # no case of theirs
    for status in ("en_route", "on_scene", "cleared"):  # clearing releases the assignment
        moved = desk.post(f"/api/dispatch/incidents/{made}/status", json={"status": status})
        assert moved.status_code == 200, moved.text
    assert read(desk, made, f"INC-{made}")[0] == 403
    (sensitive,) = events(engine, "record.read.sensitive")
    assert sensitive.purpose is not None and sensitive.purpose.startswith("assignment:")
    reasons = [json.loads(e.details)["reason"] for e in events(engine, "purpose.refused")]
    assert reasons == [
        "no_open_assignment",
        "no_open_assignment",
        "no_open_assignment",
        "no_such_case",
        "no_open_assignment",
    ]


def test_intelligence_searches_audit_missing_and_refused_purposes(
    engine: Engine, settings: Settings
) -> None:
    ana = user_client(engine, settings, "ana", ("intel_analyst",))
    missing = ana.get("/api/intel/networks")
    assert missing.status_code == 403 and missing.json()["detail"].startswith("Indique el motivo")
    assert "State the purpose" in missing.json()["detail"]
    assert ana.get("/api/intel/networks", headers={"X-Purpose": "CASO-NADA"}).status_code == 403
    assert ana.get("/api/intel/networks", headers={"X-Purpose": "INC-5"}).status_code == 403
    (gone,) = events(engine, "purpose.missing")
    assert (gone.object_type, gone.object_id, gone.outcome) == ("intel", "networks", "denied")
    reasons = [json.loads(e.details)["reason"] for e in events(engine, "purpose.refused")]
    assert reasons == ["no_such_case", "not_a_case"]
