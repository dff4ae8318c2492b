"""Public alerts: CAP 1.2 documents valid against the vendored OASIS schema (and invalid
ones refused), issued and cancelled only by authorised roles and on record, served as
application/cap+xml and listed in a well-formed Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.public import cap

NS = {"cap": cap.CAP_NS, "atom": cap.ATOM_NS}
ALERT = {
    "district": "150132",
    "event": "Simulacro de alerta por extorsión",
    "headline": "SIMULACRO: aviso de prueba en San Juan de Lurigancho",
    "description": "Ejercicio ficticio del sistema de alertas. No ha ocurrido nada.",
    "instruction": "Ninguna: es un simulacro.",
}


def sample(**changes: object) -> cap.Alert:
    fields: dict[str, object] = {
        "identifier": "PE-KUNTUR-TEST-1",
        "sender": "alertas@comando-conjunto.kuntur.pe",
        "sent": datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        "status": "Exercise",
        "msg_type": "Alert",
        "event": "Simulacro",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "headline": "SIMULACRO",
        "description": "Ejercicio",
        "instruction": "Ninguna",
        "area": cap.Area("Rímac", "150128", ("-12.0,-77.0 -12.0,-77.1 -12.1,-77.1 -12.0,-77.0",)),
    }
    fields.update(changes)
    return cap.Alert(**fields)  # type: ignore[arg-type]


def test_the_vendored_schema_is_oasis_cap_1_2() -> None:
    s = cap.schema()
    assert s.target_namespace == "urn:oasis:names:tc:emergency:cap:1.2"
    from importlib import resources

    text = (resources.files("kuntur.public") / "data" / "CAP-v1.2.xsd").read_text("utf-8")
    assert "Copyright OASIS Open 2010 All Rights Reserved" in text
    assert (resources.files("kuntur.public") / "data" / "README.md").is_file()


def test_a_built_alert_is_valid_cap() -> None:
    doc = cap.to_xml(sample())
    cap.validate(doc)
    root = fromstring(doc)
    assert root.find("cap:scope", NS).text == "Public"
    assert root.find("cap:sent", NS).text == "2026-12-01T10:00:00+00:00"
    info = root.find("cap:info", NS)
    assert info.find("cap:language", NS).text == "es-PE"
    assert info.find("cap:category", NS).text == "Security"
    area = info.find("cap:area", NS)
    assert area.find("cap:areaDesc", NS).text == "Rímac"
    assert area.find("cap:geocode/cap:valueName", NS).text == "UBIGEO"
    assert area.find("cap:geocode/cap:value", NS).text == "150128"


@pytest.mark.parametrize(
    "document",
    [
        # a status CAP does not have
        lambda: cap.to_xml(sample(status="Bogus")),
        # "Z" is not CAP's time form (a numeric offset is)
        lambda: cap.to_xml(sample()).replace(b"+00:00</sent>", b"Z</sent>"),
        # no identifier
        lambda: cap.to_xml(sample()).replace(b"<identifier>PE-KUNTUR-TEST-1</identifier>", b""),
        # elements out of the schema's order
        lambda: cap.to_xml(sample()).replace(
            b"<status>Exercise</status><msgType>Alert</msgType>",
            b"<msgType>Alert</msgType><status>Exercise</status>",
        ),
        # another namespace
        lambda: cap.to_xml(sample()).replace(
            cap.CAP_NS.encode(), b"urn:oasis:names:tc:emergency:cap:1.1"
        ),
        # not XML
        lambda: b"<alert>",
    ],
)
def test_an_invalid_alert_is_refused(document: object) -> None:
    with pytest.raises(cap.InvalidAlert, match="la alerta no"):
        cap.validate(document())  # type: ignore[operator]


def test_entities_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><alert>&x;</alert>'
    with pytest.raises(cap.InvalidAlert, match="declara entidades"):
        cap.validate(bomb)


def test_alerts_are_issued_by_authorised_roles_on_record_and_served_as_cap(
    engine: Engine,
    anonymous_client: TestClient,
    commander: TestClient,
    dispatcher: TestClient,
) -> None:
    assert anonymous_client.post("/api/public/alerts", json=ALERT).status_code == 401
    assert dispatcher.post("/api/public/alerts", json=ALERT).status_code == 403
    made = commander.post("/api/public/alerts", json=ALERT)
    assert made.status_code == 201, made.text
    a = made.json()
    assert a["status"] == "Exercise" and a["msg_type"] == "Alert"
    assert a["district_name"] == "San Juan de Lurigancho"
    doc = anonymous_client.get(a["cap_url"])
    assert doc.status_code == 200
    assert doc.headers["content-type"].startswith("application/cap+xml")
    cap.validate(doc.content)
    root = fromstring(doc.content)
    assert root.find("cap:identifier", NS).text == a["identifier"]
    assert root.find("cap:info/cap:area/cap:polygon", NS) is not None  # the district outline
    bad = commander.post("/api/public/alerts", json={**ALERT, "district": "999999"})
    assert bad.status_code == 422 and "distrito desconocido" in bad.text
    assert (
        commander.post("/api/public/alerts", json={**ALERT, "status": "Draft"}).status_code == 422
    )
    # Cancel: a new CAP message that references the first.
    assert dispatcher.post(f"/api/public/alerts/{a['id']}/cancel").status_code == 403
    cancelled = commander.post(f"/api/public/alerts/{a['id']}/cancel")
    assert cancelled.status_code == 201, cancelled.text
    c = cancelled.json()
    assert c["msg_type"] == "Cancel" and c["references"] == a["id"]
    cdoc = fromstring(anonymous_client.get(c["cap_url"]).content)
    assert a["identifier"] in cdoc.find("cap:references", NS).text
    assert anonymous_client.get("/api/public/alerts/999999.cap").status_code == 404
    listed = anonymous_client.get("/api/public/alerts").json()
    assert [x["id"] for x in listed] == [c["id"], a["id"]]
    with Session(engine) as db:
        kinds = list(
            db.scalars(
                select(AuditEvent.type)
                .where(AuditEvent.type.like("public.alert.%"))
                .order_by(AuditEvent.idx)
            )
        )
    assert kinds == ["public.alert.issued", "public.alert.cancelled"]

    # The Atom feed: well-formed, one entry per alert, each linking its CAP document.
    feed = anonymous_client.get("/api/public/alerts.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    froot = fromstring(feed.content)
    assert froot.tag == f"{{{cap.ATOM_NS}}}feed"
    for tag in ("id", "title", "updated"):
        assert froot.find(f"atom:{tag}", NS).text
    entries = froot.findall("atom:entry", NS)
    assert len(entries) == 2
    for e in entries:
        assert e.find("atom:id", NS).text.startswith("urn:kuntur:alert:")
        assert e.find("atom:updated", NS).text
        link = e.find("atom:link", NS)
        assert link.get("type") == "application/cap+xml" and link.get("href").endswith(".cap")
    ET.fromstring(feed.content)  # parses with the standard parser too
