"""Geography service: districts by ubigeo or name, point -> district, boundaries.

Everything here is read-only reference data, loaded once per process and cached.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape

from kuntur.geography import boundaries
from kuntur.geography.boundaries import District
from kuntur.geography.names import normalise_name
from kuntur.geography.pointindex import OUTSIDE, PolygonGridIndex

# Grid steps: 0.005 deg (about 550 m) for Lima's small districts, 0.05 deg nationally.
LIMA_STEP = 0.005
NATIONAL_STEP = 0.05
LIMA_CENTER = (-12.05, -77.04)  # lat, lon (Plaza Mayor is at -12.046, -77.030)
# The area the joint command serves: Peru's extent with a margin of some 50 km (border
# crossings, the coastal sea). Incidents outside it are refused at intake; analytics leave
# out any stored before that rule, so one far-off point cannot stretch a grid over an ocean.
SERVED_AREA = (-81.5, -18.5, -68.5, 0.1)  # min lon, min lat, max lon, max lat
SERVED_AREA_NAME = "Perú"


def in_served_area(lon: Any, lat: Any) -> Any:
    """Whether each point lies in the served area (scalars or arrays)."""
    x0, y0, x1, y1 = SERVED_AREA
    return (lon > x0) & (lon < x1) & (lat > y0) & (lat < y1)


@lru_cache(maxsize=1)
def districts() -> dict[str, District]:
    return {d.ubigeo: d for d in boundaries.read_districts()}


def get_district(ubigeo: str) -> District | None:
    return districts().get(ubigeo)


def lima_callao_districts() -> list[District]:
    return sorted((d for d in districts().values() if d.lima_callao), key=lambda d: d.name)


@lru_cache(maxsize=1)
def _name_index() -> dict[str, list[District]]:
    index: dict[str, list[District]] = {}
    for d in districts().values():
        index.setdefault(normalise_name(d.name), []).append(d)
    return index


def find_districts(name: str, *, department: str | None = None) -> list[District]:
    """Districts whose name matches, ignoring case and accents; Lima/Callao first.

    Many district names repeat across Peru (there are several "Santa Rosa"), so
    the answer is a list; ``department`` narrows it.
    """
    found = list(_name_index().get(normalise_name(name), []))
    if department:
        dep = normalise_name(department)
        found = [d for d in found if normalise_name(d.department) == dep]
    return sorted(found, key=lambda d: (not d.lima_callao, d.ubigeo))


@lru_cache(maxsize=1)
def _lima_index() -> tuple[PolygonGridIndex, npt.NDArray[np.object_]]:
    feats = boundaries.read_geojson(boundaries.LIMA_CALLAO)["features"]
    polys = [shape(f["geometry"]) for f in feats]
    codes = np.array([f["properties"]["ubigeo"] for f in feats], dtype=object)
    return PolygonGridIndex(polys, LIMA_STEP), codes


@lru_cache(maxsize=1)
def _national_index() -> tuple[PolygonGridIndex, npt.NDArray[np.object_]]:
    feats = [
        f
        for f in boundaries.read_geojson(boundaries.DISTRICTS_NATIONAL)["features"]
        if f.get("geometry")
    ]
    polys = [shapely.make_valid(shape(f["geometry"])) for f in feats]
    codes = np.array([f["properties"]["IDDIST"] for f in feats], dtype=object)
    return PolygonGridIndex(polys, NATIONAL_STEP), codes


def locate(lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Ubigeo of the district holding each point, or None (outside Peru, or no polygon).

    Lima and Callao use their detailed polygons; the rest of Peru the national
    (INEI 2007) ones. Vectorised: a million points in well under a few seconds.
    """
    x = np.asarray(lon, dtype=np.float64)
    y = np.asarray(lat, dtype=np.float64)
    out = np.full(len(x), None, dtype=object)
    lima, lima_codes = _lima_index()
    hit = lima.lookup(x, y)
    found = hit != OUTSIDE
    out[found] = lima_codes[hit[found]]
    rest = np.nonzero(~found)[0]
    # Only points inside Peru's bounding box go on to the national polygons.
    rest = rest[(x[rest] > -81.5) & (x[rest] < -68.5) & (y[rest] > -18.5) & (y[rest] < 0.1)]
    if len(rest):
        national, national_codes = _national_index()
        hit = national.lookup(x[rest], y[rest])
        found = hit != OUTSIDE
        out[rest[found]] = national_codes[hit[found]]
    return out


def locate_one(lon: float, lat: float) -> str | None:
    result: str | None = locate([lon], [lat])[0]
    return result


@lru_cache(maxsize=4)
def lima_callao_geojson(simplify_m: float = 0.0) -> dict[str, Any]:
    """District polygons of Lima and Callao with census figures, for the base map.

    ``simplify_m`` > 0 simplifies outlines (about that many metres) for the web.
    """
    data = boundaries.read_geojson(boundaries.LIMA_CALLAO)
    if simplify_m > 0:
        tolerance = simplify_m / 111_000.0
        for feat in data["features"]:
            geom = shapely.simplify(shape(feat["geometry"]), tolerance, preserve_topology=True)
            feat["geometry"] = shapely.geometry.mapping(geom)
    return data


@lru_cache(maxsize=2)
def admin_geojson(level: str) -> dict[str, Any]:
    """Department or province polygons of Peru (``level``: departments | provinces)."""
    name = {"departments": boundaries.DEPARTMENTS, "provinces": boundaries.PROVINCES}[level]
    return boundaries.read_geojson(name)


@lru_cache(maxsize=1)
def _district_shapes() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in boundaries.read_geojson(boundaries.DISTRICTS_NATIONAL)["features"]:
        if f.get("geometry"):
            out[f["properties"]["IDDIST"]] = f["geometry"]
    for f in boundaries.read_geojson(boundaries.LIMA_CALLAO)["features"]:  # the finer ones
        out[f["properties"]["ubigeo"]] = f["geometry"]
    return out


def district_geometry(ubigeo: str) -> dict[str, Any] | None:
    """The district's boundary as GeoJSON geometry (lon/lat), or None if unknown."""
    return _district_shapes().get(ubigeo)
