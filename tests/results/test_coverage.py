"""The intervals are honest: on simulated panels where the truth is known (a factor model
of weekly counts with Poisson noise, an effect injected in the treated units), the 90 %
and 95 % intervals cover the truth at about their nominal rate."""

from __future__ import annotations

import numpy as np

from kuntur.results.evaluation import Panel, Treatment, estimate_with_interval


def _panel(rng: np.random.Generator, effect: float) -> tuple[Panel, list[Treatment], float]:
    n, t, start = 20, 120, 80
    common = 30 + 8 * np.sin(2 * np.pi * np.arange(t) / 52) + rng.normal(0, 1.5, t).cumsum() * 0.3
    second = rng.normal(0, 1, t).cumsum() * 0.2
    load = rng.uniform(0.5, 1.5, n)
    load2 = rng.uniform(-1, 1, n)
    mu = np.clip(load[:, None] * common[None, :] + load2[:, None] * second[None, :], 1, None)
    y = rng.poisson(mu).astype(float)
    treated = [0, 1]
    original = y[treated, start:].sum()
    y[treated, start:] = rng.binomial(y[treated, start:].astype(int), 1 + effect)
    truth = y[treated, start:].sum() / original - 1
    units = [f"u{i}" for i in range(n)]
    return (
        Panel(units, [str(i) for i in range(t)], y),
        [Treatment(units[i], start) for i in treated],
        truth,
    )


def test_intervals_cover_the_truth_at_their_nominal_rate() -> None:
    rng = np.random.default_rng(2026)
    reps = 150
    hits = {0.9: 0, 0.95: 0}
    errors = []
    for r in range(reps):
        panel, treatments, truth = _panel(rng, -0.2 if r % 2 else 0.0)
        est, ci, _p, _d = estimate_with_interval(panel, treatments)
        errors.append(est.effect - truth)
        for level, (lo, hi) in ci.items():
            hits[level] += lo <= truth <= hi
    assert 0.82 <= hits[0.9] / reps <= 0.97, hits
    assert 0.88 <= hits[0.95] / reps <= 0.995, hits
    assert abs(float(np.mean(errors))) < 0.01  # unbiased
