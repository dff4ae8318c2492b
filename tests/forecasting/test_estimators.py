"""Estimators against values computed by hand on tiny grids, and ETAS parameter recovery."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from kuntur.forecasting.auto import AutoForecaster, diebold_mariano
from kuntur.forecasting.estimators import (
    ExponentialSmoothing,
    Forecaster,
    KernelDensity,
    NaiveCounts,
    Prospective,
    kernel_matrix,
    share_with_neighbours,
)
from kuntur.forecasting.etas import GridETAS, fit_grid_etas, simulate_grid_etas
from kuntur.forecasting.grid import EventHistory, Grid, history_from_points, utm_crs_for

GRID = Grid(0.0, 0.0, 100.0, 5, 5, "EPSG:32718")  # 5 x 5 cells of 100 m


def cell(row: int, col: int) -> int:
    return row * GRID.nx + col


def test_naive_counts_trailing_window_only() -> None:
    h = EventHistory.build(
        np.array([1.0, 5.0, 9.0, 9.5, 10.0]),
        np.array([cell(2, 2), cell(2, 2), cell(0, 0), cell(2, 2), cell(4, 4)]),
        GRID,
    )
    risk = NaiveCounts(window_days=5).fit(h, until=10.0).predict(5)
    # window [5, 10): the events at 5, 9 and 9.5; the one at 10 is the future, at 1 too old
    expected = np.zeros(25)
    expected[cell(2, 2)] = 2
    expected[cell(0, 0)] = 1
    assert_allclose(risk, expected)


def test_quartic_kde_by_hand() -> None:
    h = EventHistory.build(np.array([0.0]), np.array([cell(2, 2)]), GRID)
    risk = KernelDensity("quartic", bandwidth_m=150.0, window_days=10).fit(h, 10.0).predict(10)
    # distances 0, 100 (x4), 141.4 (x4): weights 1, (1-(100/150)^2)^2, (1-(141.42/150)^2)^2
    w0, w1, w2 = 1.0, (1 - (100 / 150) ** 2) ** 2, (1 - (200**0.5 * 10 / 150) ** 2) ** 2
    total = w0 + 4 * w1 + 4 * w2
    assert_allclose(risk[cell(2, 2)], w0 / total)
    assert_allclose(risk[cell(2, 3)], w1 / total)
    assert_allclose(risk[cell(1, 1)], w2 / total)
    assert risk[cell(2, 4)] == 0.0
    assert_allclose(risk.sum(), 1.0)


def test_gaussian_kernel_weights() -> None:
    k = kernel_matrix(GRID, 100.0, "gaussian")
    c = k.shape[0] // 2
    assert_allclose(k[c, c + 1] / k[c, c], np.exp(-0.5))
    assert_allclose(k[c + 1, c + 1] / k[c, c], np.exp(-1.0))


def test_prospective_weights_by_hand() -> None:
    # an event 3 days ago (week 0) and one 10 days ago (week 1), both in the centre cell
    h = EventHistory.build(np.array([20.0, 27.0]), np.array([cell(2, 2)] * 2), GRID)
    risk = Prospective(radius_m=150.0, window_days=56).fit(h, 30.0).predict(7)
    time_w = 1 / (1 + 1) + 1 / (1 + 0)
    assert_allclose(risk[cell(2, 2)], time_w * 1.0)
    assert_allclose(risk[cell(2, 3)], time_w / (1 + 1.0))  # 100 m = 1 cell away
    assert_allclose(risk[cell(3, 3)], time_w / (1 + 2**0.5))
    assert risk[cell(2, 4)] == 0.0  # 200 m > radius


def test_exponential_smoothing_by_hand() -> None:
    h = EventHistory.build(np.array([0.0, 300.0]), np.array([cell(2, 2), cell(0, 0)]), GRID)
    m = ExponentialSmoothing(tau_days=100, seasonal_weight=0.0, neighbour_weight=0.0)
    risk = m.fit(h, 400.0).predict(7)
    assert_allclose(risk[cell(2, 2)], 7 * np.exp(-4.0) / 100)
    assert_allclose(risk[cell(0, 0)], 7 * np.exp(-1.0) / 100)
    # the seasonal part counts an event a year before the forecast week, not half a year
    h2 = EventHistory.build(np.array([35.0, 217.0]), np.array([cell(1, 1), cell(3, 3)]), GRID)
    s = ExponentialSmoothing(tau_days=100, seasonal_weight=1.0, season_days=30, neighbour_weight=0)
    risk2 = s.fit(h2, 400.25).predict(1)
    assert risk2[cell(1, 1)] > 0 and risk2[cell(3, 3)] == 0


def test_neighbour_weight_keeps_mass() -> None:
    h = EventHistory.build(np.array([0.0]), np.array([cell(2, 2)]), GRID)
    m = ExponentialSmoothing(tau_days=100, seasonal_weight=0.0, neighbour_weight=0.2)
    risk = m.fit(h, 1.0).predict(1)
    assert_allclose(risk.sum(), np.exp(-0.01) / 100)
    assert_allclose(risk[cell(2, 2)] / risk.sum(), 0.8)


def test_predict_before_fit_is_an_error() -> None:
    with pytest.raises(RuntimeError):
        NaiveCounts().predict(7)


def test_utm_zone_choice() -> None:
    assert utm_crs_for(np.array([-77.03]), np.array([-12.05])) == "EPSG:32718"  # Lima
    assert utm_crs_for(np.array([-87.63]), np.array([41.88])) == "EPSG:32616"  # Chicago


def test_history_from_points_builds_250m_cells() -> None:
    times = np.array(["2024-01-02T00:00", "2024-01-01T00:00"], dtype="datetime64[ns]")
    h = history_from_points(times, np.array([-77.03, -77.0]), np.array([-12.05, -12.04]))
    assert h.grid.crs == "EPSG:32718" and h.grid.cell_size == 250.0
    assert h.times[0] < h.times[1]  # sorted
    assert len(np.unique(h.cells)) == 2


def test_etas_recovers_known_parameters() -> None:
    rng = np.random.default_rng(3)
    mu = rng.gamma(0.6, 0.05 / 0.6, size=2000)  # events/day per cell
    theta, omega, t_end = 0.4, 0.2, 2000.0
    t, c = simulate_grid_etas(mu, theta, omega, t_end, seed=11)
    assert len(t) > 300_000
    mu_hat, theta_hat, omega_hat, _, iters = fit_grid_etas(
        t, c, t_start=0.0, t_end=t_end, n_cells=len(mu), theta=0.1, omega=1.0
    )
    assert theta_hat == pytest.approx(theta, rel=0.05)
    assert omega_hat == pytest.approx(omega, rel=0.08)
    assert mu_hat.sum() == pytest.approx(mu.sum(), rel=0.05)
    assert np.corrcoef(mu_hat, mu)[0, 1] > 0.9
    assert iters < 100


def test_etas_with_no_events_before_the_window() -> None:
    """Found by the API fuzz: the auto method's early validation windows can hold no event
    at all (a long horizon, little history), and ETAS then raised (a 500)."""
    mu, theta, _omega, _ll, iters = fit_grid_etas(
        np.array([]), np.array([], np.int64), t_start=0.0, t_end=10.0, n_cells=5
    )
    assert_allclose(mu, np.zeros(5))
    assert theta == 0.0 and iters == 0


def test_etas_forecast_formula() -> None:
    h = EventHistory.build(
        np.array([8.0, 9.0, 2.0]), np.array([cell(1, 1)] * 2 + [cell(3, 3)]), GRID
    )
    m = GridETAS(window_days=10).fit(h, 10.0)
    risk = m.predict(7)
    excite = np.exp(-m.omega_ * 2) + np.exp(-m.omega_ * 1)
    expected = m.mu_[cell(1, 1)] * 7 + m.theta_ * (1 - np.exp(-m.omega_ * 7)) * excite
    assert_allclose(risk[cell(1, 1)], expected)
    assert risk[cell(0, 0)] == 0.0


def test_auto_does_not_peek() -> None:
    """What happens after the forecast date cannot change the choice or the forecast."""
    rng = np.random.default_rng(5)
    n = 4000
    times = np.sort(rng.uniform(0, 800, n))
    cells = rng.choice(25, size=n, p=np.arange(1, 26) / np.arange(1, 26).sum())
    past = EventHistory.build(times, cells, GRID)
    future = EventHistory.build(
        np.concatenate([times, rng.uniform(600, 800, 3000)]),
        np.concatenate([cells, np.full(3000, cell(0, 0))]),
        GRID,
    )
    a = AutoForecaster(max_windows=8).fit(past, 600.0)
    b = AutoForecaster(max_windows=8).fit(future, 600.0)
    assert a.choice_ == b.choice_
    assert_allclose(a.predict(7), b.predict(7))


def test_auto_switches_on_clear_evidence() -> None:
    """When the hot spot moves every six weeks, a short memory must replace the default."""
    rng = np.random.default_rng(9)
    times, cells = [], []
    for week in range(120):
        hot = (week // 6 * 7) % 25
        times.append(rng.uniform(week * 7, week * 7 + 7, 60))
        cells.append(np.full(60, hot))
        times.append(rng.uniform(week * 7, week * 7 + 7, 5))
        cells.append(rng.integers(0, 25, 5))
    t, c = np.concatenate(times), np.concatenate(cells)
    h = EventHistory.build(t, c, GRID)
    auto = AutoForecaster().fit(h, 703.0)
    assert not auto.choice_.startswith("naive(window_days=365"), auto.evidence_
    hot_now = (700 // 7 // 6 * 7) % 25
    assert int(np.argmax(auto.predict(7))) == hot_now


def test_diebold_mariano_by_hand() -> None:
    """Gains 1, 2, 3, 4 with one Newey-West lag, worked on paper.

    mean 2.5; deviations -1.5, -0.5, 0.5, 1.5; variance 5/4; lag-1 autocovariance
    (0.75 - 0.25 + 0.75)/4 = 5/16 with Bartlett weight 1/2; long-run variance
    5/4 + 2 * 1/2 * 5/16 = 25/16; standard error sqrt(25/16 / 4) = 5/8; t = 4.
    Without lags: sqrt(5/4 / 4) = 0.559..., t = 4.472...
    """
    diff = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    assert_allclose(diebold_mariano(diff, lags=1), [4.0, 0.0, np.inf])
    assert_allclose(diebold_mariano(diff[:1], lags=0), [2.5 / np.sqrt(5 / 16)])
    assert_allclose(diebold_mariano(diff[:, :2], lags=1), [0.0, 0.0, 0.0])  # too few windows


def test_share_with_neighbours_by_hand() -> None:
    """15 % of a lone cell's value spread over its 8 neighbours, edges above corners.

    The quartic kernel of 1.6 cells weighs an edge neighbour (d = 1 cell)
    (1 - 1/2.56)^2 = 0.3713 and a corner (d = 1.414) (1 - 2/2.56)^2 = 0.0479.
    """
    values = np.zeros(GRID.n_cells)
    values[cell(2, 2)] = 1.0
    out = share_with_neighbours(values, GRID, 0.15).reshape(5, 5)
    edge, corner = (1 - 1 / 2.56) ** 2, (1 - 2 / 2.56) ** 2
    norm = 0.15 / (4 * edge + 4 * corner)
    assert_allclose(out[2, 2], 0.85)
    assert_allclose(out[1, 2], edge * norm)
    assert_allclose(out[1, 1], corner * norm)
    assert_allclose(out.sum(), 1.0)
    assert share_with_neighbours(values, GRID, 0.0) is values


class FixedRanking(Forecaster):
    """Always the same scores: lets a test decide what each candidate flags."""

    def __init__(self, name: str, scores: dict[int, float]) -> None:
        self.name = name
        self.scores = scores

    def _fit(self, history: EventHistory, until: float) -> None:
        pass

    def _predict(self, horizon_days: float) -> np.ndarray:
        out = np.zeros(GRID.n_cells)
        out[list(self.scores)] = list(self.scores.values())
        return out


def _weekly(rates: dict[int, float], weeks: int, seed: int) -> EventHistory:
    """Poisson counts per cell and week, plus one early event in every cell (the area)."""
    rng = np.random.default_rng(seed)
    times, cells = [np.full(GRID.n_cells, 0.1)], [np.arange(GRID.n_cells)]
    for week in range(1, weeks):
        for c, rate in rates.items():
            n = rng.poisson(rate)
            times.append(rng.uniform(week * 7, week * 7 + 7, n))
            cells.append(np.full(n, c))
    return EventHistory.build(np.concatenate(times), np.concatenate(cells), GRID)


def test_auto_needs_evidence_at_every_coverage() -> None:
    """Top cell vs top ten of 25: a candidate must win at both, or flag the same top cell.

    Cells 0 and 1 are equally hot and cells 2-9 warm. The default flags cell 0, then
    cold cells. One candidate flags the same top cell and the warm cells after it: it
    ties at the top every week and wins below, so it replaces the default. Another
    flags cell 1 first: far better below, but at the top it only trades one equally hot
    cell for another, so there is no evidence there and the default stands (a pooled
    score, or a test on both coverages together, would have switched).
    """
    rates = {0: 4.0, 1: 4.0} | dict.fromkeys(range(2, 10), 2.0)
    h = _weekly(rates, 60, seed=1)  # cell 1 happens to catch a few more at the top (201/196)
    default = FixedRanking("default", {0: 9.0} | dict.fromkeys(range(10, 19), 5.0))
    same_top = FixedRanking("same_top", {0: 9.0} | dict.fromkeys(range(1, 10), 5.0))
    other_top = FixedRanking("other_top", {1: 9.0} | dict.fromkeys([0, *range(2, 10)], 5.0))
    for challenger, expected in ((same_top, "same_top"), (other_top, "default")):
        auto = AutoForecaster([default, challenger], coverages=(4.0, 40.0)).fit(h, 400.0)
        assert auto.choice_ == f"{expected}()", auto.evidence_


def test_auto_keeps_the_baseline_on_noise() -> None:
    """Events spread at random: no candidate can show a real lead, so naive stands."""
    rng = np.random.default_rng(2)
    t = np.sort(rng.uniform(0, 700, 300))
    h = EventHistory.build(t, rng.integers(0, 25, 300), GRID)
    auto = AutoForecaster().fit(h, 700.0)
    assert auto.choice_ == "naive(window_days=365)", auto.evidence_
    assert auto.validation_windows_ == 52
