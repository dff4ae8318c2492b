"""The operational map and the incident list in real headless Chromium."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def api(base: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    req = urllib.request.Request(
        base + path,
        method="POST" if body else "GET",
        data=json.dumps(body).encode() if body else None,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as resp:
        data: dict[str, object] = json.loads(resp.read())
        return data


def test_map_shows_demo_incidents_as_density_then_points(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa")
    expect(page.get_by_test_id("synthetic-banner")).to_be_visible()
    expect(page.locator("#map[data-kind='cells']")).to_have_count(1, timeout=15000)
    assert int(page.locator("#map").get_attribute("data-features") or 0) > 50
    count = page.get_by_test_id("view-count").inner_text()
    assert int(count.replace(".", "").replace(",", "").replace("\u00a0", "")) > 1000
    page.screenshot(path="/tmp/kuntur-map-cells.png")

    # Zoom to a recent incident: the layer turns into clickable points.
    latest = api(live_server, "/api/incidents?limit=1")["items"][0]  # type: ignore[index]
    lat, lon = latest["latitude"], latest["longitude"]
    page.evaluate(f"window.kunturMap.setView([{lat}, {lon}], 17) && null")
    expect(page.locator("#map[data-kind='points']")).to_have_count(1, timeout=15000)
    point = page.evaluate(
        f"(() => {{ const p = window.kunturMap.latLngToContainerPoint([{lat}, "
        f"{lon}]); return [p.x, p.y]; }})()"
    )
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
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
    created = api(
        live_server,
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
    expect(rows.first).to_contain_text("San Juan De Lurigancho", timeout=10000)


def test_english_is_one_click_away(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa?lang=en")
    expect(page.locator("header nav")).to_contain_text("Operational map")
    expect(page.get_by_test_id("synthetic-banner")).to_contain_text("SYNTHETIC")
    page.goto(f"{live_server}/incidentes")  # the choice sticks (cookie)
    expect(page.locator("header nav")).to_contain_text("Incident list")
