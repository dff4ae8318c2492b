"""The results page in Chromium: a commander sees the demo intervention (a patrol plan
with a synthetic effect of about -25 %) with its effect, both intervals, the verdict, the
placebo check, the displacement ring and the chart drawn on the server, all in Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import desk_page

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"

pytestmark = pytest.mark.browser


def test_the_commander_reads_what_the_plan_changed(browser: Browser, live_server: str) -> None:
    pg = desk_page(browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP", "/resultados")
    card = pg.get_by_test_id("intervention").filter(has_text="plan de patrullaje")
    expect(card.get_by_test_id("intervention-title")).to_contain_text("plan de patrullaje")
    expect(card.get_by_test_id("intervention-kind")).to_have_text("Plan de patrullaje")
    expect(pg.get_by_test_id("results-status")).to_contain_text("Intervenciones evaluadas")
    effect = card.get_by_test_id("intervention-effect")
    expect(effect).to_contain_text("%")
    expect(card.get_by_test_id("intervention-ci95")).to_contain_text("[")
    expect(card.get_by_test_id("intervention-verdict")).to_contain_text("intervalo de 95 %")
    # The donors by name, heaviest first (not by code): the weights as the page reads them.
    weights = card.get_by_test_id("intervention-weights").first.inner_text()
    assert not any(ch.isdigit() for ch in weights.split(" ")[0]), weights
    shares = [float(w.rsplit(" ", 1)[1].replace(",", ".")) for w in weights.split(", ")]
    assert shares == sorted(shares, reverse=True) and shares[0] >= 0.005
    expect(card.get_by_test_id("intervention-prefit")).to_contain_text("ruido de conteo")
    expect(card.get_by_test_id("intervention-displacement")).to_contain_text("%")
    chart = card.get_by_test_id("intervention-chart")
    expect(chart).to_be_visible()
    # The SVG came from the server and was drawn (an image that failed has no width).
    assert pg.evaluate(
        "() => { const i = document.querySelector('[data-testid=intervention-chart]');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    svg = pg.request.get(f"{live_server}/api/results/interventions/1/chart.svg")
    assert svg.ok and "contrafactual" in svg.text() and "inicio de la intervención" in svg.text()
    expect(pg.get_by_test_id("trend-row").first).to_contain_text("min")
    # The KPIs week by week: one more SVG from the server, drawn, in Spanish.
    expect(pg.get_by_test_id("results-trends-chart")).to_be_visible()
    pg.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=results-trends-chart]');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    kpis = pg.request.get(f"{live_server}/api/results/trends.svg")
    assert kpis.ok and kpis.text().count('data-kpi="1"') >= 1
    assert "Incidentes por semana" in kpis.text()
    # One district week by week: a row of the table picks it, the chart is redrawn for it.
    row = pg.get_by_test_id("trend-row").first
    code = row.get_attribute("data-district")
    row.click()
    expect(pg.get_by_test_id("trends-district")).to_have_value(code or "")
    expect(pg.get_by_test_id("results-trends-chart")).to_have_attribute(
        "src", f"/api/results/trends.svg?lang=es&district={code}"
    )
    pg.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=results-trends-chart]');"
        " return i.complete && i.naturalWidth > 0 && i.src.includes('district'); }"
    )
    one = pg.request.get(f"{live_server}/api/results/trends/weekly?district={code}")
    assert one.ok and one.json()["district"] == code and len(one.json()["weeks"]) == 16
    bad = pg.request.get(f"{live_server}/api/results/trends/weekly?district=999999")
    assert bad.status in (400, 422) and "999999" in bad.text()
    assert not pg.context.errors  # type: ignore[attr-defined]


def test_a_zone_is_drawn_recorded_and_shown_on_its_map(browser: Browser, live_server: str) -> None:
    from datetime import date, timedelta

    pg = desk_page(browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP", "/resultados")
    # The demo's drawn zone: its card names it as such and maps it (the zone in red).
    zone = pg.get_by_test_id("intervention").filter(has_text="operativo en una zona dibujada")
    expect(zone.get_by_test_id("intervention-area")).not_to_be_empty()
    expect(zone.locator('[data-testid=intervention-map] path[stroke="#b42318"]')).to_have_count(1)
    # Recording one: districts by default; a zone drawn vertex by vertex on the map.
    pg.get_by_test_id("record-intervention").locator("summary").click()
    form = pg.get_by_test_id("record-form")
    form.locator("input[name=title]").fill("Operativo de prueba en el Cercado")
    start = date.today() - timedelta(days=21)
    form.locator("input[name=starts_on]").fill(start.isoformat())
    pg.get_by_test_id("where-area").check()
    drawn = pg.get_by_test_id("record-map")
    expect(drawn).to_be_visible()
    pg.get_by_test_id("record-submit").click()  # no zone yet: said before anything is sent
    expect(pg.get_by_test_id("record-error")).to_contain_text("al menos tres vértices")
    for x, y in [(300, 100), (360, 160), (360, 100), (300, 160)]:  # a bow tie
        drawn.click(position={"x": x, "y": y})
    expect(pg.get_by_test_id("record-vertices")).to_have_text("4")
    pg.get_by_test_id("record-submit").click()  # refused by the server, in words
    expect(pg.get_by_test_id("record-error")).to_contain_text("se cruzan")
    pg.get_by_role("button", name="Borrar la zona").click()
    for x, y in [(300, 100), (360, 100), (360, 160), (330, 200)]:
        drawn.click(position={"x": x, "y": y})
    pg.get_by_role("button", name="Deshacer el último vértice").click()  # a slip of the hand
    expect(pg.get_by_test_id("record-vertices")).to_have_text("3")
    drawn.click(position={"x": 300, "y": 160})
    form.screenshot(path=str(SCREENS / "resultados-registrar-zona.png"))
    pg.get_by_test_id("record-submit").click()
    expect(pg.get_by_test_id("results-status")).to_contain_text("Intervención registrada")
    card = pg.get_by_test_id("intervention").filter(has_text="Operativo de prueba en el Cercado")
    expect(card.get_by_test_id("intervention-map")).to_be_visible()
    expect(pg.get_by_test_id("record-error")).to_be_empty()
    # Closing it: a day before its start is stopped by the form itself (and refused by the
    # server, in words, for a caller that skips the form); two weeks after is taken.
    end_field = card.locator("input[name=ends_on]")
    end_field.fill((start - timedelta(days=1)).isoformat())
    card.get_by_test_id("close-submit").click()
    assert end_field.evaluate("e => e.validity.rangeUnderflow")
    listed = pg.request.get(f"{live_server}/api/results/interventions").json()
    item_id = next(i["id"] for i in listed if i["title"] == "Operativo de prueba en el Cercado")
    early = pg.request.post(
        f"{live_server}/api/results/interventions/{item_id}/close",
        data={"ends_on": (start - timedelta(days=1)).isoformat()},
        headers={"X-CSRF-Token": pg.locator('meta[name="csrf-token"]').get_attribute("content")},
    )
    assert early.status == 422 and "no puede ser anterior al inicio" in early.text()
    card.locator("input[name=ends_on]").fill((start + timedelta(days=14)).isoformat())
    card.get_by_test_id("close-submit").click()
    expect(pg.get_by_test_id("results-status")).to_contain_text("Intervención cerrada")
    closed = pg.get_by_test_id("intervention").filter(has_text="Operativo de prueba en el Cercado")
    expect(closed).to_contain_text((start + timedelta(days=14)).isoformat())
    # Closed, its end can still be corrected, from the date it holds.
    fix = closed.get_by_test_id("close-form")
    expect(fix).to_contain_text("Corregir el fin")
    expect(fix.locator("input[name=ends_on]")).to_have_value(
        (start + timedelta(days=14)).isoformat()
    )
    fix.locator("input[name=ends_on]").fill((start + timedelta(days=15)).isoformat())
    closed.get_by_test_id("close-submit").click()
    expect(pg.get_by_test_id("results-status")).to_contain_text("Intervención cerrada")
    expect(
        pg.get_by_test_id("intervention").filter(has_text="Operativo de prueba en el Cercado")
    ).to_contain_text((start + timedelta(days=15)).isoformat())
    # Recorded by mistake after all: withdrawn with a reason, it stays, marked as such.
    test_card = pg.get_by_test_id("intervention").filter(
        has_text="Operativo de prueba en el Cercado"
    )
    test_card.get_by_test_id("withdraw").locator("summary").click()
    test_card.locator("input[name=reason]").fill("era una prueba de la capacitación")
    test_card.get_by_test_id("withdraw-submit").click()
    expect(pg.get_by_test_id("results-status")).to_contain_text("Intervención anulada")
    gone = pg.get_by_test_id("intervention").filter(has_text="Operativo de prueba en el Cercado")
    expect(gone.get_by_test_id("intervention-withdrawn")).to_contain_text(
        "era una prueba de la capacitación"
    )
    expect(gone.get_by_test_id("intervention-withdrawn")).to_contain_text("Anulada el")
    expect(gone.get_by_test_id("close-form")).to_have_count(0)
    expect(gone.get_by_test_id("intervention-result")).to_have_count(0)
    zone.screenshot(path=str(SCREENS / "resultados-zona.png"))
    assert not pg.context.errors  # type: ignore[attr-defined]
