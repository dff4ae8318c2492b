"""NENA EIDO: a document is checked against the vendored schema (each kind of bad document
refused with its path, nothing written), written for an incident, read back into a fresh
store with the same fields (round trip), idempotent on the tracking id; the command line's
contract; the API's authorisation and audit."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.app import create_app
from kuntur.cli import app as cli
from kuntur.config import Settings
from kuntur.dispatch.models import IncidentNote
from kuntur.exchange import eido, eido_service
from kuntur.identity.actor import Actor
from kuntur.incidents.models import Incident
from tests.conftest import clear_store, make_user
from tests.exchange.eido_world import SYSTEM, build

# The fields that travel: an imported incident must have them as the original had them.
FIELDS = (
    "category",
    "category_label",
    "status",
    "priority",
    "occurred_at",
    "received_at",
    "latitude",
    "longitude",
    "address",
    "narrative",
    "owner_agency",
    "district_ubigeo",
    "dispatched_at",
    "cleared_at",
    "disposition",
)


def export(engine: Engine, incident_id: int) -> dict[str, Any]:
    with Session(engine) as db, db.begin():
        return eido_service.export_incident(Actor(db, SYSTEM), incident_id)


def import_(engine: Engine, payload: Any) -> eido_service.ImportReport:
    with Session(engine) as db, db.begin():
        return eido_service.import_documents(Actor(db, SYSTEM), payload)


def fields(engine: Engine, incident_id: int) -> dict[str, Any]:
    with Session(engine) as db:
        inc = db.get(Incident, incident_id)
        assert inc is not None
        return {f: getattr(inc, f) for f in FIELDS}


def count(engine: Engine) -> int:
    with Session(engine) as db:
        return int(db.scalar(select(func.count()).select_from(Incident)) or 0)


@pytest.fixture
def world_doc(engine: Engine) -> tuple[dict[str, Any], dict[str, Any]]:
    """The exported document of the dispatched incident, and the incident's fields; the
    store is then emptied (a fresh centre)."""
    world = build(engine)
    doc = export(engine, world.incident_id)
    original = fields(engine, world.incident_id)
    clear_store(engine)
    return doc, original


def test_an_exported_document_validates_and_says_what_happened(engine: Engine) -> None:
    world = build(engine)
    doc = export(engine, world.incident_id)
    assert eido.check(doc) is None
    inc = doc["incidentComponent"][0]
    assert inc["incidentTypeCommonRegistryText"] == "Law-Robbery"
    assert inc["incidentStatusCommonRegistryText"] == ["Cleared"]
    assert inc["incidentTrackingIdentifier"] == eido.tracking_id(world.incident_id)
    assert inc["owningAgencyIdentifier"] == "pnp.kuntur.gob.pe"
    assert [u["emergencyResourceIdentifier"] for u in doc["emergencyResourceComponent"]] == [
        "PNP-A-P1",
        "PNP-A-M1",
    ]
    assert len(doc["dispatchComponent"]) == 2
    assert doc["dispositionComponent"][0]["dispositionInternalText"] == "Detenidos dos sospechosos"
    assert doc["callComponent"][0]["callStartTimeStamp"] == "2026-11-21T02:15:30Z"
    place = eido.parse_pidf(doc["locationComponent"][0]["locationByValue"])
    assert place is not None
    lat, lon, address, at = place
    assert (lat, lon, address) == (-12.0464, -77.03, "Jr. de la Unión 500, Cercado de Lima")
    assert at is not None and eido.stamp(at) == "2026-11-21T02:10:00Z"
    texts = [n["noteText"] for n in doc["notesComponent"]]
    assert texts == [
        "Dos sujetos en moto arrebatan un celular y huyen hacia el Rímac.",
        "La víctima describe una moto roja sin placa.",
    ]
    # A report with nothing dispatched has no units, dispatches, call or disposition.
    quiet = export(engine, world.quiet_id)
    assert eido.check(quiet) is None
    for key in ("emergencyResourceComponent", "dispatchComponent", "callComponent"):
        assert key not in quiet
    with Session(engine) as db:
        logged = db.execute(
            text("SELECT object_id FROM audit_events WHERE type = 'exchange.eido.exported'")
        ).scalars()
        assert sorted(logged) == sorted([str(world.incident_id), str(world.quiet_id)])


def test_round_trip_into_a_fresh_store(
    engine: Engine, world_doc: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    doc, original = world_doc
    assert count(engine) == 0
    report = import_(engine, doc)
    assert (report.imported, report.duplicates) == (1, 0)
    (new_id,) = report.incident_ids
    assert fields(engine, new_id) == original
    with Session(engine) as db:
        inc = db.get(Incident, new_id)
        assert inc is not None
        assert (
            inc.source == "import"
            and inc.external_id == doc["incidentComponent"][0]["incidentTrackingIdentifier"]
        )
        notes = db.execute(
            select(IncidentNote.text, IncidentNote.author).where(IncidentNote.incident_id == new_id)
        ).all()
        # The note keeps who wrote it at the sending centre.
        assert [tuple(n) for n in notes] == [
            ("La víctima describe una moto roja sin placa.", "eido:system:tests")
        ]
    # What Kuntur does not take from another centre (its units and dispatches) is reported.
    assert "$.emergencyResourceComponent" in report.unmapped
    assert "$.dispatchComponent[0].emergencyResourceReference" in report.unmapped
    assert not any(p.startswith("$.incidentComponent[0].incidentType") for p in report.unmapped)
    # Exported again, it keeps the tracking id it came with: the same incident everywhere.
    again = export(engine, new_id)
    assert (
        again["incidentComponent"][0]["incidentTrackingIdentifier"]
        == doc["incidentComponent"][0]["incidentTrackingIdentifier"]
    )


def test_idempotent_on_the_tracking_id(
    engine: Engine, world_doc: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    doc, _ = world_doc
    first = import_(engine, [doc, doc])
    assert (first.imported, first.duplicates) == (1, 1)
    second = import_(engine, doc)
    assert (second.imported, second.duplicates) == (0, 1)
    assert count(engine) == 1


def _bad(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
    """Each kind of bad document, and the path its refusal must name."""
    cases = []

    def case(name: str, path: str, change: Any) -> None:
        d = copy.deepcopy(doc)
        change(d)
        cases.append((name, d, path))

    case("no version", "$", lambda d: d.pop("eidoVersion"))
    case("no incident", "$", lambda d: d.pop("incidentComponent"))
    case("no $id", "$", lambda d: d.pop("$id"))
    case(
        "component without its time stamp",
        "$.locationComponent[0]",
        lambda d: d["locationComponent"][0].pop("lastUpdateTimeStamp"),
    )
    case(
        "location without its type",
        "$.locationComponent[0]",
        lambda d: d["locationComponent"][0].pop("locationTypeDescriptionRegistryText"),
    )
    case(
        "disposition without its code",
        "$.dispositionComponent[0]",
        lambda d: d["dispositionComponent"][0].pop("dispositionCommonRegistryCode"),
    )
    case(
        "time stamp that is not one",
        "$.lastUpdateTimeStamp",
        lambda d: d.update(lastUpdateTimeStamp="yesterday"),
    )
    case(
        "time stamp of the right shape that is no date",
        "$.incidentComponent[0].incidentCreationTimeStamp",
        lambda d: d["incidentComponent"][0].update(
            incidentCreationTimeStamp="2026-13-45T25:61:00Z"
        ),
    )
    case(
        "priority out of range",
        "$.incidentComponent[0].incidentCommonPriorityNumber",
        lambda d: d["incidentComponent"][0].update(incidentCommonPriorityNumber=11),
    )
    case(
        "notes that are not a list",
        "$.notesComponent",
        lambda d: d.update(notesComponent={"noteText": "x"}),
    )
    case(
        "a location with no point",
        "$.locationComponent",
        lambda d: d["locationComponent"][0].update(locationByValue="<presence/>"),
    )
    case(
        "a point outside the served area",
        "$.locationComponent",
        lambda d: d["locationComponent"][0].update(
            locationByValue=eido.pidf_lo(40.7, -74.0, address=None, at=None, entity="pres:x")
        ),
    )
    return cases


def test_each_kind_of_bad_document_is_refused_with_its_path_and_nothing_written(
    engine: Engine, world_doc: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    doc, _ = world_doc
    good = copy.deepcopy(doc)
    good["incidentComponent"][0]["incidentTrackingIdentifier"] = "urn:other:1"
    for name, bad, path in _bad(doc):
        with pytest.raises(eido_service.Refused) as refused:
            import_(engine, [good, bad])  # the good one first: still nothing written
        got = refused.value.problem.path
        assert got.startswith(path.replace("$", "$[1]", 1)), (name, got)
        assert count(engine) == 0, name
    with Session(engine) as db:
        refusals = db.execute(
            text("SELECT count(*) FROM audit_events WHERE type = 'exchange.eido.refused'")
        ).scalar()
        assert refusals == len(_bad(doc))


def test_another_centres_document_maps_what_maps_and_reports_the_rest(engine: Engine) -> None:
    """A document as another CAD writes it: one incident object (not a list), a bare
    reference, another registry's status, a person component Kuntur does not keep."""
    pidf = (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gml="http://www.opengis.net/gml" entity="pres:x@example"><tuple id="a"><status>'
        "<gp:geopriv><gp:location-info><gml:Point><gml:pos>-12.0897 -77.0501</gml:pos>"
        "</gml:Point></gp:location-info></gp:geopriv></status></tuple></presence>"
    )
    doc = {
        "$id": "urn:emergency:uid:eido:abc",
        "lastUpdateTimeStamp": "2026-11-25T10:00:00-05:00",
        "eidoVersion": "1.0",
        "incidentComponent": {
            "$id": "inc-1",
            "lastUpdateTimeStamp": "2026-11-25T10:00:00-05:00",
            "incidentTrackingIdentifier": "urn:emergency:uid:incidentid:777:psap.example.org",
            "incidentTypeCommonRegistryText": "Law-Burglary",
            "incidentStatusCommonRegistryText": "Active",
            "incidentCreationTimeStamp": "2026-11-25T09:58:00-05:00",
            "incidentCommonPriorityNumber": 7,
            "locationReference": "$ref:loc-1",
            "owningAgencyIdentifier": "police.example.org",
        },
        "locationComponent": [
            {
                "$id": "loc-1",
                "lastUpdateTimeStamp": "2026-11-25T10:00:00-05:00",
                "locationTypeDescriptionRegistryText": "Residence",
                "locationByValue": pidf,
            }
        ],
        "personComponent": [{"$id": "p-1", "lastUpdateTimeStamp": "2026-11-25T10:00:00-05:00"}],
        "notesComponent": [
            {"$id": "n-1", "lastUpdateTimeStamp": "2026-11-25T10:00:00-05:00", "noteText": "A"},
            {"$id": "n-2", "lastUpdateTimeStamp": "2026-11-25T10:00:00-05:00", "noteText": "B"},
        ],
    }
    assert eido.check(doc) is None
    report = import_(engine, doc)
    assert report.imported == 1
    assert "$.personComponent" in report.unmapped
    assert "$.incidentComponent.owningAgencyIdentifier" in report.unmapped  # not one of ours
    got = fields(engine, report.incident_ids[0])
    assert got["category"] == "theft" and got["category_label"] == "Law-Burglary"
    assert got["status"] == "received" and got["priority"] == 2
    assert got["owner_agency"] == "PNP"  # the importer's
    assert got["narrative"] == "A\n\nB"
    assert (got["latitude"], got["longitude"]) == (-12.0897, -77.0501)
    assert got["occurred_at"].isoformat() == "2026-11-25T14:58:00+00:00"


def test_pidf_lo_shapes_other_producers_send() -> None:
    """A circle's centre; a polygon's vertices' mean (its closing vertex counted once); a
    document with no shape at all, or not XML, has no point."""
    head = (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gml="http://www.opengis.net/gml" '
        'xmlns:gs="http://www.opengis.net/pidflo/1.0"><tuple id="t"><status><gp:geopriv>'
        "<gp:location-info>"
    )
    tail = "</gp:location-info></gp:geopriv></status></tuple></presence>"
    circle = head + '<gs:Circle><gml:pos>-12.1 -77.0</gml:pos><gs:radius uom="m">50</gs:radius>'
    circle += "</gs:Circle>" + tail
    assert eido.parse_pidf(circle) == (-12.1, -77.0, None, None)
    polygon = (
        head + "<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"
        "-12.0 -77.0 -12.0 -77.2 -12.2 -77.2 -12.2 -77.0 -12.0 -77.0"
        "</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>" + tail
    )
    place = eido.parse_pidf(polygon)
    assert place is not None
    assert place[:2] == pytest.approx((-12.1, -77.1))
    assert eido.parse_pidf(head + tail) is None
    assert eido.parse_pidf("not xml") is None
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "-12.0 -77.0">]>'
        '<presence xmlns:gml="http://www.opengis.net/gml"><gml:Point><gml:pos>&a;</gml:pos>'
        "</gml:Point></presence>"
    )
    assert eido.parse_pidf(bomb) is None  # entities are refused: it comes from outside


def test_cli_contract(
    engine: Engine,
    world_doc: tuple[dict[str, Any], dict[str, Any]],
    cli_env: Settings,
    tmp_path: Path,
) -> None:
    doc, _ = world_doc
    runner = CliRunner()
    path = tmp_path / "eido.json"
    path.write_text(json.dumps([doc, doc]), encoding="utf-8")
    for flags in (["--json"], []):
        result = runner.invoke(cli, ["exchange", "eido", "import", str(path), *flags])
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert set(out) == {"imported", "duplicates", "unmapped"}
        assert isinstance(out["unmapped"], list)
        assert (out["imported"], out["duplicates"]) == ((1, 1) if flags else (0, 2))
    with Session(engine) as db:
        new_id = db.scalar(select(Incident.id))
    result = runner.invoke(cli, ["exchange", "eido", "export", "--incident", str(new_id)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert eido.check(printed) is None
    assert (
        printed["incidentComponent"][0]["incidentTrackingIdentifier"]
        == (doc["incidentComponent"][0]["incidentTrackingIdentifier"])
    )
    # Invalid: the schema's first error on standard error, exit 2, nothing written.
    clear_store(engine)
    bad = copy.deepcopy(doc)
    bad["locationComponent"][0].pop("locationTypeDescriptionRegistryText")
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = runner.invoke(cli, ["exchange", "eido", "import", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "$.locationComponent[0]" in result.stderr
    assert "locationTypeDescriptionRegistryText" in result.stderr
    assert count(engine) == 0
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(cli, ["exchange", "eido", "import", str(path)])
    assert result.exit_code == 2 and "JSON" in result.stderr


def test_api_both_ways_authorised_and_audited(engine: Engine, settings: Settings) -> None:
    world = build(engine)
    dispatcher, _ = make_user(engine, "despacho", ["dispatcher"])
    auditor, _ = make_user(engine, "auditor", ["auditor"], agency="DP")
    with TestClient(create_app(settings, engine)) as c:
        url = f"/api/exchange/eido/incidents/{world.incident_id}"
        assert c.get(url).status_code == 401
        refused = c.get(url, headers={"Authorization": f"Bearer {auditor}"})
        assert refused.status_code == 403
        got = c.get(url, headers={"Authorization": f"Bearer {dispatcher}"})
        assert got.status_code == 200, got.text
        doc = got.json()
        assert eido.check(doc) is None
        assert (
            c.get(
                "/api/exchange/eido/incidents/999999",
                headers={"Authorization": f"Bearer {dispatcher}"},
            ).status_code
            == 404
        )
        post = c.post(
            "/api/exchange/eido", json=doc, headers={"Authorization": f"Bearer {dispatcher}"}
        )
        assert post.status_code == 200, post.text
        # Exported from this store: its tracking id is Kuntur's own, not an import's, so it
        # is stored once as an import; again, a duplicate.
        assert post.json()["imported"] == 1
        again = c.post(
            "/api/exchange/eido", json=doc, headers={"Authorization": f"Bearer {dispatcher}"}
        )
        assert again.json() == {**post.json(), "imported": 0, "duplicates": 1, "unmapped": []}
        bad = copy.deepcopy(doc)
        bad.pop("eidoVersion")
        no = c.post(
            "/api/exchange/eido", json=bad, headers={"Authorization": f"Bearer {dispatcher}"}
        )
        assert no.status_code == 422 and "eidoVersion" in no.json()["detail"]
        assert (
            c.post(
                "/api/exchange/eido", json=doc, headers={"Authorization": f"Bearer {auditor}"}
            ).status_code
            == 403
        )
    with Session(engine) as db:
        types = db.execute(
            text("SELECT type, actor FROM audit_events WHERE type LIKE 'exchange.eido.%'")
        ).all()
        assert ("exchange.eido.exported", "user:despacho") in types
        assert ("exchange.eido.imported", "user:despacho") in types
        assert ("exchange.eido.refused", "user:despacho") in types
