"""The orders screen down the chain of command, in real Chromium (issue 13): a commander
issues an order from the form and sees it with its chain; the receiving station's
dispatcher, and only the receiving chain, is offered acknowledge and then complete; an
auditor reads the same orders with no buttons; the orders on the map carry labels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import desk_page

pytestmark = pytest.mark.browser


def logged_in(browser: Browser, live_server: str, username: str, totp_env: str | None) -> Page:
    return desk_page(browser, live_server, username, totp_env, "/ordenes")


@pytest.fixture
def desks(browser: Browser, live_server: str) -> Iterator[dict[str, Page]]:
    pages = {
        "commander": logged_in(browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP"),
        "station": logged_in(browser, live_server, "despachosjl", None),
        "auditor": logged_in(browser, live_server, "auditora", "KUNTUR_TEST_AUDITOR_TOTP"),
    }
    yield pages
    for pg in pages.values():
        errors = pg.context.errors  # type: ignore[attr-defined]
        pg.context.close()
        assert errors == [], f"JavaScript errors: {errors}"


def row(pg: Page, text: str):  # type: ignore[no-untyped-def]
    return pg.locator("#orders-body tr", has_text=text)


def test_an_order_goes_down_the_chain_and_is_answered_by_its_receivers(
    desks: dict[str, Page],
) -> None:
    cmd = desks["commander"]
    expect(cmd.locator("#orders-body[data-rows]")).to_have_count(1, timeout=10000)
    # The demo's orders, each state shown, the army's with the decree behind it.
    expect(row(cmd, "Canto Grande")).to_contain_text("acusada", timeout=5000)
    expect(row(cmd, "Carretera Central")).to_contain_text("cumplida")
    expect(row(cmd, "Zárate")).to_contain_text("DS demo-2026-PCM")
    expect(cmd.locator(".order-label").first).to_be_visible()  # labelled on the map
    # Issue one from the Lima front to the San Juan de Lurigancho station.
    cmd.locator("#o-issuer").select_option(
        label="Comando Conjunto PNP - FF. AA. › Frente Policial Lima y Callao"
    )
    cmd.locator("#o-target-node").select_option(
        label="Comando Conjunto PNP - FF. AA. › Frente Policial Lima y Callao › "
        "Comisaría San Juan de Lurigancho"
    )
    cmd.locator("#o-kind").select_option("patrol")
    cmd.locator("#o-text").fill("Patrullaje en el paradero Los Postes (prueba)")
    cmd.get_by_test_id("issue-order").click()
    mine = row(cmd, "Los Postes")
    expect(mine).to_contain_text("Frente Policial Lima y Callao → … › Comisaría", timeout=10000)
    expect(mine).to_contain_text("Comisaría San Juan de Lurigancho")
    expect(mine.locator("button")).to_have_count(0)  # the issuer does not answer it
    # The station receives it: acknowledge, then complete.
    st = desks["station"]
    st.reload()
    theirs = row(st, "Los Postes")
    expect(theirs.locator("button[data-action=acknowledge]")).to_have_count(1, timeout=10000)
    expect(row(st, "Zárate").locator("button")).to_have_count(0)  # not the station's chain
    theirs.locator("button[data-action=acknowledge]").click()
    expect(theirs.locator("button[data-action=complete]")).to_have_count(1, timeout=10000)
    expect(theirs).to_contain_text("acusada")
    theirs.locator("button[data-action=complete]").click()
    expect(theirs).to_contain_text("cumplida", timeout=10000)
    expect(theirs.locator("button")).to_have_count(0)
    # The commander's screen follows live; the auditor reads, with nothing to press.
    expect(mine).to_contain_text("cumplida", timeout=10000)
    aud = desks["auditor"]
    aud.reload()
    expect(row(aud, "Los Postes")).to_contain_text("cumplida", timeout=10000)
    expect(aud.locator("#orders-body button")).to_have_count(0)
    cmd.screenshot(path="docs/screens/orders-commander.png")
