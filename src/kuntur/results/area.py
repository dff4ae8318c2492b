"""An intervention drawn as a polygon (a market, a corridor, a housing estate) rather than
whole districts: the GeoJSON checked, the ring around it where displaced crime would go,
and each event assigned to the zone, the ring or the rest of its district.

A polygon is evaluated as a unit of its own: its events against the untreated districts'
(less the zone and the ring, whose events are theirs), and the displacement estimate on
the ring, a band of ``RING_M`` metres around it (the outer end of the catchment areas
that displacement studies of hot-spot policing draw: Weisburd et al. 2006, Bowers et al.
2011; docs/decisions/0021).

Pure shapely and pyproj: no web framework, no ORM.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.validation import explain_validity

from kuntur.core.i18n import _
from kuntur.geography.service import SERVED_AREA

# Metres: the UTM zone of the polygon's centre (18S for Lima and Callao, EPSG:32718), so a
# zone drawn over another city's file (`kuntur results evaluate --treated-area`) is
# measured and buffered as truly as one in Lima.
RING_M = 1000.0
MIN_KM2 = 0.01  # one block: a smaller zone holds too few events to count anything
MAX_KM2 = 500.0  # larger than most districts: draw districts instead
MAX_VERTICES = 5000
ZONE = "zona"  # the unit labels the evaluation reports
RING = "entorno"


@functools.lru_cache(maxsize=16)
def _transformers(epsg: int) -> tuple[Transformer, Transformer]:
    crs = f"EPSG:{epsg}"
    return (
        Transformer.from_crs("EPSG:4326", crs, always_xy=True),
        Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
    )


def utm_epsg(lon: float, lat: float) -> int:
    """The WGS 84 UTM zone's EPSG code at a point (32718 for Lima)."""
    zone = min(60, max(1, int((lon + 180.0) // 6.0) + 1))
    return (32700 if lat < 0 else 32600) + zone


class AreaError(ValueError):
    """A polygon that cannot be an intervention's area; the message says what to fix."""


def _geometry(obj: Any) -> dict[str, Any]:
    """The one geometry in a GeoJSON geometry, Feature or one-feature FeatureCollection."""
    if not isinstance(obj, dict):
        raise AreaError(_("area: se esperaba un objeto GeoJSON (Polygon o MultiPolygon)"))
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features") or []
        if len(features) != 1:
            raise AreaError(
                _(
                    "area: la colección debe tener un solo polígono, tiene {count}",
                    count=len(features),
                )
            )
        return _geometry(features[0])
    if kind == "Feature":
        return _geometry(obj.get("geometry"))
    if kind not in ("Polygon", "MultiPolygon"):
        raise AreaError(_("area: tipo {kind!r}; se espera Polygon o MultiPolygon", kind=kind))
    return obj


def parse(
    obj: Any, *, within: tuple[float, float, float, float] | None = SERVED_AREA
) -> Polygon | MultiPolygon:
    """A checked polygon (longitude, latitude) from GeoJSON, or AreaError naming the fault.

    ``within`` (min lon, min lat, max lon, max lat): where it must lie; Peru by default,
    None for a file of another place (only longitude and latitude ranges are checked)."""
    geom_json = _geometry(obj)
    try:
        geom = shape(geom_json)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise AreaError(_("area: coordenadas ilegibles ({error})", error=str(exc))) from exc
    if not isinstance(geom, Polygon | MultiPolygon) or geom.is_empty:
        raise AreaError(_("area: el polígono está vacío"))
    n = shapely.get_num_coordinates(geom)
    if n > MAX_VERTICES:
        raise AreaError(
            _("area: {count} vértices; como máximo {limit}", count=n, limit=MAX_VERTICES)
        )
    x0, y0, x1, y1 = geom.bounds
    if not (-180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90):
        raise AreaError(_("area: las coordenadas deben ser longitud, latitud (WGS 84)"))
    if within is not None:
        sx0, sy0, sx1, sy1 = within
        if not (sx0 < x0 <= x1 < sx1 and sy0 < y0 <= y1 < sy1):
            raise AreaError(
                _("area: fuera del Perú; las coordenadas deben ser longitud, latitud (WGS 84)")
            )
    if not geom.is_valid:
        raise AreaError(_invalid(explain_validity(geom)))
    km2 = area_km2(geom)
    if not MIN_KM2 <= km2 <= MAX_KM2:
        shown = f"{km2:.3f}"
        raise AreaError(
            _(
                "area: {km2} km²; debe medir entre {lo} y {hi} km²",
                km2=shown,
                lo=MIN_KM2,
                hi=int(MAX_KM2),
            )
        )
    return geom


def _invalid(why: str) -> str:
    """GEOS's reason (e.g. ``Self-intersection[-77.01 -12.05]``) in words, with where."""
    found = re.search(r"\[(-?[\d.]+) (-?[\d.]+)", why)
    near = f"{float(found[2]):.5f}, {float(found[1]):.5f}" if found else "?"
    if "intersection" in why.lower():
        return _(
            "area: los bordes del polígono se cruzan cerca de {near}; dibújelo sin cruces",
            near=near,
        )
    return _("area: polígono inválido cerca de {near} ({why})", near=near, why=why)


def to_text(geom: Polygon | MultiPolygon) -> str:
    return json.dumps(mapping(geom), separators=(",", ":"))


def from_text(text: str) -> Polygon | MultiPolygon:
    geom = shape(json.loads(text))
    assert isinstance(geom, Polygon | MultiPolygon)
    return geom


def _metric(geom: Any, epsg: int | None = None) -> tuple[Any, int]:
    """The geometry in metres (its own UTM zone, or ``epsg``) and that zone's code."""
    if epsg is None:
        c = geom.centroid
        epsg = utm_epsg(c.x, c.y)
    to_m, _back = _transformers(epsg)
    return shapely.transform(geom, to_m.transform, interleaved=False), epsg


def area_km2(geom: Polygon | MultiPolygon) -> float:
    return float(_metric(geom)[0].area) / 1e6


def zone_km2(text: str | None) -> float | None:
    """A stored zone's area in km² to two decimals, None for whole districts."""
    return round(area_km2(from_text(text)), 2) if text else None


def ring(geom: Polygon | MultiPolygon, metres: float = RING_M) -> Any:
    """The band ``metres`` wide around the polygon (longitude, latitude)."""
    zone_m, epsg = _metric(geom)
    band = zone_m.buffer(metres).difference(zone_m)
    return shapely.transform(band, _transformers(epsg)[1].transform, interleaved=False)


def assign(
    lon: np.ndarray, lat: np.ndarray, units: np.ndarray, geom: Polygon | MultiPolygon
) -> np.ndarray:
    """Each event's unit: ``ZONE`` inside the polygon, ``RING`` in the band around it, its
    own district otherwise (the districts then count only what is outside both)."""
    around = ring(geom)
    out = np.asarray(units, dtype=object).copy()
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    out[shapely.contains_xy(around, lon, lat)] = RING
    out[shapely.contains_xy(geom, lon, lat)] = ZONE
    return out


def districts_covered(
    geom: Polygon | MultiPolygon, districts: dict[str, Any], *, share: float = 0.01
) -> list[str]:
    """The districts (code -> GeoJSON geometry) holding at least ``share`` of the polygon."""
    total = geom.area
    out = []
    for code, g in districts.items():
        other = shape(g).buffer(0)
        if other.intersects(geom) and other.intersection(geom).area >= share * total:
            out.append(code)
    return sorted(out)
