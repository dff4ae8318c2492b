"""A small seeded world for patrol plans: a command tree (a police front with two stations,
an army detachment), five units, a state of emergency over Cercado and Rímac, and a stored
forecast whose cells lie at known places (written straight into the store, so the plan's
demand is known apart from the forecasting code)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from pyproj import Transformer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.command import service as command
from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.forecasting.models import Forecast, ForecastCell
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor

SYSTEM = RequestContext.system("test")
CRS = "EPSG:32718"
CELL = 250.0
# Hot spots: (lon, lat, risk over the 7-day horizon, district).
SPOTS = [
    (-77.0300, -12.0460, 7.0, "150101"),  # Plaza de Armas, Cercado
    (-77.0280, -12.0440, 5.0, "150101"),
    (-77.0360, -12.0560, 4.0, "150101"),
    (-77.0270, -12.0330, 6.0, "150128"),  # Rímac
    (-77.0200, -12.0280, 3.0, "150128"),
    (-77.0500, -12.0900, 6.5, "150122"),  # Miraflores area: outside the emergency
    (-77.0520, -12.0920, 2.5, "150122"),
    (-76.9800, -12.0600, 1.0, "150103"),  # Ate side, far from everyone
]


@dataclass
class World:
    joint: int
    front: int
    station_a: int
    station_b: int
    army: int
    units: dict[str, int]
    emergency: int
    forecast: int
    cells: list[tuple[int, float, float, float, str]]  # cell, centre lon, lat, risk, district


def _grid_cells() -> tuple[float, float, int, int, list[tuple[int, float, float, float, str]]]:
    to_utm = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    back = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    xs, ys = to_utm.transform([s[0] for s in SPOTS], [s[1] for s in SPOTS])
    x0 = np.floor(min(xs) / CELL) * CELL - 10 * CELL
    y0 = np.floor(min(ys) / CELL) * CELL - 10 * CELL
    nx = int((max(xs) - x0) // CELL) + 11
    ny = int((max(ys) - y0) // CELL) + 11
    out = []
    for (_lon, _lat, risk, district), x, y in zip(SPOTS, xs, ys, strict=True):
        col, row = int((x - x0) // CELL), int((y - y0) // CELL)
        clon, clat = back.transform(x0 + (col + 0.5) * CELL, y0 + (row + 0.5) * CELL)
        out.append((row * nx + col, float(clon), float(clat), risk, district))
    return float(x0), float(y0), nx, ny, out


def build(
    engine: Engine, *, exclude_discovered: bool = True, army_home: tuple[float, float] | None = None
) -> World:
    now = utcnow()
    with Session(engine) as db, db.begin():
        identity.ensure_agencies(db)
        db.flush()
        actor = Actor(db, SYSTEM)
        t = command.create_tree(
            actor,
            [
                ("joint", "Comando Conjunto", "PNP", "joint_command", None, None),
                ("front", "Frente Lima", "PNP", "front", "joint", None),
                ("a", "Comisaría Cercado", "PNP", "station", "front", "150101"),
                ("b", "Comisaría Miraflores", "PNP", "station", "front", "150122"),
                ("army", "Destacamento Lima", "EP", "division", "joint", None),
            ],
        )
        spec = command.UnitSpec
        ahome = army_home or (-77.0300, -12.0380)
        specs = [
            spec("PNP-A-P1", "PNP", "patrol_car", t["a"].id, -77.0330, -12.0480),
            spec("PNP-A-M1", "PNP", "motorcycle", t["a"].id, -77.0310, -12.0470),
            spec("PNP-B-P1", "PNP", "patrol_car", t["b"].id, -77.0300, -12.1100),
            spec("PNP-B-P2", "PNP", "patrol_car", t["b"].id, -77.0320, -12.1120),
            spec("EP-PEL-1", "EP", "military_platoon", t["army"].id, *ahome, ("firearms",), 30),
        ]
        units = {s.call_sign: command.create_unit(actor, s).id for s in specs}
        emergency = command.create_authorization(
            actor,
            kind="state_of_emergency",
            number="DS 9-2026-PCM",
            starts_at=now - timedelta(days=5),
            ends_at=now + timedelta(days=30),
            forces_role="support",
            districts=["150101", "150128"],
            area_label="Cercado y Rímac",
            restricted_rights=["movement"],
        )
        x0, y0, nx, ny, cells = _grid_cells()
        f = Forecast(
            created_at=now,
            created_by="system:test",
            method="kde",
            chosen="kde (test)",
            params=json.dumps({}),
            categories="[]",
            region=None,
            exclude_discovered=exclude_discovered,
            data_version="test",
            events_used=100,
            cell_size=CELL,
            crs=CRS,
            x0=x0,
            y0=y0,
            nx=nx,
            ny=ny,
            area_cells=nx * ny,
            horizon_days=7.0,
            valid_from=now - timedelta(hours=1),
            valid_until=now + timedelta(days=7),
            fairness="{}",
        )
        db.add(f)
        db.flush()
        ranked = sorted(cells, key=lambda c: -c[3])
        for rank, (cell, _lon, _lat, risk, district) in enumerate(ranked, start=1):
            db.add(
                ForecastCell(
                    forecast_id=f.id,
                    cell=cell,
                    rank=rank,
                    level="high",
                    risk=risk,
                    recent_events=1,
                    year_events=5,
                    long_term_per_year=5.0,
                    district_ubigeo=district,
                )
            )
        return World(
            t["joint"].id,
            t["front"].id,
            t["a"].id,
            t["b"].id,
            t["army"].id,
            units,
            emergency.id,
            f.id,
            cells,
        )


def shift(hours: float = 8.0) -> tuple[datetime, datetime]:
    start = utcnow().replace(microsecond=0) + timedelta(minutes=5)
    return start, start + timedelta(hours=hours)
