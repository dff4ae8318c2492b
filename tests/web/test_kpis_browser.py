"""The KPI page in real Chromium: a stated period that the selector changes, minutes only,
cells coloured against the targets, small samples marked, rows in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


def test_kpi_period_targets_and_small_samples(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/indicadores")
    body = page.locator("#kpi-body")
    expect(page.locator("#kpi-body[data-rows]")).to_have_count(1, timeout=10000)
    period = page.get_by_test_id("kpi-period")
    expect(period).to_contain_text(re.compile(r"Incidentes despachados del .+ al .+"))
    month = int(body.get_attribute("data-n") or 0)
    assert month >= 1
    # Priorities in order, minutes only (no "s" unit), coloured against the targets.
    labels = [
        t.split(" ")[0] for t in page.locator("#kpi-body tr td:first-child").all_inner_texts()
    ]
    assert labels == sorted(labels)
    table = page.get_by_test_id("kpis").inner_text()
    assert " s" not in table and "min" in page.locator("thead").inner_text()
    assert page.locator("#kpi-body td.ok, #kpi-body td.warn, #kpi-body td.bad").count() >= 1
    # A shorter period measures fewer incidents, and says so.
    page.select_option("#kpi-days", "7")
    expect(page.locator("#kpi-period[data-days='7']")).to_have_count(1, timeout=10000)
    week = int(body.get_attribute("data-n") or 0)
    assert week < month
    # Grouped by district: small groups marked as small samples.
    page.select_option("#kpi-group", "district")
    expect(page.get_by_test_id("kpis")).to_contain_text("Lima", timeout=10000)
    assert page.locator("#kpi-body tr.small").count() >= 1
    expect(page.locator("#kpi-body tr.small").first).to_contain_text("*")
    assert "Agency" not in page.locator("#kpi-group").inner_text()  # one language
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "indicadores.png"), full_page=False)
