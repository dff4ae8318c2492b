"""The demo's weekly forecasts of the last 8 weeks (`kuntur demo forecasts`, before `kuntur
forecast run` in `make demo`): each window a week from a Monday, all ended, so the weekly
chart of what the forecasts caught has one figure a week; made once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.core import migrate
from kuntur.core.db import make_engine
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.demo import service as demo
from kuntur.demo.forecasts import seed_past_forecasts
from kuntur.forecasting.models import Forecast
from kuntur.identity.actor import system
from kuntur.results import service


def test_eight_weekly_forecasts_that_have_ended(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    migrate.upgrade(eng)
    demo.seed(eng, days=90, seed=3)
    assert seed_past_forecasts(eng) == 8
    assert seed_past_forecasts(eng) == 0  # once
    with Session(eng) as db, db.begin():
        windows = db.execute(select(Forecast.valid_from, Forecast.valid_until)).all()
        kpis = service.weekly_kpis(system(db, "test"), weeks=16)
    now = utcnow()
    assert len(windows) == 8
    for start, until in windows:
        start_lima = start.astimezone(LIMA)  # stored in UTC, aware
        assert start_lima.weekday() == 0 and start_lima.hour == 0
        assert (until - start).days == 7 and until <= now
    hits = kpis["forecast_hit_pct"]
    assert all(v is None for v in hits[:8]) and all(v is not None for v in hits[8:])
    assert all(0 <= v <= 100 for v in hits[8:])
