"""The tip page and the follow-up page in real headless Chromium, on a phone-sized screen:
a citizen sends a tip (the proof of work runs in the page), writes down the receipt,
follows the tip with it, the liaison desk opens it and answers, and the answer appears.
Every request stays on this machine."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.core import migrate
from kuntur.core.db import make_engine
from tests.conftest import make_user, serve_in_thread
from tests.web.conftest import desk_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tip_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("tips-live")
    settings = Settings(
        var_dir=var, database_url=f"sqlite:///{var / 'kuntur.db'}", environment="test"
    )
    engine = make_engine(settings.effective_database_url)
    migrate.upgrade(engine)
    _t, secret = make_user(engine, "enlacenav", ["citizen_liaison"], clearance=1)
    os.environ["KUNTUR_TEST_LIAISON_TOTP"] = secret or ""
    url, server, thread = serve_in_thread(create_app(settings, engine))
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


def test_a_citizen_sends_a_tip_and_follows_the_desk_reply(
    browser: Browser, tip_server: str
) -> None:
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-PE")
    pg = phone.new_page()
    errors: list[str] = []
    outside: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(tip_server) or r.url.startswith("data:")
            else outside.append(r.url)
        ),
    )
    pg.goto(f"{tip_server}/denuncia")
    expect(pg.get_by_text("Denuncie sin dar su nombre")).to_be_visible()
    expect(pg.get_by_test_id("pow-status")).to_have_text("Listo para enviar.", timeout=20_000)
    pg.fill("#summary", "Me cobran cupo en mi bodega")
    pg.fill("#narrative", "Me llaman del 987 654 321 y piden S/ 300 cada semana")
    pg.select_option("#district", "150132")
    pg.select_option("#occurred_part", "noche")
    # The map shows the hexagon that will be kept.
    pg.click("#map-open")
    pg.wait_for_selector(".leaflet-container")
    pg.locator("#map").scroll_into_view_if_needed()
    box = pg.locator("#map").bounding_box()
    assert box is not None
    pg.locator("#map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(pg.get_by_test_id("cell-note")).to_contain_text("hexágono")
    assert pg.locator("path.leaflet-interactive").count() >= 1
    pg.click("#send")
    pg.wait_for_load_state("load")
    if pg.locator(".error").count():
        raise AssertionError(pg.locator(".error").inner_text())
    pg.wait_for_url(f"{tip_server}/denuncia/recibo")
    receipt = pg.get_by_test_id("receipt").inner_text().strip()
    assert re.fullmatch(r"\d{4}( \d{4}){4}", receipt)
    pg.reload()  # shown again until confirmed
    expect(pg.get_by_test_id("receipt")).to_have_text(receipt)
    pg.check("#kept")
    pg.click("#kept-send")
    pg.wait_for_url(re.compile(r".*/seguimiento\?anotado=1"))
    pg.fill("#receipt", receipt)
    pg.click("#follow-send")
    expect(pg.get_by_test_id("status-label")).to_contain_text("Recibida")

    # The desk opens it and answers.
    desk = desk_page(
        browser, tip_server, "enlacenav", "KUNTUR_TEST_LIAISON_TOTP", "/enlace-ciudadano"
    )
    desk.get_by_test_id("tip-link").first.click()
    expect(desk.get_by_test_id("tip-detail")).to_contain_text("Me cobran cupo")
    desk.fill("#reply-body", "Gracias. ¿A qué hora suelen llamarle?")
    desk.click("#reply-send")
    expect(desk.get_by_test_id("tip-messages")).to_contain_text("¿A qué hora suelen llamarle?")
    assert not desk.context.errors  # type: ignore[attr-defined]
    desk.context.close()

    # The citizen follows again: the reply is there, and may be answered.
    pg.goto(f"{tip_server}/seguimiento")
    pg.fill("#receipt", receipt)
    pg.click("#follow-send")
    expect(pg.get_by_test_id("status-label")).to_contain_text("En revisión")
    expect(pg.get_by_test_id("messages")).to_contain_text("¿A qué hora suelen llamarle?")
    pg.fill("#body", "Siempre de noche")
    pg.click("#message-send")
    expect(pg.get_by_test_id("messages")).to_contain_text("Siempre de noche")
    # A wrong receipt: the one generic answer.
    pg.goto(f"{tip_server}/seguimiento")
    pg.fill("#receipt", "0000 0000 0000 0000 0000")
    pg.click("#follow-send")
    expect(pg.get_by_test_id("error")).to_contain_text("No encontramos una denuncia")
    assert not errors and not outside, (errors, outside)
    phone.close()
