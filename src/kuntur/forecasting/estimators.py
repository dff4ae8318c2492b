"""Hotspot estimators on a square grid: naive counts, kernel density, prospective.

Every estimator follows scikit-learn's shape: ``__init__`` stores parameters,
``fit(history, until)`` learns from the events strictly before ``until`` (days)
and returns ``self``, ``predict(horizon_days)`` returns one risk value per grid
cell (expected events in the horizon, or a score proportional to it). Only the
ranking of cells matters for hit rate, PAI and PEI.

Arrays in, arrays out: no web framework, no ORM.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Literal, Self

import numpy as np
from scipy import ndimage

from kuntur.forecasting.grid import EventHistory, Grid


class Forecaster(ABC):
    """Base class. Subclasses implement ``_fit`` and ``_predict``; ``name`` labels reports.

    To add an estimator: store parameters in ``__init__`` (and list them in
    ``params``), learn in ``_fit`` from ``history`` restricted to ``t < until``,
    and return per-cell risk from ``_predict``.
    """

    name = "forecaster"

    def fit(self, history: EventHistory, until: float) -> Self:
        self.history_ = history
        self.until_ = float(until)
        self._fit(history, float(until))
        return self

    def predict(self, horizon_days: float = 7.0) -> np.ndarray:
        if not hasattr(self, "until_"):
            raise RuntimeError(f"{self.name}: call fit() before predict()")
        risk = np.asarray(self._predict(float(horizon_days)), dtype=float)
        return np.where(np.isfinite(risk), risk, 0.0)

    @property
    def params(self) -> dict[str, object]:
        return {}

    def label(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.name}({inner})"

    @abstractmethod
    def _fit(self, history: EventHistory, until: float) -> None: ...

    @abstractmethod
    def _predict(self, horizon_days: float) -> np.ndarray: ...


def kernel_matrix(
    grid: Grid,
    bandwidth_m: float,
    kind: Literal["quartic", "gaussian", "inverse"],
) -> np.ndarray:
    """Kernel weights at cell-centre offsets, normalised to sum to 1.

    quartic: ``(1 - (d/h)^2)^2`` for ``d < h``; gaussian: ``exp(-d^2 / 2h^2)`` cut at 3h;
    inverse (Bowers et al. 2004): ``1 / (1 + d/L)`` for ``d <= h`` with L the cell size.
    """
    if bandwidth_m <= 0:
        raise ValueError("bandwidth must be positive")
    reach = 3.0 * bandwidth_m if kind == "gaussian" else bandwidth_m
    r = int(np.floor(reach / grid.cell_size))
    off = np.arange(-r, r + 1) * grid.cell_size
    d = np.hypot(off[:, None], off[None, :])
    if kind == "quartic":
        w = np.where(d < bandwidth_m, (1.0 - (d / bandwidth_m) ** 2) ** 2, 0.0)
    elif kind == "gaussian":
        w = np.where(d <= reach, np.exp(-(d**2) / (2.0 * bandwidth_m**2)), 0.0)
    elif kind == "inverse":
        w = np.where(d <= bandwidth_m, 1.0 / (1.0 + d / grid.cell_size), 0.0)
    else:
        raise ValueError(f"unknown kernel {kind!r}")
    return w / w.sum()


def smooth(values: np.ndarray, grid: Grid, kernel: np.ndarray) -> np.ndarray:
    """Spread per-cell values over neighbours with ``kernel`` (zero beyond the grid)."""
    if kernel.shape == (1, 1):
        return values * float(kernel[0, 0])
    out = ndimage.correlate(values.reshape(grid.shape), kernel, mode="constant", cval=0.0)
    return np.asarray(out).ravel()


def share_with_neighbours(values: np.ndarray, grid: Grid, share: float) -> np.ndarray:
    """Keep ``1 - share`` of each cell's value and spread ``share`` over its 8 neighbours.

    The neighbours' weights follow a quartic kernel of 1.6 cells (edge neighbours
    weigh more than corner ones); ``share = 0`` returns the values unchanged.
    """
    if share <= 0:
        return values
    k = kernel_matrix(grid, 1.6 * grid.cell_size, "quartic")
    centre = k.shape[0] // 2
    k[centre, centre] = 0.0
    k *= share / k.sum()
    k[centre, centre] = 1.0 - share
    return smooth(values, grid, k)


class NaiveCounts(Forecaster):
    """Retrospective counts: events per cell over the trailing ``window_days``.

    The baseline every hotspot method must beat: "what happened here over the
    last year will happen here next week" (Chainey, Tompson & Uhlig 2008,
    The utility of hotspot mapping for predicting spatial patterns of crime,
    Security Journal 21:4-28).
    """

    name = "naive"

    def __init__(self, window_days: float = 365.0) -> None:
        self.window_days = window_days

    @property
    def params(self) -> dict[str, object]:
        return {"window_days": self.window_days}

    def _fit(self, history: EventHistory, until: float) -> None:
        self.counts_ = history.counts(until - self.window_days, until)

    def _predict(self, horizon_days: float) -> np.ndarray:
        return self.counts_ * (horizon_days / self.window_days)


class KernelDensity(Forecaster):
    """Retrospective kernel density: trailing counts smoothed by a quartic or Gaussian kernel.

    Notes
    -----
    The grid form of the kernel density hotspot map (Chainey et al. 2008; the
    open_cp "retrospective" predictor of QuantCrimAtLeeds): each event spreads
    over cells by the kernel evaluated at the distance between cell centres,
    ``(1 - (d/h)^2)^2`` (quartic) or ``exp(-d^2/2h^2)`` (Gaussian), normalised to
    keep each event's total weight 1.
    """

    name = "kde"

    def __init__(
        self,
        kernel: Literal["quartic", "gaussian"] = "quartic",
        bandwidth_m: float = 500.0,
        window_days: float = 365.0,
    ) -> None:
        self.kernel = kernel
        self.bandwidth_m = bandwidth_m
        self.window_days = window_days

    @property
    def params(self) -> dict[str, object]:
        return {
            "kernel": self.kernel,
            "bandwidth_m": self.bandwidth_m,
            "window_days": self.window_days,
        }

    def _fit(self, history: EventHistory, until: float) -> None:
        counts = history.counts(until - self.window_days, until)
        k = kernel_matrix(history.grid, self.bandwidth_m, self.kernel)
        self.density_ = smooth(counts, history.grid, k)

    def _predict(self, horizon_days: float) -> np.ndarray:
        return self.density_ * (horizon_days / self.window_days)


class Prospective(Forecaster):
    """Prospective hotspotting: recent, nearby events weigh most.

    Notes
    -----
    Bowers, Johnson & Pease (2004), Prospective hot-spotting: the future of crime
    mapping?, British Journal of Criminology 44(5):641-658. Each event within
    ``radius_m`` and ``window_days`` adds ``1/(1 + d/L) * 1/(1 + w)`` to a cell,
    where ``d`` is the distance between cell centres, ``L`` the cell size and
    ``w`` the whole weeks since the event. They found burglary risk raised for
    about two months within about 400 m, hence the defaults.
    """

    name = "prospective"

    def __init__(self, radius_m: float = 400.0, window_days: float = 56.0) -> None:
        self.radius_m = radius_m
        self.window_days = window_days

    @property
    def params(self) -> dict[str, object]:
        return {"radius_m": self.radius_m, "window_days": self.window_days}

    def _fit(self, history: EventHistory, until: float) -> None:
        s = history.before(until, until - self.window_days)
        weeks = np.floor((until - history.times[s]) / 7.0)
        weighted = np.bincount(
            history.cells[s], weights=1.0 / (1.0 + weeks), minlength=history.grid.n_cells
        )
        grid = history.grid
        r = int(np.floor(self.radius_m / grid.cell_size))
        off = np.arange(-r, r + 1) * grid.cell_size
        d = np.hypot(off[:, None], off[None, :])
        k = np.where(d <= self.radius_m, 1.0 / (1.0 + d / grid.cell_size), 0.0)
        self.score_ = smooth(weighted, grid, k)  # not normalised: the paper's raw score

    def _predict(self, horizon_days: float) -> np.ndarray:
        return self.score_


class ExponentialSmoothing(Forecaster):
    """Long-term level by exponentially weighted counts, with seasonal memory and neighbours.

    Notes
    -----
    Gorr, Olligschlaeger & Thompson (2003), Short-term forecasting of crime,
    International Journal of Forecasting 19(4):579-594, found exponential
    smoothing with a seasonal component the best simple forecaster of crime
    counts in small areas. Here each cell's rate is

        (1 - s) * sum_i exp(-age_i / tau) / tau  +  s * seasonal rate,

    where the seasonal rate counts past events within ``season_days`` of the
    forecast's day of the year (earlier years weigh ``exp(-age/4 years)``), and
    a share ``neighbour_weight`` of each cell's rate is spread over its 8
    neighbours by a quartic kernel (crime concentrates on places, but a 250 m
    cell edge is arbitrary). Defaults were chosen on Chicago 2018, a year before
    the benchmark's test period (docs/forecasting.md).
    """

    name = "smoothing"

    def __init__(
        self,
        tau_days: float = 500.0,
        seasonal_weight: float = 0.3,
        season_days: float = 45.0,
        neighbour_weight: float = 0.15,
        window_days: float = 3650.0,
    ) -> None:
        self.tau_days = tau_days
        self.seasonal_weight = seasonal_weight
        self.season_days = season_days
        self.neighbour_weight = neighbour_weight
        self.window_days = window_days

    @property
    def params(self) -> dict[str, object]:
        return {
            "tau_days": self.tau_days,
            "seasonal_weight": self.seasonal_weight,
            "season_days": self.season_days,
            "neighbour_weight": self.neighbour_weight,
        }

    def _fit(self, history: EventHistory, until: float) -> None:
        grid = history.grid
        s = history.before(until, until - self.window_days)
        age = until - history.times[s]
        cells = history.cells[s]
        level = np.bincount(cells, weights=np.exp(-age / self.tau_days), minlength=grid.n_cells)
        rate = level / self.tau_days
        if self.seasonal_weight > 0:
            # Distance in days between each event's day of the year and the forecast week's
            # middle (3.5 days ahead), so "this time of year" in every earlier year.
            phase = np.mod(age + 3.5, 365.25)
            gap = np.minimum(phase, 365.25 - phase)
            years = 4 * 365.25
            w = (gap < self.season_days) * np.exp(-age / years)
            seasonal = np.bincount(cells, weights=w, minlength=grid.n_cells).astype(float)
            seasonal = seasonal * (365.25 / (2.0 * self.season_days) / years)
            rate = (1.0 - self.seasonal_weight) * rate + self.seasonal_weight * seasonal
        self.rate_ = share_with_neighbours(rate, grid, self.neighbour_weight)

    def _predict(self, horizon_days: float) -> np.ndarray:
        return self.rate_ * horizon_days
