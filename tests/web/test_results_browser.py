"""The results page in Chromium: a commander sees the demo intervention (a patrol plan
with a synthetic effect of about -25 %) with its effect, both intervals, the verdict, the
placebo check, the displacement ring and the chart drawn on the server, all in Spanish."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.web.conftest import desk_page

pytestmark = pytest.mark.browser


def test_the_commander_reads_what_the_plan_changed(browser: Browser, live_server: str) -> None:
    pg = desk_page(browser, live_server, "comandantelima", "KUNTUR_TEST_FRONT_TOTP", "/resultados")
    card = pg.get_by_test_id("intervention").first
    expect(card.get_by_test_id("intervention-title")).to_contain_text("plan de patrullaje")
    expect(pg.get_by_test_id("results-status")).to_contain_text("Intervenciones evaluadas")
    effect = card.get_by_test_id("intervention-effect")
    expect(effect).to_contain_text("%")
    expect(card.get_by_test_id("intervention-ci95")).to_contain_text("[")
    expect(card.get_by_test_id("intervention-verdict")).not_to_be_empty()
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
    assert not pg.context.errors  # type: ignore[attr-defined]
