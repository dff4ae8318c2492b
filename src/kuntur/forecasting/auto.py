"""Automatic choice of estimator and parameters by rolling validation, without peeking.

At a forecast date T the candidates are scored on the windows just before T:
for k = 1..K each candidate is fitted on events before ``T - kH`` and scored on
what happened in ``[T - kH, T - (k-1)H)``, all of which lies before T (K = 52
weeks, fewer when the data are shorter). The first candidate, the naive
baseline, is the default. Another replaces it only when it caught more with
evidence at every coverage where it flags other cells than the default: there,
a one-sided Diebold-Mariano test (paired weekly differences, Newey-West
variance because consecutive windows share almost all their training data)
must exceed 2. Among those that pass, the one that caught the most events
(each coverage weighed alike) forecasts the next H days. Dense data give the
test power to pick a better method; on sparse data, or when the flagged area is
a handful of cells, it cannot tell candidates apart and the baseline stands,
which is what a choice made on noise loses to.

Forecasts are cached per (candidate, date): in a weekly rolling evaluation each
new date costs one new fit per candidate, not K.
"""

from __future__ import annotations

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


def diebold_mariano(diff: np.ndarray, lags: int) -> np.ndarray:
    """Per-row t statistic of the mean of ``diff`` with Newey-West (Bartlett) variance.

    Diebold & Mariano (1995), Comparing predictive accuracy, Journal of Business
    & Economic Statistics 13(3):253-263; the long-run variance of Newey & West
    (1987), Econometrica 55(3):703-708. ``diff[i, k]`` is candidate ``i``'s gain
    over the baseline in window ``k``. A row whose differences are all zero
    scores 0; a constant positive gain scores +inf.
    """
    n = diff.shape[1]
    mean = diff.mean(axis=1)
    if n < 3:
        return np.zeros(len(diff))
    z = diff - mean[:, None]
    var = (z * z).sum(axis=1) / n
    for lag in range(1, min(lags, n - 1) + 1):
        var = var + 2.0 * (1.0 - lag / (lags + 1)) * (z[:, lag:] * z[:, :-lag]).sum(axis=1) / n
    se = np.sqrt(np.maximum(var, 0.0) / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se > 1e-12, mean / se, np.where(mean > 0, np.inf, 0.0))
    return np.asarray(t, float)


def default_candidates(cell_size: float) -> list[Forecaster]:
    """The baseline first (kept unless another is clearly better), then the others.

    Bandwidths are in cells so that the same list serves 100 m and 500 m grids;
    the wide kernels and long windows are there for sparse data.
    """
    return [
        NaiveCounts(365),
        ExponentialSmoothing(),
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
    max_windows : validation windows before each date (fewer when the data are shorter).
    evidence : the Diebold-Mariano statistic a candidate needs, at every coverage, to
        replace the default.
    lags : Newey-West lags for that statistic (weekly windows overlap in training data).

    Attributes after ``fit``: ``choice_`` (label of the chosen candidate),
    ``scores_`` (label -> catch relative to the default), ``evidence_`` (label -> the
    smallest Diebold-Mariano statistic over the coverages where it differs; None where it
    never does), ``validation_windows_``.

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
        max_windows: int = 52,
        seed: int = 0,
        evidence: float = 2.0,
        lags: int = 3,
    ) -> None:
        self.evidence = evidence
        self.lags = lags
        self.candidates = candidates
        self.horizon_days = horizon_days
        self.coverages = coverages
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
        """As many validation windows as the data before ``until`` hold, within bounds."""
        span = until - float(history.times[0]) if len(history) else 0.0
        return max(1, min(self.max_windows, int(span // self.horizon_days) - 1))

    def _catch(
        self, i: int, history: EventHistory, at: float, area: np.ndarray, tie: np.ndarray
    ) -> np.ndarray:
        """Events candidate ``i`` caught in ``[at, at + H)`` at each coverage (cached)."""
        key = (i, round(at, 6))
        hit = self._caught.get(key)
        if hit is None:
            actual = history.counts(at, at + self.horizon_days)[self._occupied][area]
            risk = self._forecast(i, history, at)[area]
            order = np.lexsort((tie[area], -risk))
            hits = np.cumsum(actual[order])
            k_cells = [max(1, round(len(area) * c / 100.0)) for c in self.coverages]
            hit = np.array([hits[k - 1] for k in k_cells], float)
            self._caught[key] = hit
        return hit

    def _fit(self, history: EventHistory, until: float) -> None:
        if getattr(self, "_history_id", None) != id(history):  # a new data set: new cache
            self._history_id = id(history)
            self._cache: dict[tuple[int, float], np.ndarray] = {}
            self._caught: dict[tuple[int, float], np.ndarray] = {}
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
        tie = np.random.default_rng(self.seed).permutation(len(self._occupied))
        # caught[i, k, c]: candidate i, validation window k, coverage c
        caught = np.array(
            [
                [self._catch(i, history, until - k * h, area, tie) for k in range(1, n_windows + 1)]
                for i in range(len(self.candidates_))
            ]
        )
        # Each coverage counts alike: scale by the best total catch at that coverage.
        scale = np.maximum(caught.sum(axis=1).max(axis=0), 1e-12)
        per_window = (caught / scale).sum(axis=2)  # [i, k]
        score = per_window.sum(axis=1)
        # Leave the default (the first candidate) only on evidence at every coverage: a
        # one-sided Diebold-Mariano test per coverage. Candidates flag mostly the same
        # cells, so the paired difference is far less noisy than either catch; windows a
        # week apart share their training data, hence the Newey-West variance. On sparse
        # data, or with a flagged area of a few cells, the test cannot reach the bar and
        # the default stands (chasing noise loses to it: docs/forecasting.md).
        # A coverage where a candidate flags exactly what the default flags, every week,
        # neither counts for it nor against it.
        diff = caught - caught[0]  # [i, k, c]
        same = (diff == 0).all(axis=1)  # [i, c]
        t_cov = np.stack(
            [diebold_mariano(diff[:, :, c], self.lags) for c in range(diff.shape[2])], axis=1
        )
        better = t_cov > self.evidence
        t_stat = np.where(same, np.inf, t_cov).min(axis=1)
        # ... and it must not catch fewer in all at any single coverage.
        no_worse = (caught.sum(axis=1) >= caught[0].sum(axis=0)).all(axis=1)
        eligible = (better | same).all(axis=1) & better.any(axis=1) & no_worse
        eligible[0] = True
        best = int(np.argmax(np.where(eligible, score, -np.inf)))
        self.validation_windows_ = n_windows
        self.scores_ = {
            c.label(): round(float(v), 4)
            for c, v in zip(self.candidates_, score / max(score[0], 1e-12), strict=True)
        }
        self.evidence_ = {
            c.label(): round(float(v), 2) if np.isfinite(v) else None
            for c, v in zip(self.candidates_, t_stat, strict=True)
        }
        self.chosen_ = self.candidates_[best]
        self.choice_ = self.chosen_.label()
        self.chosen_.fit(history, until)
        # Keep only what the next weekly date can reuse.
        oldest = until - (self.max_windows + 1) * h
        self._cache = {key: v for key, v in self._cache.items() if key[1] >= oldest}
        self._caught = {key: v for key, v in self._caught.items() if key[1] >= oldest}

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
