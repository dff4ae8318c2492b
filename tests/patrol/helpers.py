"""What the patrol tests check against, written apart from the code under test: a plain
haversine, coverage by brute force and every plan of a small instance enumerated."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

import numpy as np

R_EARTH = 6_371_008.8


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R_EARTH * math.asin(min(1.0, math.sqrt(a)))


def cover_sets(
    demand: Sequence[tuple[float, float]], sites: Sequence[tuple[float, float]], radius: float
) -> list[set[int]]:
    """For each demand point, the sites within ``radius`` metres."""
    return [
        {j for j, (b, c) in enumerate(sites) if haversine(a, o, b, c) <= radius} for a, o in demand
    ]


def covered_weight(sets: list[set[int]], weights: Sequence[float], chosen: set[int]) -> float:
    return sum(w for s, w in zip(sets, weights, strict=True) if s & chosen)


def dense(sets: list[set[int]], m: int) -> np.ndarray:
    out = np.zeros((len(sets), m), dtype=bool)
    for i, s in enumerate(sets):
        out[i, list(s)] = True
    return out


def city(
    n: int, m: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Demand in a few clusters around Lima and candidate sites among them."""
    rng = np.random.default_rng(seed)
    centres = np.column_stack(
        (-12.05 + rng.uniform(-0.05, 0.05, 6), -77.03 + rng.uniform(-0.05, 0.05, 6))
    )
    k = rng.integers(0, 6, n)
    lat = centres[k, 0] + rng.normal(0, 0.01, n)
    lon = centres[k, 1] + rng.normal(0, 0.01, n)
    ks = rng.integers(0, 6, m)
    s_lat = centres[ks, 0] + rng.normal(0, 0.015, m)
    s_lon = centres[ks, 1] + rng.normal(0, 0.015, m)
    return lat, lon, rng.lognormal(0, 1, n), s_lat, s_lon


def allocations(m: int, count: int, cap: int) -> Iterator[tuple[int, ...]]:
    """Every way to put ``count`` units on ``m`` sites, at most ``cap`` on one (counts)."""
    for combo in itertools.combinations_with_replacement(range(m), count):
        units = tuple(combo.count(j) for j in range(m))
        if max(units, default=0) <= cap:
            yield units
