"""The operational map and the incident list in real headless Chromium."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import click_map_at, sign_in

pytestmark = pytest.mark.browser


def api(page: Page, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    """Call the API as the logged-in page does (its cookie and CSRF token)."""
    if body is None:
        return page.evaluate(f"getJSON({json.dumps(path)})")  # type: ignore[no-any-return]
    return page.evaluate(f"postJSON({json.dumps(path)}, {json.dumps(body)})")  # type: ignore[no-any-return]


def test_map_shows_demo_incidents_as_density_then_points(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa")
    expect(page.get_by_test_id("synthetic-banner")).to_be_visible()
    expect(page.locator("#map[data-kind='cells']")).to_have_count(1, timeout=15000)
    assert int(page.locator("#map").get_attribute("data-features") or 0) > 50
    count = page.get_by_test_id("view-count").inner_text()
    assert int(count.replace(".", "").replace(",", "").replace("\u00a0", "")) > 1000
    page.screenshot(path="/tmp/kuntur-map-cells.png")

    # Zoom to a recent incident: the layer turns into clickable points.
    latest = api(page, "/api/incidents?limit=1")["items"][0]  # type: ignore[index]
    lat, lon = latest["latitude"], latest["longitude"]
    page.evaluate(f"window.kunturMap.setView([{lat}, {lon}], 17) && null")
    expect(page.locator("#map[data-kind='points']")).to_have_count(1, timeout=15000)
    click_map_at(page, lat, lon)
    detail = page.get_by_test_id("detail")
    expect(detail).to_be_visible(timeout=10000)
    expect(detail).to_contain_text("Distrito")
    page.screenshot(path="/tmp/kuntur-map-points.png")


def test_filters_change_the_layer(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa")
    expect(page.locator("#map[data-kind='cells']")).to_have_count(1, timeout=15000)
    before = page.get_by_test_id("view-count").inner_text()
    page.select_option("#f-category", "homicide")
    expect(page.get_by_test_id("view-count")).not_to_have_text(before, timeout=10000)
    shown = int(page.get_by_test_id("view-count").inner_text().replace(".", ""))
    assert 0 < shown < int(before.replace(".", "").replace("\u00a0", ""))


def test_narratives_are_shown_as_text_never_run(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/incidentes")
    created = api(
        page,
        "/api/incidents",
        {
            "source": "citizen_tip",
            "category": "extortion",
            "occurred_at": "2026-01-05T10:00:00",
            "latitude": -12.0464,
            "longitude": -77.03,
            "narrative": '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>',
        },
    )
    page.goto(f"{live_server}/incidentes")
    page.evaluate(f"openIncident({created['id']})")
    # An extortion narrative is withheld until the reader gives a purpose the server accepts.
    expect(page.get_by_test_id("detail")).to_contain_text("Reservado", timeout=10000)
    page.get_by_test_id("purpose").fill("Caso 2026-0457")  # no case of this dispatcher's
    page.get_by_test_id("purpose").press("Enter")
    expect(page.get_by_test_id("purpose-error")).to_contain_text("Motivo no válido")
    # A dispatcher's purpose: the incident they dispatched a unit to.
    ranked = api(page, f"/api/dispatch/incidents/{created['id']}/recommendation")["ranked"]
    assert ranked
    unit = ranked[0]["unit_id"]  # type: ignore[index]
    api(page, f"/api/dispatch/incidents/{created['id']}/dispatch", {"unit_id": unit})
    page.get_by_test_id("purpose").fill(f"INC-{created['id']}")
    page.get_by_test_id("purpose").press("Enter")
    expect(page.get_by_test_id("detail")).to_contain_text("<img src=x", timeout=10000)
    assert page.evaluate("window.__xss") is None


def test_list_view_pages_and_opens_details(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/incidentes")
    rows = page.locator("[data-testid='incident-table'] tbody tr")
    expect(rows).to_have_count(50, timeout=10000)
    first_id = rows.first.get_attribute("data-id")
    page.click("#next")
    expect(rows.first).not_to_have_attribute("data-id", first_id or "", timeout=10000)
    rows.first.click()
    expect(page.get_by_test_id("detail")).to_be_visible()
    page.select_option("#f-district", "150132")
    expect(rows.first).to_contain_text("San Juan de Lurigancho", timeout=10000)


def test_english_is_one_click_away(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa?lang=en")
    expect(page.locator("header nav")).to_contain_text("Operational map")
    expect(page.get_by_test_id("synthetic-banner")).to_contain_text("SYNTHETIC")
    page.goto(f"{live_server}/incidentes")  # the choice sticks (cookie)
    expect(page.locator("header nav")).to_contain_text("Incident list")


def test_pages_need_a_login_and_logout_ends_it(live_server: str, anonymous_page: Page) -> None:
    pg = anonymous_page
    pg.goto(f"{live_server}/mapa")
    pg.wait_for_url(f"{live_server}/login?next=/mapa")
    pg.fill("#username", "despachador")
    pg.fill("#password", "no es la contraseña")
    pg.click("button[type=submit]")
    expect(pg.locator("#login-error")).to_be_visible()
    sign_in(pg, "despachador")
    pg.wait_for_url(f"{live_server}/mapa")
    expect(pg.get_by_test_id("who")).to_have_text("despachador")
    pg.click("#logout")
    pg.wait_for_url(f"{live_server}/login")
    pg.goto(f"{live_server}/incidentes")
    pg.wait_for_url(f"{live_server}/login?next=/incidentes")
