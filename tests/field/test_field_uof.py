"""The field app's use-of-force report (issue 20): from the unit's own closed incident the
officer files the report oversight requires (through oversight's own rules) and attaches
photos as evidence: size-limited, judged by content, stripped of the device's metadata, the
SHA-256 of the stored bytes in the audit event; replays from the offline queue stored once."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.core.timeutil import utcnow
from kuntur.incidents.models import Incident
from kuntur.oversight.models import Personnel, ShiftAssignment, UofPhoto, UofReport
from tests.command.conftest import World, client_for
from tests.field import test_field_api as api
from tests.field.test_field_api import headers, incident_at, sign_in

# The field API tests' fixtures: the command world, its dispatcher, the phone's client.
world, dispatcher, app_client = api.world, api.dispatcher, api.app_client

SERIAL = "SN-PHONE-998877"


def _member(engine: Engine, world: World, unit: int, number: str) -> int:
    """A member on shift on ``unit`` from two hours ago to two hours ahead."""
    now = utcnow()
    with Session(engine) as db, db.begin():
        p = Personnel(
            service_number=number,
            name=f"Agente {number}",
            rank="Suboficial",
            agency_code="PNP",
            command_unit_id=world.station_a,
            created_at=now,
        )
        db.add(p)
        db.flush()
        db.add(
            ShiftAssignment(
                personnel_id=p.id,
                unit_id=unit,
                starts_at=now - timedelta(hours=2),
                ends_at=now + timedelta(hours=2),
            )
        )
        return p.id


def _closed_with_force(dispatcher: TestClient, unit: int) -> int:
    iid = incident_at(dispatcher)
    r = dispatcher.post(f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": unit})
    assert r.status_code == 201, r.text
    for status in ("en_route", "on_scene"):
        r = dispatcher.post(f"/api/dispatch/incidents/{iid}/status", json={"status": status})
        assert r.status_code == 200, r.text
    r = dispatcher.post(
        f"/api/dispatch/incidents/{iid}/status", json={"status": "cleared", "force": True}
    )
    assert r.status_code == 200, r.text
    return iid


def _an_hour_ago(engine: Engine, iid: int) -> None:
    """The incident happened an hour ago (the report written offline is later than it)."""
    with Session(engine) as db, db.begin():
        db.execute(
            update(Incident)
            .where(Incident.id == iid)
            .values(occurred_at=utcnow() - timedelta(hours=1))
        )


def jpeg_with_exif() -> bytes:
    """A phone photo: the make, model, serial and software, the time taken, and GPS."""
    img = Image.new("RGB", (320, 240), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "AcmePhone"  # Make
    exif[0x0110] = "Model X-9"  # Model
    exif[0x0131] = "AcmeOS 14"  # Software
    ifd = exif.get_ifd(0x8769)
    ifd[36867] = "2026:12:01 21:15:30"  # DateTimeOriginal
    ifd[36881] = "-05:00"  # OffsetTimeOriginal
    ifd[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "S", (12.0, 3.0, 0.0)
    gps[3], gps[4] = "W", (77.0, 2.0, 0.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def uof_item(cid: str, iid: int, member: int, at: str | None = None) -> dict[str, Any]:
    return {
        "client_id": cid,
        "kind": "uof",
        "incident_id": iid,
        "at": at or utcnow().isoformat(),
        "uof": {
            "force": [{"personnel_id": member, "level": "physical"}],
            "affected": [{"outcome": "injury", "age": 30, "sex": "M"}],
            "place": "Jr. de la Unión 300",
            "contact_reason": "robo en flagrancia",
            "supervisor_present": False,
        },
    }


def photo(
    c: TestClient, h: dict[str, str], cid: str, data: bytes, **form: Any
) -> Any:  # the response
    return c.post(
        "/api/field/uof/photos",
        headers=h,
        data={"client_id": cid, "at": utcnow().isoformat(), **form},
        files={"photo": ("foto.jpg", data, "image/jpeg")},
    )


def events(engine: Engine, type_: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(select(AuditEvent).where(AuditEvent.type == type_).order_by(AuditEvent.idx))
        )


def test_the_officer_files_the_report_for_the_units_closed_incident_and_attaches_photos(
    engine: Engine,
    settings: Settings,
    world: World,
    app_client: TestClient,
    dispatcher: TestClient,
) -> None:
    member = _member(engine, world, world.patrol, "PNP-31416")
    h = headers(sign_in(app_client)["token"])
    iid = _closed_with_force(dispatcher, world.patrol)
    listed = app_client.get("/api/field/uof", headers=h)
    assert listed.status_code == 200, listed.text
    (row,) = listed.json()
    assert row["incident_id"] == iid and row["report_status"] == "pending"
    assert [m["service_number"] for m in row["members"]] == ["PNP-31416"]

    _an_hour_ago(engine, iid)
    made = utcnow() - timedelta(minutes=20)  # written offline, sent later
    item = uof_item("uof-0001-aaaa", iid, member, made.isoformat())
    r = app_client.post("/api/field/reports", json={"items": [item]}, headers=h)
    assert r.status_code == 200, r.text
    (res,) = r.json()["results"]
    assert res["outcome"] == "applied", res
    report_id = res["report_id"]
    # The offline queue sends it again (the answer was lost): stored once.
    again = app_client.post("/api/field/reports", json={"items": [item]}, headers=h).json()
    assert again["results"][0]["outcome"] == "duplicate"
    assert again["results"][0]["report_id"] == report_id
    # Another report for the same incident (a second phone, a new id): oversight's rule,
    # one report per incident, answers it; the first stands.
    other = uof_item("uof-0002-bbbb", iid, member)
    (second,) = app_client.post("/api/field/reports", json={"items": [other]}, headers=h).json()[
        "results"
    ]
    assert second["outcome"] == "conflict" and "ya tiene su informe" in second["reason"]
    with Session(engine) as db:
        reports = list(db.scalars(select(UofReport).where(UofReport.incident_id == iid)))
        assert len(reports) == 1 and reports[0].status == "filed"
        assert reports[0].reported_at == made  # the time it was made on the phone
        assert reports[0].unit_id == world.patrol
    assert len(events(engine, "uof.filed")) == 1

    raw = jpeg_with_exif()
    p = photo(
        app_client,
        h,
        "photo-0001-aaaa",
        raw,
        report_client_id="uof-0001-aaaa",
        lat="-12.0464",
        lon="-77.0302",
    )
    assert p.status_code == 200, p.text
    body = p.json()
    assert body["outcome"] == "applied" and body["report_id"] == report_id
    dup = photo(app_client, h, "photo-0001-aaaa", raw, report_client_id="uof-0001-aaaa")
    assert dup.json()["outcome"] == "duplicate" and dup.json()["photo_id"] == body["photo_id"]
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(UofPhoto)) == 1
        stored = db.get(UofPhoto, body["photo_id"])
        assert stored is not None
        data = stored.data
        assert stored.sha256 == hashlib.sha256(data).hexdigest() == body["sha256"]
        assert stored.original_sha256 == hashlib.sha256(raw).hexdigest()
        # Kept: when it was taken (the photo's own EXIF time), and the place the officer
        # chose to attach. Gone: everything else the phone wrote into the file.
        assert stored.taken_at is not None
        assert stored.taken_at.isoformat() == "2026-12-02T02:15:30+00:00"
        assert (stored.latitude, stored.longitude) == (-12.0464, -77.0302)
    (event,) = events(engine, "uof.evidence")
    details = json.loads(event.details) if isinstance(event.details, str) else event.details
    assert details["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.object_id == str(report_id)
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        assert not img.getexif() and "exif" not in img.info
    for secret in (SERIAL.encode(), b"AcmePhone", b"Model X-9", b"AcmeOS"):
        assert secret not in data

    # Oversight sees the report with its photo, and the photo itself, byte for byte.
    with client_for(engine, settings, "insp", ["internal_affairs"], None) as ia:
        seen = ia.get(f"/api/oversight/uof/{report_id}")
        assert seen.status_code == 200, seen.text
        (ph,) = seen.json()["photos"]
        assert ph["sha256"] == details["sha256"]
        img = ia.get(ph["url"])
        assert img.status_code == 200 and img.content == data
        assert img.headers["x-content-sha256"] == details["sha256"]
        page = ia.get(f"/uso-fuerza/{report_id}")
        assert page.status_code == 200 and details["sha256"] in page.text


def test_only_the_units_own_closed_incidents(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    member = _member(engine, world, world.patrol, "PNP-27182")
    h = headers(sign_in(app_client)["token"])
    theirs = _closed_with_force(dispatcher, world.moto)  # another unit's incident
    open_ = incident_at(dispatcher)
    assert (
        dispatcher.post(
            f"/api/dispatch/incidents/{open_}/dispatch", json={"unit_id": world.patrol}
        ).status_code
        == 201
    )
    assert app_client.get("/api/field/uof", headers=h).json() == []  # neither is listed
    r = app_client.post(
        "/api/field/reports",
        json={
            "items": [
                uof_item("uof-theirs-0001", theirs, member),
                uof_item("uof-open-00001", open_, member),
            ]
        },
        headers=h,
    )
    first, second = r.json()["results"]
    assert first["outcome"] == "refused" and "no fue despachada" in first["reason"]
    assert second["outcome"] == "conflict" and "aún no está cerrado" in second["reason"]
    denied = [
        e
        for e in events(engine, "authz.denied")
        if e.object_type == "incident" and e.object_id == str(theirs)
    ]
    assert len(denied) == 1
    assert len(events(engine, "field.report_refused")) == 2
    with Session(engine) as db:
        r_ = db.scalar(select(UofReport).where(UofReport.incident_id == theirs))
        assert r_ is not None and r_.status == "pending"  # still due, untouched
        theirs_report = r_.id
    # A photo for the other unit's report: refused, on record, nothing stored.
    p = photo(app_client, h, "photo-theirs-01", jpeg_with_exif(), report_id=str(theirs_report))
    assert p.status_code == 403 and "no fue despachada" in p.json()["detail"]
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(UofPhoto)) == 0
    assert len(events(engine, "field.report_refused")) == 3


def test_a_member_not_on_the_units_shift_cannot_be_named(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    other = _member(engine, world, world.moto, "PNP-16180")
    h = headers(sign_in(app_client)["token"])
    iid = _closed_with_force(dispatcher, world.patrol)
    r = app_client.post(
        "/api/field/reports", json={"items": [uof_item("uof-notmine-01", iid, other)]}, headers=h
    )
    (res,) = r.json()["results"]
    assert res["outcome"] == "conflict" and "no estaba de turno" in res["reason"]


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (b"x" * (9 * 1024 * 1024), 413, "pesa 9.0 MB y el máximo es 8 MB"),
        (b"%PDF-1.4 not a photo at all", 422, "no es una foto"),
        (b"", 422, "vacía"),
    ],
    ids=["too-large", "wrong-type", "empty"],
)
def test_photos_too_large_or_not_photos_are_refused_in_words(
    engine: Engine,
    world: World,
    app_client: TestClient,
    dispatcher: TestClient,
    data: bytes,
    status: int,
    words: str,
) -> None:
    member = _member(engine, world, world.patrol, "PNP-14142")
    h = headers(sign_in(app_client)["token"])
    iid = _closed_with_force(dispatcher, world.patrol)
    item = uof_item("uof-size-00001", iid, member)
    res = app_client.post("/api/field/reports", json={"items": [item]}, headers=h).json()
    assert res["results"][0]["outcome"] == "applied"
    # Named .jpg and sent as image/jpeg: the content decides, not the name.
    p = photo(app_client, h, "photo-bad-0001", data, report_client_id="uof-size-00001")
    assert p.status_code == status, p.text
    assert words in p.json()["detail"]
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(UofPhoto)) == 0
        inc = db.get(Incident, iid)
        assert inc is not None
    assert events(engine, "uof.evidence") == []


def test_a_photo_before_its_report_waits_for_it(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    h = headers(sign_in(app_client)["token"])
    p = photo(app_client, h, "photo-early-001", jpeg_with_exif(), report_client_id="uof-later-0001")
    assert p.status_code == 409 and "aún no llegó" in p.json()["detail"]
