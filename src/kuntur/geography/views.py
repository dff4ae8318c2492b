"""Geography API: boundaries for the base map and district look-ups."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from kuntur.core.errors import NotFound
from kuntur.core.i18n import _
from kuntur.core.web import UnitOfWorkRoute
from kuntur.geography import service
from kuntur.geography.schemas import (
    DepartmentBoundaries,
    DistrictOut,
    LimaCallaoBoundaries,
    Located,
    ProvinceBoundaries,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/geography", tags=["geography"])


@router.get("/districts", response_model=list[DistrictOut])
def districts(
    q: Annotated[str | None, Query(description="name, any case or accents")] = None,
    lima_callao: bool = False,
) -> list[dict[str, Any]]:
    """Districts (INEI ubigeo, census 2017 population, poverty %), optionally by name."""
    if q:
        found = service.find_districts(q)
    elif lima_callao:
        found = service.lima_callao_districts()
    else:
        found = sorted(service.districts().values(), key=lambda d: d.ubigeo)
    return [asdict(d) for d in found]


@router.get("/districts/{ubigeo}", response_model=DistrictOut)
def district(ubigeo: str) -> dict[str, Any]:
    found = service.get_district(ubigeo)
    if found is None:
        raise NotFound(_("no hay distrito con el ubigeo {ubigeo!r}", ubigeo=ubigeo))
    return asdict(found)


@router.get("/boundaries/lima-callao", response_model=LimaCallaoBoundaries)
def lima_callao_boundaries() -> dict[str, Any]:
    """District polygons of Lima Metropolitana and Callao (simplified to about 15 m)."""
    return service.lima_callao_geojson(simplify_m=15.0)


@router.get("/boundaries/{level}", response_model=DepartmentBoundaries | ProvinceBoundaries)
def admin_boundaries(level: str) -> dict[str, Any]:
    if level not in ("departments", "provinces"):
        raise NotFound(_("hay límites para: lima-callao, departments, provinces"))
    return service.admin_geojson(level)


@router.get("/locate", response_model=Located)
def locate(
    lat: Annotated[float, Query(ge=-90, le=90)], lon: Annotated[float, Query(ge=-180, le=180)]
) -> dict[str, Any]:
    ubigeo = service.locate_one(lon, lat)
    found = service.get_district(ubigeo) if ubigeo else None
    return {"ubigeo": ubigeo, "district": asdict(found) if found else None}
