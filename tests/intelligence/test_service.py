"""Linking stored reports: incremental linking on creation, analysts only, purpose, audit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from tests.conftest import make_user
from tests.intelligence.support import open_case, report

NARRATIVES = [
    "Me llamaron del 987 654 321 exigiendo S/ 5,000. Que yapee al 955 111 222.",
    "Amenazas desde el +51 987-654-321; dicen ser alias 'el Gato'.",
    "Piden depositar al CCI 00219100123456789053 y yapear al 955111222.",
    "Llamadas del 912 345 678, banda Los Pulpos.",
]


def test_reports_join_networks_as_they_arrive(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    ids = [report(client, t) for t in NARRATIVES]
    token, _ = make_user(engine, "analista_intel", ["intel_analyst"])
    with TestClient(
        create_app(settings, engine),
        headers={"Authorization": f"Bearer {token}", "X-Purpose": "CASO-2026-0042"},
    ) as intel:
        open_case(intel, "CASO-2026-0042", f"N-{ids[0]}")
        nets = intel.get("/api/intel/networks").json()
        assert [n["reports"] for n in nets] == [3]  # the fourth shares nothing
        name = nets[0]["network"]
        assert name == f"N-{ids[0]}"
        detail = intel.get(f"/api/intel/networks/{name}").json()
        assert {t["incident_id"] for t in detail["timeline"]} == set(ids[:3])
        hubs = [h["entity"] for h in detail["payment_hubs"]]
        assert hubs[0] == "phone:+51955111222"  # two reports pay to the same Yape
        link = next(
            x for x in detail["links"] if x["entity"] == "payment_account:00219100123456789053"
        )
        assert link["rule"] == "cci-check" and link["incident_id"] == ids[2]
        text = NARRATIVES[2]
        assert "00219100123456789053" in text[link["span"][0] : link["span"][1]]
        # a new report sharing only the CCI joins at once
        new = report(client, "Otra víctima: me pidieron transferir al CCI 002-191-001234567890-53.")
        back = intel.get(f"/api/intel/reports/{new}/network").json()
        assert back["network"] == name and back["reports"] == 4
        alone = intel.get(f"/api/intel/reports/{ids[3]}/network").json()
        assert alone["reports"] == 1
    with Session(engine) as db:
        logged = db.scalars(select(AuditEvent).where(AuditEvent.type.like("intel.%"))).all()
    assert {e.type for e in logged} == {
        "intel.search",
        "intel.view",
        "intel.case.opened",
        "intel.case.read",
    }
    assert {e.purpose for e in logged} == {"case:CASO-2026-0042"}  # the checked reference


def test_only_analysts_with_a_purpose(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    first_id = report(client, NARRATIVES[0])
    assert client.get("/api/intel/networks").status_code == 403  # dispatcher + crime analyst
    token, _ = make_user(engine, "intel2", ["intel_analyst"])
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as intel:
        r = intel.get("/api/intel/networks")
        assert r.status_code == 403 and r.json()["detail"].startswith("Indique el motivo")
        assert intel.get("/api/intel/networks/N-abc").status_code == 422
        first = intel.get("/api/intel/networks/N-1", headers={"X-Purpose": "CASO-1"})
        assert first.status_code == 403  # no such case: refused, whatever the network
        open_case(intel, "CASO-1", f"N-{first_id}")
        missing = intel.get("/api/intel/networks/N-999999", headers={"X-Purpose": "caso-1"})
        assert missing.status_code == 404


def test_cases_notes_entities_and_report(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    ids = [report(client, t) for t in NARRATIVES[:3]]
    token, _ = make_user(engine, "intel3", ["intel_analyst"])
    h = {"Authorization": f"Bearer {token}", "X-Purpose": "CASO-2026-0099"}
    with TestClient(create_app(settings, engine), headers=h) as intel:
        r = intel.post(
            "/api/intel/cases",
            json={
                "number": "CASO-2026-0099",
                "title": "Red de cobros por Yape",
                "network": f"N-{ids[0]}",
            },
        )
        assert r.status_code == 201, r.text
        case = r.json()
        again = intel.post(
            "/api/intel/cases",
            json={"number": "caso 2026-0099", "title": "x", "network": f"N-{ids[0]}"},
        )
        assert again.status_code == 422 and "already exists" in again.text  # one number
        note = intel.post(
            f"/api/intel/cases/{case['id']}/notes",
            json={"text": "<script>alert(1)</script> Cobrador principal"},
        )
        assert note.status_code == 201
        ent = intel.post(
            f"/api/intel/cases/{case['id']}/entities", json={"key": "phone:+51955111222"}
        )
        assert ent.json()["entities"] == ["phone:+51955111222"]
        unknown = intel.post(
            f"/api/intel/cases/{case['id']}/entities", json={"key": "phone:+51900000000"}
        )
        assert unknown.status_code == 422
        page = intel.get(f"/api/intel/cases/{case['id']}/report")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        body = page.text
        assert "<svg" in body and "cci-check" in body and "libphonenumber" in body
        assert "<script>alert(1)" not in body and "&lt;script&gt;" in body  # escaped
        assert "CASO-2026-0099" in body and body.count("<tr>") > 8
        assert '<html lang="es">' in body and "Procedencia de cada vínculo" in body
        # In the reader's language: ?lang=en (the pages' cookie works too), Spanish default.
        english = intel.get(f"/api/intel/cases/{case['id']}/report", params={"lang": "en"}).text
        assert '<html lang="en">' in english and "Provenance of each link" in english
        assert "Phone +51 955 111 222" in english and "Link chart" in english
        assert "Procedencia" not in english and "Teléfono" not in english
        assert "<script>alert(1)" not in english  # still escaped
    with Session(engine) as db:
        kinds = [
            e.type
            for e in db.scalars(select(AuditEvent).where(AuditEvent.type.like("intel.case%")))
        ]
    assert sorted(kinds) == [
        "intel.case.changed",
        "intel.case.changed",
        "intel.case.exported",
        "intel.case.exported",
        "intel.case.opened",
        "intel.case.read",  # the case as POST /api/intel/cases answers it
    ]


def test_cli_networks_need_an_open_case(
    cli_env: Settings, engine: Engine, settings: Settings, client: TestClient
) -> None:
    from typer.testing import CliRunner

    from kuntur.cli import app

    first, *_rest = (report(client, t) for t in NARRATIVES)
    refused = CliRunner().invoke(app, ["intel", "networks", "--purpose", "cualquier cosa"])
    assert refused.exit_code != 0 and "Motivo no válido" in refused.output
    with TestClient(create_app(settings, engine)) as anon:
        token, _ = make_user(engine, "intel_cli", ["intel_analyst"])
        anon.headers["Authorization"] = f"Bearer {token}"
        open_case(anon, "CASO-2026-0700", f"N-{first}")
    ok = CliRunner().invoke(app, ["intel", "networks", "--purpose", "CASO-2026-0700", "--json"])
    assert ok.exit_code == 0, ok.output
    with Session(engine) as db:
        purposes = set(
            db.scalars(select(AuditEvent.purpose).where(AuditEvent.actor == "system:intel"))
        )
    assert purposes == {None, "case:CASO-2026-0700"}  # the refusal carries no free text
