"""The border post page in Chromium: a border officer screens a listed person (the demo's
synthetic watchlist), reads the explanation, clears the hit, screens again and sees the
clearing remembered instead of the alarm; a plate read with a confusion is found."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, expect

from kuntur.border import bench
from tests.web.conftest import desk_page

pytestmark = pytest.mark.browser


def test_screen_decide_and_remember(browser: Browser, live_server: str) -> None:
    totp = "KUNTUR_TEST_BORDER_TOTP" if os.environ.get("KUNTUR_TEST_BORDER_TOTP") else None
    pg = desk_page(browser, live_server, "frontera", totp, "/frontera")
    listed = bench.watchlist(300, seed=1729)[0][11]
    form = pg.get_by_test_id("border-person-form")
    form.locator("select[name=post]").select_option("Iñapari")
    pg.get_by_test_id("border-name").fill(listed.name.upper())
    form.locator("input[name=birth_date]").fill(listed.birth.iso() if listed.birth else "")
    pg.get_by_test_id("border-person-submit").click()
    hit = pg.get_by_test_id("border-hit").first
    expect(hit).to_contain_text(f"DEMO-{listed.id}")
    expect(hit).to_contain_text("apellido paterno igual")
    hit.locator("input").fill("homónimo verificado en la prueba")
    hit.locator("button[data-outcome=cleared]").click()
    expect(pg.get_by_test_id("border-status")).to_contain_text("Decisión registrada")
    pg.get_by_test_id("border-person-submit").click()
    expect(pg.get_by_test_id("border-remembered").first).to_contain_text(
        "descartado antes por user:frontera"
    )
    expect(pg.get_by_test_id("border-remembered").first).to_contain_text("homónimo verificado")
    # A plate read with O/0 and I/1 confused.
    pg.get_by_test_id("border-plate").fill("AB0-I23")
    pg.get_by_test_id("border-thing-submit").click()
    expect(pg.get_by_test_id("border-hit").first).to_contain_text("DEMO-V1")
    expect(pg.get_by_test_id("border-hit").first).to_contain_text("confusión de lectura")
    assert pg.context.errors == []  # type: ignore[attr-defined]
    pg.context.close()


def test_command_page(browser: Browser, live_server: str) -> None:
    pg = desk_page(
        browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP", "/frontera/mando"
    )
    expect(pg.get_by_test_id("border-posts")).to_contain_text("Desaguadero")
    expect(pg.get_by_test_id("border-posts")).to_contain_text("arms: 1")
    expect(pg.get_by_test_id("trafficking-years")).to_contain_text("2019")
    expect(pg.get_by_test_id("trafficking-districts")).to_contain_text("CHICLAYO")
    expect(pg.get_by_test_id("trafficking-source")).to_contain_text("Lambayeque")
    expect(pg.locator("#border-map path.leaflet-interactive")).to_have_count(4)
    assert pg.context.errors == []  # type: ignore[attr-defined]
    pg.context.close()


def test_queue_of_the_shift_decide_from_the_list(browser: Browser, live_server: str) -> None:
    """A busy post: the shift's pending hits, oldest first, with the counts; a decision
    taken from the list takes the hit out of it."""
    totp = "KUNTUR_TEST_BORDER_TOTP" if os.environ.get("KUNTUR_TEST_BORDER_TOTP") else None
    pg = desk_page(browser, live_server, "frontera", totp, "/frontera")
    form = pg.get_by_test_id("border-person-form")
    form.locator("select[name=post]").select_option("Desaguadero")
    counts = pg.get_by_test_id("border-queue-counts")
    expect(counts).to_contain_text("pendientes:")
    expect(pg.get_by_test_id("border-queue-shift")).to_contain_text("Desaguadero")
    before = int(counts.get_attribute("data-pending") or "0")
    confirmed = int(counts.get_attribute("data-confirmed") or "0")
    people = bench.watchlist(300, seed=1729)[0]
    for listed in (people[21], people[22]):
        pg.get_by_test_id("border-name").fill(listed.name)
        form.locator("input[name=birth_date]").fill(listed.birth.iso() if listed.birth else "")
        pg.get_by_test_id("border-person-submit").click()
        expect(pg.get_by_test_id("border-hit").first).to_contain_text(f"DEMO-{listed.id}")
        before += 1
        expect(counts).to_have_attribute("data-pending", str(before))
    items = pg.get_by_test_id("border-queue-item")
    mine = items.filter(has_text=f"DEMO-{people[21].id}")
    expect(mine).to_contain_text(people[21].name)
    # oldest first: the first screened comes before the second
    texts = items.all_inner_texts()
    first = next(i for i, t in enumerate(texts) if f"DEMO-{people[21].id}" in t)
    second = next(i for i, t in enumerate(texts) if f"DEMO-{people[22].id}" in t)
    assert first < second
    mine.locator("input").fill("identidad confirmada en el control")
    mine.locator("button[data-outcome=confirmed]").click()
    expect(counts).to_have_attribute("data-pending", str(before - 1))
    expect(items.filter(has_text=f"DEMO-{people[21].id}")).to_have_count(0)
    expect(counts).to_have_attribute("data-confirmed", str(confirmed + 1))
    expect(counts).to_contain_text(f"confirmadas: {confirmed + 1}")
    assert pg.context.errors == []  # type: ignore[attr-defined]
    pg.context.close()
