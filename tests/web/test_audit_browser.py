"""The audit page in real headless Chromium: an auditor logs in with a second factor,
searches the log and checks an event's inclusion proof in the browser itself."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.web.conftest import sign_in

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"

pytestmark = pytest.mark.browser


_SIGNED_IN: dict[str, Any] = {}  # the auditor's session: a TOTP code is good only once


def _auditor(live_server: str, browser: Browser) -> tuple[Page, list[str]]:
    """The auditor on the audit page: logged in through the form (second factor included)
    the first time, then in that same session."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 900},
        locale="es-PE",
        storage_state=_SIGNED_IN.get(live_server),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server}/auditoria")
    if live_server not in _SIGNED_IN:
        page.wait_for_url(f"{live_server}/login?next=/auditoria")
        sign_in(page, "auditora", "KUNTUR_TEST_AUDITOR_TOTP")
        page.wait_for_url(f"{live_server}/auditoria")
        _SIGNED_IN[live_server] = context.storage_state()
    expect(page.locator("[data-testid='audit-table'] tbody tr").first).to_be_visible(timeout=10000)
    return page, errors


def test_auditor_checks_a_proof_against_a_signed_checkpoint(
    live_server: str, browser: Browser
) -> None:
    page, errors = _auditor(live_server, browser)
    rows = page.locator("[data-testid='audit-table'] tbody tr")
    # Sign a checkpoint from the page (the auditor may: audit.checkpoint).
    page.get_by_test_id("sign-now").click()
    expect(page.locator("#sign-result")).to_contain_text("Punto de control n.º", timeout=10000)
    signed = page.locator("#sign-result").inner_text()
    cp_id = signed.split("n.º ")[1].split(" ")[0]
    cp_size = int(signed.split(": ")[1].split(" ")[0].replace("\u00a0", "").replace(".", ""))
    # By name, not by the raw code: the display name finds the user's events.
    page.fill("#a-actor", "Auditora")
    page.click("#audit-filters button[type=submit]")
    logon = rows.and_(page.locator("tr[data-type='auth.login.success']")).first
    expect(logon).to_contain_text("Inicio de sesión", timeout=10000)  # the type, in Spanish
    expect(logon).to_contain_text("Auditora (user:auditora)")
    expect(logon).to_contain_text("Correcto")  # the outcome, in Spanish
    logon.click()
    proof = page.get_by_test_id("proof")
    expect(proof).to_have_attribute("data-verified", "true", timeout=10000)
    # Checked against that signed checkpoint and its signature, not against the live tree.
    expect(proof).to_have_attribute("data-checkpoint", cp_id)
    expect(proof).to_have_attribute("data-signature", "valid")
    expect(page.get_by_test_id("proof-checkpoint")).to_contain_text(f"n.º {cp_id}:")
    expect(page.get_by_test_id("proof-signature")).to_contain_text("Válida con la clave")
    expect(page.get_by_test_id("proof-witnesses")).to_contain_text("ningún testigo")
    expect(page.get_by_test_id("proof-verdict")).to_contain_text("Sí")
    expect(page.get_by_test_id("event-outcome")).to_have_text("Correcto")
    status = page.get_by_test_id("log-status").inner_text()
    assert "aún sin cubrir" in status
    page.get_by_test_id("proof-verdict").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "auditoria.png"))
    # The checkpoint's own event came after the tree it signed: not yet covered.
    page.fill("#a-actor", "")
    page.select_option("#a-type", "audit.checkpoint")
    page.click("#audit-filters button[type=submit]")
    newest = rows.and_(page.locator(f"tr[data-idx='{cp_size}'], tr[data-idx]")).first
    expect(newest).to_contain_text("Punto de control firmado", timeout=10000)
    newest.click()
    expect(proof).to_have_attribute("data-verified", "uncovered", timeout=10000)
    expect(page.get_by_test_id("proof-verdict")).to_contain_text(
        "Aún no cubierto por un punto de control firmado"
    )
    page.context.close()
    assert errors == []


def test_a_forged_checkpoint_signature_is_caught_in_the_browser(
    live_server: str, browser: Browser
) -> None:
    page, errors = _auditor(live_server, browser)
    page.get_by_test_id("sign-now").click()
    expect(page.locator("#sign-result")).to_contain_text("Punto de control n.º", timeout=10000)

    def forge(route: Route) -> None:
        cp = route.fetch().json()
        sig = bytearray(base64.b64decode(cp["signature"]))
        sig[0] ^= 1
        route.fulfill(json={**cp, "signature": base64.b64encode(bytes(sig)).decode()})

    page.route("**/api/audit/checkpoints/covering*", forge)
    page.locator("[data-testid='audit-table'] tbody tr").last.click()  # an old event
    proof = page.get_by_test_id("proof")
    expect(proof).to_have_attribute("data-verified", "false", timeout=10000)
    expect(proof).to_have_attribute("data-signature", "invalid")
    expect(page.get_by_test_id("proof-signature")).to_contain_text("NO válida")
    page.context.close()
    assert errors == []


def test_two_events_opened_at_once_show_only_the_second_ones_proof(
    live_server: str, browser: Browser
) -> None:
    """Two rows clicked in the same instant (or a reload while a proof loads): the proof
    that finishes after the other event was opened is dropped, so the panel never holds
    two verdicts, or one event's verdict beside another event (seen once in CI)."""
    page, errors = _auditor(live_server, browser)
    page.get_by_test_id("sign-now").click()
    expect(page.locator("#sign-result")).to_contain_text("Punto de control n.º", timeout=10000)
    rows = page.locator("[data-testid='audit-table'] tbody tr")
    second = rows.nth(1).get_attribute("data-idx")
    page.evaluate(
        """() => {
            const rows = document.querySelectorAll("[data-testid='audit-table'] tbody tr");
            rows[rows.length - 1].click();
            rows[1].click();
        }"""
    )
    proof = page.get_by_test_id("proof")
    expect(proof).to_have_attribute("data-verified", "true", timeout=10000)
    page.wait_for_timeout(1500)  # time for the first proof to finish, had it not been dropped
    expect(page.get_by_test_id("proof-signature")).to_have_count(1)
    expect(page.get_by_test_id("proof-verdict")).to_have_count(1)
    assert page.locator("#event-body dd").first.inner_text() == second
    page.context.close()
    assert errors == []


def test_the_log_pages_beyond_a_hundred_rows(live_server: str, browser: Browser) -> None:
    page, errors = _auditor(live_server, browser)
    rows = page.locator("[data-testid='audit-table'] tbody tr")
    expect(rows).to_have_count(100)
    total = int(
        "".join(ch for ch in page.get_by_test_id("audit-total").inner_text() if ch.isdigit())
    )
    assert total > 100  # the demo scenario logs more than a page
    first = rows.first.get_attribute("data-idx")
    page.click("#a-next")
    expect(page.locator("#a-page")).to_contain_text("Página 2 de")
    expect(rows.first).not_to_have_attribute("data-idx", first or "")
    page.click("#a-prev")
    expect(page.locator("#a-page")).to_contain_text("Página 1 de")
    page.context.close()
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


def test_the_login_says_a_second_factor_is_needed(live_server: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    sign_in(page, "auditora")  # the right password, no code
    error = page.get_by_role("alert")
    expect(error).to_have_text(
        "Esta cuenta requiere el código de verificación (segundo factor): escríbalo y vuelva "
        "a intentar"
    )
    expect(page.locator("#totp")).to_be_focused()
    context.close()
