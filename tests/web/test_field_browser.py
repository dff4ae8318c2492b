"""The field app on a phone-sized Chromium (mobile emulation, touch): a dispatcher
dispatches through the API, the phone shows it live and the officer acknowledges with a
tap, the dispatcher sees the acknowledgement; with the network cut, three status changes
and a position are queued and arrive once, in order, with their original times; a revoked
device is signed out at once. The incident shows on a map (its marker over the district
outlines Kuntur serves), offline too; from a closed incident the officer writes the
use-of-force report with a photo, offline, and both reach oversight once, in order.

Its own small server (a command tree and units, no demo scenario): the phone needs no
more, and the full scenario costs minutes on a small machine."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.command.models import Unit
from kuntur.config import Settings
from kuntur.core import migrate
from kuntur.core.db import make_engine
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.field.models import FieldReport
from kuntur.identity.models import User
from kuntur.incidents.models import Incident
from tests.command.conftest import LIMA_POINT, World, build_world
from tests.conftest import PASSWORD, make_user, serve_in_thread
from tests.web.conftest import sign_in

# Playwright's "Pixel 5" descriptor, written out: the browser fixture hands over the
# browser, not the Playwright instance that carries the device list.
PIXEL_5 = {
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 11; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36"
    ),
    "viewport": {"width": 393, "height": 727},
    "screen": {"width": 393, "height": 851},
    "device_scale_factor": 2.75,
    "is_mobile": True,
    "has_touch": True,
}
SCREENS = Path(__file__).parents[2] / "docs" / "screens"


class Field:
    def __init__(self, url: str, engine: Engine, world: World, dispatcher: str) -> None:
        self.url, self.engine, self.world = url, engine, world
        self.desk = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {dispatcher}"}, timeout=10
        )


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Field]:
    var = tmp_path_factory.mktemp("field")
    settings = Settings(
        var_dir=var,
        database_url=f"sqlite:///{var / 'kuntur.db'}",
        environment="test",
        login_attempts_per_client=1000,
    )
    engine = make_engine(settings.effective_database_url)
    migrate.upgrade(engine)
    world = build_world(engine)
    token, _ = make_user(engine, "despacho", ["dispatcher"])
    make_user(engine, "agente", ["field_officer"])
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.username == "despacho").values(unit_id=world.front))
        db.execute(update(User).where(User.username == "agente").values(unit_id=world.station_a))
    url, server, thread = serve_in_thread(create_app(settings, engine))
    f = Field(url, engine, world, token)
    yield f
    f.desk.close()
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def phone(browser: Browser, field: Field) -> Iterator[Page]:
    context = browser.new_context(
        **PIXEL_5,
        locale="es-PE",
        geolocation={"latitude": -12.0461, "longitude": -77.0312},
        permissions=["geolocation"],
    )
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(f"{field.url}/campo")
    pg.fill("input[name=username]", "agente")
    pg.fill("input[name=password]", PASSWORD)
    pg.tap("#signin-form button[type=submit]")
    expect(pg.get_by_test_id("unit")).to_contain_text("PNP-A-P1")
    yield pg
    assert errors == []
    context.close()


def dispatch(field: Field) -> int:
    r = field.desk.post(
        "/api/incidents",
        json={
            "source": "emergency_call",
            "category": "aggravated_robbery",
            "occurred_at": utcnow().isoformat(),
            "longitude": LIMA_POINT[0],
            "latitude": LIMA_POINT[1],
            "address": "Jr. de la Unión 300",
        },
    )
    assert r.status_code == 201, r.text
    iid = int(r.json()["id"])
    d = field.desk.post(
        f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": field.world.patrol}
    )
    assert d.status_code == 201, d.text
    return iid


def delivery(field: Field, iid: int) -> str:
    rows = field.desk.get("/api/field/deliveries").json()
    return str(next(r["state"] for r in rows if r["incident_id"] == iid))


def test_a_dispatch_reaches_the_phone_is_acknowledged_and_the_desk_sees_it(
    field: Field, phone: Page
) -> None:
    started = time.monotonic()
    iid = dispatch(field)
    expect(phone.get_by_test_id("incident")).to_contain_text(str(iid), timeout=5000)
    shown = time.monotonic() - started
    assert shown < 3.0, f"the dispatch took {shown:.2f} s to show"
    assert (
        phone.get_by_test_id("navigate")
        .get_attribute("href", timeout=1000)
        .startswith("geo:-12.046400,-77.030000")
    )
    assert delivery(field, iid) == "received"
    phone.get_by_test_id("ack-dispatch").tap()
    expect(phone.get_by_test_id("ack-dispatch")).to_be_disabled()
    deadline = time.monotonic() + 5
    while delivery(field, iid) != "acknowledged":
        assert time.monotonic() < deadline, "the desk never saw the acknowledgement"
        time.sleep(0.1)
    phone.screenshot(path=str(SCREENS / "field_phone.png"), full_page=True)
    # And on the dispatch page, the desk sees it too.
    desk_context = phone.context.browser.new_context(  # type: ignore[union-attr]
        viewport={"width": 1280, "height": 900}, locale="es-PE"
    )
    desk = desk_context.new_page()
    desk.goto(f"{field.url}/login?next=/despacho")
    sign_in(desk, "despacho")
    desk.wait_for_url(f"{field.url}/despacho")
    badge = desk.locator("[data-testid=field-state][data-unit='PNP-A-P1']")
    expect(badge).to_have_text("Acusado", timeout=5000)
    expect(desk.get_by_test_id("field-devices")).to_contain_text("PNP-A-P1")
    desk_context.close()

    # Offline: three status changes and a position, queued with their own times.
    expect(phone.get_by_test_id("map")).to_be_visible()
    expect(phone.locator("#map path.incident-marker")).to_have_count(1)
    phone.evaluate("navigator.serviceWorker.ready")
    phone.wait_for_function(  # the shell, Leaflet and the district outlines: 9 in all
        "caches.open('kuntur-campo-v4').then(c => c.keys()).then(k => k.length >= 9)"
    )
    phone.context.set_offline(True)
    expect(phone.get_by_test_id("net")).to_contain_text("Sin conexión")
    for status in ("en_route", "on_scene", "cleared"):
        phone.locator(f"[data-status={status}]").tap()
        time.sleep(1.1)  # a second apart: the times must come back as made
    phone.locator("#position-now").tap()
    expect(phone.get_by_test_id("queued")).to_have_count(4)
    queued = phone.evaluate("JSON.parse(localStorage.getItem('kuntur.campo.queue'))")
    assert [q["kind"] for q in queued] == ["status", "status", "status", "position"]
    with Session(field.engine) as db:
        assert db.scalars(select(FieldReport)).all() == []  # nothing got through
    # The app opens with no network (the service worker's shell, the last state kept).
    phone.reload()
    expect(phone.get_by_test_id("unit")).to_contain_text("PNP-A-P1")
    expect(phone.get_by_test_id("incident")).to_contain_text(str(iid))
    expect(phone.get_by_test_id("queued")).to_have_count(4)
    # The map still stands offline: Leaflet and the outlines from the service worker.
    expect(phone.locator("#map path.incident-marker")).to_have_count(1)
    expect(phone.locator("#map path.leaflet-interactive")).not_to_have_count(0)
    expect(phone.get_by_test_id("map-note")).to_contain_text("Sin conexión")

    phone.context.set_offline(False)
    expect(phone.get_by_test_id("queued")).to_have_count(0, timeout=10000)
    with Session(field.engine) as db:
        reports = db.scalars(select(FieldReport).order_by(FieldReport.id)).all()
        assert [r.client_id for r in reports] == [q["client_id"] for q in queued]  # once, in order
        assert [r.outcome for r in reports] == ["applied"] * 4
        inc = db.get(Incident, iid)
        assert inc is not None
        made = [to_utc(datetime.fromisoformat(q["at"].replace("Z", "+00:00"))) for q in queued]
        stamps = [inc.en_route_at, inc.on_scene_at, inc.cleared_at]
        for stamp, when in zip(stamps, made[:3], strict=True):
            assert stamp is not None and abs((stamp - when).total_seconds()) < 0.002
        unit = db.scalar(select(Unit).where(Unit.id == field.world.patrol))
        assert unit is not None and unit.position_at is not None
        assert abs((unit.position_at - made[3]).total_seconds()) < 1.0
        assert round(unit.lat or 0, 4) == -12.0461


def test_the_patrol_schedule_on_the_phone_logs_a_stop(field: Field, phone: Page) -> None:
    from tests.field.test_field_api import _plan_on_shift

    post = _plan_on_shift(field.engine, field.world)
    phone.reload()
    card = phone.get_by_test_id("patrol")
    expect(card).to_be_visible()
    expect(phone.get_by_test_id("patrol-next")).to_contain_text("Parada 1")
    expect(phone.get_by_test_id("patrol-stop")).to_have_count(3)
    phone.get_by_text("Empezar parada").tap()
    expect(phone.get_by_test_id("stop-timer")).to_contain_text("quedan 1")  # 12 minutes
    phone.screenshot(path=str(SCREENS / "field_patrol.png"), full_page=True)
    phone.get_by_test_id("stop-done").tap()
    expect(phone.get_by_test_id("patrol-next")).to_contain_text("Parada 2")
    deadline = time.time() + 5
    while time.time() < deadline:
        with Session(field.engine) as db:
            logged = db.scalars(
                select(FieldReport.value).where(
                    FieldReport.kind == "stop", FieldReport.outcome == "applied"
                )
            ).all()
        if logged:
            break
        time.sleep(0.2)
    assert logged == [f"{post}:0"]
    phone.reload()
    expect(phone.get_by_test_id("patrol-stop").first).to_contain_text("✔")


def test_a_use_of_force_report_with_a_photo_made_offline_reaches_oversight(
    field: Field, phone: Page
) -> None:
    from kuntur.oversight.models import UofPhoto, UofReport
    from tests.field.test_field_uof import _member, jpeg_with_exif

    _member(field.engine, field.world, field.world.patrol, "PNP-77001")
    iid = dispatch(field)
    expect(phone.get_by_test_id("incident")).to_contain_text(str(iid), timeout=5000)
    expect(phone.locator("#map path.incident-marker")).to_have_count(1)
    for status in ("en_route", "on_scene"):
        r = field.desk.post(f"/api/dispatch/incidents/{iid}/status", json={"status": status})
        assert r.status_code == 200, r.text
    r = field.desk.post(
        f"/api/dispatch/incidents/{iid}/status", json={"status": "cleared", "force": True}
    )
    assert r.status_code == 200, r.text
    row = phone.get_by_test_id("uof-incident").filter(has_text=f"Incidente {iid}")
    expect(row.get_by_test_id("uof-state")).to_contain_text("pendiente", timeout=5000)
    row.get_by_test_id("uof-start").tap()
    form = phone.get_by_test_id("uof-form")
    expect(form).to_be_visible()
    expect(phone.get_by_test_id("uof-members")).to_contain_text("PNP-77001")

    phone.context.set_offline(True)  # written where there is no signal
    expect(phone.get_by_test_id("net")).to_contain_text("Sin conexión")
    phone.get_by_test_id("uof-level").first.select_option("physical")
    phone.get_by_test_id("uof-add-affected").tap()
    phone.get_by_test_id("uof-outcome").first.select_option("injury")
    form.locator("input[name=place]").fill("Jr. de la Unión 300")
    raw = jpeg_with_exif()
    phone.get_by_test_id("uof-photos").set_input_files(
        {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": raw}
    )
    phone.get_by_test_id("uof-send").tap()
    expect(phone.get_by_test_id("queued")).to_have_count(2)
    queued = phone.evaluate("JSON.parse(localStorage.getItem('kuntur.campo.queue'))")
    assert [q["kind"] for q in queued] == ["uof", "photo"]
    assert queued[1]["report_client_id"] == queued[0]["client_id"]
    expect(row.get_by_test_id("uof-state")).to_contain_text("en cola")
    phone.reload()  # the photo waits in IndexedDB, the report in the queue
    expect(phone.get_by_test_id("queued")).to_have_count(2)
    phone.screenshot(path=str(SCREENS / "field_uof.png"), full_page=True)

    phone.context.set_offline(False)
    expect(phone.get_by_test_id("queued")).to_have_count(0, timeout=10000)
    expect(row.get_by_test_id("uof-state")).to_contain_text("presentado", timeout=5000)
    expect(row.get_by_test_id("uof-state")).to_contain_text("1 fotos")
    with Session(field.engine) as db:
        sent = db.scalars(
            select(FieldReport)
            .where(FieldReport.kind.in_(("uof", "photo")))
            .order_by(FieldReport.id)
        ).all()
        assert [r.client_id for r in sent] == [q["client_id"] for q in queued]  # once, in order
        assert [r.outcome for r in sent] == ["applied", "applied"]
        report = db.scalar(select(UofReport).where(UofReport.incident_id == iid))
        assert report is not None and report.status == "filed"
        made = to_utc(datetime.fromisoformat(queued[0]["at"].replace("Z", "+00:00")))
        assert report.reported_at is not None
        assert abs((report.reported_at - made).total_seconds()) < 0.002  # the phone's time
        (photo,) = db.scalars(select(UofPhoto).where(UofPhoto.report_id == report.id)).all()
        sha = photo.sha256
        report_id = report.id
    # Oversight reads the report with its photo, the bytes whose hash the audit log holds.
    token, _ = make_user(field.engine, "inspectoria", ["internal_affairs"])
    with httpx.Client(
        base_url=field.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as ia:
        seen = ia.get(f"/api/oversight/uof/{report_id}").json()
        assert [p["sha256"] for p in seen["photos"]] == [sha]
        image = ia.get(seen["photos"][0]["url"])
        assert image.status_code == 200
        import hashlib

        assert hashlib.sha256(image.content).hexdigest() == sha
        assert b"SN-PHONE-998877" not in image.content
    # More evidence later, for the filed report (by its id).
    row.get_by_test_id("uof-more-photos").set_input_files(
        {"name": "otra.png", "mimeType": "image/png", "buffer": raw}
    )
    row.get_by_test_id("uof-send-photos").tap()
    expect(row.get_by_test_id("uof-state")).to_contain_text("2 fotos", timeout=10000)


def test_a_revoked_device_is_signed_out_at_once(field: Field, phone: Page) -> None:
    devices = field.desk.get("/api/field/devices").json()
    mine = devices[-1]["id"]
    assert field.desk.post(f"/api/field/devices/{mine}/revoke").status_code == 204
    expect(phone.locator("#signin")).to_be_visible(timeout=4000)
    expect(phone.get_by_test_id("message")).to_contain_text("revocado")
