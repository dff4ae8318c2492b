"""The patrol plan page in real Chromium (issue 15): the Lima front's commander prepares
the shift's plan for San Juan de Lurigancho, sees its posts and reach on the map, approves
it; the plan's posts become orders, and the receiving station acknowledges one on the
orders screen. A dispatcher reads the plan and is not offered the approve button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import desk_page

pytestmark = pytest.mark.browser


def desk(browser: Browser, live_server: str, username: str, totp_env: str | None) -> Page:
    return desk_page(browser, live_server, username, totp_env, "/patrullaje")


def test_a_plan_is_approved_into_orders_and_acknowledged(
    browser: Browser, live_server: str
) -> None:
    cmd = desk(browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP")
    cmd.get_by_test_id("plan-region").select_option(label="San Juan de Lurigancho")
    cmd.get_by_test_id("plan-build").click()
    rows = cmd.locator("#posts-body tr")
    expect(rows.first).to_be_visible(timeout=20000)
    n = rows.count()
    assert n >= 1
    circles = "Object.values(kunturMap._layers).filter((l) => l instanceof L.Circle).length"
    assert cmd.evaluate(circles) == n  # each post's reach on the map
    expect(cmd.get_by_test_id("plan-meta")).to_contain_text("borrador")
    expect(rows.first).to_contain_text("PNP-150132")
    # A dispatcher reads the same plan, with no approve button.
    st = desk(browser, live_server, "despachosjl", None)
    expect(st.locator("#posts-body tr")).to_have_count(n, timeout=10000)
    expect(st.get_by_test_id("plan-approve")).to_be_hidden()
    # The commander approves: one order per post, shown on each post.
    cmd.get_by_test_id("plan-approve").click()
    expect(cmd.get_by_test_id("plan-meta")).to_contain_text("aprobado", timeout=20000)
    expect(cmd.locator("#posts-body tr", has_text="emitida")).to_have_count(n)
    expect(cmd.get_by_test_id("plan-approve")).to_be_hidden()
    # The station acknowledges one of them on the orders screen.
    st.goto(f"{live_server}/ordenes")
    mine = st.locator("#orders-body tr", has_text="hoja de la unidad PNP-150132").first
    expect(mine.locator("button[data-action=acknowledge]")).to_have_count(1, timeout=10000)
    mine.locator("button[data-action=acknowledge]").click()
    expect(mine.locator("button[data-action=complete]")).to_have_count(1, timeout=10000)
    cmd.reload()
    expect(cmd.locator("#posts-body tr", has_text="acusada")).to_have_count(1, timeout=10000)
    for pg in (cmd, st):
        errors = pg.context.errors  # type: ignore[attr-defined]
        pg.context.close()
        assert errors == [], f"JavaScript errors: {errors}"
