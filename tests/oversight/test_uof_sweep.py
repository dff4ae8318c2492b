"""Missed deadlines on record without anyone running `kuntur oversight sweep`: the server
sweeps at intervals (not under test settings), and two sweeps racing over the same reports
put each missed deadline on record once."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import system
from kuntur.oversight import scheduled, service
from tests.command.conftest import World
from tests.oversight.helpers import events, late_report


def test_two_sweeps_racing_record_each_missed_deadline_once(
    world: World, commander: TestClient, engine: Engine
) -> None:
    late = late_report(commander, world, "PNP-0700")
    at = utcnow()
    with Session(engine) as b, b.begin():
        slow = system(b, "oversight-scheduler")
        assert [r.id for r, _res in service.overdue(slow, at)] == [late]  # read, not written
        # Meanwhile another process sweeps and commits.
        assert scheduled.sweep(engine, at) == [late]
        # The slow sweep still holds the report as it read it (nothing flagged yet): its
        # write finds the row changed, and it records nothing.
        assert service.flag_overdue(slow, at) == []
    (only,) = events(engine, "uof.overdue")
    assert only.object_id == str(late)
    assert scheduled.sweep(engine, at) == []


def test_the_server_sweeps_at_intervals(
    world: World, commander: TestClient, engine: Engine, settings: Settings
) -> None:
    late = late_report(commander, world, "PNP-0701")
    # Under the test settings the server never sweeps on its own.
    with TestClient(create_app(settings, engine)):
        time.sleep(1.2)
    assert events(engine, "uof.overdue") == []
    running = settings.model_copy(
        update={
            "environment": "development",
            "uof_sweep_interval_s": 1,
            "audit_checkpoint_interval_s": 0,
        }
    )
    with TestClient(create_app(running, engine)):
        deadline = time.monotonic() + 10
        while not events(engine, "uof.overdue") and time.monotonic() < deadline:
            time.sleep(0.2)
    (flagged,) = events(engine, "uof.overdue")
    assert flagged.object_id == str(late) and flagged.actor == "system:oversight-scheduler"
