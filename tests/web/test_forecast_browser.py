"""The forecast page in real headless Chromium: flagged cells, why one was flagged, fairness."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

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


def test_fairness_warning_names_every_district(live_server: str, page: Page) -> None:
    """A district the warning names is shown by name, even beyond the table's first 25 rows.

    The real latest forecast, with its fairness report stretched to 30 districts
    (the page shows 25 by flagged share) and the warning pointing at the last one.
    """

    def stretched(route: Route) -> None:
        forecast = route.fetch().json()
        rows = [
            {
                "ubigeo": f"1501{i:02d}",
                "name": f"Distrito {i}",
                "flagged_cells": 30 - i,
                "flagged_share": (30 - i) / 465,
                "population_share": 1 / 30,
                "victim_report_share": 1 / 30,
                "ratio_to_population": None,
                "ratio_to_reports": None,
            }
            for i in range(1, 31)
        ]
        forecast["fairness"].update(districts=rows, over_reports=["150130"])
        route.fulfill(json=forecast)

    page.route("**/api/forecasts/latest", stretched)
    page.goto(f"{live_server}/pronostico")
    warning = page.locator("#fairness-warning")
    expect(warning).to_be_visible(timeout=15000)
    expect(warning).to_contain_text("Distrito 30")
    assert "150130" not in warning.inner_text()
    table = page.get_by_test_id("fairness").locator("tbody tr")
    expect(table).to_have_count(26)  # the first 25 and the one the warning names
    expect(table.last).to_have_class("over")
    expect(page.get_by_test_id("forecast-meta")).to_contain_text("—")  # a plain method name


def test_operational_map_overlays_the_forecast(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/mapa")
    expect(page.locator("#map[data-kind]")).to_have_count(1, timeout=15000)
    page.get_by_test_id("show-forecast").check()
    expect(page.locator("#map[data-forecast-cells]")).to_have_count(1, timeout=10000)
    assert int(page.locator("#map").get_attribute("data-forecast-cells") or 0) > 0
    expect(page.locator("#forecast-note")).to_contain_text("celdas")
