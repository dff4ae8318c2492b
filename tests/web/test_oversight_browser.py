"""The oversight pages in Chromium: the desk (figures linking their records, the CSV, missed
deadlines, open flags, the countersign form, the printed report) for the Defensoría, the
use-of-force report form for a commander, and the whole way from an incident cleared with
force on the dispatch panel to the report on the Defensoría's desk."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import fresh_code
from tests.web.test_dispatch_browser import open_live
from tests.web.test_dispatch_triage_browser import create, open_incident

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


def test_a_report_from_an_incident_cleared_with_force_reaches_the_desk(
    browser: Browser, live_server: str
) -> None:
    """A commander (who dispatches too) clears an incident with force on the panel; the
    report falls due, is filed from the pending list with the members on shift, and the
    Defensoría's desk lists it."""
    pg = _as(browser, live_server, "commander")
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    open_live(live_server, pg)
    iid = create(pg, category="aggravated_robbery", priority=2, address="Jr. Ica 250")
    open_incident(pg, iid)
    first = pg.get_by_test_id("recommendation").locator("button").first
    expect(first).to_be_visible(timeout=10000)
    unit = int(first.get_attribute("data-unit") or 0)
    first.click()
    expect(pg.get_by_test_id("panel-status")).to_contain_text("Despachado", timeout=10000)
    # The roster: a member on that unit's shift now (the demo's shifts are in the past).
    number = f"PRUEBA-{iid}"
    pg.evaluate(
        """async ([unit, number]) => {
          const node = (await getJSON('/api/oversight/personnel'))
            .find((p) => p.agency === 'PNP').command_unit_id;
          const p = await postJSON('/api/oversight/personnel', {service_number: number,
            name: 'Agente de Prueba (SINTÉTICO)', rank: 'Suboficial', agency: 'PNP',
            command_unit_id: node});
          const now = Date.now();
          await postJSON(`/api/oversight/personnel/${p.id}/shifts`, {unit_id: unit,
            starts_at: new Date(now - 3600e3).toISOString(),
            ends_at: new Date(now + 11 * 3600e3).toISOString()});
        }""",
        [unit, number],
    )
    pg.locator("[data-move=on_scene]").click()
    expect(pg.get_by_test_id("panel-status")).to_contain_text("En el lugar", timeout=5000)
    # Cleared with the panel's own controls: the force box ticked.
    pg.locator("#disposition").fill("Detenido tras forcejeo")
    pg.get_by_test_id("force-used").check()
    pg.get_by_test_id("clear-incident").click()
    # A reporting desk is taken to the form, which starts from the report due.
    pg.wait_for_url(re.compile(rf".*/uso-fuerza\?incident={iid}.*"), timeout=10000)
    expect(pg.get_by_test_id("uof-member-rows").locator("tr")).to_have_count(1, timeout=5000)
    # Later, from the list of reports due: its link opens the form for that incident.
    pg.goto(f"{live_server}/uso-fuerza")
    due = pg.get_by_test_id("uof-pending").locator(f"a[href^='?incident={iid}&report=']")
    expect(due).to_have_count(1, timeout=5000)
    due.click()
    pg.wait_for_url(re.compile(rf".*/uso-fuerza\?incident={iid}&report=\d+$"))
    report = int(pg.url.rsplit("=", 1)[1])
    expect(pg.get_by_test_id("uof-incident")).to_have_value(str(iid))
    rows = pg.get_by_test_id("uof-member-rows").locator("tr")
    expect(rows).to_have_count(1, timeout=5000)  # only who was on the unit's shift
    expect(rows.first).to_contain_text(number)
    expect(pg.get_by_test_id("uof-members-note")).to_contain_text("de turno")
    rows.first.locator("select[name=level]").select_option("physical")
    pg.fill("input[name=place]", "Jr. Ica 250")
    pg.fill("textarea[name=affected]", "none,25,M")
    pg.get_by_test_id("uof-submit").click()
    result = pg.get_by_test_id("uof-result")
    expect(result).to_be_visible(timeout=5000)
    expect(result).to_have_attribute("data-report", str(report))  # the obligation fulfilled
    expect(pg.get_by_test_id("uof-pending").locator(f"a[href^='?incident={iid}&']")).to_have_count(
        0
    )
    pg.get_by_test_id("uof-open").click()
    expect(pg.get_by_test_id("uof-report")).to_have_attribute("data-report", str(report))
    expect(pg.get_by_test_id("uof-status")).to_contain_text("presentado")
    expect(pg.get_by_test_id("uof-facts")).to_contain_text(f"#{iid}")
    expect(pg.get_by_test_id("uof-members")).to_contain_text(number)
    expect(pg.get_by_test_id("uof-members")).to_contain_text("control físico")
    expect(pg.get_by_test_id("uof-missing")).to_contain_text("la revisión")
    pg.set_viewport_size({"width": 1280, "height": 1500})  # the page scrolls in <main>
    pg.screenshot(path="docs/screens/uso-fuerza.png")
    assert errors == []
    pg.context.close()

    # The Defensoría: the report among the reviews in time and in the figures by agency.
    dp = _as(browser, live_server, "ombudsman")
    dp.goto(f"{live_server}/supervision")
    link = f"a[href='/uso-fuerza/{report}']"
    review = dp.get_by_test_id("desk-deadlines").locator("tr", has_text="Revisión")
    expect(review.locator("td").nth(3).locator(link)).to_have_count(1, timeout=10000)
    expect(
        dp.get_by_test_id("desk-agency").locator("tr", has_text="PNP").locator(link)
    ).to_have_count(1)
    review.locator(link).click()
    expect(dp.get_by_test_id("uof-report")).to_have_attribute("data-report", str(report))
    dp.context.close()


def test_the_desk_prints_its_report(browser: Browser, live_server: str) -> None:
    """ "Imprimir informe": on paper no navigation or controls, but the title, the period and
    the time generated, the figures with their record numbers and the synthetic banner."""
    pg = _as(browser, live_server, "prosecutor")
    pg.goto(f"{live_server}/supervision")
    expect(pg.get_by_test_id("desk-agency").locator("tbody tr").first).to_be_visible()
    expect(pg.get_by_test_id("desk-period")).to_contain_text("Periodo")
    expect(pg.get_by_test_id("desk-period")).to_contain_text("generado")
    expect(pg.get_by_test_id("desk-print-header")).to_be_hidden()  # on screen: the page's own
    expect(pg.get_by_test_id("desk-other")).to_contain_text("Derivados")
    pg.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    pg.get_by_test_id("desk-print").click()
    assert pg.evaluate("window.printed") == 1
    pg.set_viewport_size({"width": 1280, "height": 1500})  # the page scrolls in <main>
    pg.screenshot(path="docs/screens/supervision.png")
    pg.emulate_media(media="print")
    expect(pg.locator("header.top")).to_be_hidden()
    expect(pg.get_by_test_id("desk-print")).to_be_hidden()
    expect(pg.get_by_test_id("desk-csv")).to_be_hidden()
    expect(pg.locator("#countersign-zone")).to_be_hidden()
    header = pg.get_by_test_id("desk-print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("Informe de la mesa de supervisión")
    expect(pg.get_by_test_id("desk-period")).to_be_visible()
    expect(pg.get_by_test_id("synthetic-banner")).to_be_visible()
    expect(pg.get_by_test_id("desk-agency").locator("a").first).to_have_text(re.compile(r"^#\d+$"))
    pdf = pg.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    pg.context.close()
