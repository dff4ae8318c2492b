"""What an intervention changed: counts per unit and period in, the effect on the treated
units against a counterfactual built from the untreated ones, with an honest interval.

Pure numpy/scipy: no web, no ORM (docs/results.md, docs/decisions/0017).

- **Synthetic control** (Abadie, Diamond & Hainmueller 2010): for each treated unit,
  non-negative weights summing to 1 over the untreated units, fitted on the pre-period.
  ``scale="ratio"`` (the default for counts) fits each unit's series divided by its own
  mean, so a district of 30 incidents a week can be built from districts of 10 and 50;
  the counterfactual is then the treated unit's mean times the weighted donors.
  ``scale="level"`` is the textbook version (the Proposition 99 reproduction).
- **Difference-in-differences**, multiplicative (the imputation form of a Poisson
  two-way fixed-effects model: each treated unit keeps its pre-period level, the time
  effects come from the untreated units), with a pre-trend test (slope of the log gap in
  the pre-period, Newey-West standard error).
- **Effect** = observed / counterfactual - 1 summed over the treated units' post periods.
- **Intervals** by inverting the conformal permutation test of Chernozhukov, Wüthrich &
  Zhu (2021, JASA): under "the effect is θ" the post-period counts divided by 1 + θ are
  what would have happened; the counterfactual is refitted on every period, and the sum
  of post-period residuals is compared with the same sum over every cyclic shift of the
  time axis. The interval is every θ that test does not reject; its coverage is checked
  by simulation in tests/results/test_coverage.py. For counts it is then widened by the
  slow drift the test cannot see, measured on placebo groups of donors
  (``placebo_spread``; tests/results/test_accuracy.py checks it on real data).
- The counterfactual's level on dated periods weights the pre-period by recency
  (``LEVEL_HALF_LIFE_YEARS``).
- Several treated units and staggered starts: each unit has its own start; the test
  shifts every unit's residuals by the same amount.
- Checks: placebo-in-space (each untreated unit as if treated: the share whose post/pre
  RMSPE ratio is at least the treated one's, as ADH 2010 rank it), placebo-in-time
  (the same estimate with a start moved back into the pre-period, on pre-period data
  only), the pre-period fit (RMSPE, R², RMSPE over the counting noise), warnings, and
  displacement (the same estimate for the ring of neighbouring units).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import optimize, stats

from kuntur.core.i18n import _

METHODS = ("synthetic_control", "did")
MIN_PRE_PERIODS = 8  # fewer pre-periods than this: the fit cannot be trusted
MAX_DONORS = 50  # more untreated units than this: the most alike before the start
MAX_LOG_EFFECT = 3.0  # the search for an interval's bound stops at exp(±3) - 1
LEVELS = (0.90, 0.95)
# Ratio scale on dated periods: the counterfactual's level is pinned to the treated unit's
# pre-period with each period weighted by recency, the weight halving every this many
# years back from the start. On 300 random designs on Chicago's 22 districts it cut the
# median error from 4.1 to 3.5 points (benchmarks/results_accuracy.py); shorter halves
# chase noise, longer ones keep levels that have drifted away.
LEVEL_HALF_LIFE_YEARS = 1.0


class EvaluationError(ValueError):
    """The panel cannot be evaluated as asked (no donors, no pre-period, no post-period)."""


@dataclass
class Panel:
    """Counts (or any outcome) per unit and period: ``values[i, t]``."""

    units: list[str]
    periods: list[str]  # labels, e.g. ISO dates of each period's start
    values: np.ndarray  # float, shape (len(units), len(periods))

    def __post_init__(self) -> None:
        self.values = np.asarray(self.values, dtype=float)
        if self.values.shape != (len(self.units), len(self.periods)):
            raise EvaluationError(
                f"panel shape {self.values.shape} does not match "
                f"{len(self.units)} units x {len(self.periods)} periods"
            )


# -- the counterfactual fits --------------------------------------------------------------


def simplex_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """``argmin ||target - donors @ w||²`` subject to ``w >= 0``, ``sum(w) = 1``.

    Lawson-Hanson NNLS on the system augmented with a heavily weighted row ``sum(w) = 1``,
    then renormalised: exact to a few parts in a million, and a fraction of a
    millisecond for 50 donors and 500 periods (SLSQP takes tens of times longer).
    """
    t, j = donors.shape
    if j == 1:
        return np.ones(1)
    scale = float(np.sqrt(np.mean(donors**2))) or 1.0
    big = 1e3 * scale * math.sqrt(max(t, 1))
    a = np.vstack([donors, np.full((1, j), big)])
    b = np.concatenate([target, [big]])
    w, _ = optimize.nnls(a, b, maxiter=50 * j)
    s = w.sum()
    return w / s if s > 0 else np.full(j, 1.0 / j)


@dataclass
class Fit:
    counterfactual: np.ndarray  # (T,) in the outcome's units
    weights: np.ndarray  # (J,) over the donors, summing to 1
    scale: float  # the treated unit's level the weights are applied to (ratio scale)


def fit_unit(
    y: np.ndarray,
    donors: np.ndarray,
    fit_mask: np.ndarray,
    *,
    method: str,
    scale: str,
    donor_means: np.ndarray | None = None,
    penalty: float = 0.0,
    half_life: float | None = None,
) -> Fit:
    """One treated unit's counterfactual over every period, fitted where ``fit_mask``.

    ``donors`` is (J, T). Ratio scale: every series over its mean on the fit periods (the
    donors' means may be given, fixed, so that a permutation test sees the same donors
    whatever the treated unit's adjustment). ``half_life`` (periods, ratio scale only):
    the synthetic series is pinned to the unit's level with the fit periods weighted by
    recency, halving every ``half_life`` periods back from the last one (see
    ``LEVEL_HALF_LIFE_YEARS``)."""
    if scale == "ratio":
        dm = donor_means if donor_means is not None else donors[:, fit_mask].mean(axis=1)
        dm = np.where(dm > 0, dm, 1.0)
        z = donors / dm[:, None]
        level = float(y[fit_mask].mean())
        target = y[fit_mask] / (level if level > 0 else 1.0)
    else:
        dm = np.ones(donors.shape[0])
        z = donors
        level = 1.0
        target = y[fit_mask]
    if method == "synthetic_control" and penalty > 0 and scale == "ratio":
        # Shrunk towards the difference-in-differences weights (each donor in proportion
        # to its level): a short or noisy pre-period cannot overfit.
        prior = dm / dm.sum()
        root = math.sqrt(penalty * int(fit_mask.sum()))
        j = len(dm)
        w = simplex_weights(
            np.concatenate([target, root * prior]),
            np.vstack([z[:, fit_mask].T, root * np.eye(j)]),
        )
    elif method == "synthetic_control":
        w = simplex_weights(target, z[:, fit_mask].T)
    elif method == "did":
        # The donors' total: weights in proportion to each one's level (multiplicative DiD).
        w = dm / dm.sum() if scale == "ratio" else np.full(len(dm), 1.0 / len(dm))
        if scale == "level":  # additive DiD: the treated unit's own mean gap
            base = z.T @ w
            gap = float(np.mean(y[fit_mask] - base[fit_mask]))
            return Fit(base + gap, w, 1.0)
    else:
        raise EvaluationError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    cf = z.T @ w
    if scale == "ratio":
        # Pin the synthetic series to the unit's own level on the fit periods: the
        # weights say the shape, the unit's level says how many.
        idx = np.nonzero(fit_mask)[0]
        if half_life and len(idx):
            # Districts drift apart for years (a downtown growing, a housing estate
            # emptied): the level just before the start says more about the next
            # periods than one from years ago (tests/results/test_accuracy.py).
            rw = 0.5 ** ((idx[-1] - idx) / half_life)
            ratio = float(rw @ y[idx]) / max(float(rw @ cf[idx]), 1e-12)
        else:
            cf_level = float(cf[fit_mask].mean())
            ratio = level / cf_level if cf_level > 0 else 0.0
        cf = cf * ratio
    return Fit(cf, w, level)


# -- the conformal interval -----------------------------------------------------------------


@dataclass
class Design:
    """Which rows are treated, from which period, and who the donors are."""

    treated: list[int]  # row indices
    starts: list[int]  # first post period of each treated row
    ends: list[int]  # one past the last post period of each treated row
    donors: list[int]
    penalties: list[float] | None = None  # shrinkage of each unit's weights (see below)
    half_life: float | None = None  # periods: recency weighting of the level (fit_unit)

    def post_mask(self, n_periods: int) -> np.ndarray:
        m = np.zeros((len(self.treated), n_periods), bool)
        for k, (s, e) in enumerate(zip(self.starts, self.ends, strict=True)):
            m[k, s:e] = True
        return m

    def pre_mask(self, n_periods: int) -> np.ndarray:
        m = np.zeros((len(self.treated), n_periods), bool)
        for k, s in enumerate(self.starts):
            m[k, :s] = True
        return m


def _fits(
    values: np.ndarray,
    design: Design,
    masks: np.ndarray,
    *,
    method: str,
    scale: str,
    rows: np.ndarray | None = None,
    donor_means: np.ndarray | None = None,
    recency: bool = True,
) -> list[Fit]:
    donors = values[design.donors]
    out = []
    for k, i in enumerate(design.treated):
        y = values[i] if rows is None else rows[k]
        out.append(
            fit_unit(
                y,
                donors,
                masks[k],
                method=method,
                scale=scale,
                donor_means=donor_means,
                penalty=design.penalties[k] if design.penalties else 0.0,
                half_life=design.half_life if recency else None,
            )
        )
    return out


PENALTIES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 10.0)


def choose_penalties(values: np.ndarray, design: Design, *, scale: str) -> list[float]:
    """Each treated unit's shrinkage of its synthetic-control weights towards the
    difference-in-differences ones, chosen on its own pre-period: fitted on the first two
    thirds, the one that predicts the last third best (mean squared error per period).
    Fixed before the post-period is looked at, and kept for the interval's refits."""
    if scale != "ratio":
        return [0.0] * len(design.treated)
    donors = values[design.donors]
    out = []
    for i, s in zip(design.treated, design.starts, strict=True):
        cut = (2 * s) // 3
        if cut < 4 or s - cut < 2:
            out.append(0.0)
            continue
        fit_mask = np.zeros(values.shape[1], bool)
        fit_mask[:cut] = True
        y = values[i]
        errors = []
        for lam in PENALTIES:
            f = fit_unit(
                y,
                donors,
                fit_mask,
                method="synthetic_control",
                scale=scale,
                penalty=lam,
                half_life=design.half_life,
            )
            errors.append(float(np.mean((y[cut:s] - f.counterfactual[cut:s]) ** 2)))
        out.append(PENALTIES[int(np.argmin(errors))])
    return out


class ConformalTest:
    """p(θ) of the test "the effect on the treated units is θ" (CWZ 2021)."""

    def __init__(self, values: np.ndarray, design: Design, *, method: str, scale: str) -> None:
        self.values = values
        self.design = design
        self.method = method
        self.scale = scale
        n_t = values.shape[1]
        self.post = design.post_mask(n_t)
        # Each unit's periods up to its end take part; later ones (after the intervention
        # ended) neither count nor help the fit.
        self.used = np.zeros_like(self.post)
        for k, e in enumerate(design.ends):
            self.used[k, :e] = True
        self.t_used = int(max(design.ends))
        dn = values[design.donors][:, : self.t_used]
        self.donor_means = dn.mean(axis=1)
        self.post_fft = np.fft.rfft(self.post[:, : self.t_used].astype(float), axis=1)
        self.cache: dict[float, float] = {}

    def p_value(self, log_effect: float) -> float:
        key = round(log_effect, 10)
        if key in self.cache:
            return self.cache[key]
        t = self.t_used
        vals = self.values[:, :t]
        rows = np.array([vals[i] for i in self.design.treated], dtype=float)
        post = self.post[:, :t]
        rows[post] = rows[post] / math.exp(log_effect)
        masks = self.used[:, :t]
        fits = _fits(
            vals,
            self.design,
            masks,
            method=self.method,
            scale=self.scale,
            rows=rows,
            donor_means=self.donor_means,
            # The test refits on every period, the post-period included: a level
            # weighted towards the last periods would lean on the very residuals tested.
            recency=False,
        )
        resid = rows - np.array([f.counterfactual for f in fits])
        resid[~masks] = 0.0
        # S(k) = sum_i sum_t post_i(t) resid_i(t + k mod T), every shift k at once.
        spec = np.conj(self.post_fft) * np.fft.rfft(resid, axis=1)
        shifts = np.fft.irfft(spec.sum(axis=0), n=t)
        s0 = abs(shifts[0])
        p = float(np.mean(np.abs(shifts) >= s0 - 1e-9 * (1.0 + s0)))
        self.cache[key] = p
        return p


def _bound(test: ConformalTest, start: float, step: float, alpha: float, sign: int) -> float:
    """The farthest log-effect on one side of ``start`` that the test does not reject."""
    inside = start
    x = start
    while True:
        x = x + sign * step
        if abs(x) > MAX_LOG_EFFECT:
            return sign * MAX_LOG_EFFECT
        if test.p_value(x) <= alpha:
            break
        inside = x
        step *= 1.6
    lo, hi = (inside, x) if sign > 0 else (x, inside)
    for _step in range(14):  # a hundredth of a percentage point, more than any count supports
        mid = 0.5 * (lo + hi)
        if (test.p_value(mid) > alpha) == (sign > 0):
            lo = mid
        else:
            hi = mid
    return lo if sign > 0 else hi


def conformal_intervals(
    values: np.ndarray,
    design: Design,
    *,
    method: str,
    scale: str,
    estimate: float,
    levels: Sequence[float] = LEVELS,
) -> tuple[dict[float, tuple[float, float]], float]:
    """Each level's interval on the effect scale, and the p-value of "no effect"."""
    test = ConformalTest(values, design, method=method, scale=scale)
    post_total = float(
        sum(
            values[i, s:e].sum()
            for i, s, e in zip(design.treated, design.starts, design.ends, strict=True)
        )
    )
    step = max(0.01, 0.5 / math.sqrt(max(post_total, 1.0)))
    centre = math.log1p(max(estimate, -0.95)) if math.isfinite(estimate) else 0.0
    alphas = sorted((1.0 - lv for lv in levels), reverse=True)  # 0.10 before 0.05
    if test.p_value(centre) <= min(alphas):
        grid = centre + step * np.arange(-40, 41)
        ps = np.array([test.p_value(float(g)) for g in grid])
        centre = float(grid[int(np.argmax(ps))])
    out: dict[float, tuple[float, float]] = {}
    for alpha in alphas:
        lo = _bound(test, centre, step, alpha, -1)
        hi = _bound(test, centre, step, alpha, +1)
        low, high = math.expm1(lo), math.expm1(hi)
        if math.isfinite(estimate):  # an estimate past the search limit (a post-period
            # with no event at all: -100 %) is still inside its own interval
            low, high = min(low, estimate), max(high, estimate)
        out[round(1.0 - alpha, 6)] = (low, high)
    return out, test.p_value(0.0)


# -- the estimate ---------------------------------------------------------------------------


@dataclass
class PreFit:
    periods: int
    rmspe: float
    r2: float
    noise_ratio: float  # RMSPE over the Poisson noise of a count this size (≈1: as good
    # as counting allows)

    def to_json(self) -> dict[str, Any]:
        return {
            "periods": self.periods,
            "rmspe": _r(self.rmspe),
            "r2": _r(self.r2),
            "noise_ratio": _r(self.noise_ratio),
        }


@dataclass
class Estimate:
    effect: float
    observed: np.ndarray  # (T,) the treated units summed
    counterfactual: np.ndarray  # (T,)
    post: np.ndarray  # (T,) bool: a period where some treated unit is in its post-period
    pre: np.ndarray  # (T,) bool: every treated unit before its start
    weights: dict[str, dict[str, float]]  # treated unit -> donor -> weight
    pre_fit: PreFit
    rmspe_ratio: float  # post RMSPE / pre RMSPE of the summed gap (ADH's placebo rank)


def point_estimate(
    values: np.ndarray, units: Sequence[str], design: Design, *, method: str, scale: str
) -> Estimate:
    n_t = values.shape[1]
    pre_masks = design.pre_mask(n_t)
    post_masks = design.post_mask(n_t)
    fits = _fits(values, design, pre_masks, method=method, scale=scale)
    obs_rows = values[design.treated]
    cf_rows = np.array([f.counterfactual for f in fits])
    used = np.zeros_like(post_masks)
    for k, e in enumerate(design.ends):
        used[k, :e] = True
    cf_post = float(cf_rows[post_masks].sum())
    obs_post = float(obs_rows[post_masks].sum())
    effect = obs_post / cf_post - 1.0 if cf_post > 0 else float("nan")
    observed = np.where(used, obs_rows, 0.0).sum(axis=0)
    counterfactual = np.where(used, cf_rows, 0.0).sum(axis=0)
    pre = np.asarray(pre_masks.all(axis=0))
    post = np.asarray(post_masks.any(axis=0))
    gap = observed - counterfactual
    pre_gap = gap[pre]
    rmspe = float(np.sqrt(np.mean(pre_gap**2))) if pre.any() else float("nan")
    sst = float(np.sum((observed[pre] - observed[pre].mean()) ** 2)) if pre.any() else 0.0
    r2 = 1.0 - float(np.sum(pre_gap**2)) / sst if sst > 0 else float("nan")
    mean_level = float(observed[pre].mean()) if pre.any() else float("nan")
    noise = rmspe / math.sqrt(mean_level) if mean_level > 0 else float("nan")
    post_rmspe = float(np.sqrt(np.mean(gap[post] ** 2))) if post.any() else float("nan")
    weights = {
        units[i]: {
            units[d]: float(w)
            for d, w in sorted(zip(design.donors, f.weights, strict=True), key=lambda dw: -dw[1])
            if w >= 0.001
        }
        for i, f in zip(design.treated, fits, strict=True)
    }
    return Estimate(
        effect=effect,
        observed=observed,
        counterfactual=counterfactual,
        post=post,
        pre=pre,
        weights=weights,
        pre_fit=PreFit(int(pre.sum()), rmspe, r2, noise),
        rmspe_ratio=post_rmspe / rmspe if rmspe > 0 else float("inf"),
    )


def newey_west_slope(y: np.ndarray) -> tuple[float, float]:
    """Slope of ``y`` on time and its two-sided p-value with a Newey-West (Bartlett)
    standard error, lag ``floor(4 (n/100)^(2/9))``."""
    n = len(y)
    if n < 4:
        return float("nan"), float("nan")
    x = np.column_stack([np.ones(n), np.arange(n, dtype=float)])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    u = y - x @ beta
    xtx_inv = np.linalg.inv(x.T @ x)
    lags = math.floor(4 * (n / 100) ** (2 / 9))
    xu = x * u[:, None]
    s = xu.T @ xu
    for lag in range(1, lags + 1):
        w = 1 - lag / (lags + 1)
        g = xu[lag:].T @ xu[:-lag]
        s += w * (g + g.T)
    cov = xtx_inv @ s @ xtx_inv * n / max(n - 2, 1)
    se = math.sqrt(max(cov[1, 1], 0.0))
    if se == 0:
        return float(beta[1]), float("nan")
    tstat = beta[1] / se
    return float(beta[1]), float(2 * stats.t.sf(abs(tstat), df=n - 2))


def pre_trend(est: Estimate) -> dict[str, Any]:
    """Did the treated units already drift from their counterfactual before the start?"""
    pre = est.pre
    gap = np.log(est.observed[pre] + 0.5) - np.log(est.counterfactual[pre] + 0.5)
    slope, p = newey_west_slope(gap)
    # Long series show some drift whatever happens; it matters when it adds up.
    drift = abs(slope) * int(pre.sum()) if math.isfinite(slope) else 0.0
    return {"slope_per_period": _r(slope, 6), "p": _r(p), "drift": _r(drift)}


# -- the whole evaluation -------------------------------------------------------------------


@dataclass
class Treatment:
    unit: str
    start: int  # index of the first post period
    end: int | None = None  # one past the last post period; None: to the panel's end


@dataclass
class Evaluation:
    method: str
    scale: str
    effect: float
    ci: dict[float, tuple[float, float]]
    p_zero: float
    pre_fit: PreFit
    placebo_p: float | None
    placebo_space: list[dict[str, Any]]
    placebo_time: dict[str, Any] | None
    pre_trend: dict[str, Any]
    weights: dict[str, dict[str, float]]
    displacement: dict[str, Any] | None
    other_method: dict[str, Any] | None
    warnings: list[str]
    units: list[str]
    treated: list[str]
    donors: list[str]
    excluded: list[str]
    shrinkage: dict[str, float]
    periods: list[str]
    observed: np.ndarray
    counterfactual: np.ndarray
    post: np.ndarray

    def to_json(self) -> dict[str, Any]:
        return {
            "effect": _r(self.effect),
            "ci90": [_r(v) for v in self.ci[0.9]],
            "ci95": [_r(v) for v in self.ci[0.95]],
            "method": self.method,
            "scale": self.scale,
            "pre_fit": self.pre_fit.to_json(),
            "placebo_p": _r(self.placebo_p),
            "p_value": _r(self.p_zero),
            "pre_trend": self.pre_trend,
            "weights": {u: {d: _r(w) for d, w in ws.items()} for u, ws in self.weights.items()},
            "placebo_in_space": self.placebo_space,
            "placebo_in_time": self.placebo_time,
            "displacement": self.displacement,
            "other_method": self.other_method,
            "warnings": self.warnings,
            "n_units": len(self.units),
            "treated": self.treated,
            "donors": self.donors,
            "excluded_donors": self.excluded,
            "shrinkage": self.shrinkage,
            "periods": len(self.periods),
            "pre_periods": self.pre_fit.periods,
            "post_periods": int(self.post.sum()),
            "series": {
                "periods": self.periods,
                "observed": [_r(v, 3) for v in self.observed],
                "counterfactual": [_r(v, 3) for v in self.counterfactual],
                "post": [bool(v) for v in self.post],
            },
        }


def _r(v: float | None, digits: int = 4) -> float | None:
    if v is None or not math.isfinite(v):
        return None
    return round(float(v), digits)


def _design(
    panel: Panel,
    treatments: Sequence[Treatment],
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
) -> Design:
    index = {u: i for i, u in enumerate(panel.units)}
    n_t = len(panel.periods)
    treated, starts, ends = [], [], []
    for tr in treatments:
        if tr.unit not in index:
            raise EvaluationError(_("la unidad {unit!r} no está en los datos", unit=tr.unit))
        end = n_t if tr.end is None else min(tr.end, n_t)
        if not 0 < tr.start < end:
            raise EvaluationError(
                _(
                    "unidad {unit!r}: el inicio debe dejar periodos antes y después",
                    unit=tr.unit,
                )
            )
        treated.append(index[tr.unit])
        starts.append(tr.start)
        ends.append(end)
    taken = set(treated) | {index[u] for u in exclude if u in index}
    donors = [i for i in range(len(panel.units)) if i not in taken]
    # A donor with no events in its fit periods says nothing about anyone's shape.
    donors = [d for d in donors if panel.values[d, : max(ends)].sum() > 0]
    if len(donors) > MAX_DONORS:
        donors = _closest_donors(panel.values, treated, min(starts), donors)
    if not donors:
        raise EvaluationError(
            _("no queda ninguna unidad no tratada con la que construir el contrafactual")
        )
    per_year = periods_per_year(panel.periods)
    half_life = LEVEL_HALF_LIFE_YEARS * per_year if per_year else None
    return Design(treated, starts, ends, donors, half_life=half_life)


def periods_per_year(labels: Sequence[str]) -> float | None:
    """Periods a year when the labels are ISO dates (weeks, months), else None: a panel of
    plain indices or years keeps the level from the whole pre-period."""
    from datetime import date

    if len(labels) < 3:
        return None
    try:
        days = [date.fromisoformat(str(x)[:10]).toordinal() for x in labels]
    except ValueError:
        return None
    gap = float(np.median(np.diff(days)))
    return 365.25 / gap if 0 < gap < 200 else None


def _closest_donors(
    values: np.ndarray, treated: Sequence[int], start: int, donors: Sequence[int]
) -> list[int]:
    """The ``MAX_DONORS`` donors whose pre-period series move most like the treated units'
    (Pearson correlation of each series over its own pre-period mean): a donor pool kept to
    units like the treated ones (Abadie 2021, §4) and an evaluation that stays fast with
    hundreds of beats or sectors."""
    pre = values[:, :start]
    target = pre[list(treated)].sum(axis=0)
    pool = pre[list(donors)]
    tz = target - target.mean()
    dz = pool - pool.mean(axis=1, keepdims=True)
    denom = np.sqrt((dz**2).sum(axis=1) * (tz**2).sum())
    corr = np.where(denom > 0, dz @ tz / np.where(denom > 0, denom, 1.0), -1.0)
    order = np.argsort(-corr, kind="stable")[:MAX_DONORS]
    return sorted(int(donors[k]) for k in order)


def _with_penalties(values: np.ndarray, design: Design, method: str, scale: str) -> Design:
    if method == "synthetic_control":
        design.penalties = choose_penalties(values, design, scale=scale)
    return design


def estimate_with_interval(
    panel: Panel,
    treatments: Sequence[Treatment],
    *,
    method: str = "synthetic_control",
    scale: str = "ratio",
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
    levels: Sequence[float] = LEVELS,
) -> tuple[Estimate, dict[float, tuple[float, float]], float, Design]:
    design = _with_penalties(panel.values, _design(panel, treatments, exclude), method, scale)
    est = point_estimate(panel.values, panel.units, design, method=method, scale=scale)
    ci, p0 = conformal_intervals(
        panel.values, design, method=method, scale=scale, estimate=est.effect, levels=levels
    )
    ci, p0 = _with_drift(panel.values, design, est.effect, ci, p0, method=method, scale=scale)
    return est, ci, p0, design


def _with_drift(
    values: np.ndarray,
    design: Design,
    effect: float,
    ci: dict[float, tuple[float, float]],
    p0: float,
    *,
    method: str,
    scale: str,
) -> tuple[dict[float, tuple[float, float]], float]:
    """Counts: the conformal intervals widened by the drift of placebo groups."""
    if scale != "ratio" or not math.isfinite(effect) or effect <= -1:
        return ci, p0
    spread = placebo_spread(values, design, method=method, scale=scale)
    if spread is None:
        return ci, p0
    return _widened(values, design, effect, spread, ci, p0)


PLACEBO_GROUPS = 40  # groups of donors drawn to measure how far such a set drifts


def placebo_spread(
    values: np.ndarray, design: Design, *, method: str, scale: str
) -> tuple[float, int] | None:
    """How far a set of untreated units like the treated one drifts from its
    counterfactual over the same periods for reasons of its own: groups of donors of the
    treated set's size (each member with a treated unit's start and end), each estimated
    from the other donors as if treated; the root mean square of their log effects, less
    the part their own counting noise explains. With the number of groups behind it.

    Over years, districts drift apart by several points (a downtown growing, a housing
    estate emptied); the conformal test sees the noise of each period but not that slow
    drift, and without it the 95 % interval covered the truth in 92 % of the random
    Chicago designs (benchmarks/results_accuracy.py)."""
    k = len(design.treated)
    donors = list(design.donors)
    if len(donors) - k < 2:
        return None
    rng = np.random.default_rng(0)  # the same groups every run: the interval is repeatable
    if math.comb(len(donors), k) <= PLACEBO_GROUPS:
        groups = [list(g) for g in itertools.combinations(donors, k)]
    else:
        seen: set[tuple[int, ...]] = set()
        groups = []
        while len(groups) < PLACEBO_GROUPS:
            drawn = tuple(sorted(int(x) for x in rng.choice(donors, size=k, replace=False)))
            if drawn not in seen:
                seen.add(drawn)
                groups.append(list(drawn))
    squares, noise = [], []
    for g in groups:
        fake = Design(
            g,
            list(design.starts),
            list(design.ends),
            [d for d in donors if d not in g],
            penalties=design.penalties,
            half_life=design.half_life,
        )
        e = point_estimate(
            values, [str(i) for i in range(len(values))], fake, method=method, scale=scale
        ).effect
        post = float(
            sum(values[i, s:t].sum() for i, s, t in zip(g, fake.starts, fake.ends, strict=True))
        )
        if not math.isfinite(e) or e <= -1 or post <= 0:
            continue
        squares.append(math.log1p(e) ** 2)
        noise.append(1.0 / post)
    if len(squares) < 5:
        return None
    drift = max(float(np.mean(squares)) - float(np.mean(noise)), 0.0)
    return math.sqrt(drift), len(squares)


def _widened(
    values: np.ndarray,
    design: Design,
    effect: float,
    spread: tuple[float, int],
    ci: dict[float, tuple[float, float]],
    p0: float,
) -> tuple[dict[float, tuple[float, float]], float]:
    """The conformal intervals widened to take in the drift measured on the placebo
    groups: on the log scale, the estimate ± t·sqrt(drift² + the treated units' own
    counting noise), joined with the conformal interval; "no effect" is rejected only
    when both reject it."""
    drift, n = spread
    post = float(
        sum(
            values[i, s:e].sum()
            for i, s, e in zip(design.treated, design.starts, design.ends, strict=True)
        )
    )
    # The counting noise of what the treated units would have had without the effect.
    untreated = post / (1.0 + effect)
    sigma = math.sqrt(drift**2 + 1.0 / max(untreated, 1.0))
    centre = math.log1p(effect)
    out = {}
    for level, (lo, hi) in ci.items():
        q = float(stats.t.ppf(0.5 + level / 2, df=max(n - 1, 1)))
        out[level] = (
            min(lo, math.expm1(max(centre - q * sigma, -MAX_LOG_EFFECT))),
            max(hi, math.expm1(min(centre + q * sigma, MAX_LOG_EFFECT))),
        )
    p_drift = float(2 * stats.t.sf(abs(centre) / sigma, df=max(n - 1, 1))) if sigma > 0 else 0.0
    return out, max(p0, p_drift)


def _placebo_fits(
    panel: Panel, design: Design, *, method: str, scale: str
) -> list[tuple[int, float, float]]:
    """Each donor as if it had been treated from the first treated unit's start, built
    from the other donors: (row, effect, post/pre RMSPE ratio)."""
    if len(design.donors) < 2:
        return []
    start, end = min(design.starts), max(design.ends)
    out = []
    for d in design.donors:
        fake = _with_penalties(
            panel.values,
            Design(
                [d],
                [start],
                [end],
                [x for x in design.donors if x != d],
                half_life=design.half_life,
            ),
            method,
            scale,
        )
        e = point_estimate(panel.values, panel.units, fake, method=method, scale=scale)
        out.append((d, e.effect, e.rmspe_ratio))
    return out


SHOCK_Z = 4.0  # robust z of a donor's own placebo effect beyond which it is no control
SHOCK_MIN = 0.10  # ... and at least this far (log scale) from the donors' median


def shocked_donors(fits: Sequence[tuple[int, float, float]]) -> list[int]:
    """Donors that had a shock of their own at the start (their placebo effect is an
    outlier among the donors'): a district treated too, or hit by something else, is no
    comparison (Abadie 2021, "Using synthetic controls", §4). At most a quarter of them,
    the farthest first, and only with enough donors to tell."""
    if len(fits) < 8:
        return []
    logs = np.array([math.log1p(max(e, -0.99)) if math.isfinite(e) else 0.0 for _d, e, _r in fits])
    med = float(np.median(logs))
    spread = max(1.4826 * float(np.median(np.abs(logs - med))), 0.02)
    dev = np.abs(logs - med)
    far = [
        (dev[k], fits[k][0])
        for k in range(len(fits))
        if dev[k] / spread > SHOCK_Z and dev[k] > SHOCK_MIN
    ]
    far.sort(reverse=True)
    return [d for _dev, d in far[: len(fits) // 4]]


def _placebo_time(
    panel: Panel, treatments: Sequence[Treatment], *, method: str, scale: str
) -> dict[str, Any] | None:
    """The same evaluation on pre-period data only, with every start moved back by the
    post-period's length (or to the middle of the pre-period when it is too short)."""
    first = min(t.start for t in treatments)
    length = max((t.end or len(panel.periods)) - t.start for t in treatments)
    shift = length if first - length >= MIN_PRE_PERIODS else first // 2
    if first - shift < 4 or shift < 1:
        return None
    sub = Panel(panel.units, panel.periods[:first], panel.values[:, :first])
    fake = [
        Treatment(t.unit, t.start - shift, t.start - shift + min(length, shift)) for t in treatments
    ]
    try:
        est, ci, p0, _d = estimate_with_interval(sub, fake, method=method, scale=scale)
    except ValueError:  # EvaluationError, or a pre-period with nothing to fit
        return None
    return {
        "start": panel.periods[first - shift],
        "effect": _r(est.effect),
        "ci90": [_r(v) for v in ci[0.9]],
        "ci95": [_r(v) for v in ci[0.95]],
        "p_value": _r(p0),
        "covers_zero": bool(ci[0.95][0] <= 0 <= ci[0.95][1]),
    }


def evaluate(
    panel: Panel,
    treatments: Sequence[Treatment],
    *,
    method: str = "synthetic_control",
    scale: str = "ratio",
    neighbours: Mapping[str, Sequence[str]] | None = None,
    placebos: bool = True,
    messages: Callable[[str, dict[str, Any]], str] | None = None,
) -> Evaluation:
    """The full evaluation: estimate, intervals, the second method, checks, warnings.

    ``messages(key, values)`` turns a warning's key into the user's language (the CLI and
    the pages pass the gettext catalogue); by default an English sentence."""
    if method not in METHODS:
        raise EvaluationError(f"unknown method {method!r}; one of {', '.join(METHODS)}")
    say = messages or _english
    full = _with_penalties(panel.values, _design(panel, treatments), method, scale)
    fits = _placebo_fits(panel, full, method=method, scale=scale) if placebos else []
    enough = min(t.start for t in treatments) >= MIN_PRE_PERIODS
    shocked = {panel.units[d] for d in shocked_donors(fits)} if enough else set()
    est, ci, p0, design = estimate_with_interval(
        panel, treatments, method=method, scale=scale, exclude=shocked
    )
    other = "did" if method == "synthetic_control" else "synthetic_control"
    design2 = _with_penalties(panel.values, replace(design, penalties=None), other, scale)
    est2 = point_estimate(panel.values, panel.units, design2, method=other, scale=scale)
    ci2, p02 = conformal_intervals(
        panel.values, design2, method=other, scale=scale, estimate=est2.effect
    )
    ci2, p02 = _with_drift(panel.values, design2, est2.effect, ci2, p02, method=other, scale=scale)
    did_est = est if method == "did" else est2
    trend = pre_trend(did_est)
    warnings: list[str] = []
    if est.pre_fit.periods < MIN_PRE_PERIODS:
        warnings.append(say("short_pre", {"n": est.pre_fit.periods, "min": MIN_PRE_PERIODS}))
    poor = (
        math.isfinite(est.pre_fit.noise_ratio)
        and est.pre_fit.noise_ratio > 1.5
        and not (est.pre_fit.r2 >= 0.8)
    )
    if poor:
        warnings.append(
            say(
                "poor_fit",
                {"ratio": round(est.pre_fit.noise_ratio, 2), "r2": _r(est.pre_fit.r2, 2)},
            )
        )
    if trend["p"] is not None and trend["p"] < 0.05 and (trend["drift"] or 0) > 0.05:
        warnings.append(say("pre_trend", {"p": trend["p"]}))
    lo, hi = ci[0.95]
    if lo <= math.expm1(-MAX_LOG_EFFECT) + 1e-9 or hi >= math.expm1(MAX_LOG_EFFECT) - 1e-9:
        warnings.append(say("unbounded", {}))
    if not (lo <= 0 <= hi) and not (ci2[0.95][0] <= est.effect <= ci2[0.95][1]):
        warnings.append(say("methods_disagree", {}))
    placebo_p: float | None = None
    space: list[dict[str, Any]] = []
    time_check = None
    if placebos:
        if fits:
            ratios = np.array([r for _d, _e, r in fits])
            placebo_p = (1 + int(np.sum(ratios >= est.rmspe_ratio))) / (1 + len(ratios))
            space = [
                {
                    "unit": panel.units[d],
                    "effect": _r(e),
                    "rmspe_ratio": _r(r),
                    "excluded": panel.units[d] in shocked,
                }
                for d, e, r in fits
            ]
        if shocked:
            warnings.append(say("shocked", {"units": sorted(shocked)}))
        time_check = _placebo_time(panel, treatments, method=method, scale=scale)
        if time_check is not None and not time_check["covers_zero"]:
            warnings.append(say("placebo_time", {"start": time_check["start"]}))
    displacement = None
    if neighbours:
        treated_units = {t.unit for t in treatments}
        ring: dict[str, Treatment] = {}
        for t in treatments:
            for u in neighbours.get(t.unit, ()):
                if u in treated_units or u not in panel.units:
                    continue
                prev = ring.get(u)
                if prev is None or t.start < prev.start:
                    ring[u] = Treatment(u, t.start, t.end)
        if ring:
            try:
                rest, rci, rp0, rdesign = estimate_with_interval(
                    panel,
                    list(ring.values()),
                    method=method,
                    scale=scale,
                    exclude=treated_units | shocked,
                )
                displacement = {
                    "units": sorted(ring),
                    "effect": _r(rest.effect),
                    "ci90": [_r(v) for v in rci[0.9]],
                    "ci95": [_r(v) for v in rci[0.95]],
                    "p_value": _r(rp0),
                    "donors": len(rdesign.donors),
                }
                if rci[0.95][0] > 0:
                    warnings.append(say("displacement", {"effect": _r(rest.effect * 100, 1)}))
            except EvaluationError:
                displacement = None
    return Evaluation(
        method=method,
        scale=scale,
        effect=est.effect,
        ci=ci,
        p_zero=p0,
        pre_fit=est.pre_fit,
        placebo_p=placebo_p,
        placebo_space=space,
        placebo_time=time_check,
        pre_trend=trend,
        weights=est.weights,
        displacement=displacement,
        other_method={
            "method": other,
            "effect": _r(est2.effect),
            "ci90": [_r(v) for v in ci2[0.9]],
            "ci95": [_r(v) for v in ci2[0.95]],
            "p_value": _r(p02),
            "pre_fit": est2.pre_fit.to_json(),
        },
        warnings=warnings,
        units=list(panel.units),
        treated=[panel.units[i] for i in design.treated],
        donors=[panel.units[i] for i in design.donors],
        excluded=sorted(shocked),
        shrinkage={
            panel.units[i]: float(lam)
            for i, lam in zip(design.treated, design.penalties or [], strict=False)
        },
        periods=list(panel.periods),
        observed=est.observed,
        counterfactual=est.counterfactual,
        post=est.post,
    )


_ENGLISH = {
    "short_pre": "only {n} periods before the start (at least {min} are needed to trust the fit)",
    "poor_fit": "the pre-period fit is poor: its error is {ratio} times what counting noise "
    "explains (R² {r2})",
    "pre_trend": "the treated units already drifted from the comparison before the start "
    "(pre-trend test p = {p})",
    "unbounded": "the data cannot bound the effect: the interval reaches the search limit",
    "methods_disagree": "synthetic control and difference-in-differences disagree",
    "placebo_time": "the placebo-in-time check (start moved back to {start}) finds an effect",
    "displacement": "the neighbouring units rose by {effect} %: crime may have moved next door",
    "shocked": "left out of the comparison, as they changed on their own at the start: {units}",
}


def _english(key: str, values: dict[str, Any]) -> str:
    shown = {k: ", ".join(v) if isinstance(v, list) else v for k, v in values.items()}
    return _ENGLISH[key].format(**shown)
