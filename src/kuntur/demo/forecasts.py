"""Demo forecasts (issue 18): the weekly forecast the command would have run on each of the
last ``weeks`` Mondays (Lima midnight), a week ahead each, so what the forecasts caught
shows week by week (`/resultados`, the weekly brief, the public statistics) before a real
week has passed. On the synthetic incidents, like everything in the demo. KDE, under a
second each; `kuntur forecast run`, after it in `make demo`, makes the current one, the
newest. Done once: nothing is added to a store that has forecasts."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.timeutil import LIMA
from kuntur.forecasting import service as forecasting
from kuntur.forecasting.models import Forecast
from kuntur.identity.actor import Actor
from kuntur.incidents.models import Incident

ACTOR = RequestContext.system("demo")
METHOD = "kde"


def seed_past_forecasts(engine: Engine, weeks: int = 8) -> int:
    """The weekly forecasts of the last ``weeks`` weeks; how many were made (0: already)."""
    with Session(engine) as db, db.begin():
        if db.scalar(select(func.count()).select_from(Forecast)):
            return 0
        last = db.scalar(select(func.max(Incident.occurred_at)))
        if last is None:
            return 0
        day = last.astimezone(LIMA).date() if last.tzinfo else last.date()
        monday = datetime.combine(day - timedelta(days=day.weekday()), time(), tzinfo=LIMA)
        actor = Actor(db, ACTOR)
        for k in range(weeks, 0, -1):
            forecasting.run(
                actor=actor,
                req=forecasting.RunRequest(
                    method=METHOD, at=monday - timedelta(weeks=k), horizon_days=7
                ),
            )
        return weeks
