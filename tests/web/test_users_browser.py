"""The administrator's screen in Chromium: create an account with the step-up, see the
second-factor secret once, disable an account; nobody changes their own account."""

from __future__ import annotations

import os
import time

import pyotp
from playwright.sync_api import Browser, expect

from tests.conftest import PASSWORD


def test_an_administrator_creates_and_disables_an_account(
    live_server: str, browser: Browser
) -> None:
    secret = os.environ["KUNTUR_TEST_ADMIN_TOTP"]
    totp = pyotp.TOTP(secret)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "administradora")
    page.fill("#password", PASSWORD)
    login_step = int(time.time()) // 30
    page.fill("#totp", totp.at(login_step * 30))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/usuarios")  # the administrator's first page
    form = page.get_by_test_id("new-user")
    form.locator("[name=username]").fill("nueva.comandante")
    form.locator("[name=display_name]").fill("Nueva Comandante")
    form.get_by_label("Comandante").check()
    form.locator("[name=initial_password]").fill("una-clave-inicial-larga-9")
    form.locator("[name=password]").fill(PASSWORD)
    form.locator("[name=totp]").fill(totp.at((login_step + 1) * 30))  # a code not used yet
    form.get_by_role("button", name="Crear usuario").click()
    enrolment = page.get_by_test_id("enrolment")
    expect(enrolment).to_contain_text("Entregue este secreto a nueva.comandante")
    expect(enrolment).to_contain_text("otpauth://totp/Kuntur:nueva.comandante")
    row = page.locator("tr[data-user='nueva.comandante']")
    expect(row).to_contain_text("Comandante")
    page.on("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Deshabilitar").click()
    expect(row).to_contain_text("Deshabilitada")
    # One's own account is changed by another administrator, and the screen says so.
    page.locator("tr[data-user='administradora']").get_by_role(
        "button", name="Deshabilitar"
    ).click()
    expect(page.get_by_test_id("users-message")).to_contain_text("Otro administrador")
    context.close()
