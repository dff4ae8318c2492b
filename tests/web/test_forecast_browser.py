"""The forecast page in real headless Chromium: flagged cells, why one was flagged, fairness."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import click_map_at

pytestmark = pytest.mark.browser


def test_forecast_page_explains_a_clicked_cell(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/pronostico")
    expect(page.locator("#map[data-cells]")).to_have_count(1, timeout=15000)
    flagged = int(page.locator("#map").get_attribute("data-cells") or 0)
    assert flagged > 0
    expect(page.get_by_test_id("forecast-meta")).to_contain_text("celdas")
    rows = page.get_by_test_id("fairness").locator("tbody tr")
    assert rows.count() > 0
    # Click the top-ranked cell: the panel says why it was flagged.
    lat, lon = page.evaluate(
        """(async () => {
            const f = await getJSON('/api/forecasts/latest');
            const cells = await getJSON(`/api/forecasts/${f.id}/cells`);
            const ring = cells.features[0].geometry.coordinates[0];
            const lat = (ring[0][1] + ring[2][1]) / 2, lon = (ring[0][0] + ring[2][0]) / 2;
            await new Promise((r) => setTimeout(r, 800));  // let fitBounds' zoom finish
            window.kunturMap.setView([lat, lon], 16, { animate: false });
            await new Promise((r) => setTimeout(r, 400));
            return [lat, lon];
        })()"""
    )
    click_map_at(page, lat, lon)
    why = page.get_by_test_id("cell-why")
    expect(why).to_be_visible(timeout=10000)
    expect(why).to_contain_text("Puesto")
    expect(why).to_contain_text("Eventos recientes")
    assert "1 /" in why.inner_text()
    page.screenshot(path="/tmp/kuntur-forecast.png")


def test_operational_map_overlays_the_forecast(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa")
    expect(page.locator("#map[data-kind]")).to_have_count(1, timeout=15000)
    page.get_by_test_id("show-forecast").check()
    expect(page.locator("#map[data-forecast-cells]")).to_have_count(1, timeout=10000)
    assert int(page.locator("#map").get_attribute("data-forecast-cells") or 0) > 0
    expect(page.locator("#forecast-note")).to_contain_text("celdas")
