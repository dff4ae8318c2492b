"""Early intervention: flags against hand-computed indicator windows, thresholds versioned
(old flags keep the version they were computed with), every flag explained Spanish first,
a supervisor's documented response, and no discipline by itself. And complaints."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import Actor, system
from kuntur.oversight import service
from kuntur.oversight.models import Complaint, EiFlag, EiThresholds, Personnel
from kuntur.oversight.schemas import (
    AffectedIn,
    ComplaintIn,
    ForceIn,
    ReportIn,
    ThresholdsIn,
)
from tests.command.conftest import World, build_world

AT = utcnow().replace(microsecond=0)


def _member(actor: Actor, number: str, node: int) -> int:
    return service.create_personnel(
        actor,
        service_number=number,
        name=f"Sintético {number}",
        rank="Suboficial",
        agency="PNP",
        command_unit_id=node,
    ).id


def _complaint(actor: Actor, pid: int, days_ago: float) -> int:
    return service.file_complaint(
        actor,
        ComplaintIn(
            summary="Trato indebido (sintético)",
            personnel_id=pid,
            received_at=AT - timedelta(days=days_ago),
        ),
    ).id


def _report(
    actor: Actor, pid: int, days_ago: float, level: str, outcomes: tuple[str, ...] = ()
) -> int:
    at: datetime = AT - timedelta(days=days_ago)
    return service.file_report(
        actor,
        ReportIn(
            incident_at=at,
            reported_at=at + timedelta(hours=2),
            force=[ForceIn(personnel_id=pid, level=level)],  # type: ignore[arg-type]
            affected=[AffectedIn(outcome=o) for o in outcomes],  # type: ignore[arg-type]
            medical_aid_at=at + timedelta(minutes=10) if outcomes else None,
        ),
    ).id


def seed(engine: Engine, world: World) -> dict[str, object]:
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        a = _member(actor, "PNP-A", world.station_a)
        b = _member(actor, "PNP-B", world.station_b)
        c_in = [_complaint(actor, a, 5), _complaint(actor, a, 29.9)]
        _complaint(actor, a, 30.1)  # just outside a 30-day window
        _complaint(actor, b, 1)
        hurt = _report(actor, a, 3, "physical", ("injury", "none"))
        _report(actor, a, 40, "firearm", ("death",))  # outside the window
        verbal = _report(actor, a, 10, "verbal", ("injury",))  # verbal: injury not counted
        service.review(actor, hurt, finding="training", text="Capacitación en control físico")
        return {"a": a, "b": b, "complaints": c_in, "reports": sorted([hurt, verbal])}


def test_indicators_against_a_hand_computed_window(engine: Engine) -> None:
    world = build_world(engine)
    s = seed(engine, world)
    with Session(engine) as db:
        end = utcnow()  # the review was done just now
        got = service.indicators(db, int(str(s["a"])), end - timedelta(days=30), end)
    assert got["complaints"] == sorted(s["complaints"])  # type: ignore[type-var]
    assert got["uof_reports"] == s["reports"]
    assert len(got["injuries"]) == 1  # the physical report's injury, not the verbal one's
    assert len(got["review_findings"]) == 1


def test_flags_versions_explanations_and_responses(engine: Engine) -> None:
    world = build_world(engine)
    s = seed(engine, world)
    a, b = int(str(s["a"])), int(str(s["b"]))
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        v1 = service.set_thresholds(
            actor, ThresholdsIn(window_days=30, complaints=2, uof_reports=3, injuries=1)
        )
        v1_id = v1.id
        flags = service.compute_flags(actor, utcnow())
        assert [f.personnel_id for f in flags] == [a]
        (flag,) = flags
        detail = json.loads(flag.indicators)
        assert {k for k, v in detail.items() if v["crossed"]} == {"complaints", "injuries"}
        assert detail["uof_reports"] == {
            "value": 2,
            "threshold": 3,
            "crossed": False,
            "ids": s["reports"],
        }
        assert flag.explanation_es.startswith("quejas: 2 en 30 días (umbral 2)")
        assert "no es una sanción" in flag.explanation_es
        assert flag.explanation_en.startswith("complaints: 2 in 30 days (threshold 2)")
        assert service.compute_flags(actor, utcnow()) == []  # one open flag per member, version
        first_id = flag.id
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        v2 = service.set_thresholds(actor, ThresholdsIn(window_days=30, complaints=1))
        assert v2.version == 2
        again = service.compute_flags(actor, utcnow())
        assert sorted(f.personnel_id for f in again) == sorted([a, b])
        old = db.get(EiFlag, first_id)
        assert old is not None and old.thresholds_id == v1_id  # keeps its version
        assert db.get(EiThresholds, v1_id).superseded_at is not None  # type: ignore[union-attr]
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        done = service.respond_flag(actor, first_id, "Entrevista y capacitación programadas.")
        assert done.status == "responded" and done.responded_by == "system:test"
        # A flag is never discipline by itself: the member stays active, nothing else moves.
        member = db.get(Personnel, a)
        assert member is not None and member.status == "active"
        assert db.scalar(select(func.count()).select_from(Complaint)) == 4


def test_complaints_need_a_subject_and_an_outcome_to_close(engine: Engine) -> None:
    world = build_world(engine)
    with Session(engine) as db, db.begin():
        actor = system(db, "test")
        pid = _member(actor, "PNP-Q", world.station_a)
        c = service.file_complaint(
            actor, ComplaintIn(summary="Queja interna", personnel_id=pid, unit_id=world.patrol)
        )
        assert c.channel == "internal" and c.status == "open"
        import pytest

        from kuntur.core.errors import InvalidInput

        with pytest.raises(InvalidInput):
            service.file_complaint(actor, ComplaintIn(summary="Sin sujeto"))
        with pytest.raises(InvalidInput):
            service.update_complaint(actor, c.id, "closed")
        closed = service.update_complaint(actor, c.id, "closed", "not_sustained")
        assert closed.outcome == "not_sustained" and closed.closed_at is not None
