"""The dispatcher's triage in real Chromium (issue 13): the incident panel's facts, only the
allowed lifecycle steps, merge on screen, a first response with its reason, a priority-1
alert on every open screen, and the orders screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.web.test_dispatch_browser import open_live

pytestmark = pytest.mark.browser


def create(page: Page, **kw: Any) -> int:
    body = {
        "source": "emergency_call",
        "category": "theft",
        "priority": 3,
        "latitude": -12.0464,
        "longitude": -77.0428,
        "address": "Jr. de la Unión 300",
        **kw,
    }
    created = page.evaluate(
        "(b) => postJSON('/api/incidents', {...b, occurred_at: new Date().toISOString()})", body
    )
    return int(created["id"])


def open_incident(page: Page, iid: int) -> None:
    page.evaluate("() => null")
    expect(page.locator(f"#queue li[data-id='{iid}']")).to_have_count(1, timeout=5000)
    page.locator(f"#queue li[data-id='{iid}']").click()
    expect(page.locator("#panel-title")).to_contain_text(f"#{iid} ·", timeout=5000)


def test_a_new_priority_1_incident_alerts_every_open_screen(
    live_server: str, page: Page, second_page: Page
) -> None:
    open_live(live_server, second_page, page)
    expect(page.get_by_test_id("p1-alert")).to_be_hidden()
    iid = create(page, category="homicide", priority=1)
    for pg in (page, second_page):
        banner = pg.get_by_test_id("p1-alert")
        expect(banner).to_be_visible(timeout=3000)
        expect(banner).to_contain_text("prioridad 1")
        expect(banner).to_contain_text(f"#{iid}")
        assert pg.evaluate("window.kunturBeeps") >= 1  # the WebAudio beep was played
    # A lower priority does not alert; "Ver" opens the incident.
    second_page.locator("#p1-dismiss").click()
    create(page, priority=3)
    page.wait_for_timeout(1200)
    expect(second_page.get_by_test_id("p1-alert")).to_be_hidden()
    page.locator("#p1-open").click()
    expect(page.locator("#panel-title")).to_contain_text(f"#{iid}", timeout=5000)


def test_panel_shows_the_incident_and_only_the_allowed_steps(live_server: str, page: Page) -> None:
    open_live(live_server, page)
    iid = create(page, category="aggravated_robbery", priority=2)
    open_incident(page, iid)
    facts = page.get_by_test_id("panel-facts")
    expect(facts).to_contain_text("Robo agravado")
    expect(facts).to_contain_text("Jr. de la Unión 300")
    expect(facts).to_contain_text("hace")  # time waiting
    expect(facts).to_contain_text("Llamada")  # the source
    moves = page.get_by_test_id("moves")
    expect(moves.locator("button")).to_have_count(1)  # received: triage only (and clear)
    expect(moves).to_contain_text("Marcar triado")
    expect(page.locator("[data-move=en_route]")).to_have_count(0)
    # "Hide panel" and "clear incident" are far apart.
    hide = page.get_by_test_id("panel-close").bounding_box()
    clear = page.get_by_test_id("clear-incident").bounding_box()
    assert hide and clear and clear["y"] - hide["y"] > 300

    page.get_by_test_id("recommendation").locator("button").first.click()
    expect(page.get_by_test_id("panel-status")).to_contain_text("Despachado", timeout=10000)
    expect(moves).to_contain_text("En camino")
    expect(moves).to_contain_text("Volver a triado")
    page.locator("[data-move=on_scene]").click()
    expect(page.get_by_test_id("panel-status")).to_contain_text("En el lugar", timeout=5000)
    expect(moves.locator("button")).to_have_count(0)  # on scene: only clearing is left
    expect(page.get_by_test_id("clear-incident")).to_be_visible()

    page.get_by_test_id("note-text").fill("La unidad informa dos detenidos")
    page.get_by_test_id("add-note").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("dos detenidos", timeout=5000)
    page.get_by_test_id("triage-priority").select_option("1")
    page.get_by_test_id("set-priority").click()
    expect(page.locator("#panel-title")).to_contain_text("P1", timeout=5000)


def test_merge_a_duplicate_on_screen(live_server: str, page: Page) -> None:
    open_live(live_server, page)
    first = create(page, priority=3, address="Av. Abancay 500")
    dup = create(page, priority=2, address="Av. Abancay 510", longitude=-77.0427)
    open_incident(page, dup)
    page.get_by_test_id("merge-into").select_option(str(first))
    page.get_by_test_id("merge").click()
    expect(page.locator("#panel-title")).to_contain_text(f"#{first} · P2", timeout=5000)
    expect(page.locator(f"#queue li[data-id='{dup}']")).to_have_count(0, timeout=5000)
    merged = page.evaluate(f"getJSON('/api/dispatch/incidents/{dup}/timeline')")
    assert merged["merged_into_id"] == first and merged["status"] == "cleared"


def test_first_response_with_a_reason_beside_the_specialised_units(
    live_server: str, page: Page
) -> None:
    open_live(live_server, page)
    iid = create(page, category="extortion", priority=1, longitude=-77.0300, latitude=-12.0600)
    open_incident(page, iid)
    box = page.get_by_test_id("first-response")
    expect(box.locator("li").first).to_contain_text("sin capacidad: antiextorsión", timeout=10000)
    expect(page.locator("#needs")).to_contain_text("antiextorsión")
    expect(page.get_by_test_id("excluded")).not_to_contain_text("lacks")
    box.locator("button").first.click()  # no reason yet: refused on screen, nothing sent
    expect(page.get_by_test_id("panel-error")).to_contain_text("motivo")
    box.locator("input").first.fill("La unidad antiextorsión está a 24 min")
    box.locator("button").first.click()
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "motivo: La unidad antiextorsión está a 24 min", timeout=10000
    )
    page.screenshot(path="docs/screens/despacho.png")


def test_orders_screen_shows_chain_and_basis(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/ordenes")
    expect(page.locator("#orders-body[data-rows]")).to_have_count(1, timeout=10000)
    expect(page.get_by_test_id("tree")).to_contain_text("›", timeout=5000)
    expect(page.get_by_test_id("order-form")).to_contain_text("Emitir")
    # A dispatcher may read orders but not issue them: the refusal is in words.
    page.locator("#o-text").fill("Patrullaje preventivo")
    page.get_by_test_id("issue-order").click()
    expect(page.get_by_test_id("order-error")).not_to_be_empty(timeout=5000)
    page.screenshot(path="docs/screens/orders.png")
