"""No personal data in the audit log: a full scenario (reports, cases, notes, entities,
members, network reads, refused purposes, sensitive reads, exports) and then every event it
wrote is scanned for phone numbers, accounts and free text. Values the log must be able to
prove are keyed commitments, and the key holder can prove them."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.audit import commitments
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from tests.command.conftest import build_world
from tests.intelligence.support import open_case, report, user_client

NARRATIVES = [
    "Me llamaron del 987 654 321 exigiendo S/ 5,000. Que yapee al 955 111 222 a nombre de "
    "Juan Carlos Huamán Quispe.",
    "Amenazas desde el +51 987-654-321; dicen ser alias 'el Gato'.",
    "Piden depositar al CCI 00219100123456789053 y yapear al 955111222.",
    "Transferir a la cuenta 1234567890123 del BCP; placa ABC-123.",
]
SECRETS = ["987654321", "955111222", "00219100123456789053", "1234567890123", "ABC-123"]
PHONE = re.compile(r"(?<![\d])(?:\+?51[\s.-]?)?9\d{2}[\s.-]?\d{3}[\s.-]?\d{3}(?![\d])")
DIGITS = re.compile(r"(?:\d[\s.-]?){10,}")  # accounts, CCIs, phones with a prefix
COMMITMENT = re.compile(r"^hmac-sha256:[0-9a-f]{8}:[0-9a-f]{64}$")
CODE = re.compile(r"^[\w.:#/+-]{0,120}$")  # ids, codes, references: no spaces, no prose
PURPOSE = re.compile(r"^(oversight:)?(case:[A-Z0-9#./-]+|assignment:\d+)$")


def _scenario(engine: Engine, settings: Settings) -> dict[str, Any]:
    world = build_world(engine)  # units and legal bases: set-up, not scanned
    with Session(engine) as db:
        start = db.scalar(select(func.count()).select_from(AuditEvent))
    desk = user_client(engine, settings, "desk", ("dispatcher",), clearance=2)
    ids = [report(desk, t) for t in NARRATIVES]
    hidden = report(desk, "Secreto: llaman del 944 333 222.", classification=2)
    ana = user_client(engine, settings, "ana", ("intel_analyst",), clearance=1)
    beto = user_client(engine, settings, "beto", ("intel_analyst",))
    user_client(engine, settings, "carla", ("intel_analyst",), agency="EP")
    fiscal = user_client(engine, settings, "fiscal", ("auditor",), agency="MP")
    # Refused and missing purposes, one of them a phone number typed as the purpose.
    assert ana.get("/api/intel/networks").status_code == 403
    typed = "llame al 955 111 222 de Juan"
    assert ana.get("/api/intel/networks", headers={"X-Purpose": typed}).status_code == 403
    case = open_case(ana, "CASO-2026-0900", f"N-{ids[0]}", title="Red del 987 654 321 (Juan)")
    cid = case["id"]
    ana.headers["X-Purpose"] = "CASO-2026-0900"
    nets = ana.get("/api/intel/networks").json()
    for n in nets:
        assert ana.get(f"/api/intel/networks/{n['network']}").status_code == 200
    assert ana.get(f"/api/intel/reports/{ids[2]}/network").status_code == 200
    assert ana.get(f"/api/intel/reports/{hidden}/network").status_code == 404
    note = "Cobrador principal: Juan Carlos, 955 111 222, cuenta 1234567890123"
    assert ana.post(f"/api/intel/cases/{cid}/notes", json={"text": note}).status_code == 201
    for key in ("phone:+51955111222", "payment_account:00219100123456789053"):
        assert ana.post(f"/api/intel/cases/{cid}/entities", json={"key": key}).status_code == 201
    assert (
        ana.post(f"/api/intel/cases/{cid}/entities", json={"key": "phone:+51944333222"}).status_code
        == 422
    )
    assert (
        ana.post(f"/api/intel/cases/{cid}/members", json={"username": "carla"}).status_code == 201
    )
    assert beto.get(f"/api/intel/cases/{cid}").status_code == 404  # not on the team
    assert ana.get(f"/api/intel/cases/{cid}/report").status_code == 200
    assert fiscal.get(f"/api/intel/cases/{cid}/report").status_code == 200
    # Sensitive narratives: a case purpose, a refused one, a dispatcher's assignment.
    ana.headers.pop("X-Purpose")
    assert ana.get(f"/api/incidents/{ids[0]}", headers={"X-Purpose": "CASO-2026-0900"}).is_success
    assert ana.get(f"/api/incidents/{ids[1]}", headers={"X-Purpose": typed}).status_code == 403
    sent = desk.post(f"/api/dispatch/incidents/{ids[3]}/dispatch", json={"unit_id": world.patrol})
    assert sent.status_code == 201
    assert desk.get(f"/api/incidents/{ids[3]}", headers={"X-Purpose": f"INC-{ids[3]}"}).is_success
    return {"start": start, "note": note, "title": "Red del 987 654 321 (Juan)"}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_audit_events_hold_no_personal_data(engine: Engine, settings: Settings) -> None:
    said = _scenario(engine, settings)
    with Session(engine) as db:
        events = db.scalars(
            select(AuditEvent).where(AuditEvent.idx >= said["start"]).order_by(AuditEvent.idx)
        ).all()
    types = {e.type for e in events}
    assert {
        "intel.case.opened",
        "intel.case.changed",
        "intel.case.read",
        "intel.case.exported",
        "intel.search",
        "intel.view",
        "purpose.missing",
        "purpose.refused",
        "record.read.sensitive",
        "authz.denied",
    } <= types
    proofs: dict[str, list[str]] = {}
    for e in events:
        details = json.loads(e.details)
        fields = [e.actor, e.agency, e.object_type, e.object_id, e.outcome, *_strings(details)]
        for text in (f for f in fields if f is not None):
            if COMMITMENT.fullmatch(text):
                continue
            where = (e.idx, e.type, text)
            assert CODE.fullmatch(text), f"free text in the audit log: {where}"
            assert not PHONE.search(text) and not DIGITS.search(text), f"personal data: {where}"
            assert not any(s in text for s in SECRETS), where
        assert e.purpose is None or PURPOSE.fullmatch(e.purpose), (e.idx, e.type, e.purpose)
        for name, value in details.items():
            if isinstance(value, str) and COMMITMENT.fullmatch(value):
                proofs.setdefault(f"{e.type}.{name}", []).append(value)
    # What must stay provable is: whoever holds the key shows which value was logged.
    assert any(
        commitments.matches(c, "entity", "phone:+51955111222")
        for c in proofs["intel.case.changed.value"]
    )
    assert commitments.matches(proofs["intel.case.changed.text"][0], "note", said["note"])
    assert commitments.matches(proofs["intel.case.opened.title"][0], "case-title", said["title"])
    typed = "LLAME-AL-955-111-222-DE-JUAN"  # the typed purpose, as normalised
    assert all(commitments.matches(c, "purpose", typed) for c in proofs["purpose.refused.stated"])
    assert settings.effective_audit_commitment_key_path.exists()  # the key lives under var/
