"""Seed the demo scenario into the store, once per region."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import shape
from sqlalchemy import Engine, func, select

from kuntur.core.context import RequestContext
from kuntur.core.i18n import N_, render
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.demo.manifest import DEMO_SEEDED
from kuntur.demo.scenario import DistrictInput, Scenario, generate
from kuntur.geography import boundaries, hexgrid
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.incidents.categories import Status
from kuntur.incidents.importing import store
from kuntur.incidents.models import ImportBatch, Incident

Stage = Callable[[str, int], Callable[[int], None]]


class Region(StrEnum):
    LIMA = "lima"
    NORTH = "north"


# Northern cities: the districts of the provinces of Trujillo, Chiclayo and Piura.
NORTH_PROVINCES = ("1301", "1401", "2001")


def region_districts(region: Region) -> list[DistrictInput]:
    if region is Region.LIMA:
        feats = boundaries.read_geojson(boundaries.LIMA_CALLAO)["features"]
        return [
            DistrictInput(
                f["properties"]["ubigeo"],
                shape(f["geometry"]),
                int(f["properties"]["population_2017"]),
                float(f["properties"]["poverty_pct"] or 0),
            )
            for f in feats
        ]
    table = geo.districts()
    out = []
    for f in boundaries.read_geojson(boundaries.DISTRICTS_NATIONAL)["features"]:
        ub = f["properties"]["IDDIST"]
        d = table.get(ub)
        if f.get("geometry") and ub[:4] in NORTH_PROVINCES and d and d.population_2017:
            out.append(
                DistrictInput(ub, shape(f["geometry"]), d.population_2017, d.poverty_pct or 0.0)
            )
    return out


@dataclass
class SeedResult:
    batch_id: int
    incidents: int
    reused: bool


def dataset_name(region: Region) -> str:
    return f"demo:{region.value}"


def build(
    region: Region, *, days: int, seed: int, end: date | None = None, scale: float = 1.0
) -> Scenario:
    """The scenario up to ``end`` (default: today, cut at the present moment)."""
    now = utcnow()
    scenario = generate(
        region_districts(region),
        days=days,
        end=end or now.astimezone(LIMA).date(),
        seed=seed,
        scale=scale,
    )
    if end is None:  # nothing may have happened, or been reported, after now
        incidents = scenario.incidents
        late = incidents["received_at"] > pd.Timestamp(now)
        incidents.loc[late, "received_at"] = pd.Timestamp(now)
        keep = incidents["occurred_at"] <= pd.Timestamp(now)
        scenario = Scenario(scenario.incidents[keep].reset_index(drop=True), scenario.networks)
        positions = np.cumsum(keep.to_numpy()) - 1
        for net in scenario.networks:
            net.rows = [int(positions[r]) for r in net.rows if keep.iloc[r]]
    return scenario


def seed(
    engine: Engine,
    *,
    days: int,
    seed: int,
    region: Region = Region.LIMA,
    end: date | None = None,
    scale: float = 1.0,
    stage: Stage | None = None,
) -> SeedResult:
    with engine.connect() as conn:
        existing = conn.execute(
            select(ImportBatch.id).where(ImportBatch.dataset == dataset_name(region))
        ).scalar()
        if existing is not None:
            count = conn.execute(
                select(func.count())
                .select_from(Incident)
                .where(Incident.import_batch_id == existing)
            ).scalar_one()
            return SeedResult(int(existing), int(count), reused=True)
    scenario = build(region, days=days, seed=seed, end=end, scale=scale)
    frame = to_store_frame(scenario.incidents)
    meta = {
        "file_name": f"escenario sintético {region.value} (seed {seed}, {days} días)",
        "file_sha256": "0" * 64,
        "dataset": dataset_name(region),
        "options": {"seed": seed, "days": days, "end": str(end), "scale": scale, "synthetic": True},
        "actor": RequestContext.system("demo").actor,
    }
    advance = stage("Guardando escenario", len(frame)) if stage else None
    batch_id, imported, _dups = store.write_batch(
        engine,
        frame=frame,
        meta=meta,
        rows_read=len(frame),
        rejected=0,
        ctx=RequestContext.system("demo"),
        progress=advance,
        event=DEMO_SEEDED,
    )
    return SeedResult(batch_id, imported, reused=False)


def to_store_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    lat = incidents["latitude"].to_numpy(np.float64)
    lon = incidents["longitude"].to_numpy(np.float64)
    cells = hexgrid.cells(lat, lon)
    now = pd.Timestamp(utcnow())
    # Recent incidents are still open, so the operational picture has work in it.
    recent = (now - incidents["occurred_at"]) < pd.Timedelta(hours=6)
    status = np.where(recent, Status.RECEIVED.value, Status.CLEARED.value)
    return incidents.assign(
        dedup_key="demo:" + incidents["external_id"],
        status=status,
        h3_cell=cells,
        h3_r9=hexgrid.parents(cells, 9),
        district_ubigeo=geo.locate(lon, lat),
        created_by=RequestContext.system("demo").actor,
    )


# Demo users: one per role, random passwords written to a file only its owner can read.
DEMO_USERS = [
    ("despachador", "PNP", ["dispatcher"], 1),
    ("comandante", "PNP", ["commander"], 2),
    ("analista", "PNP", ["crime_analyst"], 1),
    ("inteligencia", "PNP", ["intel_analyst"], 3),
    ("frontera", "PNP", ["border_officer"], 1),
    ("auditora", "DP", ["auditor"], 2),
    ("defensoria", "DP", ["ombudsman"], 2),
    ("fiscalia", "MP", ["prosecutor"], 2),
    ("inspectoria", "PNP", ["internal_affairs"], 2),
    ("enlace", "PNP", ["citizen_liaison"], 1),
    ("agente", "PNP", ["field_officer"], 0),
    ("admin", "PNP", ["admin"], 3),
]


# What each demo user is for, shown on the login page of a demo store (Spanish, English).
DEMO_PURPOSES: dict[str, str] = {
    "despachador": N_(
        "Despacho: la cola de incidentes, recomendar y despachar unidades (Frente Policial Lima "
        "y Callao)"
    ),
    "comandante": N_(
        "Comando conjunto: el árbol de mando, órdenes a unidades policiales y militares, bases "
        "legales"
    ),
    "analista": N_("Análisis criminal: el mapa, la lista de incidentes, el pronóstico de riesgo"),
    "inteligencia": N_("Inteligencia: redes de extorsión y los casos CASO-DEMO-0001 y 0002"),
    "frontera": N_("Control fronterizo: consultas de frontera"),
    "auditora": N_(
        "Control externo (Defensoría del Pueblo): el registro de auditoría y sus pruebas"
    ),
    "defensoria": N_(
        "Defensoría del Pueblo: la mesa de supervisión (uso de la fuerza, plazos, quejas, "
        "alertas), sus notas, contrafirmar puntos de control"
    ),
    "fiscalia": N_(
        "Fiscalía: informes de uso de la fuerza derivados (muertes, lesiones graves), órdenes "
        "y bases legales"
    ),
    "inspectoria": N_(
        "Inspectoría (asuntos internos): revisar informes, quejas, umbrales y alertas de "
        "intervención temprana"
    ),
    "enlace": N_(
        "Enlace ciudadano: la bandeja de denuncias anónimas, responder al denunciante, "
        "convertir en incidente o cerrar"
    ),
    "agente": N_(
        "Aplicación de campo en el teléfono (/campo): una unidad de la Comisaría San Juan de "
        "Lurigancho (elija PNP-150132-P1 u otra al iniciar el turno)"
    ),
    "admin": N_("Administración: usuarios, roles y tokens"),
}


def demo_accounts(db: Any, lang: str = "es") -> list[dict[str, Any]]:
    """The demo users present in this store (made by `kuntur demo users`), with what each
    is for and whether it needs a second-factor code; never their passwords."""
    from kuntur.identity.models import User

    names = [u for u, _a, _r, _c in DEMO_USERS]
    rows = db.execute(
        select(User.username, User.display_name, User.totp_sealed, User.totp_secret).where(
            User.username.in_(names), User.disabled.is_(False)
        )
    ).all()
    found = {r[0]: r for r in rows if str(r[1]).endswith("(DEMO)")}
    return [
        {
            "username": name,
            "purpose": render(DEMO_PURPOSES[name], lang),
            "totp": bool(found[name][2] or found[name][3]),
        }
        for name in names
        if name in found
    ]


DEMO_DESKS = {
    "comandante": "Comando Conjunto PNP - FF. AA.",
    "despachador": "Frente Policial Lima y Callao",
    "agente": "Comisaría San Juan de Lurigancho",  # the field officer's station
}


def _demo_node(db: Any, name: str | None) -> int | None:
    from kuntur.command.models import CommandUnit

    if name is None:
        return None
    return db.scalar(select(CommandUnit.id).where(CommandUnit.name == name).limit(1))


def seed_users(engine: Engine, credentials: Path) -> list[tuple[str, str, str | None]]:
    """Create the demo users once; returns (username, password, totp secret) rows, read
    back from ``credentials`` on later runs."""
    import json
    import os
    import secrets

    from sqlalchemy.orm import Session

    from kuntur.identity import service as identity

    if credentials.exists():
        return [tuple(row) for row in json.loads(credentials.read_text())]
    rows: list[tuple[str, str, str | None]] = []
    ctx = RequestContext.system("demo")
    with Session(engine) as db, db.begin():
        for username, agency, roles, clearance in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user, secret = identity.create_user(
                db,
                ctx,
                username=username,
                password=password,
                display_name=f"{username.title()} (DEMO)",
                agency=agency,
                roles=roles,
                clearance=clearance,
            )
            # Their desk in the demo command tree (if seeded): the commander sits at the
            # joint command, the dispatcher at the Lima front (orders go down from there).
            user.unit_id = _demo_node(db, DEMO_DESKS.get(username))
            rows.append((username, password, secret))
    credentials.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(credentials, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(rows, fh)
    return rows


# Demo cases: an analyst's purpose is an open case they are a member of, so the demo analyst
# gets two on the largest synthetic networks and can try the link chart at once.
DEMO_CASES = [
    ("CASO-DEMO-0001", "Red de cobros por Yape (DEMO, datos sintéticos)"),
    ("CASO-DEMO-0002", "Segunda red de extorsión (DEMO, datos sintéticos)"),
]


def seed_cases(engine: Engine, analyst: str = "inteligencia") -> list[str]:
    """Open the demo cases once (as the system, on the largest networks) with ``analyst`` as
    their member; returns the case numbers. Nothing when the analyst or the networks are
    missing (`kuntur intel index` links the reports)."""
    from sqlalchemy.orm import Session

    from kuntur.identity.models import User
    from kuntur.intelligence import cases
    from kuntur.intelligence import service as intelligence
    from kuntur.intelligence.models import Case

    ctx = RequestContext.system("demo")
    numbers = [n for n, _t in DEMO_CASES]
    with Session(engine) as db, db.begin():
        if db.scalar(select(User.id).where(User.username == analyst)) is None:
            return []
        have = set(db.scalars(select(Case.number).where(Case.number.in_(numbers))))
        top = intelligence.ranked(intelligence.readable(Actor(db, ctx)), limit=len(DEMO_CASES))
        out = []
        for (number, title), net in zip(DEMO_CASES, top, strict=False):
            if number not in have:
                case = cases.open_case(
                    Actor(db, ctx), number=number, title=title, network=net["network"]
                )
                cases.add_member(Actor(db, ctx), case.id, analyst)
            out.append(number)
    return out
