"""Incidents with known counts, written straight into the store (thousands, quickly), and
the months a test may release whatever today's date is."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert

from kuntur.core.timeutil import LIMA, utcnow
from kuntur.incidents.models import Incident

_seq = itertools.count()


def put_incidents(
    engine: Engine,
    counts: dict[tuple[str, str], int],
    at: datetime,
    *,
    owner: str = "PNP",
    classification: int = 0,
    response_s: tuple[float, float] | None = None,
) -> int:
    """``counts[(ubigeo, category)]`` incidents at ``at`` (spread over a few minutes);
    with ``response_s`` (call to dispatch, dispatch to arrival), dispatched and on scene."""
    rows = []
    for (district, category), n in counts.items():
        for i in range(n):
            k = next(_seq)
            when = at + timedelta(seconds=i)
            row = {
                "source": "emergency_call",
                "dedup_key": f"test-public-{k}",
                "category": category,
                "priority": 2,
                "status": "closed",
                "occurred_at": when,
                "received_at": when,
                "latitude": -12.05,
                "longitude": -77.03,
                "h3_cell": 0,
                "h3_r9": 0,
                "district_ubigeo": district,
                "owner_agency": owner,
                "classification": classification,
                "created_by": "test",
            }
            if response_s is not None:
                row["dispatched_at"] = when + timedelta(seconds=response_s[0] + i % 5)
                row["on_scene_at"] = row["dispatched_at"] + timedelta(seconds=response_s[1])
            rows.append(row)
    if rows:
        with engine.begin() as conn:
            conn.execute(insert(Incident), rows)
    return len(rows)


def month_start(months_ago: int, now: datetime | None = None) -> datetime:
    """The first instant (Lima) of the month ``months_ago`` before now's, in UTC."""
    local = (now or utcnow()).astimezone(LIMA)
    y, m = local.year, local.month - months_ago
    while m < 1:
        y, m = y - 1, m + 12
    return datetime(y, m, 1, tzinfo=LIMA).astimezone(UTC)


def period(months_ago: int, now: datetime | None = None) -> str:
    return f"{month_start(months_ago, now).astimezone(LIMA):%Y-%m}"
