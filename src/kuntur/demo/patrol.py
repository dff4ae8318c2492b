"""The demo's patrol plan: the current Lima shift (06-14, 14-22 or 22-06, Lima time) for
Lima and Callao, built from a forecast that leaves out what patrols discover themselves,
as a draft for the demo commander to approve on /patrullaje. Synthetic, as everything the
demo seeds."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.forecasting import service as forecasting
from kuntur.identity.actor import Actor
from kuntur.patrol import service as patrol

LIMA = ZoneInfo("America/Lima")
SHIFT_STARTS = (6, 14, 22)
REGION = ("1501", "0701")  # Lima Metropolitana and Callao
ACTOR = RequestContext.system("demo")


def current_shift(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The eight-hour Lima shift under way at ``now``."""
    local = (now or utcnow()).astimezone(LIMA)
    hour = max((h for h in SHIFT_STARTS if h <= local.hour), default=SHIFT_STARTS[-1])
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if local.hour < SHIFT_STARTS[0]:  # the night shift began yesterday at 22:00
        start = (local - timedelta(days=1)).replace(hour=22, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=8)


def seed_patrol_plan(engine: Engine) -> int:
    """A forecast without patrol discoveries (once), then the current shift's plan; returns
    the plan's id."""
    with Session(engine, expire_on_commit=False) as db, db.begin():
        actor = Actor(db, ACTOR)
        if not any(f.exclude_discovered for f in forecasting.list_forecasts(actor=actor)):
            forecasting.run(actor=actor, req=forecasting.RunRequest(exclude_discovered=True))
    start, end = current_shift()
    with Session(engine, expire_on_commit=False) as db, db.begin():
        plan = patrol.build_plan(Actor(db, ACTOR), starts_at=start, ends_at=end, region=REGION)
        return plan.id
