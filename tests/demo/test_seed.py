"""Seeding the store: once, then reused."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.cli import app
from kuntur.config import Settings
from kuntur.demo import service
from kuntur.incidents.models import ImportBatch, Incident


def test_seed_once_then_reuse(engine: Engine) -> None:
    first = service.seed(engine, days=20, seed=5, end=date(2026, 1, 31))
    assert not first.reused and first.incidents > 1000
    again = service.seed(engine, days=20, seed=5, end=date(2026, 1, 31))
    assert again.reused and again.incidents == first.incidents
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Incident)) == first.incidents
        assert db.scalar(select(func.count()).select_from(ImportBatch)) == 1
        missing = db.scalar(
            select(func.count()).select_from(Incident).where(Incident.district_ubigeo.is_(None))
        )
        assert missing == 0
        batch = db.scalars(select(ImportBatch)).one()
        assert "sintético" in batch.file_name and batch.dataset == "demo:lima"


def test_cli_seed(cli_env: Settings) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["demo", "seed", "--days", "5", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "sintético" in result.output
    again = runner.invoke(app, ["demo", "seed", "--days", "5", "--seed", "3"])
    assert "ya cargado" in again.output


def test_default_scenario_ends_now(engine: Engine) -> None:
    from datetime import UTC, datetime

    result = service.seed(engine, days=3, seed=9)  # no end: up to the present moment
    assert result.incidents > 100
    now = datetime.now(UTC)
    with Session(engine) as db:
        latest = db.scalar(select(func.max(Incident.received_at)))
        assert latest is not None and latest <= now
        open_now = db.scalar(
            select(func.count()).select_from(Incident).where(Incident.status == "received")
        )
        assert open_now and open_now > 0  # the last hours are still open work
