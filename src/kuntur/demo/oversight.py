"""Demo oversight (issue 14): clearly synthetic personnel on the demo command's units, a
month of use-of-force reports (some late, some unreviewed past their deadline, one death
referred to the Fiscalía and the Defensoría), zero reports, complaints, thresholds and
the flags they raise. Every name says SINTÉTICO; no real person is described."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.command import legal
from kuntur.command.authorizations import authorizations
from kuntur.command.models import CommandUnit, Unit
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import Actor
from kuntur.oversight import service as oversight
from kuntur.oversight.models import Personnel
from kuntur.oversight.schemas import AffectedIn, ComplaintIn, ForceIn, ReportIn, ThresholdsIn

ACTOR = RequestContext.system("demo")
RANKS_PNP = ("Suboficial de 3.ª", "Suboficial de 2.ª", "Suboficial de 1.ª", "Alférez", "Teniente")
RANKS_EP = ("Cabo", "Sargento 2.º", "Sargento 1.º", "Subteniente")
LEVELS = ("verbal", "physical", "physical", "non_lethal", "firearm")


def _basis(db: Session, unit: Unit, at: datetime) -> int | None:
    """The legal basis covering an army unit's place at the time (none: the report lacks
    one, as a report may)."""
    found = legal.basis_for(authorizations(db), unit.home_lon, unit.home_lat, at, at)
    return found.id if found else None


def _units(db: Session, agency: str, unit_type: str, limit: int) -> list[Unit]:
    """The first ``limit`` units of one agency and type."""
    return list(
        db.scalars(
            select(Unit)
            .where(Unit.agency_code == agency, Unit.unit_type == unit_type)
            .order_by(Unit.id)
            .limit(limit)
        )
    )


def seed_oversight(engine: Engine, seed: int = 14) -> int:
    """Create the demo oversight records once (after `kuntur demo command`); returns the
    number of use-of-force reports made (0 when already there or without a command)."""
    rng = np.random.default_rng(seed)
    with Session(engine) as db, db.begin():
        if db.scalar(select(func.count()).select_from(Personnel)):
            return 0
        actor = Actor(db, ACTOR)
        police = _units(db, "PNP", "patrol_car", 8)
        army = _units(db, "EP", "military_platoon", 2)
        if not police or not army:
            return 0
        now = utcnow()
        members: list[tuple[int, Unit]] = []
        for i, unit in enumerate([*police, *army]):
            agency = unit.agency_code
            ranks = RANKS_EP if agency == "EP" else RANKS_PNP
            for j in range(3):
                n = i * 3 + j + 1
                p = oversight.create_personnel(
                    actor,
                    service_number=f"DEMO-{agency}-{n:03d}",
                    name=f"Agente Demo {n:03d} (SINTÉTICO)",
                    rank=ranks[int(rng.integers(len(ranks)))],
                    agency=agency,
                    command_unit_id=unit.command_unit_id,
                )
                members.append((p.id, unit))
                for day in range(31):  # on that unit every day of the month, today included
                    start = now - timedelta(days=30 - day, hours=8)
                    # Today's shift runs on through the demo (24 h), so an incident closed
                    # with force now finds who was on the unit.
                    hours = 24 if day == 30 else 12
                    oversight.assign_shift(
                        actor, p.id, unit.id, start, start + timedelta(hours=hours)
                    )
        made = 0
        for k in range(28):
            days_ago = float(29 - k) + float(rng.uniform(0, 0.8))
            at = now - timedelta(days=days_ago)
            pid, unit = members[int(rng.integers(len(members)))]
            level = LEVELS[int(rng.integers(len(LEVELS)))]
            outcome = ("none", "none", "injury", "none", "serious_injury")[k % 5]
            if k == 11:  # the one death, by an army platoon, referred at once
                pid, unit = next((m, u) for m, u in members if u.agency_code == "EP")
                level, outcome = "firearm", "death"
            hurt = outcome != "none"
            late = k % 6 == 0  # filed after the 24 h
            r = oversight.file_report(
                actor,
                ReportIn(
                    unit_id=unit.id,
                    incident_at=at.astimezone(LIMA),
                    reported_at=at + timedelta(hours=30 if late else 4),
                    place=f"Vía pública (sintético {k + 1})",
                    location_type="street",
                    contact_reason="Intervención policial (sintético)",
                    latitude=unit.home_lat,
                    longitude=unit.home_lon,
                    force=[
                        ForceIn(
                            personnel_id=pid,
                            level=level,
                            rounds=int(rng.integers(1, 4)) if level == "firearm" else 0,
                        )
                    ],
                    affected=[
                        AffectedIn(
                            outcome=outcome,
                            age=int(rng.integers(16, 60)),
                            sex=("F", "M")[int(rng.integers(2))],
                        )
                    ],
                    medical_aid_at=at + timedelta(minutes=20) if hurt else None,
                    medical_aid_by="SAMU (sintético)" if hurt else None,
                    family_notified_at=(
                        at + timedelta(hours=2)
                        if outcome in ("serious_injury", "death") and k != 11
                        else None
                    ),
                    supervisor_present=bool(k % 2),
                    legal_basis_id=_basis(db, unit, at) if unit.agency_code == "EP" else None,
                    bodycam_refs=[f"BWC-DEMO-{k + 1:04d}"],
                ),
            )
            made += 1
            # Older ones reviewed (some with findings) and closed when complete; a few left
            # unreviewed past the deadline.
            if days_ago > 10 and k % 4 != 0:
                finding = ("within_policy", "within_policy", "training", "disciplinary_referral")[
                    k % 4
                ]
                oversight.review(actor, r.id, finding=finding, text="Revisión (sintética)")
                if not oversight.check_report(db, r).missing:
                    oversight.close_report(actor, r.id)
        last_month = (now.astimezone(LIMA).replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        quiet = db.scalars(
            select(CommandUnit.id)
            .where(CommandUnit.level == "station", CommandUnit.agency_code == "PNP")
            .order_by(CommandUnit.id.desc())
            .limit(3)
        ).all()
        for node_id in quiet:
            try:
                oversight.zero_report(actor, node_id, last_month)
            except Exception:  # noqa: S112 (a station with force that month files none)
                continue
        for c in range(8):
            pid, unit = members[(c * 5) % 6]  # a few members gather several
            oversight.file_complaint(
                actor,
                ComplaintIn(
                    summary=f"Queja interna sintética n.º {c + 1}: trato indebido alegado",
                    personnel_id=pid,
                    unit_id=unit.id,
                    received_at=now - timedelta(days=2 + 3 * c),
                ),
            )
        oversight.set_thresholds(
            actor, ThresholdsIn(window_days=30, complaints=3, uof_reports=3, injuries=2)
        )
        oversight.compute_flags(actor, now)
        oversight.flag_overdue(actor, now)
        return made
