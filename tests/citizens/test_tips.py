"""Anonymous tips: receipts, enumeration resistance, sealed contacts, stripped photos, the
proof of work, clear Spanish refusals, and the desk's triage into an incident and an
intelligence network (every desk act on record, the tipster never an actor)."""

from __future__ import annotations

import base64
import io
import json
import math
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from nacl.public import PrivateKey, SealedBox
from PIL import Image
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.citizens import keys, pow, receipts
from kuntur.citizens.models import Tip, TipPhoto
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate
from kuntur.intelligence.models import Entity, Link
from tests.citizens.helpers import (
    PHONE,
    challenge,
    gps_jpeg,
    receipt_after,
    submit_form,
    submit_json,
)
from tests.conftest import make_user


@pytest.fixture
def desk(engine: Engine, settings: Settings) -> Iterator[TestClient]:
    token, _ = make_user(engine, "enlace", ["citizen_liaison"], clearance=1)
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        yield c


def events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(db.scalars(select(AuditEvent).order_by(AuditEvent.idx)))


# --- receipts ----------------------------------------------------------------------------
def tuned(settings: Settings, **limits: int) -> Settings:
    """The test settings with other tip limits (validated, as from the environment)."""
    return Settings.model_validate({**settings.model_dump(), **limits})


def test_receipts_have_more_than_64_bits_and_are_easy_to_write() -> None:
    assert receipts.ENTROPY_BITS > 64
    codes = {receipts.new() for _ in range(2000)}
    assert len(codes) == 2000 and all(len(c) == 20 and c.isdigit() for c in codes)
    # Every digit about equally likely in every place (a chi-square bound, not a proof).
    counts = [0] * 10
    for c in codes:
        for ch in c:
            counts[int(ch)] += 1
    expected = 2000 * 20 / 10
    assert sum((n - expected) ** 2 / expected for n in counts) < 40
    grouped = receipts.grouped("12345678901234567890")
    assert grouped == "1234 5678 9012 3456 7890"
    assert receipts.normalise("1234-5678 9012.3456 7890") == "12345678901234567890"
    assert receipts.normalise("1234") is None and receipts.normalise("١٢٣٤" * 5) is None
    assert math.log2(10**20) == pytest.approx(receipts.ENTROPY_BITS)


def test_the_store_keeps_only_a_keyed_hash_of_the_receipt(
    anonymous_client: TestClient, engine: Engine
) -> None:
    r = submit_json(anonymous_client)
    assert r.status_code == 201, r.text
    code = r.json()["receipt"].replace(" ", "")
    with Session(engine) as db:
        tip = db.scalars(select(Tip)).one()
        assert code not in json.dumps([str(v) for v in tip.__dict__.values()])
        assert tip.receipt_hash != code and len(tip.receipt_hash) == 64
        import hashlib

        assert tip.receipt_hash != hashlib.sha256(code.encode()).hexdigest()  # keyed, not bare


def test_unknown_wrong_and_malformed_receipts_get_the_same_answer(
    anonymous_client: TestClient,
) -> None:
    known = submit_json(anonymous_client).json()["receipt"]
    wrong = known[:-1] + str((int(known[-1]) + 1) % 10)
    answers = []
    for receipt in (wrong, "0" * 20, "12 34", "x" * 60):
        r = anonymous_client.post("/api/citizens/public/follow", json={"receipt": receipt})
        answers.append((r.status_code, r.json(), sorted(r.headers.keys())))
    assert all(a == answers[0] for a in answers), answers
    assert answers[0][0] == 404
    ok = anonymous_client.post("/api/citizens/public/follow", json={"receipt": known})
    assert ok.status_code == 200 and ok.json()["status"] == "received"
    # The page: one generic refusal for all, in Spanish, telling what to do.
    pages = [
        anonymous_client.post(
            "/seguimiento", data={"receipt": r}, headers={"Origin": "http://testserver"}
        )
        for r in (wrong, "0" * 20, "abc")
    ]
    assert {p.status_code for p in pages} == {404}
    bodies = {p.text.split('name="form_token" value="')[0] for p in pages}
    assert len(bodies) == 1
    assert "Revise que tenga las 20 cifras" in pages[0].text


def test_receipt_lookups_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from kuntur.citizens import service

    seen: list[tuple[str, str]] = []
    real = receipts.same
    monkeypatch.setattr(service.receipts, "same", lambda a, b: seen.append((a, b)) or real(a, b))

    class NoRow:
        def scalar(self, _q: object) -> None:
            return None

    k = keys.Keys(keys.DeskKeys(PrivateKey.generate().public_key, None), b"k" * 32, b"c" * 32)
    assert service.find(NoRow(), k, "1" * 20) is None  # type: ignore[arg-type]
    assert service.find(NoRow(), k, "nonsense") is None  # type: ignore[arg-type]
    assert len(seen) == 2  # a miss still compares, against a dummy digest


def test_receipt_lookups_are_rate_limited_without_addresses(
    engine: Engine, settings: Settings
) -> None:
    with TestClient(create_app(tuned(settings, tip_lookups_per_minute=3), engine)) as c:
        codes = [
            c.post("/api/citizens/public/follow", json={"receipt": "1" * 20}).status_code
            for _ in range(4)
        ]
        assert codes == [404, 404, 404, 429]
        r = c.post("/api/citizens/public/follow", json={"receipt": "1" * 20})
        assert "espere" in r.json()["detail"] and int(r.headers["Retry-After"]) >= 1


# --- the proof of work -------------------------------------------------------------------
def test_a_tip_needs_a_fresh_proof_of_work_spent_once(anonymous_client: TestClient) -> None:
    proof = challenge(anonymous_client)
    body = {"category": "extortion", "summary": "cupo"}
    assert (
        anonymous_client.post("/api/citizens/public/tips", json={**body, **proof}).status_code
        == 201
    )
    again = anonymous_client.post("/api/citizens/public/tips", json={**body, **proof})
    assert again.status_code == 422 and "vuelva a enviar" in again.json()["detail"]
    forged = dict(proof, challenge=proof["challenge"][:-2] + "00")
    assert (
        anonymous_client.post("/api/citizens/public/tips", json={**body, **forged}).status_code
        == 422
    )
    key = b"k" * 32
    c = pow.issue(key, time.time(), 8)
    assert pow.check(key, c, pow.solve(c), time.time(), 60) is None
    assert pow.check(key, c, pow.solve(c), time.time() + 120, 60) == "expired"


def test_pages_without_javascript_share_a_smaller_budget(
    engine: Engine, settings: Settings
) -> None:
    with TestClient(create_app(tuned(settings, tip_unproven_per_hour=1), engine)) as c:
        first = submit_form(c, nonce="", challenge="")
        assert first.status_code == 303
        second = submit_form(c, nonce="", challenge="")
        assert second.status_code == 429 and "105" in second.text
        assert "Traceback" not in second.text
        assert submit_form(c).status_code == 303  # with the work done, still taken


# --- contact details ---------------------------------------------------------------------
def test_contact_details_are_a_sealed_box_only_the_desk_key_opens(
    anonymous_client: TestClient, engine: Engine, settings: Settings, desk: TestClient
) -> None:
    contact = "Rosa, 999 000 111, solo de noche"
    submit_json(anonymous_client, contact=contact)
    with Session(engine) as db:
        sealed = db.scalars(select(Tip.contact_sealed)).one()
        dump = "\n".join(
            str(row)
            for t in ("citizen_tips", "citizen_tip_messages")
            for row in db.execute(text(f"SELECT * FROM {t}"))
        )
    assert sealed and sealed.startswith("v1:") and contact not in dump and "999 000 111" not in dump
    blob = base64.b64decode(sealed[3:])
    with pytest.raises(Exception):  # another key (an attacker's) does not open it
        SealedBox(PrivateKey.generate()).decrypt(blob)
    k = keys.for_settings(settings)
    assert SealedBox(k.desk.private).decrypt(blob).decode() == contact  # type: ignore[arg-type]
    private = settings.effective_citizens_desk_key_path
    assert private.stat().st_mode & 0o777 == 0o600
    # The desk reads it on the server, with a reason, on record.
    tip_id = desk.get("/api/citizens/tips").json()[0]["id"]
    assert (
        desk.post(f"/api/citizens/tips/{tip_id}/contact", json={"reason": "nope"}).status_code
        == 422
    )
    r = desk.post(f"/api/citizens/tips/{tip_id}/contact", json={"reason": "call_back"})
    assert r.status_code == 200 and r.json()["contact"] == contact
    read = [e for e in events(engine) if e.type == "tip.contact"]
    assert len(read) == 1 and read[0].actor == "user:enlace" and read[0].purpose == f"tip:{tip_id}"
    assert contact not in json.dumps([e.details for e in events(engine)])


def test_a_server_with_only_the_public_key_seals_but_cannot_open(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    desk_key = folder / "desk.key"
    keys.generate_desk(desk_key)
    desk_key.unlink()  # the private half kept elsewhere
    keys.generate_secret(folder / "secret.key")
    k = keys.keys(desk_key, folder / "secret.key", "production_like_test")  # not a dev env
    sealed = k.desk.seal("correo@example.org")
    with pytest.raises(keys.CitizensKeyError):
        k.desk.open(sealed)


# --- photos ------------------------------------------------------------------------------
def test_photos_lose_their_exif_gps_and_comments(
    anonymous_client: TestClient, engine: Engine
) -> None:
    original = gps_jpeg()
    assert b"Exif" in original and b"Modelo X-123" in original
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # GPS present
    r = submit_form(anonymous_client, files=[("foto.jpg", original)])
    receipt_after(anonymous_client, r)
    with Session(engine) as db:
        stored = db.scalars(select(TipPhoto.data)).one()
    img = Image.open(io.BytesIO(stored))
    assert img.format == "JPEG" and img.size == (64, 48)
    assert not img.getexif() and "exif" not in img.info and "comment" not in img.info
    for marker in (b"Exif", b"GPS", b"Modelo X-123", b"TelefonoMarca", b"2026:11:30", b"bodeguera"):
        assert marker not in stored


def test_a_file_that_is_not_a_photo_is_refused_in_words(anonymous_client: TestClient) -> None:
    r = submit_form(
        anonymous_client,
        files=[("virus.jpg", b"MZ\x90\x00 not an image")],
        summary="texto que se conserva",
    )
    assert r.status_code == 422
    assert "no es una foto" in r.text and "elija una foto" in r.text
    assert "texto que se conserva" in r.text  # what was written is kept for the retry
    assert "Traceback" not in r.text


def test_too_many_or_too_large_photos_are_refused(engine: Engine, settings: Settings) -> None:
    small = tuned(settings, tip_max_photos=1, tip_photo_max_bytes=2048)
    with TestClient(create_app(small, engine)) as c:
        big = gps_jpeg(comment=b"x" * 4000)
        r = submit_form(c, files=[("a.jpg", big)])
        assert r.status_code == 422 and "pesa más de" in r.text
        r = submit_form(c, files=[("a.jpg", gps_jpeg()), ("b.jpg", gps_jpeg())])
        assert r.status_code in (413, 422)


# --- the form: CSRF, escaping, errors ----------------------------------------------------
def test_a_form_from_another_site_is_refused(anonymous_client: TestClient) -> None:
    r = submit_form(anonymous_client)  # same site: taken
    assert r.status_code == 303
    hostile = anonymous_client.post(
        "/denuncia",
        data={"category": "extortion", "summary": "spam"},
        headers={"Origin": "https://evil.example"},
        follow_redirects=False,
    )
    assert hostile.status_code == 403 and "no vino de esta página" in hostile.text
    anonymous_client.cookies.clear()
    no_cookie = anonymous_client.post(
        "/denuncia",
        data={"category": "extortion", "summary": "x", "form_token": "guess"},
        follow_redirects=False,
    )
    assert no_cookie.status_code == 403


def test_what_a_tipster_writes_is_escaped(anonymous_client: TestClient, desk: TestClient) -> None:
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    r = submit_form(anonymous_client, summary=evil, narrative=evil)
    receipt = receipt_after(anonymous_client, r)
    page = anonymous_client.post(
        "/seguimiento", data={"receipt": receipt}, headers={"Origin": "http://testserver"}
    )
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    refused = submit_form(anonymous_client, summary="", narrative=evil)
    assert refused.status_code == 422 and "<img src=x" not in refused.text
    assert "¿Qué pasó?" in refused.text


def test_refusals_say_what_to_do(anonymous_client: TestClient) -> None:
    for fields, words in (
        ({"summary": ""}, "cuente en una línea"),
        ({"category": "nonsense"}, "elija qué tipo"),
        ({"occurred_on": "ayer"}, "año-mes-día"),
        ({"occurred_on": "2999-01-01"}, "posterior a hoy"),
        ({"district": "999999"}, "elija el distrito"),
        ({"latitude": "40.4", "longitude": "-3.7"}, "fuera del Perú"),
        ({"summary": "x" * 300}, "hasta 200 caracteres"),
    ):
        r = submit_form(anonymous_client, **fields)
        assert r.status_code == 422, fields
        assert words in r.text, (fields, r.text[:400])
    api = submit_json(anonymous_client, district="999999")
    assert api.status_code == 422 and "elija el distrito" in api.json()["detail"]


def test_the_location_is_kept_as_the_hexagon_the_tipster_was_shown(
    anonymous_client: TestClient, engine: Engine
) -> None:
    cell = anonymous_client.get("/api/citizens/public/cell?lat=-11.9827&lon=-77.0065").json()
    assert cell["district"] == "150132" and len(cell["boundary"]) == 6  # San Juan de Lurigancho
    r = submit_json(anonymous_client, latitude=-11.9827, longitude=-77.0065)
    assert r.json()["cell"] == cell["cell"]
    with Session(engine) as db:
        tip = db.scalars(select(Tip)).one()
        row = [str(v) for v in db.execute(text("SELECT * FROM citizen_tips")).one()]
    assert tip.h3_cell == int(cell["cell"]) and tip.district_ubigeo == "150132"
    assert not any("-11.9827" in v or "-77.0065" in v for v in row)


def test_the_receipt_is_shown_again_until_the_tipster_confirms(
    anonymous_client: TestClient,
) -> None:
    receipt = receipt_after(anonymous_client, submit_form(anonymous_client))
    again = anonymous_client.get("/denuncia/recibo")
    assert receipt in again.text
    origin = {"Origin": "http://testserver"}
    unticked = anonymous_client.post("/denuncia/recibo", data={}, headers=origin)
    assert (
        unticked.status_code == 422
        and receipt in unticked.text
        and "Marque la casilla" in unticked.text
    )
    done = anonymous_client.post(
        "/denuncia/recibo", data={"kept": "1"}, headers=origin, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/seguimiento")
    gone = anonymous_client.get("/denuncia/recibo", follow_redirects=False)
    assert gone.status_code == 303


# --- the desk ----------------------------------------------------------------------------
def test_the_queue_puts_lives_at_risk_first_then_urgency_and_age(
    anonymous_client: TestClient, desk: TestClient, engine: Engine
) -> None:
    submit_json(anonymous_client, category="drugs", summary="venta de drogas")
    submit_json(anonymous_client, category="other", summary="peligro", danger_now=True)
    submit_json(anonymous_client, category="extortion", summary="cupo nuevo")
    old = submit_json(anonymous_client, category="extortion", summary="cupo viejo")
    assert old.status_code == 201
    with Session(engine) as db, db.begin():
        tip = db.scalars(select(Tip).where(Tip.summary == "cupo viejo")).one()
        tip.received_on = tip.received_on.replace(year=tip.received_on.year - 1)
    order = [t["summary"] for t in desk.get("/api/citizens/tips").json()]
    assert order == ["peligro", "cupo viejo", "cupo nuevo", "venta de drogas"]


def test_triage_into_an_incident_and_an_intelligence_network(
    anonymous_client: TestClient, desk: TestClient, engine: Engine
) -> None:
    # An earlier police report with the same extortioner's phone.
    with Session(engine) as db, db.begin():
        earlier = incidents.create(
            actor=Actor(db, RequestContext.system("test")),
            data=IncidentCreate(
                source="police_report",
                category="extortion",
                occurred_at="2026-11-01T10:00:00",
                latitude=-11.98,
                longitude=-77.0,
                narrative=f"Llamadas extorsivas desde el +51 {PHONE}",
            ),
        )
        earlier_id = earlier.id
    receipt = submit_json(
        anonymous_client,
        summary="Me cobran cupo en mi bodega de San Juan de Lurigancho",
        narrative=f"Me llaman del {PHONE} y piden S/ 300 semanales",
        latitude=-11.9827,
        longitude=-77.0065,
        contact="Rosa 999 000 111",
    ).json()["receipt"]
    tip_id = desk.get("/api/citizens/tips").json()[0]["id"]
    seen = desk.get(f"/api/citizens/tips/{tip_id}").json()
    assert seen["status"] == "reviewing" and seen["has_contact"] and "contact" not in seen
    follow = anonymous_client.post("/api/citizens/public/follow", json={"receipt": receipt}).json()
    assert follow["status"] == "reviewing"
    reply = desk.post(
        f"/api/citizens/tips/{tip_id}/messages", json={"body": "Gracias, ¿desde cuándo le llaman?"}
    )
    assert reply.status_code == 200
    anonymous_client.post(
        "/api/citizens/public/follow/messages", json={"receipt": receipt, "body": "Desde octubre"}
    )
    converted = desk.post(f"/api/citizens/tips/{tip_id}/convert", json={})
    assert converted.status_code == 200, converted.text
    incident_id = converted.json()["incident_id"]
    assert converted.json()["status"] == "converted"
    with Session(engine) as db:
        inc = db.get(Incident, incident_id)
        assert inc is not None and inc.source == "citizen_tip" and inc.category == "extortion"
        assert inc.external_id == f"tip:{tip_id}" and "999 000 111" not in (inc.narrative or "")
        assert inc.district_ubigeo == "150132"
        linked = db.scalars(
            select(Link.incident_id)
            .join(Entity, Entity.id == Link.entity_id)
            .where(Entity.key == "phone:+51987654321")
        ).all()
    assert set(linked) >= {earlier_id, incident_id}  # one network through the phone
    again = desk.post(f"/api/citizens/tips/{tip_id}/convert", json={})
    assert again.status_code == 409
    # The tipster sees the status and the desk's words, no names, no incident.
    follow = anonymous_client.post("/api/citizens/public/follow", json={"receipt": receipt}).json()
    assert follow["status"] == "converted" and "caso" in follow["status_label"]
    assert [m["author"] for m in follow["messages"]] == ["desk", "tipster"]
    shown = json.dumps(follow)
    assert "user:enlace" not in shown and "Enlace" not in shown and "incident" not in shown
    # Every desk act on record; nothing of the tipster's.
    log = events(engine)
    kinds = [e.type for e in log if e.type.startswith("tip.")]
    assert {"tip.read", "tip.reviewing", "tip.replied", "tip.converted"} <= set(kinds)
    assert all(e.actor == "user:enlace" for e in log if e.type.startswith("tip."))
    assert not any(e.actor == "anonymous" for e in log)


def test_closing_with_a_reason_the_public_can_read(
    anonymous_client: TestClient, desk: TestClient
) -> None:
    receipt = submit_json(anonymous_client).json()["receipt"]
    tip_id = desk.get("/api/citizens/tips").json()[0]["id"]
    assert (
        desk.post(f"/api/citizens/tips/{tip_id}/close", json={"reason": "whatever"}).status_code
        == 422
    )
    closed = desk.post(f"/api/citizens/tips/{tip_id}/close", json={"reason": "insufficient"}).json()
    assert closed["status"] == "closed" and "Sin datos" in closed["close_reason_label"]
    follow = anonymous_client.post("/api/citizens/public/follow", json={"receipt": receipt}).json()
    assert follow["status"] == "closed" and "nueva denuncia" in follow["reason"]
    late = anonymous_client.post(
        "/api/citizens/public/follow/messages", json={"receipt": receipt, "body": "hola"}
    )
    assert late.status_code == 422 and "cerrada" in late.json()["detail"]
    assert desk.get("/api/citizens/tips").json() == []  # the open queue


def test_only_the_liaison_desk_reads_tips(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    assert client.get("/api/citizens/tips").status_code == 403
    with TestClient(create_app(settings, engine)) as anonymous:
        assert anonymous.get("/api/citizens/tips").status_code == 401


def test_the_demo_tips_are_synthetic_and_seeded_once(engine: Engine, settings: Settings) -> None:
    from kuntur.demo.citizens import seed_tips

    assert seed_tips(engine, settings) == 5
    assert seed_tips(engine, settings) == 0
    with Session(engine) as db:
        summaries = list(db.scalars(select(Tip.summary)))
    assert all("SINTÉTICO" in s for s in summaries)
