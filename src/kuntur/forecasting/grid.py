"""Square analysis cells in a projected CRS, and the events placed on them.

Forecasts are scored on square cells of L metres (250 by default) because that
is how the literature reports PAI and hit rates (open_cp, Mohler et al. 2015,
the NIJ challenge): a cell size and an area are part of every number. Points
arrive in longitude/latitude (or a projected CRS) and are projected into the
UTM zone of their median point unless a CRS is given.

Pure numpy + pyproj: no web framework, no ORM.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

SECONDS_PER_DAY = 86_400.0


def utm_crs_for(lon: np.ndarray, lat: np.ndarray) -> str:
    """The WGS 84 / UTM zone (EPSG:326xx north, 327xx south) of the points' median."""
    if len(lon) == 0:
        raise ValueError("no points to choose a projection for")
    mlon, mlat = float(np.median(lon)), float(np.median(lat))
    zone = min(60, max(1, math.floor((mlon + 180.0) / 6.0) + 1))
    return f"EPSG:{32600 + zone if mlat >= 0 else 32700 + zone}"


def is_crs(crs: str) -> bool:
    try:
        CRS.from_user_input(crs)
    except CRSError:
        return False
    return True


def in_metres(crs: str) -> bool:
    """Whether ``crs`` is projected with both axes in metres (cells are sized in metres)."""
    if not is_crs(crs):
        return False
    target = CRS.from_user_input(crs)
    return target.is_projected and all(
        abs(a.unit_conversion_factor - 1.0) < 1e-12 for a in target.axis_info
    )


def project(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude/latitude (EPSG:4326) to metres in ``crs``; refuses geographic targets."""
    target = CRS.from_user_input(crs)
    if not target.is_projected:
        raise ValueError(f"{crs} is not a projected CRS; cells need metres (e.g. a UTM zone)")
    tr = Transformer.from_crs("EPSG:4326", target, always_xy=True)
    x, y = tr.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def unproject(x: np.ndarray, y: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


@dataclass(frozen=True)
class Grid:
    """``ny`` x ``nx`` square cells; cell ``k`` is row ``k // nx``, column ``k % nx``.

    Row 0 is the southernmost row. ``x0, y0`` is the south-west corner in ``crs`` metres.
    """

    x0: float
    y0: float
    cell_size: float
    nx: int
    ny: int
    crs: str

    @property
    def n_cells(self) -> int:
        return self.nx * self.ny

    @property
    def shape(self) -> tuple[int, int]:
        return self.ny, self.nx

    @classmethod
    def covering(cls, x: np.ndarray, y: np.ndarray, cell_size: float, crs: str) -> Grid:
        """The smallest rectangle over the points, aligned to multiples of the cell size."""
        if cell_size <= 0:
            raise ValueError("cell size must be positive")
        if len(x) == 0:
            raise ValueError("no points to lay a grid over")
        x0 = math.floor(float(np.min(x)) / cell_size) * cell_size
        y0 = math.floor(float(np.min(y)) / cell_size) * cell_size
        nx = math.floor((float(np.max(x)) - x0) / cell_size) + 1
        ny = math.floor((float(np.max(y)) - y0) / cell_size) + 1
        if nx * ny > 50_000_000:
            raise ValueError(
                f"{nx} x {ny} cells of {cell_size:g} m: the points spread too far for this cell "
                "size (wrong coordinates or CRS?)"
            )
        return cls(x0, y0, float(cell_size), nx, ny, crs)

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell index per point; -1 for points outside the grid."""
        col = np.floor((np.asarray(x) - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((np.asarray(y) - self.y0) / self.cell_size).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        return np.where(inside, row * self.nx + col, -1)

    def centres(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cell centres in ``crs`` metres."""
        cells = np.asarray(cells, np.int64)
        x = self.x0 + (cells % self.nx + 0.5) * self.cell_size
        y = self.y0 + (cells // self.nx + 0.5) * self.cell_size
        return x, y

    def corners_lonlat(self, cells: np.ndarray) -> np.ndarray:
        """``(n, 4, 2)`` longitude/latitude corners of each cell (SW, SE, NE, NW)."""
        cells = np.asarray(cells, np.int64)
        x = self.x0 + (cells % self.nx) * self.cell_size
        y = self.y0 + (cells // self.nx) * self.cell_size
        xs = np.stack([x, x + self.cell_size, x + self.cell_size, x], axis=1)
        ys = np.stack([y, y, y + self.cell_size, y + self.cell_size], axis=1)
        lon, lat = unproject(xs.ravel(), ys.ravel(), self.crs)
        return np.stack([lon.reshape(xs.shape), lat.reshape(ys.shape)], axis=2)


@dataclass(frozen=True)
class EventHistory:
    """Events as (time in days, cell) pairs sorted by time, on a grid.

    ``times`` are float days since the Unix epoch (UTC), so a week is 7.0. Events
    outside the grid are dropped when the history is built.
    """

    times: np.ndarray  # float64, ascending
    cells: np.ndarray  # int64 flat cell index
    grid: Grid

    @classmethod
    def build(cls, times: np.ndarray, cells: np.ndarray, grid: Grid) -> EventHistory:
        times = np.asarray(times, np.float64)
        cells = np.asarray(cells, np.int64)
        keep = (cells >= 0) & np.isfinite(times)
        times, cells = times[keep], cells[keep]
        order = np.argsort(times, kind="stable")
        return cls(times[order], cells[order], grid)

    def __len__(self) -> int:
        return len(self.times)

    def before(self, until: float, since: float = -np.inf) -> slice:
        """The slice of events with ``since <= t < until``."""
        lo = int(np.searchsorted(self.times, since, side="left"))
        hi = int(np.searchsorted(self.times, until, side="left"))
        return slice(lo, hi)

    def counts(self, since: float, until: float, weights: np.ndarray | None = None) -> np.ndarray:
        """Events per cell in ``[since, until)``, as floats over the whole grid."""
        s = self.before(until, since)
        w = None if weights is None else weights[s]
        return np.bincount(self.cells[s], weights=w, minlength=self.grid.n_cells).astype(float)


def datetimes_to_days(values: np.ndarray) -> np.ndarray:
    """datetime64 (naive UTC) to float days since the Unix epoch."""
    ns = np.asarray(values, dtype="datetime64[ns]").astype(np.int64)
    return ns / (SECONDS_PER_DAY * 1e9)


def history_from_points(
    times: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    cell_size: float = 250.0,
    crs: str | None = None,
) -> EventHistory:
    """Project lon/lat points, lay a grid over them and return the sorted history."""
    crs = crs or utm_crs_for(lon, lat)
    x, y = project(lon, lat, crs)
    grid = Grid.covering(x, y, cell_size, crs)
    return EventHistory.build(datetimes_to_days(times), grid.cell_of(x, y), grid)
