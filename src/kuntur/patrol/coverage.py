"""Who covers whom: the demand points within reach of each candidate site.

Reach is straight-line (great-circle) distance or a travel time already computed on the
road network. Distances are haversine on a sphere of radius 6,371,008.8 m (the mean Earth
radius). Coverage sets are built with a KD-tree on 3-D unit vectors, where a great-circle
distance ``d`` is the chord ``2 sin(d / 2R)``: monotone in ``d``, so the tree finds every
pair within reach, and the exact haversine then decides the pairs at the edge.

Pure numpy and scipy: no web or store code (the analytics contract).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike) -> NDArray:
    """Great-circle distance in metres (haversine), broadcast over its arguments."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def unit_vectors(lat: ArrayLike, lon: ArrayLike) -> NDArray:
    """Points on the unit sphere, one row (x, y, z) per point."""
    p, lam = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack((np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)))


def within_radius(
    demand_lat: ArrayLike,
    demand_lon: ArrayLike,
    site_lat: ArrayLike,
    site_lon: ArrayLike,
    radius_m: float,
) -> sparse.csr_matrix:
    """Coverage by distance: a boolean sparse matrix, demand x site, True where the
    great-circle distance is at most ``radius_m``."""
    d_lat, d_lon = np.asarray(demand_lat, dtype=float), np.asarray(demand_lon, dtype=float)
    s_lat, s_lon = np.asarray(site_lat, dtype=float), np.asarray(site_lon, dtype=float)
    n, m = len(d_lat), len(s_lat)
    if n == 0 or m == 0 or radius_m < 0:
        return sparse.csr_matrix((n, m), dtype=bool)
    angle = min(radius_m / EARTH_RADIUS_M, np.pi)
    chord = 2 * np.sin(angle / 2) * (1 + 1e-9) + 1e-12  # a hair wide; haversine decides
    demand_tree = cKDTree(unit_vectors(d_lat, d_lon))
    site_tree = cKDTree(unit_vectors(s_lat, s_lon))
    found = demand_tree.sparse_distance_matrix(site_tree, chord, output_type="ndarray")
    rows, cols = found["i"].astype(np.int64), found["j"].astype(np.int64)
    # Well inside the chord the answer is plain; only the edge band needs the haversine.
    edge = np.flatnonzero(found["v"] > 2 * np.sin(angle / 2) * (1 - 1e-7))
    keep = np.ones(len(rows), dtype=bool)
    r, c = rows[edge], cols[edge]
    keep[edge] = haversine_m(d_lat[r], d_lon[r], s_lat[c], s_lon[c]) <= radius_m
    rows, cols = rows[keep], cols[keep]
    out = sparse.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(n, m))
    out.sum_duplicates()
    return out


def within_time(times: ArrayLike, limit: float) -> sparse.csr_matrix:
    """Coverage by travel time: ``times`` demand x site (seconds on the road network, NaN or
    inf where no route), True where at most ``limit``."""
    t = np.asarray(times, dtype=float)
    return sparse.csr_matrix(np.nan_to_num(t, nan=np.inf) <= limit)
