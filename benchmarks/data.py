"""Benchmark data: a CSV of N synthetic incidents in Lima, written the way real exports are.

Points follow the demo scenario's districts (so most fall in Lima and Callao
and need the district lookup), times are ISO 8601 local, labels are Spanish
SIDPOL-style, ids are unique. Deterministic for a given ``n`` and ``seed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

LABELS = [
    "HURTO",
    "ROBO AGRAVADO",
    "EXTORSION",
    "HOMICIDIO CALIFICADO",
    "MICROCOMERCIALIZACION DE DROGAS",
    "TENENCIA ILEGAL DE ARMAS",
    "SECUESTRO",
    "TRATA DE PERSONAS",
    "LESIONES",
]
WEIGHTS = np.array([45, 26, 6, 1, 4, 1, 0.5, 0.5, 16.0])


def write_csv(path: Path, n: int, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    lat = np.clip(rng.normal(-12.05, 0.09, n), -12.5, -11.6)
    lon = np.clip(rng.normal(-77.03, 0.06, n), -77.2, -76.7)
    start = np.datetime64("2025-01-01T00:00:00")
    t = start + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "id": np.char.add("D", np.arange(n).astype(str)),
            "fecha_hora": np.datetime_as_string(t, unit="s"),
            "delito": np.array(LABELS)[rng.choice(len(LABELS), n, p=WEIGHTS / WEIGHTS.sum())],
            "latitud": np.round(lat, 6),
            "longitud": np.round(lon, 6),
        }
    )
    frame.to_csv(path, index=False)
    return path


def patrol_car_row(
    i: int, call_sign: str, command_unit_id: int, position_at: Any, now: Any
) -> dict[str, Any]:
    """The ``i``-th synthetic PNP patrol car, available, on a 50-wide grid around central
    Lima (about 200 m apart): the units the TAK and field benchmarks load in bulk."""
    lon, lat = -77.03 + (i % 50) * 0.002, -12.05 + (i // 50) * 0.002
    return {
        "call_sign": call_sign,
        "agency_code": "PNP",
        "unit_type": "patrol_car",
        "capabilities": "",
        "personnel": 2,
        "command_unit_id": command_unit_id,
        "home_lon": lon,
        "home_lat": lat,
        "shift": "24h",
        "status": "available",
        "lon": lon,
        "lat": lat,
        "position_at": position_at,
        "updated_at": now,
    }
