"""Automatic choice of estimator and parameters by rolling validation, without peeking.

At a forecast date T the candidates are scored on the windows just before T:
for k = 1..K each candidate is fitted on events before ``T - kH`` and scored on
what happened in ``[T - kH, T - (k-1)H)``, all of which lies before T. The
candidate that caught the most events, relative to the best candidate at each
coverage and averaged over coverages, forecasts the next H days. K grows with
sparse data until the validation windows hold enough events to tell
candidates apart (a few thousand events a year need many weeks; Chicago needs
a few). The first candidate (seasonal exponential smoothing) is the default;
another replaces it only when its lead is larger than the validation's own
noise, so sparse data do not chase luck.

Forecasts are cached per (candidate, date): in a weekly rolling evaluation each
new date costs one new fit per candidate, not K.
"""

from __future__ import annotations

import math

import numpy as np

from kuntur.forecasting.estimators import (
    ExponentialSmoothing,
    Forecaster,
    KernelDensity,
    NaiveCounts,
    Prospective,
)
from kuntur.forecasting.etas import GridETAS
from kuntur.forecasting.grid import EventHistory


def default_candidates(cell_size: float) -> list[Forecaster]:
    """The default first (it is kept unless another is clearly better), then the others.

    Bandwidths are in cells so that the same list serves 100 m and 500 m grids;
    the wide kernels and long windows are there for sparse data.
    """
    return [
        ExponentialSmoothing(),
        NaiveCounts(365),
        ExponentialSmoothing(tau_days=365, seasonal_weight=0.0, neighbour_weight=0.0),
        ExponentialSmoothing(tau_days=1000, seasonal_weight=0.3, neighbour_weight=0.3),
        NaiveCounts(730),
        KernelDensity("quartic", 2.0 * cell_size, 365),
        KernelDensity("quartic", 4.0 * cell_size, 730),
        KernelDensity("gaussian", 1.0 * cell_size, 1095),
        Prospective(radius_m=max(400.0, 1.6 * cell_size)),
        GridETAS(365),
    ]


class AutoForecaster(Forecaster):
    """Chooses among ``candidates`` at every fit by their hits on the preceding windows.

    Parameters
    ----------
    candidates : estimators to choose from (default: :func:`default_candidates`).
    horizon_days : length of each validation window (the forecast horizon).
    coverages : percentages of the area at which hits are counted.
    min_validation_events : grow the validation period until it holds this many events ...
    min_windows, max_windows : ... within these bounds.

    Attributes after ``fit``: ``choice_`` (label of the chosen candidate),
    ``scores_`` (label -> relative score), ``validation_windows_``.

    Notes
    -----
    Rolling-origin validation as in Tashman (2000), Out-of-sample tests of
    forecasting accuracy, International Journal of Forecasting 16:437-450;
    scored by hit rate at fixed coverage, the measure the evaluation reports
    (Chainey, Tompson & Uhlig 2008).
    """

    name = "auto"

    def __init__(
        self,
        candidates: list[Forecaster] | None = None,
        horizon_days: float = 7.0,
        coverages: tuple[float, ...] = (1.0, 5.0),
        min_validation_events: int = 1500,
        min_windows: int = 8,
        max_windows: int = 52,
        seed: int = 0,
        evidence: float = 2.0,
    ) -> None:
        self.evidence = evidence
        self.candidates = candidates
        self.horizon_days = horizon_days
        self.coverages = coverages
        self.min_validation_events = min_validation_events
        self.min_windows = min_windows
        self.max_windows = max_windows
        self.seed = seed

    @property
    def params(self) -> dict[str, object]:
        return {"horizon_days": self.horizon_days, "coverages": list(self.coverages)}

    def _forecast(self, i: int, history: EventHistory, at: float) -> np.ndarray:
        """Candidate ``i``'s forecast at ``at`` on the occupied cells (float32, cached)."""
        key = (i, round(at, 6))
        hit = self._cache.get(key)
        if hit is None:
            risk = self.candidates_[i].fit(history, at).predict(self.horizon_days)
            hit = risk[self._occupied].astype(np.float32)
            self._cache[key] = hit
        return hit

    def _windows(self, history: EventHistory, until: float) -> int:
        """Enough windows for ``min_validation_events``, within bounds and the data."""
        h = self.horizon_days
        span = until - float(history.times[0]) if len(history) else 0.0
        most = max(1, min(self.max_windows, int(span // h) - 1))
        recent = history.before(until, until - self.min_windows * h)
        per_window = max((recent.stop - recent.start) / self.min_windows, 1e-9)
        want = math.ceil(self.min_validation_events / per_window)
        return max(1, min(most, max(self.min_windows, want)))

    def _fit(self, history: EventHistory, until: float) -> None:
        if getattr(self, "_history_id", None) != id(history):  # a new data set: new cache
            self._history_id = id(history)
            self._cache: dict[tuple[int, float], np.ndarray] = {}
            # Only cells that ever hold an event can be in a validation area; storing just
            # those keeps the cache small on large grids.
            self._occupied = np.flatnonzero(
                np.bincount(history.cells, minlength=history.grid.n_cells)
            )
            self.candidates_ = (
                list(self.candidates)
                if self.candidates
                else default_candidates(history.grid.cell_size)
            )
        h = self.horizon_days
        n_windows = self._windows(history, until)
        seen = np.bincount(history.cells[history.before(until)], minlength=history.grid.n_cells)
        area = np.flatnonzero(seen[self._occupied])  # positions within the occupied cells
        tie_break = np.random.default_rng(self.seed).permutation(len(self._occupied))
        k_cells = [max(1, round(len(area) * c / 100.0)) for c in self.coverages]
        caught = np.zeros((len(self.candidates_), len(k_cells)))
        for k in range(1, n_windows + 1):
            at = until - k * h
            actual = history.counts(at, at + h)[self._occupied][area]
            if actual.sum() == 0:
                continue
            for i in range(len(self.candidates_)):
                risk = self._forecast(i, history, at)[area]
                order = np.lexsort((tie_break[area], -risk))
                hits = np.cumsum(actual[order])
                caught[i] += [hits[kc - 1] for kc in k_cells]
        best_per_coverage = np.maximum(caught.max(axis=0), 1e-12)
        score = (caught / best_per_coverage).mean(axis=1)
        best = int(np.argmax(score))
        # Leave the default (the first candidate) only on evidence: the winner's lead must
        # exceed two Poisson standard errors of the default's catch. On sparse data the
        # validation windows cannot tell candidates apart, and chasing noise loses to a
        # steady default (measured on the sets in docs/benchmarks.md).
        default_catch = float(caught[0].mean())
        margin = self.evidence / math.sqrt(max(default_catch, 1.0))
        if score[best] - score[0] <= margin:
            best = 0
        self.validation_windows_ = n_windows
        self.scores_ = {
            c.label(): round(float(s), 4) for c, s in zip(self.candidates_, score, strict=True)
        }
        self.chosen_ = self.candidates_[best]
        self.choice_ = self.chosen_.label()
        self.chosen_.fit(history, until)
        # Keep only what the next weekly date can reuse.
        oldest = until - (self.max_windows + 1) * h
        self._cache = {key: v for key, v in self._cache.items() if key[1] >= oldest}

    def _predict(self, horizon_days: float) -> np.ndarray:
        return self.chosen_.predict(horizon_days)


METHODS = ("naive", "kde", "prospective", "etas", "smoothing", "auto")


def make(name: str, *, cell_size: float = 250.0, horizon_days: float = 7.0) -> Forecaster:
    """An estimator by its short name, with the defaults the documentation states."""
    factories = {
        "naive": lambda: NaiveCounts(365),
        "kde": lambda: KernelDensity("quartic", 2.0 * cell_size, 365),
        "prospective": lambda: Prospective(),
        "etas": lambda: GridETAS(365),
        "smoothing": lambda: ExponentialSmoothing(),
        "auto": lambda: AutoForecaster(horizon_days=horizon_days),
    }
    if name not in factories:
        raise ValueError(f"unknown method {name!r}; choose from {', '.join(METHODS)}")
    return factories[name]()
