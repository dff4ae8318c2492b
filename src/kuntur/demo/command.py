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
from typing import Any

import numpy as np
from sqlalchemy import BindParameter, Engine, bindparam, func, select, update
from sqlalchemy.orm import Session

from kuntur.command import service as command
from kuntur.command.models import CommandUnit, Unit
from kuntur.core.context import RequestContext
from kuntur.core.db import UTCDateTime
from kuntur.core.timeutil import utcnow
from kuntur.geography import service as geo
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Category, Source, Status
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate

# Police bases of the specialised units and the platoons below (approximate public places).
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
# Army and navy platoons (call sign, command node, type, lon, lat).
MILITARY = [
    ("EP-PEL-RIMAC-1", "army_lima", "military_platoon", -77.0300, -12.0300),
    ("EP-PEL-RIMAC-2", "army_lima", "military_platoon", -77.0310, -12.0320),
    ("EP-PEL-CHORRILLOS-1", "army_lima", "military_platoon", -77.0150, -12.1750),
    ("EP-PEL-CHORRILLOS-2", "army_lima", "military_platoon", -77.0160, -12.1760),
    ("EP-PEL-SJL-1", "army_lima", "military_platoon", -77.0000, -11.9800),
    ("EP-PEL-ATE-1", "army_lima", "military_platoon", -76.9200, -12.0300),
    ("MGP-PEL-CALLAO-1", "army_lima", "military_platoon", -77.1420, -12.0570),
    ("MGP-PEL-CALLAO-2", "army_lima", "military_platoon", -77.1430, -12.0580),
]
TRUJILLO = (-79.0300, -8.1120)
# The command tree above the district stations: key, name, agency, level, parent, district.
TREE: list[command.TreeRow] = [
    ("joint", "Comando Conjunto PNP - FF. AA.", "PNP", "joint_command", None, None),
    ("lima", "Frente Policial Lima y Callao", "PNP", "front", "joint", None),
    ("special", "Unidades especializadas PNP", "PNP", "division", "lima", None),
    ("army", "Comando Operacional del Centro (EP / MGP)", "EP", "front", "joint", None),
    ("army_lima", "Destacamento Lima y Callao", "EP", "division", "army", None),
    ("north", "Frente Norte", "PNP", "front", "joint", None),
    ("serenazgo", "Serenazgos municipales", "SERENAZGO", "front", "joint", None),
    ("tru", "Comisaría Trujillo", "PNP", "station", "north", "130101"),
    ("tru_army", "Destacamento Trujillo (EP)", "EP", "division", "army", None),
]
# Each district office's vehicles: call sign (with the ubigeo), type, crew.
DISTRICT_POLICE = [
    ("PNP-{}-P1", "patrol_car", 3),
    ("PNP-{}-P2", "patrol_car", 3),
    ("PNP-{}-P3", "patrol_car", 3),
    ("PNP-{}-M1", "motorcycle", 2),
]
DISTRICT_SERENAZGO = [("SER-{}-1", "serenazgo_car", 2), ("SER-{}-2", "serenazgo_car", 2)]
# Outside the state of emergency: police may be dispatched here, the army may not.
TRUJILLO_UNITS = [
    ("PNP-TRU-P1", "tru", "patrol_car", -79.0250, -8.1100),
    ("PNP-TRU-P2", "tru", "patrol_car", -79.0400, -8.1050),
    ("EP-PEL-TRUJILLO-1", "tru_army", "military_platoon", -79.0100, -8.0950),
]
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
        actor = Actor(db, ACTOR)
        node = command.create_node
        nodes = command.create_tree(actor, TREE)
        specs: list[command.UnitSpec] = []
        for d in geo.lima_callao_districts():
            if d.longitude is None or d.latitude is None:
                continue
            # A comisaría in every district; a Serenazgo office in the larger ones.
            offices = [("Comisaría", "PNP", "lima", DISTRICT_POLICE)]
            if (d.population_2017 or 0) > 150_000:
                offices.append(("Serenazgo", "SERENAZGO", "serenazgo", DISTRICT_SERENAZGO))
            for title, agency, parent, fleet in offices:
                office = node(
                    actor,
                    name=f"{title} {d.name}",
                    agency=agency,
                    level="station",
                    parent_id=nodes[parent].id,
                    district=d.ubigeo,
                )
                for sign, utype, crew in fleet:
                    lon, lat = _jitter(rng, d.longitude, d.latitude, 900)
                    specs.append(
                        command.UnitSpec(
                            sign.format(d.ubigeo), agency, utype, office.id, lon, lat, (), crew
                        )
                    )
        special = nodes["special"].id
        for sign, agency, utype, caps, lon, lat in SPECIAL:
            specs.append(command.UnitSpec(sign, agency, utype, special, lon, lat, caps, 8))
        for sign, key, utype, lon, lat in [*MILITARY, *TRUJILLO_UNITS]:
            armed: tuple[str, ...] = ("firearms",) if utype == "military_platoon" else ()
            crew = 30 if utype == "military_platoon" else 3
            agency = sign.split("-")[0]  # EP-..., MGP-..., PNP-...
            home = nodes[key].id
            specs.append(command.UnitSpec(sign, agency, utype, home, lon, lat, armed, crew))
        for spec in specs:
            command.create_unit(actor, spec)
        now = utcnow()
        lima_callao = [d.ubigeo for d in geo.lima_callao_districts()]
        # The decree modelled on October 2025 (expired) and its current extension.
        for number, start, end in (
            ("Estado de emergencia oct. 2025 (ref.)", -400, -340),
            ("DS demo-2026-PCM (prórroga)", -20, 40),
        ):
            command.create_authorization(
                actor,
                kind="state_of_emergency",
                number=number,
                starts_at=now + timedelta(days=start),
                ends_at=now + timedelta(days=end),
                forces_role="support",
                districts=lima_callao,
                area_label="Lima Metropolitana y Callao",
                restricted_rights=["home_inviolability", "movement", "assembly"],
            )
        _demo_orders(actor, nodes, now)
        # An open extortion report in Trujillo: police may go, the army may not.
        incidents.create(
            actor=actor,
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


def _demo_orders(actor: Actor, nodes: dict[str, Any], now: datetime) -> None:
    """A shift's orders down the chain (synthetic): a patrol acknowledged, a checkpoint
    carried out, and an army platoon deployed in San Juan de Lurigancho under the current
    decree, waiting for its answer; so the orders screen and map show each state."""
    db = actor.db

    def station(district: str) -> int:
        return db.execute(
            select(CommandUnit.id).where(CommandUnit.name == f"Comisaría {district}").limit(1)
        ).scalar_one()

    def unit(call_sign: str) -> int:
        return db.execute(select(Unit.id).where(Unit.call_sign == call_sign)).scalar_one()

    lima, army = nodes["lima"].id, nodes["army_lima"].id
    patrol = command.issue_order(
        actor,
        issuer_node_id=lima,
        kind="patrol",
        text="Patrullaje preventivo en paraderos de Canto Grande, 20:00-02:00 (DEMO)",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=5),
        target_node_id=station("San Juan de Lurigancho"),
        lon=-77.0050,
        lat=-11.9790,
    )
    command.acknowledge_order(actor, patrol.id)
    check = command.issue_order(
        actor,
        issuer_node_id=lima,
        kind="checkpoint",
        text="Control vehicular en la Carretera Central, km 4 (DEMO)",
        starts_at=now - timedelta(hours=6),
        ends_at=now - timedelta(hours=2),
        target_node_id=station("Ate"),
        lon=-76.9400,
        lat=-12.0290,
    )
    command.acknowledge_order(actor, check.id)
    command.complete_order(actor, check.id)
    command.issue_order(
        actor,
        issuer_node_id=army,
        kind="deploy",
        text="Apoyo a la PNP: presencia en el mercado de Zárate, bajo el DS de prórroga (DEMO)",
        starts_at=now,
        ends_at=now + timedelta(hours=8),
        target_unit_id=unit("EP-PEL-SJL-1"),
        lon=-77.0020,
        lat=-12.0230,
    )


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
