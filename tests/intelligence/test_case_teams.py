"""Cases belong to an agency and a team: members read, annotate and export; oversight reads;
anyone else is told the case does not exist, and the attempt is audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from tests.intelligence.support import open_case, report, user_client

NARRATIVES = [
    "Me llamaron del 987 654 321 exigiendo S/ 5,000. Que yapee al 955 111 222.",
    "Amenazas desde el +51 987-654-321; dicen ser alias 'el Gato'.",
]


def _denials(engine: Engine, actor: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(
                select(AuditEvent).where(
                    AuditEvent.type == "authz.denied", AuditEvent.actor == actor
                )
            )
        )


def test_only_members_read_annotate_and_export(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    first, _second = (report(client, t) for t in NARRATIVES)
    owner = user_client(engine, settings, "ana_pnp")
    outsider = user_client(engine, settings, "beto_pnp")  # same agency, not on the team
    army = user_client(engine, settings, "carla_ep", agency="EP")
    case = open_case(owner, "CASO-2026-0600", f"N-{first}")
    assert case["owner_agency"] == "PNP"
    assert case["members"] == [{"username": "ana_pnp", "agency": "PNP"}]
    cid = case["id"]
    outsider.headers["X-Purpose"] = "CASO-2026-0600"
    for method, path, body in [
        ("GET", f"/api/intel/cases/{cid}", None),
        ("POST", f"/api/intel/cases/{cid}/notes", {"text": "una nota"}),
        ("POST", f"/api/intel/cases/{cid}/entities", {"key": "phone:+51987654321"}),
        ("POST", f"/api/intel/cases/{cid}/members", {"username": "beto_pnp"}),
        ("GET", f"/api/intel/cases/{cid}/report", None),
        ("GET", "/api/intel/cases/999999", None),  # no such case: the same answer
    ]:
        r = outsider.request(method, path, json=body)
        assert r.status_code == 404, (method, path, r.status_code)
    assert len(_denials(engine, "user:beto_pnp")) == 6
    assert outsider.get("/api/intel/cases").json() == []  # "my cases" lists none of it
    assert [c["number"] for c in owner.get("/api/intel/cases").json()] == ["CASO-2026-0600"]
    # A member adds colleagues; once on the team they work on the case.
    added = owner.post(f"/api/intel/cases/{cid}/members", json={"username": "beto_pnp"})
    assert added.status_code == 201, added.text
    assert outsider.post(f"/api/intel/cases/{cid}/notes", json={"text": "ok"}).status_code == 201
    assert outsider.get(f"/api/intel/cases/{cid}/report").status_code == 200
    # Another agency's analyst: allowed while PNP shares its records with every agency.
    assert army.get(f"/api/intel/cases/{cid}").status_code == 404
    assert owner.post(f"/api/intel/cases/{cid}/members", json={"username": "carla_ep"}).is_success
    assert army.get(f"/api/intel/cases/{cid}").status_code == 200
    # Only intelligence analysts join a team.
    user_client(engine, settings, "disp_pnp", ("dispatcher",))
    refused = owner.post(f"/api/intel/cases/{cid}/members", json={"username": "disp_pnp"})
    assert refused.status_code == 422 and refused.json()["detail"].startswith("usuario:")


def test_other_agencies_join_only_through_sharing_rules(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    first = report(client, NARRATIVES[0])
    owner = user_client(engine, settings, "ana_pnp")
    user_client(engine, settings, "carla_ep", agency="EP")
    case = open_case(owner, "CASO-2026-0601", f"N-{first}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM sharing_rules WHERE owner_agency = 'PNP'"))
    r = owner.post(f"/api/intel/cases/{case['id']}/members", json={"username": "carla_ep"})
    assert r.status_code == 422
    assert "no comparte" in r.json()["detail"] and "does not share" in r.json()["detail"]


def test_oversight_reads_cases_and_changes_nothing(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    first = report(client, NARRATIVES[0])
    owner = user_client(engine, settings, "ana_pnp")
    case = open_case(owner, "CASO-2026-0602", f"N-{first}")
    auditor = user_client(engine, settings, "fiscal", ("auditor",), agency="MP")
    assert [c["id"] for c in auditor.get("/api/intel/cases").json()] == [case["id"]]
    assert auditor.get(f"/api/intel/cases/{case['id']}").status_code == 200
    assert auditor.get(f"/api/intel/cases/{case['id']}/report").status_code == 200
    note = auditor.post(f"/api/intel/cases/{case['id']}/notes", json={"text": "x"})
    assert note.status_code == 403
    assert (
        auditor.get("/api/intel/networks", headers={"X-Purpose": "CASO-2026-0602"}).status_code
        == 403
    )
    with Session(engine) as db:
        reads = db.scalars(
            select(AuditEvent.purpose).where(
                AuditEvent.actor == "user:fiscal", AuditEvent.type.like("intel.case.%")
            )
        ).all()
    assert set(reads) == {"oversight:case:CASO-2026-0602"}


def test_a_member_sees_the_case_entities_their_rights_allow(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    chief_dispatch = user_client(engine, settings, "jefe", ("dispatcher",), clearance=2)
    first = report(chief_dispatch, "Me llaman del 987 654 321 exigiendo S/ 5,000.")
    report(chief_dispatch, "Llamadas del 987654321 y del 944 333 222.", classification=2)
    chief = user_client(engine, settings, "analista_jefe", clearance=2)
    clerk = user_client(engine, settings, "analista_aux", clearance=0)
    case = open_case(chief, "CASO-2026-0603", f"N-{first}")
    chief.post(f"/api/intel/cases/{case['id']}/members", json={"username": "analista_aux"})
    kept = chief.post(f"/api/intel/cases/{case['id']}/entities", json={"key": "phone:+51944333222"})
    assert kept.json()["entities"] == ["phone:+51944333222"]
    assert clerk.get(f"/api/intel/cases/{case['id']}").json()["entities"] == []
    assert "944333222" not in clerk.get(f"/api/intel/cases/{case['id']}/report").text
