"""Hit rate, PAI and PEI on windows small enough to count by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kuntur.forecasting.estimators import NaiveCounts
from kuntur.forecasting.evaluation import (
    evaluate,
    flagged_counts,
    forecast_origins,
    score_window,
)
from kuntur.forecasting.grid import EventHistory, Grid

GRID = Grid(0.0, 0.0, 250.0, 10, 10, "EPSG:32718")  # 100 cells


def test_score_window_by_hand() -> None:
    area = np.zeros(100, bool)
    area[:50] = True  # A = 50 cells; 1 cell = 2 % of it
    risk = np.zeros(100)
    risk[[3, 7]] = [5, 4]  # forecast: cell 3, then cell 7
    actual = np.zeros(100)
    actual[[3, 7, 9, 60]] = [1, 0, 4, 9]  # cell 60 is outside the area: not counted
    tie = np.arange(100)
    s = score_window(risk, actual, area, {2.0: 1, 4.0: 2}, tie)
    assert s.total == 5
    assert s.caught == {2.0: 1, 4.0: 1}
    assert s.best == {2.0: 4, 4.0: 5}


def test_pooled_metrics_by_hand() -> None:
    # Two cells always busy, the rest quiet: the naive forecast flags them.
    times, cells = [], []
    for day in range(0, 60):
        times += [day + 0.1, day + 0.2, day + 0.3]
        cells += [0, 0, 1]
    times += [30.5, 45.5]
    cells += [5, 6]
    h = EventHistory.build(np.array(times), np.array(cells), GRID)
    ev = evaluate(h, {"naive": NaiveCounts(20)}, horizon_days=7, test_days=28, coverages=(25.0,))
    out = ev.to_json()
    assert out["area_cells"] == 4 and out["windows"] == 4
    m = out["methods"]["naive"]["25"]
    # 25 % of 4 cells = 1 cell: cell 0. The test period is days 32-60 (4 weeks): 3 events a
    # day plus the stray on day 45.5 make N = 85, of which cell 0 held 2 a day = 56.
    assert m["hit_rate"] == pytest.approx(56 / 85, abs=1e-5)
    assert m["pai"] == pytest.approx((56 / 85) / 0.25, abs=1e-3)
    assert m["pei"] == 1.0


def test_origins_cover_the_last_days() -> None:
    h = EventHistory.build(np.array([0.5, 99.2]), np.array([0, 1]), GRID)
    o = forecast_origins(h, test_days=28, step_days=7, horizon_days=7)
    assert list(o) == [72.0, 79.0, 86.0, 93.0]


def test_flagged_area_is_at_least_one_cell() -> None:
    assert flagged_counts(40, (0.5, 1.0, 5.0)) == {0.5: 1, 1.0: 1, 5.0: 2}


def test_test_period_before_data_is_refused() -> None:
    h = EventHistory.build(np.array([10.0, 20.0]), np.array([0, 1]), GRID)
    with pytest.raises(ValueError, match="test period"):
        evaluate(h, {"naive": NaiveCounts()}, test_days=365)
