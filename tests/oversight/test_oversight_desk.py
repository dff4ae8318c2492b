"""The oversight bodies (Defensoría, Fiscalía, internal affairs): they read operations,
legal bases, orders, use of force, complaints and the audit log, and write none of them;
they keep their own notes; they countersign a checkpoint signed in. And the audit log
still verifies after a year of synthetic use-of-force reports."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit import keys
from kuntur.audit import service as audit
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import system
from kuntur.oversight import service
from kuntur.oversight.schemas import AffectedIn, ForceIn, ReportIn, ReviewIn
from tests.command.conftest import World, build_world, client_for
from tests.conftest import INCIDENT

OVERSIGHT = [("ombudsman", "DP"), ("prosecutor", "MP"), ("internal_affairs", "PNP")]


@pytest.mark.parametrize(("role", "agency"), OVERSIGHT)
def test_oversight_roles_read_operations_and_write_none(
    engine: Engine,
    settings: Settings,
    world: World,
    commander: TestClient,
    role: str,
    agency: str,
) -> None:
    inc = commander.post("/api/incidents", json=INCIDENT)
    assert inc.status_code == 201, inc.text
    with client_for(engine, settings, f"o_{role}", [role], None, agency) as c:
        for url in (
            "/api/incidents",
            f"/api/incidents/{inc.json()['id']}",
            "/api/command/orders",
            "/api/command/authorizations",
            "/api/command/units",
            "/api/audit/events",
            "/api/oversight/uof",
            "/api/oversight/complaints",
            "/api/oversight/ei/flags",
            "/api/oversight/dashboard",
        ):
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text)
        now = utcnow()
        writes = [
            ("/api/incidents", INCIDENT),
            (
                "/api/command/orders",
                {
                    "issuer_node_id": world.front,
                    "target_node_id": world.station_a,
                    "kind": "patrol",
                    "text": "x",
                    "starts_at": now.isoformat(),
                    "ends_at": (now + timedelta(hours=1)).isoformat(),
                },
            ),
            (f"/api/dispatch/incidents/{inc.json()['id']}/status", {"status": "triaged"}),
            (f"/api/command/authorizations/{world.emergency}/revoke", None),
            (f"/api/command/units/{world.patrol}/status", {"status": "out_of_service"}),
            ("/api/oversight/uof/zero", {"command_unit_id": world.station_a, "period": "2026-01"}),
        ]
        for url, body in writes:
            r = c.post(url, json=body)
            assert r.status_code == 403, (url, r.status_code)
        # Their own notes: written, and read back by their own body only.
        note = c.post(
            "/api/oversight/notes",
            json={"object_type": "incident", "object_id": inc.json()["id"], "text": "Seguimiento"},
        )
        assert note.status_code == 201, note.text
        assert [n["agency"] for n in c.get("/api/oversight/notes").json()] == [agency]


def test_a_signed_in_oversight_user_countersigns_a_checkpoint(
    engine: Engine, settings: Settings, world: World
) -> None:
    witness = Ed25519PrivateKey.generate()
    with Session(engine) as db, db.begin():
        ctx = RequestContext.system("test")
        audit.add_witness(db, ctx, "Defensoría del Pueblo", keys.public_bytes(witness), "DP")
        audit.add_witness(db, ctx, "Testigo antiguo", keys.public_bytes(witness))
        key = keys.signing_key(settings.effective_audit_key_path, settings.environment)
        cp = audit.create_checkpoint(db, ctx, key)
        note = keys.checkpoint_note(cp.size, cp.root, cp.at)
        cp_id = cp.id
    signature = base64.b64encode(witness.sign(note)).decode()
    body = {"witness": "Defensoría del Pueblo", "signature": signature}
    url = f"/api/audit/checkpoints/{cp_id}/countersign"
    with client_for(engine, settings, "desp", ["dispatcher"], world.front) as d:
        assert d.post(url, json=body).status_code == 403
    # A witness belongs to an institution: the Fiscalía's login does not sign for the
    # Defensoría's witness, nor anyone for a witness registered without an institution.
    with client_for(engine, settings, "fiscal", ["prosecutor"], None, "MP") as f:
        other = f.post(url, json=body)
        assert other.status_code == 403
        assert other.json()["detail"].startswith("el testigo 'Defensoría del Pueblo' es de la")
        assert "DP" in other.json()["detail"] and "MP" in other.json()["detail"]
    with client_for(engine, settings, "defensora", ["ombudsman"], None, "DP") as c:
        bare = c.post(url, json={**body, "witness": "Testigo antiguo"})
        assert bare.status_code == 403 and "--agency" in bare.json()["detail"]
        forged = {**body, "signature": base64.b64encode(b"\0" * 64).decode()}
        assert c.post(url, json=forged).status_code == 422
        r = c.post(url, json=body)
        assert r.status_code == 201, r.text
        assert c.get("/api/audit/checkpoints/latest").json()["witnesses"] == [
            "Defensoría del Pueblo"
        ]
    with Session(engine) as db:
        signed = db.scalars(select(AuditEvent).where(AuditEvent.type == "audit.countersigned"))
        assert [e.actor for e in signed] == ["user:defensora"]
        refused = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.type == "audit.countersign.refused")
            .order_by(AuditEvent.idx)
        ).all()
        assert [(e.actor, e.outcome) for e in refused] == [
            ("user:fiscal", "denied"),
            ("user:defensora", "denied"),
        ]
        assert json.loads(refused[0].details)["reason"] == "other_agency"
        assert json.loads(refused[1].details)["reason"] == "witness_without_agency"


def test_the_log_verifies_after_a_year_of_reports(engine: Engine, settings: Settings) -> None:
    world = build_world(engine)
    start = utcnow() - timedelta(days=365)
    key = keys.signing_key(settings.effective_audit_key_path, settings.environment)
    outcomes = ("none", "injury", "serious_injury", "death")
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        members = [
            service.create_personnel(
                actor,
                service_number=f"PNP-Y{i}",
                name=f"Sintético {i}",
                rank="Suboficial",
                agency="PNP",
                command_unit_id=(world.station_a, world.station_b)[i % 2],
            ).id
            for i in range(6)
        ]
    ids = []
    for day in range(365):
        with Session(engine) as db, db.begin():
            actor = system(db, "test")
            at = start + timedelta(days=day, hours=day % 24)
            outcome = outcomes[day % len(outcomes)] if day % 3 == 0 else "none"
            r = service.file_report(
                actor,
                ReportIn(
                    incident_at=at,
                    reported_at=at + timedelta(hours=3 + day % 30),  # some late
                    force=[ForceIn(personnel_id=members[day % 6], level="physical")],
                    affected=[AffectedIn(outcome=outcome)],  # type: ignore[arg-type]
                    medical_aid_at=at + timedelta(minutes=15),
                    family_notified_at=at + timedelta(hours=1),
                ),
            )
            ids.append(r.id)
            if day % 7 == 0:
                service.review(
                    actor, r.id, **ReviewIn(finding="within_policy", text="ok").model_dump()
                )
                service.close_report(actor, r.id)
            if day % 30 == 0:
                audit.create_checkpoint(db, RequestContext.system("test"), key)
    with Session(engine) as db, db.begin():
        flagged = service.flag_overdue(system(db, "test"), utcnow())
        assert flagged  # late reports and unreviewed ones
        audit.create_checkpoint(db, RequestContext.system("test"), key)
    with Session(engine) as db:
        result = audit.verify(db, keys.public_bytes(key))
        assert result.ok, result.problems
        assert result.checkpoints_checked >= 13
        assert service.count_reports(db) == 365
        referred = db.scalars(select(AuditEvent).where(AuditEvent.type == "uof.referred")).all()
        assert len(referred) == sum(
            1 for d in range(365) if d % 3 == 0 and outcomes[d % 4] in ("serious_injury", "death")
        )


def test_the_desk_csv_never_carries_a_formula() -> None:
    """A legal basis's number is free text: "=HYPERLINK(...)" must reach the file inert."""
    import csv
    import io

    from kuntur.oversight.desk import _SafeWriter

    out = io.StringIO()
    _SafeWriter(csv.writer(out)).writerow(["military_taskings_orders", '=HYPERLINK("x")', 1, "3"])
    assert next(csv.reader(io.StringIO(out.getvalue())))[1] == '\'=HYPERLINK("x")'
