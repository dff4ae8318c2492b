"""The release rules and the noise, without a store: the noise OpenDP draws has the spread
the release publishes (checked on many cells, with a tolerance from the sample size), the
published 95 % interval covers, the budget adds up and refuses what it cannot cover, and
the last days are never released."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from kuntur.core.timeutil import LIMA
from kuntur.public import privacy
from kuntur.public.privacy import Period, ReleaseRefused

Z = 4.5  # standard errors: a false alarm about once in 150,000 runs


def moments(scale: float) -> tuple[float, float, float]:
    """E|X|, E[X^2], E[X^4] of the discrete Laplace of ``scale``, from its mass function."""
    a = math.exp(-1.0 / scale)
    x = np.arange(-4000, 4001, dtype=float)
    p = (1 - a) / (1 + a) * a ** np.abs(x)
    return float((np.abs(x) * p).sum()), float((x**2 * p).sum()), float((x**4 * p).sum())


def test_the_closed_forms_match_the_mass_function() -> None:
    for scale in (0.5, 1.0, 2.0, 10.0):
        mae, var, _ = moments(scale)
        assert privacy.mean_abs_noise(scale) == pytest.approx(mae, rel=1e-9)
        assert privacy.noise_variance(scale) == pytest.approx(var, rel=1e-9)


@pytest.mark.parametrize("epsilon", [0.25, 0.5, 1.0])
def test_empirical_error_matches_the_published_scale(epsilon: float) -> None:
    """40,000 cells with known true counts: the mean error is 0, the mean absolute error and
    the variance are the published scale's, each within Z standard errors of the estimate
    (computed from the sample size and the distribution's own moments); a scale 15 % off
    would be caught."""
    n = 40_000
    rng = np.random.default_rng(16)
    truth = rng.integers(0, 60, size=n)
    noisy = np.array(privacy.noisy_counts(truth.tolist(), epsilon))
    err = noisy - truth
    scale = privacy.scale_for(epsilon)
    assert scale == pytest.approx(1 / epsilon)
    mae, var, m4 = moments(scale)
    se_mean = math.sqrt(var / n)
    se_mae = math.sqrt((var - mae**2) / n)
    se_var = math.sqrt((m4 - var**2) / n)
    assert abs(err.mean()) < Z * se_mean
    assert abs(np.abs(err).mean() - mae) < Z * se_mae
    assert abs((err.astype(float) ** 2).mean() - var) < Z * se_var
    # The test has the power to tell a wrong scale: 15 % more noise is far outside.
    assert abs(privacy.mean_abs_noise(scale * 1.15) - mae) > 3 * Z * se_mae
    # The published 95 % interval (noisy +/- ci95) covers the truth at least 95 % of the time.
    t = privacy.interval_halfwidth(scale)
    covered = float((np.abs(err) <= t).mean())
    assert covered >= 0.95 - Z * math.sqrt(0.05 * 0.95 / n)
    assert float((np.abs(err) <= t - 1).mean()) < 0.95 + Z * math.sqrt(0.05 * 0.95 / n)


def test_the_interval_is_opendps_and_the_distributions() -> None:
    for epsilon in (0.05, 0.1, 0.3, 0.5, 1.0, 2.0, 4.0):
        scale = privacy.scale_for(epsilon)
        assert privacy.interval_halfwidth(scale) == privacy.interval_halfwidth_exact(scale)
    assert privacy.interval_halfwidth(1.0) == 3  # P(|X| > 3) = 2e^-4/(1+e^-1) = 0.027


def test_opendp_is_the_source_of_the_noise() -> None:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    m = dp.m.make_laplace(*space, scale=privacy.scale_for(0.5))
    assert m.map(1) == pytest.approx(0.5)  # epsilon for a change of 1 in one cell
    assert privacy.noisy_counts([], 0.5) == []
    out = privacy.noisy_counts([3] * 50, 0.5)
    assert all(isinstance(v, int) for v in out) and len(set(out)) > 1


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "26-01", "abc", "", "2026/03"])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(ReleaseRefused, match="periodo no válido"):
        privacy.parse_period(text)


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", "-inf", "", "1e-9", None])
def test_bad_epsilons_are_refused(value: object) -> None:
    with pytest.raises(ReleaseRefused, match="épsilon no válido"):
        privacy.parse_epsilon(value)


def test_good_input() -> None:
    assert privacy.parse_period(" 2026-03 ") == Period(2026, 3)
    assert privacy.parse_epsilon("0.5") == 0.5
    assert privacy.parse_epsilon(1) == 1.0


def test_the_last_days_are_never_released() -> None:
    p = Period(2026, 9)
    start, end = p.bounds(LIMA)
    assert start == datetime(2026, 9, 1, 5, tzinfo=UTC)  # Lima is UTC-5
    assert end == datetime(2026, 10, 1, 5, tzinfo=UTC)
    for now in (
        datetime(2026, 9, 15, tzinfo=UTC),  # the month is not over
        datetime(2026, 10, 3, tzinfo=UTC),  # over, but its last days are within 7 days
        datetime(2026, 10, 8, 4, 59, tzinfo=UTC),  # a minute short
        datetime(2026, 8, 1, tzinfo=UTC),  # the future
    ):
        with pytest.raises(ReleaseRefused, match="2026-10-08") as refused:
            privacy.release_window(p, now, 7, LIMA)
        assert "últimos 7 días" in str(refused.value)
    assert privacy.release_window(p, datetime(2026, 10, 8, 5, tzinfo=UTC), 7, LIMA) == (
        start,
        end,
    )
    # A longer holdback moves the first day.
    with pytest.raises(ReleaseRefused, match="2026-10-31"):
        privacy.release_window(p, datetime(2026, 10, 20, tzinfo=UTC), 30, LIMA)


def test_the_budget_adds_up_and_refuses_what_is_left_over() -> None:
    privacy.check_budget(0.1, year=2026, year_budget=4, spent=3.9)  # exactly the rest
    privacy.check_budget(4.0, year=2026, year_budget=4, spent=0)
    spent = 0.0
    for eps in (0.1, 0.2, 0.3, 0.7, 1.1, 1.6):  # floats that do not add exactly in binary
        privacy.check_budget(eps, year=2026, year_budget=4, spent=spent)
        spent = round(spent + eps, 6)
    assert privacy.budget_left(4, spent) == 0.0
    with pytest.raises(ReleaseRefused) as refused:
        privacy.check_budget(0.75, year=2026, year_budget=4, spent=3.5)
    text = str(refused.value)
    assert text.startswith("presupuesto de privacidad agotado para 2026")
    assert "quedan ε = 0.5 de 4" in text
    assert " / privacy budget exhausted for 2026" in text  # Spanish first, then English


def test_small_counts_are_decided_on_the_noisy_value() -> None:
    assert privacy.shown(4, 5) == "<5"
    assert privacy.shown(-2, 5) == "<5"
    assert privacy.shown(5, 5) == 5
