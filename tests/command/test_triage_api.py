"""Triage on the dispatcher's screen, through the API (issue 13): a first response beside
the specialised units with a recorded override, priority changes, notes, and the lifecycle
steps the timeline offers."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.dispatch.lifecycle import INCIDENT_MOVES
from kuntur.dispatch.models import Assignment
from tests.command.conftest import LIMA_POINT, TRUJILLO, World
from tests.command.test_api import events, incident


def test_first_response_needs_a_reason_which_is_recorded(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    """An extortion in progress: no unit has the capability, so the nearest patrol car is
    offered as a first response; sending it needs a reason, stored, audited, on the
    timeline."""
    iid = incident(dispatcher, LIMA_POINT, category="extortion", priority=1)
    rec = dispatcher.get(f"/api/dispatch/incidents/{iid}/recommendation").json()
    assert rec["needs"] == ["extortion"] and rec["ranked"] == []
    first = [r["call_sign"] for r in rec["first_response"]]
    assert first[0] == "PNP-A-P1"  # 0.2 km away, lacks only the capability
    lacks = {e["call_sign"]: e for e in rec["excluded"]}["PNP-A-P1"]
    assert lacks["code"] == "lacks" and lacks["params"] == {"capabilities": "extortion"}

    url = f"/api/dispatch/incidents/{iid}/dispatch"
    refused = dispatcher.post(url, json={"unit_id": world.patrol})
    assert refused.status_code == 422 and "motivo" in refused.text
    # The capability in words, in both languages, not its code.
    assert "(antiextorsión)" in refused.text and "lacks anti-extortion:" in refused.text
    assert "(extortion)" not in refused.text and "lacks extortion" not in refused.text
    blank = dispatcher.post(url, json={"unit_id": world.patrol, "override_reason": "   "})
    assert blank.status_code == 422
    assert events(engine, "incident.dispatched") == []

    why = "DIVINEXT a 24 min; la víctima sigue amenazada en el local"
    ok = dispatcher.post(url, json={"unit_id": world.patrol, "override_reason": why})
    assert ok.status_code == 201, ok.text
    with Session(engine) as db:
        a = db.scalars(select(Assignment).where(Assignment.incident_id == iid)).one()
        assert a.override_reason == why
    logged = events(engine, "incident.dispatched")
    assert len(logged) == 1
    assert json.loads(logged[0].details)["override"] == {"lacks": ["extortion"], "reason": why}
    tl = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    assert tl["assignments"][0]["override_reason"] == why
    assert tl["assignments"][0]["dispatched_by"] == "user:desp"


def test_the_override_never_waives_the_legal_basis(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    iid = incident(dispatcher, TRUJILLO, category="extortion", priority=1)
    r = dispatcher.post(
        f"/api/dispatch/incidents/{iid}/dispatch",
        json={"unit_id": world.platoon, "override_reason": "no hay otra unidad"},
    )
    assert r.status_code == 403 and "no state of emergency" in r.text
    assert len(events(engine, "legal.military.refused")) == 1
    assert events(engine, "incident.dispatched") == []


def test_a_unit_with_the_capability_needs_no_reason_and_records_none(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    iid = incident(dispatcher, LIMA_POINT, category="theft")
    r = dispatcher.post(
        f"/api/dispatch/incidents/{iid}/dispatch",
        json={"unit_id": world.patrol, "override_reason": "por si acaso"},
    )
    assert r.status_code == 201
    assert "override" not in json.loads(events(engine, "incident.dispatched")[0].details)
    tl = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    assert tl["assignments"][0]["override_reason"] is None


def test_excluded_reasons_carry_codes_for_the_screen(world: World, dispatcher: TestClient) -> None:
    iid = incident(dispatcher, TRUJILLO)
    rec = dispatcher.get(f"/api/dispatch/incidents/{iid}/recommendation").json()
    platoon = {e["call_sign"]: e for e in rec["excluded"]}["EP-PEL-1"]
    # The legal check's own words, both languages, for the screen to pick from.
    assert platoon["code"] == "no_legal_basis" and platoon["params"]["legal"] == "closest"
    assert platoon["params"]["es"].startswith("ningún estado de emergencia ni Resolución")
    assert platoon["reason"].startswith("sin base legal: ningún estado de emergencia")  # es / en
    assert " / no legal basis: no state of emergency" in platoon["reason"]


def test_priority_notes_and_the_moves_offered(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    iid = incident(dispatcher, LIMA_POINT, category="theft", priority=3)
    tl = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    # received: triage or clear; dispatching is its own call, never a "move".
    assert tl["allowed_moves"] == ["cleared", "triaged"]
    r = dispatcher.post(f"/api/dispatch/incidents/{iid}/priority", json={"priority": 1})
    assert r.status_code == 200 and r.json()["priority"] == 1
    assert json.loads(events(engine, "incident.priority")[0].details) == {"from": 3, "to": 1}

    note = "El llamante dice que son dos, en moto roja"
    r = dispatcher.post(f"/api/dispatch/incidents/{iid}/notes", json={"text": note})
    assert r.status_code == 201
    assert [(n["text"], n["author"]) for n in r.json()["notes"]] == [(note, "user:desp")]
    logged = json.loads(events(engine, "incident.note")[0].details)
    assert logged["length"] == len(note) and note not in json.dumps(logged)  # words stay out
    assert (
        dispatcher.post(f"/api/dispatch/incidents/{iid}/notes", json={"text": " "}).status_code
        == 422
    )

    dispatcher.post(f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol})
    tl = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    assert tl["allowed_moves"] == ["cleared", "en_route", "on_scene", "triaged"]
    dispatcher.post(f"/api/dispatch/incidents/{iid}/status", json={"status": "on_scene"})
    tl = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    assert tl["allowed_moves"] == sorted(INCIDENT_MOVES["on_scene"]) == ["cleared"]
    dispatcher.post(f"/api/dispatch/incidents/{iid}/status", json={"status": "cleared"})
    tl = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    assert tl["allowed_moves"] == []
    closed = dispatcher.post(f"/api/dispatch/incidents/{iid}/priority", json={"priority": 2})
    assert closed.status_code == 422
