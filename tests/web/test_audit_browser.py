"""The audit page in real headless Chromium: an auditor logs in with a second factor,
searches the log and checks an event's inclusion proof in the browser itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import sign_in

pytestmark = pytest.mark.browser


def test_auditor_checks_a_proof_in_the_browser(live_server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/auditoria")
    page.wait_for_url(f"{live_server}/login?next=/auditoria")
    sign_in(page, "auditora", "KUNTUR_TEST_AUDITOR_TOTP")
    page.wait_for_url(f"{live_server}/auditoria")
    rows = page.locator("[data-testid='audit-table'] tbody tr")
    expect(rows.first).to_be_visible(timeout=10000)
    # The auditor's own logon is in the log; search for it.
    page.fill("#a-actor", "user:auditora")
    page.click("#audit-filters button[type=submit]")
    # The search itself is logged (audit.read): pick the logon among the auditor's events.
    logon = rows.filter(has_text="auth.login.success").first
    expect(logon).to_contain_text("user:auditora", timeout=10000)
    logon.click()
    proof = page.get_by_test_id("proof")
    expect(proof).to_have_attribute("data-verified", "true", timeout=10000)
    expect(proof).to_contain_text("Sí")
    page.screenshot(path="/tmp/kuntur-audit.png")
    context.close()
    assert errors == []


def test_dispatchers_do_not_see_the_audit_page(live_server: str, browser: Browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server}/login")
    sign_in(page, "despachador")
    page.wait_for_url(f"{live_server}/mapa")
    expect(page.locator("header nav")).not_to_contain_text("Auditoría")
    answer = page.goto(f"{live_server}/auditoria")
    assert answer is not None and answer.status == 403
    # Said in words, naming the permission, with the pages the dispatcher may use instead.
    expect(page.get_by_role("alert")).to_contain_text("Consultar el registro de auditoría")
    expect(page.get_by_test_id("forbidden").get_by_role("link", name="Despacho")).to_be_visible()
    expect(page.locator("header nav")).not_to_contain_text("Auditoría")
    context.close()
