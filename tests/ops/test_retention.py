"""Retention (Ley 29733): `kuntur purge` removes the personal part of records past their
time and nothing else; a dry run changes nothing; the run is on record and the audit log
verifies afterwards."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuntur.audit import keys
from kuntur.audit import service as audit
from kuntur.audit.models import AuditEvent
from kuntur.citizens.models import Tip, TipMessage
from kuntur.config import Settings
from kuntur.core.errors import Forbidden
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import Actor, system
from kuntur.incidents.models import Incident
from kuntur.ops import retention
from tests.command.conftest import SYSTEM
from tests.scenario import incident as make_incident


def _incident(engine: Engine, *, days: int, status: str) -> int:
    with Session(engine) as db, db.begin():
        i = make_incident(db, days_ago=days, narrative="La víctima, Rosa, vio al extorsionador.")
        db.execute(
            update(Incident)
            .where(Incident.id == i)
            .values(status=status, received_at=utcnow() - timedelta(days=days))
        )
        return i


def _tip(engine: Engine, tip_id: int, *, days: int, incident_id: int | None = None) -> None:
    with Session(engine) as db, db.begin():
        db.add(
            Tip(
                id=tip_id,
                receipt_hash=f"{tip_id:064d}",
                category="extortion",
                urgency=3,
                summary="Cobro de cupos",
                narrative="Me llaman del número 987654321 pidiendo cupo.",
                received_on=date.today() - timedelta(days=days),
                contact_sealed="c2VsbGFkbw==",
                status="closed",
                incident_id=incident_id,
                handled_at=utcnow() - timedelta(days=days),
            )
        )
        db.flush()
        db.add(TipMessage(tip_id=tip_id, author="citizen", body="Gracias", sent_on=date.today()))


def test_purge_removes_what_is_past_its_time_and_nothing_else(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    old_closed = _incident(engine, days=2000, status="closed")
    old_open = _incident(engine, days=2000, status="received")  # still open: kept whole
    recent_closed = _incident(engine, days=30, status="closed")
    _tip(engine, 1, days=400)  # contact past 180 days, tip past 365: words and photos go
    _tip(engine, 2, days=200)  # contact goes, words stay (under 365 days)
    _tip(engine, 3, days=400, incident_id=recent_closed)  # became an incident: words stay
    _tip(engine, 4, days=10)  # recent: untouched
    key = keys.signing_key(tmp_path / "audit.pem", "test")
    with Session(engine) as db, db.begin():
        audit.create_checkpoint(db, SYSTEM, key)

    with Session(engine) as db, db.begin():
        counted = retention.purge(system(db, "test"), settings, dry_run=True)
    with Session(engine) as db, db.begin():
        done = retention.purge(system(db, "test"), settings)
    by_rule = {p.rule: p.rows for p in done}
    assert {p.rule: p.rows for p in counted} == {
        k: v for k, v in by_rule.items() if k != "border_screenings"
    }
    assert by_rule["incident_narratives"] == 1
    assert by_rule["tip_contacts"] == 3  # tips 1, 2 and 3 (all closed over 180 days ago)
    assert by_rule["closed_tips"] == 1  # tip 1 only
    with Session(engine) as db:
        narratives = {r[0]: r[1] for r in db.execute(select(Incident.id, Incident.narrative))}
        assert narratives[old_closed] is None
        assert narratives[old_open] and narratives[recent_closed]
        tips = {t.id: t for t in db.scalars(select(Tip))}
        assert tips[1].narrative == "" and tips[1].contact_sealed is None
        assert tips[2].narrative and tips[2].contact_sealed is None
        assert tips[3].narrative and tips[3].contact_sealed is None
        assert tips[4].narrative and tips[4].contact_sealed
        bodies = {r[0]: r[1] for r in db.execute(select(TipMessage.tip_id, TipMessage.body))}
        assert bodies[1] == "" and bodies[4] == "Gracias"
        # The records stay: categories, places and times are still there for statistics.
        assert db.get(Incident, old_closed) is not None and tips[1].category == "extortion"
        # On record, without the data; and the log still verifies against its checkpoint.
        last = db.scalars(select(AuditEvent).where(AuditEvent.type == "ops.purged")).one()
        assert "Rosa" not in last.details and "987654321" not in last.details
        assert audit.verify(db, keys.public_bytes(key)).ok


def test_only_the_system_purges(engine: Engine, settings: Settings) -> None:
    from kuntur.core.context import RequestContext

    with Session(engine) as db, pytest.raises(Forbidden):
        ctx = RequestContext(actor="user:x", roles=frozenset({"admin"}), user_id=1)
        retention.purge(Actor(db, ctx), settings)
