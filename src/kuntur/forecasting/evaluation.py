"""Rolling-origin evaluation of hotspot forecasts: hit rate, PAI and PEI.

Protocol (docs/forecasting.md states it for users):

- cells: squares of ``cell_size`` metres in a projected CRS;
- study area A: the cells with at least one event in the whole file, or the
  cells given as a mask (e.g. inside a boundary);
- origins: every ``step_days`` through the last ``test_days`` of the data; at
  each origin every method is fitted on events strictly before it and forecasts
  the next ``horizon_days``;
- flagged area: the top c % of A by forecast risk (at least one cell); ties are
  broken by one seeded random order shared by all methods;
- hit rate = n/N, PAI = (n/N)/(a/A), PEI = n/n* with n* the most events any
  set of a cells held in that window (perfect hindsight); pooled over windows
  (sums of n, N and n*), with the spread of the per-window PAI.

Pure numpy: the CLI and the benchmarks call it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kuntur.forecasting.estimators import Forecaster
from kuntur.forecasting.grid import EventHistory

DEFAULT_COVERAGES = (0.5, 1.0, 5.0)


def coverage_key(c: float) -> str:
    return f"{c:g}"


def study_area(history: EventHistory) -> np.ndarray:
    """Cells with at least one event, as a boolean mask over the grid."""
    return np.bincount(history.cells, minlength=history.grid.n_cells) > 0


def flagged_counts(area_cells: int, coverages: Iterable[float]) -> dict[float, int]:
    """How many cells c % of the area is, at least one."""
    return {c: max(1, round(area_cells * c / 100.0)) for c in coverages}


def forecast_origins(
    history: EventHistory, *, test_days: float, step_days: float, horizon_days: float
) -> np.ndarray:
    """Origins every ``step_days`` from ``end - test_days`` while a whole horizon fits before end.

    ``end`` is the midnight (UTC) after the last event, so the last day counts whole.
    """
    if len(history) == 0:
        return np.zeros(0)
    end = math.floor(float(history.times[-1])) + 1.0
    start = end - test_days
    n = math.floor((end - horizon_days - start) / step_days) + 1
    return start + step_days * np.arange(max(n, 0))


def rank(risk: np.ndarray, cells: np.ndarray, tie_break: np.ndarray) -> np.ndarray:
    """``cells`` ordered by risk, highest first; equal risks in ``tie_break`` order."""
    return cells[np.lexsort((tie_break[cells], -risk[cells]))]


@dataclass
class WindowScore:
    """Events caught in one window, per coverage."""

    total: int  # N: events in the window inside the area
    caught: dict[float, int]  # n
    best: dict[float, int]  # n*: perfect hindsight


def score_window(
    risk: np.ndarray,
    actual: np.ndarray,
    area: np.ndarray,
    k_cells: dict[float, int],
    tie_break: np.ndarray,
) -> WindowScore:
    cells = np.flatnonzero(area)
    order = rank(risk, cells, tie_break)
    hits = np.cumsum(actual[order])
    best = np.cumsum(np.sort(actual[cells])[::-1])
    total = int(actual[cells].sum())
    return WindowScore(
        total,
        {c: int(hits[k - 1]) for c, k in k_cells.items()},
        {c: int(best[k - 1]) for c, k in k_cells.items()},
    )


@dataclass
class MethodResult:
    windows: list[WindowScore] = field(default_factory=list)
    seconds: float = 0.0
    chosen: list[str] = field(default_factory=list)  # the automatic choice per origin

    def metrics(self, k_cells: dict[float, int], area_cells: int) -> dict[str, dict[str, Any]]:
        total = sum(w.total for w in self.windows)
        out: dict[str, dict[str, Any]] = {}
        for c, k in k_cells.items():
            caught = sum(w.caught[c] for w in self.windows)
            best = sum(w.best[c] for w in self.windows)
            share = k / area_cells
            hit = caught / total if total else 0.0
            per_window = np.array(
                [(w.caught[c] / w.total) / share for w in self.windows if w.total]
            )
            out[coverage_key(c)] = {
                "hit_rate": round(hit, 5),
                "pai": round(hit / share, 4),
                "pei": round(caught / best, 4) if best else 0.0,
                "flagged_cells": k,
                "pai_windows": {
                    "p10": round(float(np.percentile(per_window, 10)), 3),
                    "median": round(float(np.median(per_window)), 3),
                    "p90": round(float(np.percentile(per_window, 90)), 3),
                }
                if len(per_window)
                else None,
            }
        return out


@dataclass
class Evaluation:
    """Everything a report needs; ``to_json`` is ``kuntur forecast evaluate --json``."""

    cell_size: float
    crs: str
    area_cells: int
    origins: np.ndarray
    horizon_days: float
    coverages: tuple[float, ...]
    events: int
    results: dict[str, MethodResult]

    def to_json(self) -> dict[str, Any]:
        k_cells = flagged_counts(self.area_cells, self.coverages)
        methods = {n: r.metrics(k_cells, self.area_cells) for n, r in self.results.items()}
        test_events = (
            sum(w.total for w in next(iter(self.results.values())).windows) if self.results else 0
        )
        out: dict[str, Any] = {
            "cell_size": self.cell_size,
            "crs": self.crs,
            "area_cells": self.area_cells,
            "area_km2": round(self.area_cells * self.cell_size**2 / 1e6, 2),
            "windows": len(self.origins),
            "horizon_days": self.horizon_days,
            "events": self.events,
            "test_events": test_events,
            "test_period": [_iso(self.origins[0]), _iso(self.origins[-1] + self.horizon_days)]
            if len(self.origins)
            else None,
            "methods": methods,
            "seconds": {n: round(r.seconds, 3) for n, r in self.results.items()},
        }
        chosen = {n: r.chosen for n, r in self.results.items() if r.chosen}
        if chosen:
            out["choices"] = {n: _tally(c) for n, c in chosen.items()}
        return out


def _iso(days: float) -> str:
    return str(np.datetime64(round(days * 86400), "s").astype("datetime64[D]"))


def _tally(labels: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for label in labels:
        out[label] = out.get(label, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def evaluate(
    history: EventHistory,
    methods: dict[str, Forecaster],
    *,
    horizon_days: float = 7.0,
    test_days: float = 365.0,
    step_days: float | None = None,
    coverages: tuple[float, ...] = DEFAULT_COVERAGES,
    area: np.ndarray | None = None,
    seed: int = 0,
    on_window: Callable[[str], None] | None = None,
) -> Evaluation:
    """Fit every method at every origin, forecast, and score against what happened."""
    if len(history) == 0:
        raise ValueError("no events to evaluate on")
    area = study_area(history) if area is None else area
    area_cells = int(area.sum())
    k_cells = flagged_counts(area_cells, coverages)
    tie_break = np.random.default_rng(seed).permutation(history.grid.n_cells)
    origins = forecast_origins(
        history,
        test_days=test_days,
        step_days=step_days or horizon_days,
        horizon_days=horizon_days,
    )
    if len(origins) == 0:
        raise ValueError(f"the data span less than one {horizon_days:g}-day horizon")
    if origins[0] <= history.times[0]:
        raise ValueError(
            f"the test period ({test_days:g} days) starts before the first event: no history "
            "to fit on; shorten --test-days"
        )
    actuals = [history.counts(o, o + horizon_days) for o in origins]
    results: dict[str, MethodResult] = {}
    for name, method in methods.items():
        res = MethodResult()
        for o, actual in zip(origins, actuals, strict=True):
            t0 = time.perf_counter()
            method.fit(history, float(o))
            risk = method.predict(horizon_days)
            res.seconds += time.perf_counter() - t0
            res.windows.append(score_window(risk, actual, area, k_cells, tie_break))
            choice = getattr(method, "choice_", None)
            if choice is not None:
                res.chosen.append(choice)
            if on_window:
                on_window(name)
        results[name] = res
    return Evaluation(
        cell_size=history.grid.cell_size,
        crs=history.grid.crs,
        area_cells=area_cells,
        origins=origins,
        horizon_days=horizon_days,
        coverages=tuple(coverages),
        events=len(history),
        results=results,
    )
