"""H3 helpers against the h3 library's own answers."""

from __future__ import annotations

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
def test_bbox_range_covers_every_point_in_the_box(bbox: tuple[float, float, float, float]) -> None:
    rng = np.random.default_rng(7)
    lon = rng.uniform(bbox[0], bbox[2], 3000)
    lat = rng.uniform(bbox[1], bbox[3], 3000)
    r9 = hexgrid.parents(hexgrid.cells(lat, lon), 9)
    span = hexgrid.bbox_range(bbox)
    assert span is not None
    assert ((r9 >= span[0]) & (r9 <= span[1])).all()


def test_cells_geojson_is_closed_polygons() -> None:
    cell = h3.str_to_int(h3.latlng_to_cell(-12.05, -77.04, 8))
    layer = hexgrid.cells_geojson([(cell, 3)])
    ring = layer["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 7
    assert layer["features"][0]["properties"]["count"] == 3
