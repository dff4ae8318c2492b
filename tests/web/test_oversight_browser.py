"""The oversight pages in Chromium: the desk (figures linking their records, the CSV, missed
deadlines, open flags, the countersign form) for the Defensoría, and the use-of-force
report form, reached from a closed incident, for a commander."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import fresh_code

pytestmark = pytest.mark.browser


def _as(browser: Browser, live_server: str, role: str) -> Page:
    import json
    import os

    from tests.conftest import PASSWORD

    secret = json.loads(os.environ["KUNTUR_TEST_ROLE_TOTP"])[role]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    pg = context.new_page()
    pg.goto(f"{live_server}/login")
    pg.fill("#username", "rol" + role.replace("_", ""))
    pg.fill("#password", PASSWORD)
    if secret:
        pg.fill("#totp", fresh_code(secret))
    pg.click("button[type=submit]")
    pg.wait_for_url(re.compile(r".*/(mapa|incidentes|despacho|ordenes|supervision).*"))
    return pg


def test_the_desk_shows_figures_with_their_records(browser: Browser, live_server: str) -> None:
    pg = _as(browser, live_server, "ombudsman")
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(f"{live_server}/supervision")
    expect(pg.get_by_test_id("desk-agency").locator("tbody tr").first).to_be_visible()
    expect(pg.get_by_test_id("desk-agency").locator("a").first).to_have_attribute(
        "href", re.compile(r"^/uso-fuerza/\d+$")
    )
    expect(pg.get_by_test_id("desk-missing-zero")).to_be_attached()
    expect(pg.get_by_test_id("desk-overdue").locator("li").first).to_contain_text("Plazo vencido")
    expect(pg.get_by_test_id("desk-flags").locator("li").first).to_contain_text("umbral")
    expect(pg.get_by_test_id("desk-csv")).to_have_attribute("href", "/api/oversight/dashboard.csv")
    expect(pg.get_by_test_id("cp-note")).to_be_attached()
    assert errors == []
    pg.context.close()


def test_a_commander_files_a_report_from_the_form(browser: Browser, live_server: str) -> None:
    pg = _as(browser, live_server, "commander")
    pg.goto(f"{live_server}/uso-fuerza?incident=999999")
    expect(pg.get_by_test_id("uof-incident")).to_have_value("999999")
    number = pg.evaluate(
        "async () => (await getJSON('/api/oversight/personnel'))[0].service_number"
    )
    pg.get_by_test_id("uof-incident").fill("")
    pg.fill("input[name=incident_at]", "2026-01-31T23:30")
    # Members are picked by service number or name, not typed as record ids.
    pg.get_by_test_id("uof-member-search").fill(number)
    pg.get_by_test_id("uof-member-results").locator("button").first.click()
    rows = pg.get_by_test_id("uof-member-rows").locator("tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(number)
    pg.get_by_test_id("uof-submit").click()
    expect(pg.get_by_test_id("uof-error")).to_contain_text("Elija el nivel")
    rows.first.locator("select[name=level]").select_option("physical")
    pg.fill("textarea[name=affected]", "injury,30,M")
    pg.get_by_test_id("uof-submit").click()
    result = pg.get_by_test_id("uof-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("el auxilio médico")
    expect(result).to_contain_text("el informe (24 h)")  # filed long after 24 h
    # The report's own page, in words.
    pg.get_by_test_id("uof-open").click()
    expect(pg.get_by_test_id("uof-report")).to_be_visible()
    expect(pg.get_by_test_id("uof-members")).to_contain_text(number)
    expect(pg.get_by_test_id("uof-members")).to_contain_text("control físico")
    expect(pg.get_by_test_id("uof-missing")).to_contain_text("el auxilio médico")
    pg.context.close()
