"""Synthetic control weights chosen through predictors, as Abadie, Diamond & Hainmueller
(2010) chose them: the donors' weights W fit the treated unit's predictors (covariates
such as income or price, and a few years of the outcome), each predictor weighted by a
diagonal V, and V is the one whose W best reproduces the outcome over the pre-period.

The evaluation Kuntur runs on incident counts fits the outcome's own pre-period path
instead (``evaluation.fit_unit``: incident files carry no covariates); this is the
textbook nested form, for a panel that has them. It reproduces ADH's Proposition 99
weights and gap (tests/results/test_evaluation.py).

Predictors are divided by their standard deviation across all units (as the Synth
package does), V lies on the simplex, and the outer search (Nelder-Mead on log V) starts
from equal weights and from a fixed set of random ones: the outer problem has many local
optima, and the best of the starts is kept. Deterministic. Pure numpy/scipy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from kuntur.results.evaluation import EvaluationError, simplex_weights

STARTS = 20  # random starts of the outer search, beside the equal one
SEED = 0


@dataclass(frozen=True)
class PredictorFit:
    weights: np.ndarray  # (J,) over the donors, non-negative, summing to 1
    v: np.ndarray  # (K,) the predictors' weights, non-negative, summing to 1
    rmspe: float  # of the outcome over the periods V was chosen on


def predictor_weights(
    x_treated: np.ndarray,
    x_donors: np.ndarray,
    y_treated: np.ndarray,
    y_donors: np.ndarray,
    *,
    starts: int = STARTS,
) -> PredictorFit:
    """W and V for one treated unit.

    ``x_treated`` (K,) and ``x_donors`` (K, J): the predictors; ``y_treated`` (T,) and
    ``y_donors`` (T, J): the outcome over the pre-period periods V is chosen on."""
    x1 = np.asarray(x_treated, float)
    x0 = np.asarray(x_donors, float)
    y1 = np.asarray(y_treated, float)
    y0 = np.asarray(y_donors, float)
    k, j = x0.shape
    if x1.shape != (k,) or y0.shape != (y1.shape[0], j) or j == 0 or k == 0:
        raise EvaluationError("predictors and outcomes do not match the donors")
    if not (np.isfinite(x0).all() and np.isfinite(x1).all()):
        raise EvaluationError("a predictor is missing for some unit")
    spread = np.hstack([x1[:, None], x0]).std(axis=1, ddof=1)
    spread[spread == 0] = 1.0
    x1s, x0s = x1 / spread, x0 / spread[:, None]

    def weights_for(v: np.ndarray) -> np.ndarray:
        root = np.sqrt(v)
        return simplex_weights(root * x1s, root[:, None] * x0s)

    def v_of(theta: np.ndarray) -> np.ndarray:
        e = np.exp(theta - theta.max())
        return e / e.sum()

    def loss(theta: np.ndarray) -> float:
        w = weights_for(v_of(theta))
        return float(np.mean((y1 - y0 @ w) ** 2))

    rng = np.random.default_rng(SEED)
    candidates = [np.zeros(k), *(rng.normal(0.0, 2.0, k) for _ in range(starts))]
    best: optimize.OptimizeResult | None = None
    for theta0 in candidates:
        found = optimize.minimize(
            loss,
            theta0,
            method="Nelder-Mead",
            options={"maxiter": 400 * k, "xatol": 1e-6, "fatol": 1e-9},
        )
        if best is None or found.fun < best.fun:
            best = found
    assert best is not None
    v = v_of(best.x)
    return PredictorFit(weights_for(v), v, float(np.sqrt(best.fun)))
