"""The forecast page in real headless Chromium: flagged cells, why one was flagged, fairness."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.web.conftest import click_map_at

pytestmark = pytest.mark.browser
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


def test_forecast_page_explains_a_clicked_cell(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/pronostico")
    expect(page.locator("#map[data-cells]")).to_have_count(1, timeout=15000)
    flagged = int(page.locator("#map").get_attribute("data-cells") or 0)
    assert flagged > 0
    expect(page.get_by_test_id("forecast-meta")).to_contain_text("celdas")
    # The method in plain words, and readable cells at city zoom (a dot per flagged cell).
    expect(page.get_by_test_id("forecast-how")).to_contain_text(re.compile(r"celda|incidentes"))
    assert "=" not in page.get_by_test_id("forecast-how").inner_text()  # no parameter dump
    page.wait_for_timeout(800)  # fitBounds' zoom
    shown = page.evaluate(
        "[window.kunturMap.getZoom(), window.kunturMap.hasLayer(window.kunturForecastDots),"
        " window.kunturForecastDots.getLayers().length]"
    )
    assert shown[0] < 14 and shown[1] and shown[2] == flagged  # a dot per cell at city zoom
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
    # What lies behind it: crime types, hours (Lima) and the incidents, the reader's own.
    behind = page.get_by_test_id("cell-behind")
    expect(behind).to_be_visible(timeout=10000)
    expect(page.get_by_test_id("cell-types")).to_contain_text(
        re.compile(r"Robo agravado|Hurto|Extorsión|Homicidio|Secuestro|Otros|Tráfico")
    )
    assert page.get_by_test_id("cell-hours").locator("span").count() == 24
    incidents = page.get_by_test_id("cell-incidents")
    assert int(incidents.get_attribute("data-count") or 0) >= 1
    expect(incidents.locator("li").first).to_contain_text(re.compile(r"\d{4}"))
    # The fairness table: shares right-aligned, with the ratio to reports.
    assert page.get_by_test_id("fairness").locator("thead th").count() == 5
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.evaluate("void window.kunturMap.setZoom(13, { animate: false })")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENS / "pronostico.png"), full_page=True)


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
