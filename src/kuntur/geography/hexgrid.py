"""H3 cell indexes for incidents: a fine resolution for storage, coarse ones for maps.

Resolution 11 (edge about 25 m) is the stored cell: finer than any street
address we receive. Maps aggregate to 7 (city), 8 (district) and 9 (neighbourhood).
Cells are stored as signed 64-bit integers (the top bit of an H3 index is always 0).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

import h3
import h3.api.basic_int as h3_int
import numpy as np
import numpy.typing as npt

STORAGE_RES = 11
INDEX_RES = 9  # stored beside the fine cell; maps roll coarser cells up from it
AGGREGATE_RES = (7, 8, 9)


def cells(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], res: int = STORAGE_RES
) -> npt.NDArray[np.int64]:
    """H3 cell of every point (vectorised over the h3 C call; about 1 µs a point).

    Points with a missing coordinate get 0, which is no valid H3 index.
    """
    out = np.zeros(len(lat), dtype=np.int64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    to_cell = h3_int.latlng_to_cell  # the integer API skips a string round trip per point
    out[ok] = [to_cell(a, b, res) for a, b in zip(lat[ok].tolist(), lon[ok].tolist(), strict=True)]
    return out


def parents(cells_: npt.NDArray[np.int64], res: int) -> npt.NDArray[np.int64]:
    """Parent cell at ``res`` for every stored cell, by bit arithmetic on the index.

    An H3 index keeps its resolution in bits 52-55 and one 3-bit digit per
    resolution below it; the parent sets the resolution and fills the unused
    digits with 7. Zero (no cell) stays zero.
    """
    c = cells_.astype(np.uint64)
    res_mask = np.uint64(0xF) << np.uint64(52)
    unused_digits = np.uint64((1 << (3 * (15 - res))) - 1)
    p = (c & ~res_mask) | (np.uint64(res) << np.uint64(52)) | unused_digits
    return np.where(cells_ == 0, 0, p.astype(np.int64))


def centres_within(
    cells_: npt.NDArray[np.int64],
    bbox: tuple[float, float, float, float] | None,
    margin: float = 0.02,
) -> npt.NDArray[np.bool_]:
    """Which cells have their centre inside ``bbox`` (grown by ``margin`` degrees)."""
    if bbox is None:
        return np.ones(len(cells_), dtype=bool)
    centres = np.array([_centre(c) for c in cells_.tolist()], dtype=np.float64).reshape(-1, 2)
    lat, lon = centres[:, 0], centres[:, 1]
    min_lon, min_lat, max_lon, max_lat = bbox
    return (
        (lon >= min_lon - margin)
        & (lon <= max_lon + margin)
        & (lat >= min_lat - margin)
        & (lat <= max_lat + margin)
    )


@lru_cache(maxsize=1 << 17)
def _centre(cell: int) -> tuple[float, float]:
    """(lat, lon) of a cell's centre; the map asks for the same few thousand cells again."""
    return h3_int.cell_to_latlng(cell) if cell else (np.nan, np.nan)


def descendant_range(cell: int, res: int = INDEX_RES) -> tuple[int, int]:
    """Integer range holding every descendant of ``cell`` at ``res``.

    Descendants share the parent's digits; the digits between the two
    resolutions vary (0-6) and the rest stay 7. So the stored ``h3_r9`` values
    under a coarse cell form one contiguous range, and an ordinary B-tree index
    on ``h3_r9`` becomes a spatial index.
    """
    parent_res = (cell >> 52) & 0xF
    base = (cell & ~(0xF << 52)) | (res << 52)
    free = 0
    for digit in range(parent_res + 1, res + 1):
        free |= 0b111 << (3 * (15 - digit))
    return base & ~free, base | free


def bbox_ranges(
    bbox: tuple[float, float, float, float], max_ranges: int = 12
) -> list[tuple[int, int]] | None:
    """Disjoint, sorted ranges of ``h3_r9`` values that hold every cell touching ``bbox``.

    The box is covered by the finest cells (at most ``max_ranges`` of them) that
    overlap it, and each cover cell's descendants form one range. A 4 x 3 km view
    becomes about 7 ranges covering 2.5 times its area, where a single min..max
    range spanned half of Lima. None when the box is too large to bother (then
    only the coordinates filter).
    """
    min_lon, min_lat, max_lon, max_lat = bbox
    if max_lon - min_lon > 20 or max_lat - min_lat > 20:
        return None
    cos_lat = max(float(np.cos(np.radians((min_lat + max_lat) / 2))), 0.05)
    area_km2 = max((max_lon - min_lon) * 111.32 * cos_lat * (max_lat - min_lat) * 110.57, 1e-6)
    res = INDEX_RES
    while res > 0 and area_km2 / h3.average_hexagon_area(res, "km^2") > max_ranges / 3:
        res -= 1
    poly = h3.LatLngPoly(
        [(min_lat, min_lon), (min_lat, max_lon), (max_lat, max_lon), (max_lat, min_lon)]
    )
    while True:
        cover = h3.h3shape_to_cells_experimental(poly, res, "overlap")
        if not cover:  # degenerate box (a point): the cell holding it
            cover = [h3.latlng_to_cell(min_lat, min_lon, res)]
        ranges: list[tuple[int, int]] = []
        for lo, hi in sorted(descendant_range(h3.str_to_int(c)) for c in cover):
            if ranges and lo <= ranges[-1][1] + 1:
                ranges[-1] = (ranges[-1][0], max(hi, ranges[-1][1]))
            else:
                ranges.append((lo, hi))
        if len(ranges) <= max_ranges or res == 0:
            return ranges
        res -= 1


def to_hex(cell: int) -> str:
    return h3.int_to_str(cell)


def boundary_lonlat(cell: int) -> list[list[float]]:
    """Closed GeoJSON ring (lon, lat) of a cell, to 6 decimals (about 10 cm)."""
    ring = [[round(lon, 6), round(lat, 6)] for lat, lon in h3_int.cell_to_boundary(cell)]
    ring.append(ring[0])
    return ring


def cells_geojson(counts: Iterable[tuple[int, int]]) -> dict[str, object]:
    features = [
        {
            "type": "Feature",
            "id": to_hex(cell),
            "geometry": {"type": "Polygon", "coordinates": [boundary_lonlat(cell)]},
            "properties": {"cell": to_hex(cell), "count": count},
        }
        for cell, count in counts
    ]
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=1 << 16)
def _feature_head(cell: int) -> str:
    """A cell's GeoJSON feature as JSON text up to its count: outlines never change, so
    each is computed and encoded once per process (Lima has about 16,000 cells at
    resolution 9, 3,000 at 8), not on every map request."""
    cid = to_hex(cell)
    ring = json.dumps(boundary_lonlat(cell), separators=(",", ":"))
    return (
        f'{{"type":"Feature","id":"{cid}","geometry":{{"type":"Polygon","coordinates":'
        f'[{ring}]}},"properties":{{"cell":"{cid}","count":'
    )


def cells_geojson_features_text(counts: Iterable[tuple[int, int]]) -> str:
    """The ``features`` array of ``cells_geojson`` as JSON text, the same document."""
    return "[" + ",".join(f"{_feature_head(c)}{int(n)}}}}}" for c, n in counts) + "]"
