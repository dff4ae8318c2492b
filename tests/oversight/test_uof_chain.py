"""The chain of command bounds the reporting desks: only the filing unit's chain reads and
acts on its report, sees its pending ones and its members; a zero report comes from the
node's chain, for a finished month; a flag is answered by the member's chain; a reviewer
without a desk is internal affairs or no one."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.config import Settings
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import system
from kuntur.identity.models import User
from kuntur.oversight import service
from kuntur.oversight.models import EiFlag, EiThresholds, Personnel, UofReport
from tests.command.conftest import World, client_for
from tests.oversight.helpers import body, member


def _filed(commander: TestClient, world: World, number: str, **kw: object) -> int:
    officer = member(commander, number, "PNP", world.station_a)
    r = commander.post(
        "/api/oversight/uof", json=body([{"personnel_id": officer, "level": "verbal"}], **kw)
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_only_the_filing_units_chain_reads_and_acts(
    world: World, commander: TestClient, engine: Engine, settings: Settings
) -> None:
    rid = _filed(commander, world, "PNP-0900")
    url = f"/api/oversight/uof/{rid}"
    with client_for(engine, settings, "desp_b", ["dispatcher"], world.station_b) as other:
        assert other.get(url).status_code == 403
        assert other.post(f"{url}/follow-up", json={"supervisor_present": True}).status_code == 403
        assert other.post(f"{url}/close").status_code == 403
        assert other.get(f"/api/oversight/uof/members?report={rid}").status_code == 403
    with client_for(engine, settings, "desp_a", ["dispatcher"], world.station_a) as own:
        assert own.post(f"{url}/follow-up", json={"supervisor_present": True}).status_code == 200


def test_pending_reports_are_the_readers_chains(
    world: World, engine: Engine, settings: Settings
) -> None:
    now = utcnow()
    with Session(engine) as db, db.begin():
        for node in (world.station_a, world.station_b):
            db.add(
                UofReport(
                    status="pending",
                    command_unit_id=node,
                    incident_at=now - timedelta(hours=1),
                    owner_agency="PNP",
                    classification=0,
                    created_by="test",
                    created_at=now,
                )
            )
    with client_for(engine, settings, "desp_b", ["dispatcher"], world.station_b) as other:
        rows = other.get("/api/oversight/uof/pending").json()
    assert [r["command_unit_id"] for r in rows] == [world.station_b]


def test_members_on_shift_are_the_desks_agency(
    world: World, commander: TestClient, engine: Engine, settings: Settings
) -> None:
    rid = _filed(commander, world, "PNP-0910", unit_id=world.patrol)
    soldier = member(commander, "EP-0910", "EP", world.army_div)
    police = member(commander, "PNP-0911", "PNP", world.station_a)
    with Session(engine) as db, db.begin():
        r = db.get(UofReport, rid)
        assert r is not None
        at = r.incident_at
        for pid in (soldier, police):
            service.assign_shift(
                system(db, "test"),
                pid,
                world.patrol,
                at - timedelta(hours=1),
                at + timedelta(hours=1),
            )
    with client_for(engine, settings, "desp_a", ["dispatcher"], world.station_a) as own:
        got = own.get(f"/api/oversight/uof/members?report={rid}")
    assert got.status_code == 200, got.text
    assert [p["id"] for p in got.json()] == [police]


def test_zero_reports_come_from_the_chain_for_a_finished_month(
    world: World, commander: TestClient, engine: Engine, settings: Settings
) -> None:
    now = utcnow()
    last = (now.astimezone(LIMA).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    this = f"{now.astimezone(LIMA):%Y-%m}"
    zero = "/api/oversight/uof/zero"
    with client_for(engine, settings, "desp_b", ["dispatcher"], world.station_b) as other:
        assert (
            other.post(zero, json={"command_unit_id": world.station_a, "period": last}).status_code
            == 403
        )
        assert (
            other.post(zero, json={"command_unit_id": world.station_b, "period": this}).status_code
            == 422
        )
    # A zero report the caller cannot read still counts.
    with Session(engine) as db, db.begin():
        db.add(
            UofReport(
                kind="zero",
                status="closed",
                command_unit_id=world.station_b,
                period=last,
                incident_at=service.month_bounds(last)[0],
                owner_agency="EP",
                classification=3,
                created_by="test",
                created_at=now,
            )
        )
    assert (
        commander.post(zero, json={"command_unit_id": world.station_b, "period": last}).status_code
        == 409
    )


def _flag(engine: Engine, personnel_id: int) -> int:
    now = utcnow()
    with Session(engine) as db, db.begin():
        t = EiThresholds(version=99, window_days=30, created_by="test", created_at=now)
        db.add(t)
        db.flush()
        f = EiFlag(
            personnel_id=personnel_id,
            thresholds_id=t.id,
            window_start=now - timedelta(days=30),
            window_end=now,
            indicators=json.dumps({}),
            explanation_es="x",
            explanation_en="x",
            computed_at=now,
        )
        db.add(f)
        db.flush()
        return f.id


def test_a_flag_is_answered_by_the_members_chain_never_by_the_member(
    world: World, commander: TestClient, engine: Engine, settings: Settings
) -> None:
    officer = member(commander, "PNP-0920", "PNP", world.station_a)
    fid = _flag(engine, officer)
    url = f"/api/oversight/ei/flags/{fid}/response"
    answer = {"response": "Entrevista programada."}
    with client_for(engine, settings, "jefe_b", ["commander"], world.station_b) as other:
        assert other.post(url, json=answer).status_code == 403
    with Session(engine) as db, db.begin():
        uid = db.scalar(select(User.id).where(User.username == "cmdte_frente"))
        row = db.get(Personnel, officer)
        assert row is not None
        row.user_id = uid
    assert commander.post(url, json=answer).status_code == 403
    with client_for(engine, settings, "jefe_a", ["commander"], world.station_a) as own:
        assert own.post(url, json=answer).status_code == 200


def test_a_reviewer_without_a_desk_or_above_the_reports_unit_is_refused(
    world: World, commander: TestClient, engine: Engine, settings: Settings
) -> None:
    officer = member(commander, "PNP-0930", "PNP", world.station_b)
    rep = commander.post(
        "/api/oversight/uof",
        json=body([{"personnel_id": officer, "level": "verbal"}], unit_id=world.patrol),
    )
    assert rep.status_code == 201, rep.text
    url = f"/api/oversight/uof/{rep.json()['id']}/review"
    review = {"finding": "training", "text": "x"}
    with client_for(engine, settings, "sin_puesto", ["commander"], None) as nodesk:
        assert nodesk.post(url, json=review).status_code == 403
    # Station A is the report's unit's node, though the member sits at station B.
    with client_for(engine, settings, "jefe_a", ["commander"], world.station_a) as own:
        assert own.post(url, json=review).status_code == 403
