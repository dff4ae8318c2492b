"""The public statistics page in Chromium, for a reader who is not logged in: the privacy
rules, the map of districts coloured by the released counts, the chart, the ledger, the
alerts (exercises), the CSV download and the English version; nothing is fetched from
outside and the page shows no staff navigation."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import desk_page

pytestmark = pytest.mark.browser


def test_the_public_page_for_anyone(anonymous_page: Page, live_server: str) -> None:
    pg = anonymous_page
    errors: list[str] = []
    outside: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((live_server, "data:")) else None,
    )
    pg.goto(f"{live_server}/estadisticas")
    assert pg.url == f"{live_server}/estadisticas"  # no login asked
    expect(pg.get_by_test_id("synthetic-banner")).to_be_visible()
    expect(pg.get_by_test_id("release-summary")).to_contain_text("ε = 1.0")
    expect(pg.get_by_test_id("release-summary")).to_contain_text("± 3")
    rules = pg.get_by_test_id("privacy-rules")
    expect(rules).to_contain_text("OpenDP")
    expect(rules).to_contain_text("un incidente por persona")
    expect(rules).to_contain_text("últimos 7 días")
    expect(rules).to_contain_text("menos de 5")
    expect(rules).to_contain_text("ε = 4.0")
    expect(pg.get_by_test_id("interval-how")).to_contain_text("2·a^(t+1)/(1+a)")
    # The map: every Lima and Callao district drawn, coloured from the release.
    expect(pg.get_by_test_id("public-map")).to_have_attribute(
        "data-districts", re.compile(r"^[4-9]\d$")
    )
    assert pg.locator("#public-map path.leaflet-interactive").count() >= 40
    fills = {
        pg.locator("#public-map path.leaflet-interactive").nth(i).get_attribute("fill")
        for i in range(10)
    }
    assert fills and "#dddddd" not in fills  # each district has a released figure
    # The chart: one bar per category.
    expect(pg.get_by_test_id("category-chart").locator(".bar-row")).to_have_count(9)
    expect(pg.get_by_test_id("district-table").locator("tbody tr").first).to_be_visible()
    expect(pg.get_by_test_id("ledger").locator("tbody tr")).to_have_count(1)
    expect(pg.get_by_test_id("budget-years")).to_contain_text("quedan 3.0")
    alerts = pg.get_by_test_id("alerts")
    expect(alerts).to_contain_text("SIMULACRO: alerta ficticia de extorsión")
    assert alerts.locator("li").count() >= 2  # the demo's two exercises (and any issued since)
    expect(alerts.locator("a").first).to_have_attribute(
        "href", re.compile(r"^/api/public/alerts/\d+\.cap$")
    )
    assert pg.locator("header nav").count() == 0  # no staff navigation, no logout
    # The CSV behind the link: one row per cell of the release.
    href = pg.get_by_test_id("csv-link").get_attribute("href")
    got = pg.request.get(f"{live_server}{href}")
    assert got.ok and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(got.text())))
    assert rows and {
        "period",
        "district",
        "category",
        "noisy_count",
        "epsilon",
        "scale",
        "ci95",
    } <= set(rows[0])
    # The public weekly brief, linked from the page, for anyone as well.
    link = pg.get_by_test_id("weekly-brief-link").get_attribute("href")
    assert link == "/estadisticas/informe-semanal"
    weekly = pg.request.get(f"{live_server}{link}")
    assert weekly.ok and "Informe semanal público: semana" in weekly.text()
    assert "Su efecto medido no se publica" in weekly.text()
    # English on request.
    pg.get_by_test_id("lang").click()
    expect(pg.locator("#h-privacy")).to_have_text("How privacy is protected")
    expect(pg.get_by_test_id("privacy-rules")).to_contain_text("fewer than 5")
    assert not errors, errors
    assert not outside, outside


def test_a_commander_issues_and_cancels_an_alert(browser: Browser, live_server: str) -> None:
    pg = desk_page(
        browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP", "/alertas-publicas"
    )
    form = pg.get_by_test_id("alert-form")
    form.locator("select[name=district]").select_option("150128")
    form.locator("input[name=event]").fill("SIMULACRO de prueba del navegador")
    form.locator("input[name=headline]").fill("SIMULACRO: alerta ficticia en el Rímac")
    form.locator("textarea[name=description]").fill("Ejercicio ficticio, nada ocurrió.")
    form.locator("textarea[name=instruction]").fill("Ninguna: es un simulacro.")
    pg.get_by_test_id("alert-submit").click()
    expect(pg.get_by_test_id("alert-status")).to_contain_text("PE-KUNTUR-")
    listed = pg.get_by_test_id("alert-list").locator("li", has_text="alerta ficticia en el Rímac")
    expect(listed).to_have_count(1)
    listed.get_by_role("button").click()
    expect(pg.get_by_test_id("alert-status")).to_contain_text("Alerta cancelada")
    expect(pg.get_by_test_id("alert-list").locator("li", has_text="Cancel")).not_to_have_count(0)
    # On the public page and in the feed.
    pg.goto(f"{live_server}/estadisticas")
    expect(pg.get_by_test_id("alerts")).to_contain_text("alerta ficticia en el Rímac")
    feed = pg.request.get(f"{live_server}/api/public/alerts.atom")
    assert feed.ok and "alerta ficticia en el R" in feed.text()
    assert not pg.context.errors  # type: ignore[attr-defined]
