"""The link chart in real Chromium: an analyst picks one of their cases as the purpose,
opens a network, expands neighbours, filters, jumps from a report to its network and back to
the report, and opens a new case on it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.browser


def test_link_chart(live_server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="es-PE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    sign_in(page, "inteligencia", "KUNTUR_TEST_INTEL_TOTP")
    page.wait_for_url(f"{live_server}/mapa")
    page.goto(f"{live_server}/inteligencia")
    expect(page.locator("#purpose-hint.error")).to_have_count(1)  # no purpose, no search
    page.get_by_test_id("purpose").fill("CASO-2026-0077")  # not a case of theirs: refused
    page.get_by_role("button", name="Aplicar").click()
    expect(page.locator("#purpose-hint.error")).to_contain_text("Motivo no válido")
    # The demo seeds the analyst's cases; one click states one.
    page.get_by_test_id("my-cases").locator("li[data-case='CASO-DEMO-0001']").click()
    expect(page.locator("#networks[data-count]")).to_have_count(1, timeout=10000)
    assert int(page.locator("#networks").get_attribute("data-count") or 0) >= 1
    page.locator("#networks li").first.click()
    chart = page.get_by_test_id("chart")
    expect(page.locator("#chart[data-nodes]")).to_have_count(1, timeout=10000)
    before = int(chart.get_attribute("data-nodes") or 0)
    assert before >= 1
    page.locator("#chart circle.node").first.click()  # expand its neighbours
    expect(page.get_by_test_id("node-body")).to_be_visible()
    after = int(chart.get_attribute("data-nodes") or 0)
    assert after > before
    # filter: hide phones
    page.locator("#type-filter input[value=phone]").uncheck()
    assert int(chart.get_attribute("data-nodes") or 0) < after
    page.locator("#type-filter input[value=phone]").check()
    # from a report to its network, and back to the report
    report = page.locator("#chart circle.node.report").first.get_attribute("data-id")
    assert report
    rid = report.split(":")[1]
    page.goto(f"{live_server}/inteligencia?report={rid}")
    expect(page.locator("#chart[data-network]")).to_have_count(1, timeout=10000)
    # the report's panel says where each identifier came from (rule and character span)
    expect(page.get_by_test_id("node-body")).to_contain_text(
        re.compile(r"(libphonenumber|wa\.me|cci-check|plate-pattern|cuenta-number).*chars")
    )
    page.get_by_test_id("open-report").click()
    expect(page.get_by_test_id("detail")).to_be_visible(timeout=10000)
    expect(page.get_by_test_id("detail")).to_contain_text(rid)
    page.screenshot(path="/tmp/kuntur-intel.png")
    # open a new case on this network and read its report
    page.get_by_test_id("case-number").fill("CASO-2026-0077")
    page.get_by_test_id("case-title").fill("Cobros por Yape en SJL")
    page.get_by_test_id("open-case").click()
    link = page.get_by_test_id("case-link").locator("a")
    expect(link).to_be_visible(timeout=10000)
    link.click()
    expect(page.locator("svg circle").first).to_be_attached(timeout=10000)
    expect(page.locator("body")).to_contain_text("Procedencia de cada vínculo")
    expect(page.locator("body")).to_contain_text("CASO-2026-0077")
    context.close()
