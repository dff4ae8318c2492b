"""The demo's oversight records: synthetic personnel, a month of use-of-force reports (some
overdue, one death referred), zero reports, complaints and flags; made once; and demo users
for the three oversight roles."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.core.timeutil import utcnow
from kuntur.demo.command import seed_command
from kuntur.demo.oversight import seed_oversight
from kuntur.demo.service import DEMO_PURPOSES, DEMO_USERS
from kuntur.identity.actor import system
from kuntur.oversight import service
from kuntur.oversight.models import Complaint, EiFlag, Personnel, UofAffected, UofReport


def test_demo_oversight(engine: Engine) -> None:
    seed_command(engine)
    assert seed_oversight(engine) == 28
    assert seed_oversight(engine) == 0  # once
    with Session(engine) as db:
        names = db.scalars(select(Personnel.name)).all()
        assert names and all("SINTÉTICO" in n for n in names)
        deaths = db.scalars(
            select(UofReport).join(UofAffected).where(UofAffected.outcome == "death")
        ).all()
        assert len(deaths) == 1 and deaths[0].referred_at is not None
        assert db.scalar(select(func.count()).select_from(Complaint)) == 8
        assert db.scalar(select(func.count()).select_from(EiFlag)) >= 1
        zeros = db.scalar(select(func.count()).where(UofReport.kind == "zero"))
        assert zeros
        late = service.overdue(system(db, "test"), utcnow())
        assert late, "some reports are overdue"


def test_demo_users_for_the_oversight_roles() -> None:
    roles = {r for _u, _a, rs, _c in DEMO_USERS for r in rs}
    assert {"ombudsman", "prosecutor", "internal_affairs"} <= roles
    assert all(u in DEMO_PURPOSES for u, _a, _r, _c in DEMO_USERS)
