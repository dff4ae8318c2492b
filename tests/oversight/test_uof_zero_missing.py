"""Units that said nothing for a finished month (no force report, no zero report) are
listed, by the deadlines API and on the desk (FBI collection: silence is not zero)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient

from kuntur.core.timeutil import LIMA, utcnow
from kuntur.oversight import service
from tests.command.conftest import World
from tests.oversight.helpers import body, member


def test_finished_months() -> None:
    at = utcnow().replace(year=2026, month=3, day=1, hour=12)  # Lima: 1 March, 07:00
    assert service.finished_months(at, 3) == ["2026-02", "2026-01", "2025-12"]


def test_units_silent_for_a_finished_month_are_listed(world: World, commander: TestClient) -> None:
    last = service.finished_months(utcnow(), 1)[0]
    start, _end = service.month_bounds(last)
    # Station B files its zero report; station A's patrol used force in the month; the army
    # division's platoon has only a report due (an incident closed with force, not filed).
    assert commander.post(
        "/api/oversight/uof/zero", json={"command_unit_id": world.station_b, "period": last}
    ).is_success
    officer = member(commander, "PNP-0800", "PNP", world.station_a)
    in_month = (start + timedelta(days=3)).astimezone(LIMA)
    filed = commander.post(
        "/api/oversight/uof",
        json=body(
            [{"personnel_id": officer, "level": "verbal"}],
            unit_id=world.patrol,
            incident_at=in_month.isoformat(),
        ),
    )
    assert filed.status_code == 201, filed.text
    r = commander.get("/api/oversight/deadlines/zero-reports", params={"months": 1})
    assert r.status_code == 200, r.text
    silent = {(m["period"], m["command_unit_id"]) for m in r.json()}
    # Station A's moto is on station A too; the platoon is on the army division.
    assert silent == {(last, world.army_div)}
    (row,) = r.json()
    assert row["name"] == "Destacamento Lima" and row["agency"] == "EP"
    assert row["pending_report_ids"] == []
    two = commander.get("/api/oversight/deadlines/zero-reports", params={"months": 2}).json()
    before = service.finished_months(utcnow(), 2)[1]
    assert {m["command_unit_id"] for m in two if m["period"] == before} == {
        world.station_a,
        world.station_b,
        world.army_div,
    }
    # The desk lists them too, and the CSV.
    d = commander.get("/api/oversight/dashboard").json()
    assert (last, world.army_div) in {
        (m["period"], m["command_unit_id"]) for m in d["missing_zero_reports"]
    }
    rows = list(csv.reader(io.StringIO(commander.get("/api/oversight/dashboard.csv").text)))
    assert ["missing_zero_reports", last, "1", str(world.army_div)] in rows
    # The current month is not finished: never listed.
    this = f"{utcnow().astimezone(LIMA):%Y-%m}"
    assert all(m["period"] != this for m in d["missing_zero_reports"])
