"""Travel times: a road graph when one is loaded, straight lines with a circuity factor otherwise.

The road graph is a compressed sparse matrix of seconds between OSM nodes
(``RoadGraph.from_osm_geojson`` builds it from an osmnx export; ``save``/``load``
keep it as one ``.npz``). To rank every unit against one incident we run one
Dijkstra from the incident's nearest node over the *reversed* graph: that gives
the time from every node to the incident, and each unit reads its own node's
value. Units off the graph (beyond ``max_snap_m`` from a node) fall back to the
straight line.

Pure: numpy, scipy, pyproj. No ORM, no web.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyproj import Transformer
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from kuntur.command.units import TYPE_ROAD_FACTOR, TYPE_SPEED_KMH

EARTH_M = 6_371_008.8
CIRCUITY = 1.4  # road distance / straight distance in Lima (Boeing & Levinson typical 1.2-1.5)

# OSM highway class -> km/h when maxspeed is missing; then a congestion factor for Lima.
ROAD_DEFAULT_KMH = {
    "motorway": 80.0,
    "trunk": 60.0,
    "primary": 50.0,
    "secondary": 40.0,
    "tertiary": 35.0,
    "residential": 25.0,
    "unclassified": 25.0,
    "living_street": 10.0,
    "service": 15.0,
}
CONGESTION = 0.6


def haversine_m(lon1: np.ndarray, lat1: np.ndarray, lon2: float, lat2: float) -> np.ndarray:
    p1, p2 = np.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2) - np.radians(lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2 * EARTH_M * np.arcsin(np.sqrt(a)), float)


def type_speeds(unit_types: np.ndarray) -> np.ndarray:
    """Straight-line speed (km/h) per unit type; 30 for a type we do not know."""
    return np.array([TYPE_SPEED_KMH.get(str(t), 30.0) for t in unit_types], float)


def straight_line_seconds(
    distance_m: np.ndarray, unit_types: np.ndarray, speeds_kmh: np.ndarray | None = None
) -> np.ndarray:
    speeds = type_speeds(unit_types) if speeds_kmh is None else speeds_kmh
    return np.asarray(distance_m * CIRCUITY / (speeds / 3.6), float)


def _speed_kmh(highway: object, maxspeed: object) -> float:
    text = str(maxspeed or "").split(";")[0].strip()
    if text.replace(".", "", 1).isdigit():
        return float(text)
    kind = highway[0] if isinstance(highway, list) and highway else highway
    return ROAD_DEFAULT_KMH.get(str(kind).removesuffix("_link"), 25.0)


@dataclass
class RoadGraph:
    """Directed road graph: node coordinates and a CSR matrix of travel seconds."""

    lon: np.ndarray
    lat: np.ndarray
    seconds: csr_matrix
    crs: str = "EPSG:32718"
    max_snap_m: float = 300.0

    def __post_init__(self) -> None:
        self._tr = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        x, y = self._tr.transform(self.lon, self.lat)
        self._tree = cKDTree(np.column_stack([x, y]))
        self._reverse = self.seconds.transpose().tocsr()

    @property
    def n_nodes(self) -> int:
        return len(self.lon)

    def snap(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nearest node and the distance to it (metres) for each point."""
        x, y = self._tr.transform(np.asarray(lon, float), np.asarray(lat, float))
        dist, idx = self._tree.query(np.column_stack([np.atleast_1d(x), np.atleast_1d(y)]))
        return np.asarray(idx, np.int64), np.asarray(dist, float)

    def seconds_to(
        self, lon: float, lat: float, from_lon: np.ndarray, from_lat: np.ndarray, types: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Seconds from each origin to (lon, lat) and whether the road graph gave it.

        Access legs (origin -> its node, node -> destination) are driven at the unit's
        straight-line speed over the snap distance.
        """
        out = np.full(len(from_lon), np.inf)
        target, target_snap = self.snap(np.array([lon]), np.array([lat]))
        if target_snap[0] > self.max_snap_m:  # the incident is off this graph: nothing to do
            return out, np.zeros(len(out), bool)
        nodes, snap_m = self.snap(from_lon, from_lat)
        on_graph = snap_m <= self.max_snap_m
        if on_graph.any():
            # One search, capped at an hour: nobody is sent from further away than that.
            to_target = dijkstra(self._reverse, indices=int(target[0]), limit=3600.0)
            factor = np.array([TYPE_ROAD_FACTOR.get(str(t), 1.0) for t in types])
            access = straight_line_seconds(snap_m + target_snap[0], types) / CIRCUITY
            out = np.where(on_graph, to_target[nodes] / factor + access, np.inf)
        return out, on_graph & np.isfinite(out)

    def save(self, path: Path) -> None:
        s = self.seconds.tocoo()
        np.savez_compressed(
            path, lon=self.lon, lat=self.lat, u=s.row, v=s.col, t=s.data, crs=np.array(self.crs)
        )

    @classmethod
    def load(cls, path: Path) -> RoadGraph:
        with np.load(path) as z:
            n = len(z["lon"])
            m = csr_matrix((z["t"], (z["u"], z["v"])), shape=(n, n))
            return cls(z["lon"], z["lat"], m, str(z["crs"]))

    @classmethod
    def from_osm_geojson(cls, nodes_path: Path, edges_path: Path) -> RoadGraph:
        """From osmnx's GeoJSON export: node ``osmid`` with x/y, edges ``u``, ``v``,
        ``length`` (m), ``highway``, ``maxspeed``. Raises ValueError naming what is missing."""
        nodes = json.loads(nodes_path.read_text(encoding="utf-8"))["features"]
        edges = json.loads(edges_path.read_text(encoding="utf-8"))["features"]
        index: dict[int, int] = {}
        lon = np.empty(len(nodes))
        lat = np.empty(len(nodes))
        for i, f in enumerate(nodes):
            p = f["properties"]
            if "osmid" not in p:
                raise ValueError(f"{nodes_path}: node {i} has no osmid")
            index[int(p["osmid"])] = i
            lon[i], lat[i] = f["geometry"]["coordinates"][:2]
        rows, cols, secs = [], [], []
        for i, f in enumerate(edges):
            p = f["properties"]
            try:
                u, v, length = index[int(p["u"])], index[int(p["v"])], float(p["length"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{edges_path}: edge {i}: missing or unknown u/v/length") from exc
            speed = _speed_kmh(p.get("highway"), p.get("maxspeed")) * CONGESTION
            rows.append(u)
            cols.append(v)
            secs.append(length / (speed / 3.6))
        n = len(nodes)
        # Parallel edges keep the fastest (csr sums duplicates, so reduce first).
        best: dict[tuple[int, int], float] = {}
        for u, v, s in zip(rows, cols, secs, strict=True):
            if s < best.get((u, v), math.inf):
                best[(u, v)] = s
        keys = np.array(list(best.keys()), np.int64).reshape(-1, 2)
        m = csr_matrix((np.array(list(best.values())), (keys[:, 0], keys[:, 1])), shape=(n, n))
        return cls(lon, lat, m)
