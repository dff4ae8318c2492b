"""Load the geography data shipped in ``data/`` (gzip-compressed GeoJSON and CSV).

Sources (see NOTICE): Lima/Callao polygons from joseluisq/peru-geojson-datasets
(IGN) with INEI census 2017 attributes via jmcastagnetto/ubigeo-peru-aumentado;
national district table from the same; department, province and district
polygons from juaneladio/peru-geojson (INEI 2007 limits).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from kuntur.geography.names import accented_forms, spanish_name

LIMA_CALLAO = "lima_callao_districts.geojson.gz"
DISTRICTS_TABLE = "districts_peru.csv.gz"
DEPARTMENTS = "peru_departamental.geojson.gz"
PROVINCES = "peru_provincial.geojson.gz"
DISTRICTS_NATIONAL = "peru_distrital.geojson.gz"


@dataclass(frozen=True)
class District:
    """One INEI district. ``poverty_pct`` is a percentage (0-100)."""

    ubigeo: str
    name: str
    province: str
    department: str
    capital: str
    latitude: float | None
    longitude: float | None
    area_km2: float | None
    population_2017: int | None
    idh_2019: float | None
    poverty_pct: float | None
    lima_callao: bool


def _read(name: str) -> bytes:
    return gzip.decompress(resources.files("kuntur.geography").joinpath("data", name).read_bytes())


def read_geojson(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read(name))
    return data


def _num(text: str | None) -> float | None:
    # The source marks unknown figures as "NA" or "S.I." (sin información).
    try:
        return float(text) if text else None
    except ValueError:
        return None


def read_districts() -> list[District]:
    """All districts of Peru; Lima and Callao names and figures from the detailed set."""
    lima = {
        f["properties"]["ubigeo"]: f["properties"] for f in read_geojson(LIMA_CALLAO)["features"]
    }
    rows = list(csv.DictReader(io.StringIO(_read(DISTRICTS_TABLE).decode("utf-8"))))
    # The table spells names in capitals without accents; its capitals are spelled
    # properly, and their words give the accents ("MARIA" -> "María").
    forms = accented_forms([r["capital"] for r in rows])
    out: list[District] = []
    for row in rows:
        ub = row["ubigeo"].zfill(6)
        if not ub.isdigit():  # the source carries one placeholder row ("0000NA")
            continue
        props = lima.get(ub)
        pop = _num(row["population_2017"])
        out.append(
            District(
                ubigeo=ub,
                name=spanish_name(row["district"], forms),
                province=spanish_name(row["province"], forms),
                department=spanish_name(row["department"], forms),
                capital=row["capital"],
                latitude=_num(row["latitude"]),
                longitude=_num(row["longitude"]),
                area_km2=_num(row["area_km2"]),
                population_2017=int(pop) if pop is not None else None,
                idh_2019=_num(row["idh_2019"]),
                poverty_pct=_num(row["poverty_pct"]),
                lima_callao=props is not None,
            )
        )
    return out
