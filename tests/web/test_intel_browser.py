"""The link chart in real Chromium: an analyst picks one of their cases as the purpose, its
network opens with reports folded into weighted lines between identifiers labelled in
Spanish, a line's reports are put on the chart on demand, a report's panel says where each
identifier came from; the case's notes and entities are on screen, and a second case of
the same investigation opens (it used to be refused)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.browser
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


# A tap is emitted from the page and answered with ``null``: emit() returns the element,
# which Playwright would otherwise serialise with the whole chart behind it (10 s a tap).
def _analyst(live_server: str, browser: Browser) -> Page:
    context = browser.new_context(viewport={"width": 1500, "height": 950}, locale="es-PE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    sign_in(page, "inteligencia", "KUNTUR_TEST_INTEL_TOTP")
    page.wait_for_url(f"{live_server}/mapa")
    return page


def test_link_chart(live_server: str, browser: Browser) -> None:
    page = _analyst(live_server, browser)
    page.goto(f"{live_server}/inteligencia")
    page.evaluate("sessionStorage.clear()")
    page.reload()
    expect(page.locator("#purpose-hint.error")).to_have_count(1)  # no purpose, no search
    page.get_by_test_id("purpose").fill("CASO-2026-0077")  # not a case of theirs: refused
    page.get_by_role("button", name="Aplicar").click()
    expect(page.locator("#purpose-hint.error")).to_contain_text("Motivo no válido")
    # The demo seeds the analyst's cases; one click states one and opens its network.
    page.get_by_test_id("my-cases").locator("li[data-case='CASO-DEMO-0001']").click()
    expect(page.locator("#networks[data-count]")).to_have_count(1, timeout=10000)
    chart = page.get_by_test_id("chart")
    expect(page.locator("#chart[data-network]")).to_have_count(1, timeout=15000)
    # Collapsed: identifiers only, joined by weighted lines; no report is drawn yet.
    identifiers = int(chart.get_attribute("data-identifiers") or 0)
    assert identifiers >= 2
    assert chart.get_attribute("data-reports") == "0"
    assert int(chart.get_attribute("data-edges") or 0) >= 1
    weights = page.evaluate("kunturChart.edges().map(e => e.data('weight'))")
    assert all(w >= 1 for w in weights) and max(weights) >= 2  # shared reports, counted
    # Spanish labels, not "phone:+51...".
    node_labels = json.loads(chart.get_attribute("data-labels") or "[]")
    assert node_labels and all(re.match(r"^(Teléfono|Cuenta|Placa) ", t) for t in node_labels)
    assert not any("phone:" in t or "payment_account:" in t for t in node_labels)
    assert re.search(r"Teléfono \+51 9\d\d \d{3} \d{3}", " ".join(node_labels))
    # Expand on demand: the heaviest line lists its reports and draws them.
    page.evaluate(
        "kunturChart.edges().sort((a, b) => b.data('weight') - a.data('weight'))[0].emit('tap')"
        ";null"
    )
    expect(page.get_by_test_id("node-body")).to_contain_text("reportes en común")
    listed = page.get_by_test_id("node-reports").locator("li")
    assert listed.count() == max(weights)
    expect(listed.first).to_contain_text(re.compile(r"Extorsión|Secuestro|Homicidio"))
    page.get_by_test_id("toggle-reports").click()
    expect(page.locator("#chart:not([data-reports='0'])")).to_have_count(1)
    assert int(chart.get_attribute("data-reports") or 0) == min(max(weights), 60)
    page.get_by_test_id("toggle-reports").click()  # folded away again
    expect(page.locator("#chart[data-reports='0']")).to_have_count(1)
    # A circle: its reports; a report: what it said and where, the district by name.
    page.evaluate(
        "kunturChart.nodes().sort((a, b) => b.data('reports') - a.data('reports'))[0].emit('tap')"
        ";null"
    )
    expect(page.get_by_test_id("node-title")).to_contain_text(
        re.compile(r"^(Teléfono|Cuenta|Placa) ")
    )
    listed.first.click()
    body = page.get_by_test_id("node-body")
    expect(body).to_contain_text(re.compile(r"(Teléfono|Cuenta|Placa) .* regla .*caracteres"))
    assert not re.search(r"\b1[05]\d{4}\b", body.inner_text())  # no ubigeo codes
    # filter: hide phones
    before = int(chart.get_attribute("data-identifiers") or 0)
    page.locator("#type-filter input[value=phone]").uncheck()
    assert int(chart.get_attribute("data-identifiers") or 0) < before
    page.locator("#type-filter input[value=phone]").check()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.evaluate(
        "kunturChart.edges().sort((a, b) => b.data('weight') - a.data('weight'))[0].emit('tap')"
        ";null"
    )
    page.screenshot(path=str(SCREENS / "inteligencia.png"))
    # from a report to its network, and back to the report
    rid = page.get_by_test_id("node-reports").locator("li").first.get_attribute("data-report")
    assert rid
    page.goto(f"{live_server}/inteligencia?report={rid}")
    expect(page.locator("#chart[data-network]")).to_have_count(1, timeout=15000)
    expect(page.get_by_test_id("node-title")).to_contain_text(f"Reporte {rid}")
    page.get_by_test_id("open-report").click()
    expect(page.get_by_test_id("detail")).to_be_visible(timeout=10000)
    expect(page.get_by_test_id("detail")).to_contain_text(rid)
    page.context.close()


def test_case_notes_entities_and_a_second_case(live_server: str, browser: Browser) -> None:
    page = _analyst(live_server, browser)
    page.goto(f"{live_server}/inteligencia")
    page.get_by_test_id("my-cases").locator("li[data-case='CASO-DEMO-0002']").click()
    panel = page.get_by_test_id("case-panel")
    expect(panel).to_be_visible(timeout=10000)
    expect(panel).to_contain_text("CASO-DEMO-0002")
    expect(panel).to_contain_text("Investigación")
    # A note: stored, shown, and still there after a reload.
    page.get_by_test_id("note-text").fill("Llamadas desde el penal; revisar cuentas")
    page.get_by_test_id("add-note").click()
    notes = page.get_by_test_id("case-notes")
    expect(notes).to_contain_text("Llamadas desde el penal", timeout=10000)
    # An entity from the chart, kept on the case and listed in words.
    expect(page.locator("#chart[data-network]")).to_have_count(1, timeout=15000)
    page.evaluate(
        "kunturChart.nodes().sort((a, b) => b.data('reports') - a.data('reports'))[0].emit('tap')"
        ";null"
    )
    page.get_by_test_id("add-entity").click()
    expect(page.get_by_test_id("case-entities")).to_contain_text(
        re.compile(r"(Teléfono|Cuenta|Placa) "), timeout=10000
    )
    page.reload()
    page.get_by_test_id("my-cases").locator("li[data-case='CASO-DEMO-0002']").click()
    expect(page.get_by_test_id("case-notes")).to_contain_text(
        "Llamadas desde el penal", timeout=10000
    )
    # A second case of the same investigation, on the same network: numbered by Kuntur.
    expect(page.locator("#chart[data-network]")).to_have_count(1, timeout=15000)
    expect(page.get_by_test_id("case-investigation")).to_have_value("CASO-DEMO-0002")
    page.get_by_test_id("case-title").fill("Segunda línea: cuentas de cobro")
    page.get_by_test_id("open-case").click()
    link = page.get_by_test_id("case-link").locator("a")
    expect(link).to_contain_text(re.compile(r"CASO-DEMO-0002/\d+"), timeout=10000)
    expect(
        page.get_by_test_id("my-cases").locator("li[data-case^='CASO-DEMO-0002/']")
    ).to_have_count(1)
    # The printable report of the first case: paginated, Lima times, names, synthetic.
    case_id = page.evaluate(
        "fetch('/api/intel/cases').then(r => r.json())"
        ".then(cs => cs.find(c => c.number === 'CASO-DEMO-0002').id)"
    )
    page.goto(f"{live_server}/casos/{case_id}")
    body = page.locator("body")
    expect(body).to_contain_text("Procedencia de cada vínculo")
    expect(body).to_contain_text("DATOS SINTÉTICOS")
    expect(body).to_contain_text("Llamadas desde el penal")
    expect(body).to_contain_text(re.compile(r"Teléfono \+51 9\d\d \d{3} \d{3}"))
    text = body.inner_text()
    assert "phone:" not in text and "payment_account:" not in text and "{" not in text
    assert not re.search(r"\d{4}-\d\d-\d\dT", text)  # no raw ISO (UTC) times
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", text)
    assert "counter(page)" in page.content()  # page numbers when printed
    page.screenshot(path=str(SCREENS / "caso.png"), full_page=False)
    page.emulate_media(media="print")
    assert len(page.pdf(format="A4")) > 1000  # it prints
    page.context.close()
