"""H3 helpers against the h3 library's own answers."""

from __future__ import annotations

import itertools

import h3
import numpy as np
import pytest

from kuntur.geography import hexgrid


@pytest.fixture
def cells() -> np.ndarray:
    rng = np.random.default_rng(5)
    lat = rng.uniform(-18, 0, 500)
    lon = rng.uniform(-81, -69, 500)
    return hexgrid.cells(lat, lon)


def test_cells_match_h3(cells: np.ndarray) -> None:
    rng = np.random.default_rng(5)
    lat = rng.uniform(-18, 0, 500)
    lon = rng.uniform(-81, -69, 500)
    expected = [h3.str_to_int(h3.latlng_to_cell(a, b, 11)) for a, b in zip(lat, lon)]
    assert cells.tolist() == expected


def test_missing_coordinates_get_no_cell() -> None:
    out = hexgrid.cells(np.array([np.nan, -12.0]), np.array([-77.0, np.nan]))
    assert out.tolist() == [0, 0]


@pytest.mark.parametrize("res", [5, 7, 8, 9, 10])
def test_parents_match_h3(cells: np.ndarray, res: int) -> None:
    expected = [h3.str_to_int(h3.cell_to_parent(h3.int_to_str(c), res)) for c in cells.tolist()]
    assert hexgrid.parents(cells, res).tolist() == expected


def test_descendant_range_holds_exactly_the_children() -> None:
    parent = h3.latlng_to_cell(-12.05, -77.04, 6)
    lo, hi = hexgrid.descendant_range(h3.str_to_int(parent))
    children = [h3.str_to_int(c) for c in h3.cell_to_children(parent, 9)]
    assert all(lo <= c <= hi for c in children)
    neighbours = [
        h3.str_to_int(c) for n in h3.grid_ring(parent, 1) for c in h3.cell_to_children(n, 9)
    ]
    assert not any(lo <= c <= hi for c in neighbours)


@pytest.mark.parametrize(
    "bbox",
    [
        (-77.05, -12.07, -77.01, -12.04),
        (-77.35, -12.55, -76.55, -11.55),
        (-77.0301, -12.0466, -77.0299, -12.0464),  # smaller than one cell
        (-87.9, 41.6, -87.5, 42.0),  # Chicago
    ],
)
def test_bbox_ranges_cover_every_point_in_the_box(bbox: tuple[float, float, float, float]) -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(bbox[0], bbox[2], 3000)
    lat = rng.uniform(bbox[1], bbox[3], 3000)
    r9 = hexgrid.parents(hexgrid.cells(lat, lon), 9)
    ranges = hexgrid.bbox_ranges(bbox)
    assert ranges is not None and 1 <= len(ranges) <= 12
    inside = np.zeros(len(r9), dtype=bool)
    for lo, hi in ranges:
        inside |= (r9 >= lo) & (r9 <= hi)
    assert inside.all()
    assert all(a[1] < b[0] for a, b in itertools.pairwise(ranges))  # sorted and disjoint


def test_bbox_ranges_stay_close_to_the_box() -> None:
    """A 4 x 3 km view must not turn into a scan of half the city."""
    box = (-77.05, -12.065, -77.01, -12.035)
    ranges = hexgrid.bbox_ranges(box)
    assert ranges is not None
    # Sample a 44 x 44 km square around the view: the share of it that falls inside the
    # ranges is the share of the index a query scans.
    rng = np.random.default_rng(2)
    lon = rng.uniform(-77.23, -76.83, 20000)
    lat = rng.uniform(-12.25, -11.85, 20000)
    r9 = hexgrid.parents(hexgrid.cells(lat, lon), 9)
    inside = np.zeros(len(r9), dtype=bool)
    for lo, hi in ranges:
        inside |= (r9 >= lo) & (r9 <= hi)
    box_share = (0.04 * 0.03) / (0.4 * 0.4)
    assert inside.mean() < 5 * box_share, inside.mean() / box_share


def test_huge_boxes_use_no_ranges() -> None:
    assert hexgrid.bbox_ranges((-180, -80, 180, 80)) is None


def test_cells_geojson_is_closed_polygons() -> None:
    cell = h3.str_to_int(h3.latlng_to_cell(-12.05, -77.04, 8))
    layer = hexgrid.cells_geojson([(cell, 3)])
    ring = layer["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7
    assert layer["features"][0]["properties"]["count"] == 3
