"""The stored incidents end to end: the demo scenario with its demo intervention (a made
effect of about -25 %) evaluated from the store (`kuntur results evaluate --intervention`),
and the weekly brief rendered as HTML and as PDF, in Spanish, with the chart inline."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.core import migrate
from kuntur.core.db import make_engine
from kuntur.demo import service as demo
from kuntur.demo.results import seed_results
from kuntur.identity.actor import system
from kuntur.results import brief, service


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, str]:
    path = tmp_path_factory.mktemp("results") / "kuntur.db"
    url = f"sqlite:///{path}"
    eng = make_engine(url)
    migrate.upgrade(eng)
    demo.seed(eng, days=200, seed=7)
    assert seed_results(eng, weeks_after=8) is not None
    assert seed_results(eng) is None  # once
    return eng, url


def test_the_demo_intervention_is_measured_from_the_store(demo_store) -> None:
    eng, _url = demo_store
    with Session(eng) as db, db.begin():
        actor = system(db, "test")
        item = service.interventions(actor)[0]
        result = service.evaluate_intervention(actor, item.id)
    # Every fourth incident among those nothing else points to: a little under 25 %.
    assert -0.32 < result["effect"] < -0.15
    assert result["ci95"][1] < 0
    assert result["displacement"]["units"]  # the districts that share a border
    assert set(result["treated"]) == {"150132", "150111"}


def test_the_cli_evaluates_a_stored_intervention(demo_store, monkeypatch, tmp_path) -> None:
    _eng, url = demo_store
    monkeypatch.setenv("KUNTUR_DATABASE_URL", url)
    from kuntur.config import get_settings

    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(app, ["results", "evaluate", "--intervention", "1", "--json"])
        made = CliRunner().invoke(
            app, ["results", "brief", "--week", "2026-W40", "--out", str(tmp_path)]
        )
        bad = CliRunner().invoke(app, ["results", "brief", "--week", "semana 40"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ci95"][1] < 0 and result["intervention"] == 1
    assert made.exit_code == 0, made.output
    assert (tmp_path / "informe-semanal-2026-W40.html").exists()
    assert (tmp_path / "informe-semanal-2026-W40.pdf").read_bytes().startswith(b"%PDF")
    assert bad.exit_code == 2


def test_the_brief_renders_as_html_and_pdf(demo_store, tmp_path: Path) -> None:
    eng, _url = demo_store
    with Session(eng) as db, db.begin():
        actor = system(db, "test")
        item = service.interventions(actor)[0]
        monday = item.starts_on + timedelta(weeks=4)
        html = brief.render_brief(actor, monday)
    assert "Informe semanal del mando" in html
    assert "Tiempos de respuesta" in html and "Intervenciones y su efecto medido" in html
    assert "Lo que captaron los pronósticos" in html and "frente a su línea de base" in html
    assert "<svg" in html and "contrafactual" in html
    assert "intervalo de 95 %" in html
    pdf = brief.write_pdf(html, tmp_path / "informe.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000


def test_weeks_are_iso_weeks() -> None:
    assert brief.parse_week("2026-W48").isoformat() == "2026-11-23"
    with pytest.raises(ValueError):
        brief.parse_week("2026-48")
