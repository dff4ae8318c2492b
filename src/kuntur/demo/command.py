"""Demo joint command: the tree, units of every agency, legal bases, response history.

Synthetic but shaped like the real thing: a comisaría with patrol cars and a
motorcycle in each Lima and Callao district, the specialised police units
(anti-extortion, hostage rescue, rapid response), army and navy platoons, municipal
Serenazgo, a 60-day state of emergency over Lima and Callao with armed-forces
participation (modelled on the one decreed in October 2025), and Trujillo in the
north, outside it, where a military dispatch must be refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import BindParameter, Engine, bindparam, func, select, update
from sqlalchemy.orm import Session

from kuntur.command import service as command
from kuntur.command.models import Unit
from kuntur.core.context import RequestContext
from kuntur.core.db import UTCDateTime
from kuntur.core.timeutil import utcnow
from kuntur.geography import service as geo
from kuntur.identity import service as identity
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Category, Source, Status
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate

# Police bases of the specialised units and military bases (approximate public locations).
SPECIAL = [
    ("DIRINCRI-EXT-1", "PNP", "rapid_response", ("extortion", "firearms"), -77.0365, -12.0700),
    ("DIRINCRI-EXT-2", "PNP", "rapid_response", ("extortion", "firearms"), -77.0050, -12.1100),
    ("SUAT-1", "PNP", "rapid_response", ("hostage", "firearms"), -77.0428, -12.0464),
    ("SUAT-2", "PNP", "rapid_response", ("hostage", "firearms"), -76.9700, -12.0900),
    ("ESC-VERDE-1", "PNP", "rapid_response", ("firearms", "riot"), -77.0300, -12.0600),
    ("ESC-VERDE-2", "PNP", "rapid_response", ("firearms", "riot"), -77.0800, -11.9900),
    ("ESC-VERDE-3", "PNP", "rapid_response", ("firearms", "riot"), -76.9500, -12.1700),
    ("ESC-VERDE-4", "PNP", "rapid_response", ("firearms", "riot"), -77.0100, -11.9400),
]
MILITARY = [
    ("EP-PEL-RIMAC-1", "EP", -77.0300, -12.0300),
    ("EP-PEL-RIMAC-2", "EP", -77.0310, -12.0320),
    ("EP-PEL-CHORRILLOS-1", "EP", -77.0150, -12.1750),
    ("EP-PEL-CHORRILLOS-2", "EP", -77.0160, -12.1760),
    ("EP-PEL-SJL-1", "EP", -77.0000, -11.9800),
    ("EP-PEL-ATE-1", "EP", -76.9200, -12.0300),
    ("MGP-PEL-CALLAO-1", "MGP", -77.1420, -12.0570),
    ("MGP-PEL-CALLAO-2", "MGP", -77.1430, -12.0580),
]
TRUJILLO = (-79.0300, -8.1120)
ACTOR = RequestContext.system("demo")


def _jitter(
    rng: np.random.Generator, lon: float, lat: float, m: float = 400
) -> tuple[float, float]:
    dx, dy = rng.normal(0, m, 2)
    return lon + dx / 108_000, lat + dy / 110_000


def seed_command(engine: Engine, seed: int = 7) -> int:
    """Create the demo command once; returns the number of units (0 when already there)."""
    with Session(engine) as db, db.begin():
        if db.scalar(select(func.count()).select_from(Unit)):
            return 0
        rng = np.random.default_rng(seed)
        identity.ensure_agencies(db)
        db.flush()
        node = command.create_node
        joint = node(
            db,
            ACTOR,
            name="Comando Conjunto PNP - FF. AA.",
            agency="PNP",
            level="joint_command",
            parent_id=None,
        )
        lima = node(
            db,
            ACTOR,
            name="Frente Policial Lima y Callao",
            agency="PNP",
            level="front",
            parent_id=joint.id,
        )
        special = node(
            db,
            ACTOR,
            name="Unidades especializadas PNP",
            agency="PNP",
            level="division",
            parent_id=lima.id,
        )
        army = node(
            db,
            ACTOR,
            name="Comando Operacional del Centro (EP / MGP)",
            agency="EP",
            level="front",
            parent_id=joint.id,
        )
        army_lima = node(
            db,
            ACTOR,
            name="Destacamento Lima y Callao",
            agency="EP",
            level="division",
            parent_id=army.id,
        )
        north = node(
            db, ACTOR, name="Frente Norte", agency="PNP", level="front", parent_id=joint.id
        )
        serenazgo = node(
            db,
            ACTOR,
            name="Serenazgos municipales",
            agency="SERENAZGO",
            level="front",
            parent_id=joint.id,
        )
        specs: list[command.UnitSpec] = []
        for d in geo.lima_callao_districts():
            if d.longitude is None or d.latitude is None:
                continue
            station = node(
                db,
                ACTOR,
                name=f"Comisaría {d.name.title()}",
                agency="PNP",
                level="station",
                parent_id=lima.id,
                district=d.ubigeo,
            )
            tag = d.ubigeo
            for k in range(1, 4):
                lon, lat = _jitter(rng, d.longitude, d.latitude, 900)
                specs.append(
                    command.UnitSpec(
                        f"PNP-{tag}-P{k}", "PNP", "patrol_car", station.id, lon, lat, (), 3
                    )
                )
            lon, lat = _jitter(rng, d.longitude, d.latitude, 900)
            specs.append(
                command.UnitSpec(f"PNP-{tag}-M1", "PNP", "motorcycle", station.id, lon, lat, (), 2)
            )
            if (d.population_2017 or 0) > 150_000:
                s_node = node(
                    db,
                    ACTOR,
                    name=f"Serenazgo {d.name.title()}",
                    agency="SERENAZGO",
                    level="station",
                    parent_id=serenazgo.id,
                    district=d.ubigeo,
                )
                for k in range(1, 3):
                    lon, lat = _jitter(rng, d.longitude, d.latitude, 900)
                    specs.append(
                        command.UnitSpec(
                            f"SER-{tag}-{k}",
                            "SERENAZGO",
                            "serenazgo_car",
                            s_node.id,
                            lon,
                            lat,
                            (),
                            2,
                        )
                    )
        for sign, agency, utype, caps, lon, lat in SPECIAL:
            specs.append(command.UnitSpec(sign, agency, utype, special.id, lon, lat, caps, 8))
        for sign, agency, lon, lat in MILITARY:
            specs.append(
                command.UnitSpec(
                    sign, agency, "military_platoon", army_lima.id, lon, lat, ("firearms",), 30
                )
            )
        tru = node(
            db,
            ACTOR,
            name="Comisaría Trujillo",
            agency="PNP",
            level="station",
            parent_id=north.id,
            district="130101",
        )
        tru_army = node(
            db,
            ACTOR,
            name="Destacamento Trujillo (EP)",
            agency="EP",
            level="division",
            parent_id=army.id,
        )
        specs += [
            command.UnitSpec("PNP-TRU-P1", "PNP", "patrol_car", tru.id, -79.0250, -8.1100, (), 3),
            command.UnitSpec("PNP-TRU-P2", "PNP", "patrol_car", tru.id, -79.0400, -8.1050, (), 3),
            command.UnitSpec(
                "EP-PEL-TRUJILLO-1",
                "EP",
                "military_platoon",
                tru_army.id,
                -79.0100,
                -8.0950,
                ("firearms",),
                30,
            ),
        ]
        for spec in specs:
            command.create_unit(db, ACTOR, spec)
        now = utcnow()
        lima_callao = [d.ubigeo for d in geo.lima_callao_districts()]
        command.create_authorization(
            db,
            ACTOR,
            kind="state_of_emergency",
            number="Estado de emergencia oct. 2025 (ref.)",
            starts_at=now - timedelta(days=400),
            ends_at=now - timedelta(days=340),
            forces_role="support",
            districts=lima_callao,
            area_label="Lima Metropolitana y Callao",
            restricted_rights=["home_inviolability", "movement", "assembly"],
        )
        command.create_authorization(
            db,
            ACTOR,
            kind="state_of_emergency",
            number="DS demo-2026-PCM (prórroga)",
            starts_at=now - timedelta(days=20),
            ends_at=now + timedelta(days=40),
            forces_role="support",
            districts=lima_callao,
            area_label="Lima Metropolitana y Callao",
            restricted_rights=["home_inviolability", "movement", "assembly"],
        )
        # An open extortion report in Trujillo: police may go, the army may not.
        incidents.create(
            db=db,
            ctx=ACTOR,
            data=IncidentCreate(
                source=Source.EMERGENCY_CALL,
                external_id="demo-trujillo-1",
                category=Category.EXTORTION,
                priority=2,
                occurred_at=now,
                received_at=now,
                longitude=TRUJILLO[0],
                latitude=TRUJILLO[1],
                address="Av. España, Trujillo",
                status=Status.RECEIVED,
            ),
        )
        _response_history(db, rng)
        return len(specs)


def _response_history(db: Session, rng: np.random.Generator) -> None:
    """Dispatch and arrival times for the last 90 days of urgent incidents (for the KPIs):
    call-to-dispatch about a minute, travel 6-12 minutes, longer in the outskirts."""
    since = utcnow() - timedelta(days=90)
    rows = db.execute(
        select(Incident.id, Incident.received_at, Incident.district_ubigeo).where(
            Incident.status == Status.CLEARED,
            Incident.priority <= 2,
            Incident.received_at >= since,
        )
    ).all()
    if not rows:
        return
    n = len(rows)
    far = np.array(
        [
            (r[2] or "")[:4] not in ("1501", "0701")
            or (r[2] or "") in ("150106", "150110", "150112", "150125", "150132", "150142")
            for r in rows
        ]
    )
    to_dispatch = rng.lognormal(np.log(55), 0.5, n)
    travel = rng.lognormal(np.log(np.where(far, 11 * 60, 7 * 60)), 0.35, n)
    on_scene = rng.lognormal(np.log(35 * 60), 0.4, n)
    updates = []
    for (iid, received, _d), a, b, c in zip(rows, to_dispatch, travel, on_scene, strict=True):
        d_at = received + timedelta(seconds=float(a))
        s_at = d_at + timedelta(seconds=float(b))
        updates.append(
            {
                "iid": iid,
                "t": received + timedelta(seconds=float(a) * 0.4),
                "d": d_at,
                "e": d_at + timedelta(seconds=20),
                "s": s_at,
                "c": s_at + timedelta(seconds=float(c)),
            }
        )

    def at(name: str) -> BindParameter[datetime]:
        return bindparam(name, type_=UTCDateTime())

    stmt = (
        update(Incident)
        .where(Incident.id == bindparam("iid"))
        .values(
            triaged_at=at("t"),
            dispatched_at=at("d"),
            en_route_at=at("e"),
            on_scene_at=at("s"),
            cleared_at=at("c"),
        )
    )
    db.connection().execute(stmt, updates)
