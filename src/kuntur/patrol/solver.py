"""Where to post units so that the most risk lies within their reach: maximal covering.

The model (Church and ReVelle's MCLP, generalised): demand points ``i`` with weights
``w_i`` (forecast risk), candidate sites ``j``, unit types ``t`` each with its own reach
(a coverage matrix demand x site), its number of units and its busy fraction ``q_t``.
A plan puts ``x_tj`` units of type ``t`` at site ``j``; demand ``i`` is then within reach of
``k_ti`` units of type ``t``. What a demand is worth (``objective``):

- ``coverage``: ``w_i`` when at least one unit reaches it (MCLP);
- ``backup``: ``w_i`` for the first unit and ``backup_weight * w_i`` for a second
  (Hogan and ReVelle's backup coverage; ``backup_weight`` 1 counts both alike);
- ``expected``: ``w_i * (1 - prod_t q_t ** k_ti)``: covered by a unit that is free
  (Daskin's MEXCLP; with one busy fraction for all it is ``w_i * (1 - q ** k_i)``).

Constraints: units kept at fixed sites (stations, standing checkpoints), each type's
number of units, at most ``capacity`` units per post (all types together), and districts
(sets of sites) that must each get at least one post.

How it is solved, exactly: the problem is first reduced (demand with the same coverage
sets merged, sites whose coverage is contained in another's dropped where no constraint
tells them apart); a greedy plan improved by swaps (and, for plain covering, a Lagrangian
bound, which also settles sites no better plan can use or do without) then warm-starts
HiGHS on the integer model (the concave worth of each demand as levels or, with several
busy fractions, as pieces of ``1 - exp(-s)``). The answer is the better of the two plans,
its objective recomputed on the unreduced problem, with the solver's proven bound: a time
limit returns the best plan found and its bound, never nothing.

Pure numpy, scipy and highspy: no web or store code (the analytics contract).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

if TYPE_CHECKING:
    from collections.abc import Iterator

Objective = Literal["coverage", "backup", "expected"]
OBJECTIVES: tuple[str, ...] = ("coverage", "backup", "expected")
# Levels of the expected coverage are kept while q ** k is above this (the rest is added
# to the bound, so the bound stays proven).
TRUNCATE = 1e-10
EPS = 1e-9
DOMINANCE_WORK = 5e8  # most pair products the dominated-site check may cost
PATIENCE = 50  # search rounds in a row without a better plan before HiGHS takes over
# The integer model is worth starting only with at least this many times the relaxation's
# time left: its own root (the primal form, then cuts) takes 2.5-5 times as long, so with
# less the time goes to the search (at Lima scale with 5 s: HiGHS would not finish its
# root; the search gains 6-16 of objective there, measured).
MIP_ROOM = 5.0
GRACE = 0.5  # seconds HiGHS may run past its time limit before it is stopped, then left
# The search waits for the relaxation (rather than running beside it) until this share of
# the time limit is gone: on a loaded machine the two threads share the process's part of
# the cores, and the search's plans before the relaxation are beaten by its rounding
# anyway (Lima scale, 5 s, load 5-8: the relaxation done at a median 3.3 s instead of
# 4.2 s, plans better or equal in 12 of 12 paired runs; docs/benchmarks-notes.md).
RELAX_WAIT = 0.6


@dataclass(frozen=True)
class UnitType:
    """One kind of unit: whom each site reaches with it, how many there are, how often
    one is busy, and the sites where some stay (a site named twice keeps two)."""

    cover: sparse.csr_matrix  # demand x site, True where a unit at the site reaches it
    count: int
    name: str = "unidad"
    busy: float = 0.0
    fixed: tuple[int, ...] = ()


@dataclass(frozen=True)
class Problem:
    weights: NDArray[np.float64]
    types: tuple[UnitType, ...]
    capacity: int = 1  # units per post, all types together
    districts: tuple[tuple[int, ...], ...] = ()  # each: sites of which one must get a post
    objective: Objective = "coverage"
    backup_weight: float = 1.0

    @property
    def n_demand(self) -> int:
        return len(self.weights)

    @property
    def n_sites(self) -> int:
        return int(self.types[0].cover.shape[1]) if self.types else 0

    def fixed_units(self) -> NDArray[np.int64]:
        out = np.zeros((len(self.types), self.n_sites), dtype=np.int64)
        for t, kind in enumerate(self.types):
            np.add.at(out[t], np.asarray(kind.fixed, dtype=np.int64), 1)
        return out

    def check(self) -> None:
        """Raise ValueError on a problem that is malformed (not merely infeasible)."""
        w = np.asarray(self.weights, dtype=float)
        if w.ndim != 1 or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("weights: a finite, non-negative value per demand point")
        if not self.types:
            raise ValueError("types: at least one unit type")
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective: one of {', '.join(OBJECTIVES)}")
        if self.capacity < 1:
            raise ValueError("capacity: at least one unit per post")
        if not 0 <= self.backup_weight <= 1:
            raise ValueError("backup_weight: between 0 and 1")
        for kind in self.types:
            if kind.cover.shape != (self.n_demand, self.n_sites):
                raise ValueError(f"{kind.name}: coverage must be demand x site, as the others")
            if kind.count < 0 or not 0 <= kind.busy < 1:
                raise ValueError(f"{kind.name}: count >= 0 and busy fraction in [0, 1)")
            if any(not 0 <= j < self.n_sites for j in kind.fixed):
                raise ValueError(f"{kind.name}: fixed site out of range")
        for d in self.districts:
            if any(not 0 <= j < self.n_sites for j in d):
                raise ValueError("districts: site out of range")


@dataclass(frozen=True)
class Plan:
    """A solved plan: units per type and site, its objective (recomputed on the problem as
    given), the proven upper bound on any plan's objective and the relative gap between."""

    units: NDArray[np.int64]  # types x sites
    objective: float
    bound: float
    gap: float
    status: str  # "optimal", "time_limit", "infeasible", "stopped"
    seconds: float
    greedy: float = 0.0  # the greedy plan's objective
    heuristic: float = 0.0  # after the swaps
    reduced: tuple[int, int] = (0, 0)  # demand points and sites left after the reduction
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def sites(self) -> NDArray[np.int64]:
        """The sites that hold at least one unit (sorted)."""
        return np.flatnonzero(self.units.sum(axis=0) > 0)


# --- what a plan is worth -------------------------------------------------------------


def reach_counts(problem: Problem, units: NDArray[np.int64]) -> NDArray[np.int64]:
    """``k_ti`` as a demand x type array: units of each type within reach of each demand."""
    cols = [
        np.asarray(kind.cover @ units[t].astype(np.int64)).ravel()
        for t, kind in enumerate(problem.types)
    ]
    return np.column_stack(cols).astype(np.int64)


def worth(problem: Problem, k: NDArray[np.int64]) -> NDArray[np.float64]:
    """What each demand point is worth per unit of weight, from its reach counts."""
    total = k.sum(axis=1)
    if problem.objective == "coverage":
        return np.minimum(total, 1).astype(float)
    if problem.objective == "backup":
        return np.minimum(total, 1) + problem.backup_weight * (total >= 2)
    q = np.array([kind.busy for kind in problem.types], dtype=float)
    return 1.0 - np.prod(np.power(q[None, :], k), axis=1)


def evaluate(problem: Problem, units: NDArray[np.int64]) -> float:
    """The objective of ``units`` on ``problem``, computed from the coverage itself."""
    return float(np.dot(problem.weights, worth(problem, reach_counts(problem, units))))


def _gains(problem: Problem, k: NDArray[np.int64], t: int) -> NDArray[np.float64]:
    """What one more unit of type ``t`` at each site would add."""
    step = k.copy()
    step[:, t] += 1
    delta = problem.weights * (worth(problem, step) - worth(problem, k))
    return np.asarray(problem.types[t].cover.T @ delta).ravel()


# --- heuristics -----------------------------------------------------------------------


def infeasibility(problem: Problem) -> str | None:
    """Why no plan can meet the constraints, when that is plain without solving."""
    fixed = problem.fixed_units()
    for t, kind in enumerate(problem.types):
        if fixed[t].sum() > kind.count:
            return f"{kind.name}: more fixed units ({fixed[t].sum()}) than units ({kind.count})"
    if np.any(fixed.sum(axis=0) > problem.capacity):
        return "a fixed post holds more units than a post may"
    units = sum(kind.count for kind in problem.types)
    if units > problem.capacity * problem.n_sites:
        return f"{units} units do not fit in {problem.n_sites} sites"
    if problem.districts and units == 0:
        return "districts need posts but there are no units"
    if any(len(d) == 0 for d in problem.districts):
        return "a required district has no candidate site"
    return None


def _place(
    problem: Problem,
    units: NDArray[np.int64],
    k: NDArray[np.int64],
    allowed: NDArray[np.bool_] | None = None,
) -> bool:
    """Add the best single unit (any type with units left) at an allowed site with room."""
    load = units.sum(axis=0)
    room = load < problem.capacity
    if allowed is not None:
        room &= allowed
    best: tuple[float, int, int] | None = None
    for t, kind in enumerate(problem.types):
        if units[t].sum() >= kind.count or not room.any():
            continue
        g = np.where(room, _gains(problem, k, t), -np.inf)
        j = int(np.argmax(g))
        if best is None or g[j] > best[0] + EPS:
            best = (float(g[j]), t, j)
    if best is None:
        return False
    _, t, j = best
    units[t, j] += 1
    k[:, t] += problem.types[t].cover[:, [j]].toarray().ravel().astype(np.int64)
    return True


def _served(problem: Problem, units: NDArray[np.int64]) -> list[bool]:
    posts = units.sum(axis=0) > 0
    return [bool(posts[list(d)].any()) for d in problem.districts]


def greedy(problem: Problem, units: NDArray[np.int64] | None = None) -> NDArray[np.int64]:
    """Fixed units first, then a post in each required district, then the unit that adds
    most, one at a time, until every type's units are placed."""
    units = problem.fixed_units() if units is None else units.copy()
    k = reach_counts(problem, units)
    for d, served in zip(problem.districts, _served(problem, units), strict=True):
        if not served:
            allowed = np.zeros(problem.n_sites, dtype=bool)
            allowed[list(d)] = True
            _place(problem, units, k, allowed)
    while _place(problem, units, k):
        pass
    return units


def swap(
    problem: Problem, units: NDArray[np.int64], deadline: float = math.inf
) -> NDArray[np.int64]:
    """Move one unit at a time (not a fixed one) to the site where it adds most, while
    that improves the plan and keeps every required district served."""
    units = units.copy()
    fixed = problem.fixed_units()
    k = reach_counts(problem, units)
    district_sets = [np.asarray(d, dtype=np.int64) for d in problem.districts]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for t, j in [(t, j) for t, j in zip(*np.nonzero(units - fixed), strict=True)]:
            if time.perf_counter() >= deadline:
                break
            if units[t, j] - fixed[t, j] <= 0:
                continue
            col = problem.types[t].cover[:, [j]].toarray().ravel().astype(np.int64)
            units[t, j] -= 1
            k[:, t] -= col
            room = units.sum(axis=0) < problem.capacity
            posts = units.sum(axis=0) > 0
            for d in district_sets:
                if not posts[d].any():  # moving this unit must keep its district served
                    mask = np.zeros(problem.n_sites, dtype=bool)
                    mask[d] = True
                    room &= mask
            g = np.where(room, _gains(problem, k, t), -np.inf)
            best = int(np.argmax(g))
            if best != j and g[best] > g[j] + EPS * max(1.0, abs(g[j])):
                j = best
                improved = True
            units[t, j] += 1
            k[:, t] += problem.types[t].cover[:, [j]].toarray().ravel().astype(np.int64)
    return units


def simple_bound(problem: Problem) -> float:
    """An upper bound without solving: the worth of each demand is subadditive in the
    units, so no plan beats the sum of the best single-unit gains per type (a site taken
    at most ``capacity`` times), nor every weight at its greatest worth."""
    zero = np.zeros((problem.n_demand, len(problem.types)), dtype=np.int64)
    total = 0.0
    for t, kind in enumerate(problem.types):
        g = np.sort(_gains(problem, zero, t))[::-1]
        total += float(np.repeat(g, problem.capacity)[: kind.count].sum())
    top = {"coverage": 1.0, "backup": 1.0 + problem.backup_weight, "expected": 1.0}
    return min(total, float(problem.weights.sum()) * top[problem.objective])


# --- plain covering, one unit type: fast interchange and iterated local search --------


class _Cover:
    """Plain covering with one unit type: a post counts once, so a plan is a set of open
    sites; ``c`` is how many open sites reach each demand point."""

    def __init__(self, problem: Problem) -> None:
        kind = problem.types[0]
        self.a = kind.cover.astype(np.float64).tocsr()
        self.at = self.a.T.tocsr()
        self.cols = self.a.tocsc()
        self.w = problem.weights
        fixed = problem.fixed_units()[0]
        self.fixed = fixed > 0
        # a site named twice among the fixed keeps two units but opens once
        self.p = min(kind.count - int(fixed.sum() - self.fixed.sum()), problem.n_sites)
        self.tol = 1e-9 * max(1.0, float(self.w.sum()))

    def column(self, j: int) -> NDArray[np.int32]:
        return self.cols.indices[self.cols.indptr[j] : self.cols.indptr[j + 1]]

    def counts(self, open_: NDArray[np.bool_]) -> NDArray[np.int64]:
        return np.asarray(self.a @ open_.astype(np.float64)).ravel().astype(np.int64)

    def value(self, c: NDArray[np.int64]) -> float:
        return float(self.w[c > 0].sum())

    def fill(self, open_: NDArray[np.bool_], c: NDArray[np.int64]) -> None:
        """Open the site that adds most until ``p`` are open (in place)."""
        for _ in range(self.p - int(open_.sum())):
            g = np.asarray(self.at @ (self.w * (c == 0))).ravel()
            g[open_] = -1.0
            j = int(np.argmax(g))
            open_[j] = True
            c[self.column(j)] += 1

    def improve(self, open_: NDArray[np.bool_], c: NDArray[np.int64], deadline: float) -> int:
        """Best-improvement interchange (in place): close one open site, open one closed
        site, the pair that gains most, while any gains. The gain of every pair comes
        from one sparse product: opening ``j'`` gains the weight nothing reaches within
        its reach, closing ``j`` loses what only ``j`` reaches, and the pair gets back
        what only ``j`` reaches and ``j'`` reaches too."""
        n, m = self.a.shape
        moves = 0
        while time.perf_counter() < deadline:
            gain = np.asarray(self.at @ (self.w * (c == 0))).ravel()
            once = np.flatnonzero(c == 1)
            sub = self.a[once].multiply(open_[None, :].astype(np.float64)).tocsr()
            sub.eliminate_zeros()
            owner = sub.indices  # the one open site reaching each point reached once
            wi = self.w[once]
            loss = np.bincount(owner, weights=wi, minlength=m)
            both = (self.at @ sparse.csr_matrix((wi, (once, owner)), shape=(n, m))).tocoo()
            closed = ~open_
            cand = np.flatnonzero(open_ & ~self.fixed)
            if not len(cand) or not closed.any():
                break
            outside = np.where(closed, gain, -np.inf)
            best_in = np.full(m, int(np.argmax(outside)))
            best_val = np.full(m, float(outside.max()))
            keep = closed[both.row] & open_[both.col] & ~self.fixed[both.col]
            r, col = both.row[keep], both.col[keep]
            v = gain[r] + both.data[keep]
            if len(v):
                order = np.lexsort((-v, col))
                first = np.ones(len(order), dtype=bool)
                first[1:] = col[order][1:] != col[order][:-1]
                top = order[first]
                better = v[top] > best_val[col[top]]
                best_val[col[top][better]] = v[top][better]
                best_in[col[top][better]] = r[top][better]
            total = best_val[cand] - loss[cand]
            k = int(np.argmax(total))
            if total[k] <= self.tol:
                break
            out, into = int(cand[k]), int(best_in[cand[k]])
            open_[out], open_[into] = False, True
            c[self.column(out)] -= 1
            c[self.column(into)] += 1
            moves += 1
        return moves

    def search(
        self,
        open_: NDArray[np.bool_],
        deadline: float,
        *,
        until: Any = None,
        goal: float = math.inf,
        patience: int | None = None,
        share: float = 0.1,
        seed: int = 0,
    ) -> tuple[NDArray[np.bool_], float, int]:
        """Iterated local search: close a random tenth of the movable posts, refill
        greedily, interchange; keep the result when it is better. Stops at ``deadline``,
        when ``until()`` says so, when the plan reaches ``goal`` (a proven bound), or
        after ``patience`` rounds in a row without a better plan."""
        rng = np.random.default_rng(seed)
        best = open_.copy()
        c = self.counts(best)
        self.improve(best, c, deadline)
        best_c, best_v, rounds, idle = c, self.value(c), 0, 0
        while time.perf_counter() < deadline and best_v < goal - self.tol:
            if (until is not None and until()) or (patience is not None and idle >= patience):
                break
            rounds += 1
            trial, tc = best.copy(), best_c.copy()
            movable = np.flatnonzero(trial & ~self.fixed)
            if not len(movable):
                break
            drop = rng.choice(movable, size=max(1, round(share * len(movable))), replace=False)
            for j in drop:
                trial[j] = False
                tc[self.column(int(j))] -= 1
            self.fill(trial, tc)
            self.improve(trial, tc, deadline)
            v = self.value(tc)
            idle += 1
            if v > best_v + self.tol:
                best, best_c, best_v, idle = trial, tc, v, 0
        return best, best_v, rounds


class _Relaxation:
    """The linear relaxation of plain covering (``y_i <= sum_j a_ij x_j``, ``sum x = p``,
    all in [0, 1]), given to HiGHS as its dual: the Lagrangian dual of the coverage rows,
    ``min sum_i (w_i - l_i) + p' mu + sum_j nu_j`` over ``0 <= l_i <= w_i``, ``mu`` and
    ``nu_j >= 0`` with ``sum_i a_ij l_i - mu - nu_j <= 0`` per site (``nu_j`` free at a
    fixed site, ``p'`` the posts, a fixed site counted once). That form has one row per
    site, not one per demand point: HiGHS's interior point method solves it about 2.5 times as fast
    as the primal form (1.4 s against 3.4 s at Lima scale, measured). It runs in a thread
    of its own (HiGHS lets go of the interpreter) so the first plans are made beside it. The
    ``l`` it returns are Lagrangian multipliers: the bound is evaluated from them exactly
    (``_settle``), so it is proven whatever tolerance the method stopped at; the rows'
    duals are the relaxation's ``x`` (a rounding of which is a plan)."""

    def __init__(self, problem: Problem, time_limit: float) -> None:
        import threading

        import highspy

        kind = problem.types[0]
        a = kind.cover.astype(np.float64).tocsc()
        n, m = a.shape
        fixed = problem.fixed_units()[0] > 0
        # posts: the fixed ones and the ones left to choose (a fixed site counted once)
        posts = float(max(min(kind.count, m) - int(fixed.sum()), 0) + int(fixed.sum()))
        w = problem.weights
        inf = highspy.kHighsInf
        mat = sparse.hstack([a.T, -np.ones((m, 1)), -sparse.identity(m)], format="csc")
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n + 1 + m, m
        lp.col_cost_ = np.concatenate([-np.ones(n), [posts], np.ones(m)])
        lp.offset_ = float(w.sum())
        lp.col_lower_ = np.concatenate([np.zeros(n), [0.0], np.where(fixed, -inf, 0.0)])
        lp.col_upper_ = np.concatenate([w, [inf], np.full(m, inf)])
        lp.row_lower_ = np.full(m, -inf)
        lp.row_upper_ = np.zeros(m)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = mat.indptr.astype(np.int32)
        lp.a_matrix_.index_ = mat.indices.astype(np.int32)
        lp.a_matrix_.value_ = mat.data.astype(float)
        lp.sense_ = highspy.ObjSense.kMinimize
        with _quiet_stdout():
            self.h = highspy.Highs()
        self.h.setOptionValue("output_flag", bool(os.environ.get("KUNTUR_HIGHS_LOG")))
        self.h.setOptionValue("solver", "ipm")
        self.h.setOptionValue("run_crossover", "off")
        self.h.setOptionValue("ipm_optimality_tolerance", 1e-6)
        self.h.setOptionValue("time_limit", max(time_limit, 0.001))
        self.h.setOptionValue("threads", 1)
        self.h.passModel(lp)
        self.n, self.m = n, m
        self.started = time.perf_counter()
        self.seconds = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.h.run()
        self.seconds = time.perf_counter() - self.started

    def done(self) -> bool:
        return not self.thread.is_alive()

    def wait(self, until: float) -> None:
        """Sleep until the relaxation is solved or the clock reaches ``until``."""
        self.thread.join(max(until - time.perf_counter(), 0.0))

    def solved(self) -> bool:
        """Whether HiGHS reached the relaxation's optimum (else its duals bound poorly)."""
        import highspy

        self.thread.join()
        return bool(self.h.getModelStatus() == highspy.HighsModelStatus.kOptimal)

    def duals(self) -> NDArray[np.float64] | None:
        """The multipliers, once HiGHS has stopped (None if it found none)."""
        self.thread.join()
        sol = self.h.getSolution()
        if not sol.value_valid or len(sol.col_value) < self.n:
            return None
        lam = np.asarray(sol.col_value[: self.n], dtype=float)
        return lam if np.all(np.isfinite(lam)) else None

    def fractional(self) -> NDArray[np.float64] | None:
        """The relaxation's ``x`` (each site's share of a post), once HiGHS has stopped."""
        self.thread.join()
        sol = self.h.getSolution()
        if not sol.dual_valid or len(sol.row_dual) < self.m:
            return None
        x = np.abs(np.asarray(sol.row_dual[: self.m], dtype=float))
        return x if np.all(np.isfinite(x)) else None


# --- reduction ------------------------------------------------------------------------


@dataclass(frozen=True)
class Reduction:
    problem: Problem
    sites: NDArray[np.int64]  # the original index of each site kept
    # worth of the demand every plan covers to the full (the fixed units' own), left out
    # of ``problem``: a plan's worth there plus this is its worth on the problem as given
    constant: float = 0.0


def _saturated(problem: Problem) -> NDArray[np.bool_]:
    """Demand the fixed units alone already give its greatest worth, whatever the plan:
    within reach of one fixed unit under plain coverage, of two under backup coverage
    (expected coverage never reaches its greatest worth)."""
    need = {"coverage": 1, "backup": 2}.get(problem.objective)
    fixed = problem.fixed_units()
    if need is None or not fixed.any():
        return np.zeros(problem.n_demand, dtype=bool)
    return np.asarray(reach_counts(problem, fixed).sum(axis=1) >= need)


def reduce(problem: Problem) -> Reduction:
    """Drop the demand the fixed units already give its greatest worth (its worth kept
    as ``constant``), merge demand with identical coverage sets (weights summed; demand
    nothing reaches or of no weight dropped), then drop dominated sites: a site whose
    coverage (for every type) is contained in another's, not fixed, in no required
    district the other is not in, where moving its units to the other cannot lose worth
    (capacity never binds, or one type counted once)."""
    stacked = sparse.hstack([kind.cover for kind in problem.types], format="csr")
    stacked.sort_indices()
    keep_rows: list[int] = []
    merged: list[float] = []
    seen: dict[bytes, int] = {}
    w = problem.weights
    full = _saturated(problem)
    top = 1.0 + problem.backup_weight if problem.objective == "backup" else 1.0
    constant = float(w[full].sum()) * top
    for i in np.flatnonzero((np.diff(stacked.indptr) > 0) & (w > 0) & ~full):
        key = stacked.indices[stacked.indptr[i] : stacked.indptr[i + 1]].tobytes()
        at = seen.get(key)
        if at is None:
            seen[key] = len(keep_rows)
            keep_rows.append(int(i))
            merged.append(float(w[i]))
        else:
            merged[at] += float(w[i])
    rows = np.asarray(keep_rows, dtype=np.int64)
    covers = [kind.cover[rows] for kind in problem.types]
    weights = np.asarray(merged, dtype=float)
    sites = np.arange(problem.n_sites)
    units = sum(kind.count for kind in problem.types)
    allowed = units <= problem.capacity or (
        len(problem.types) == 1 and problem.objective == "coverage"
    )
    # Comparing every pair of sites costs the sum of |N_i|^2 over the demand: with reach
    # so wide that each point sees hundreds of sites, the check costs more than it saves.
    pairs = sum(float(np.square(np.diff(c.indptr)).sum()) for c in covers)
    if allowed and pairs <= DOMINANCE_WORK:
        sites = _undominated(problem, covers)
    types = tuple(
        UnitType(
            cover=c[:, sites].tocsr(),
            count=kind.count,
            name=kind.name,
            busy=kind.busy,
            fixed=tuple(int(np.searchsorted(sites, j)) for j in kind.fixed),
        )
        for c, kind in zip(covers, problem.types, strict=True)
    )
    where = {int(j): n for n, j in enumerate(sites)}
    districts = tuple(tuple(where[j] for j in d if j in where) for d in problem.districts)
    reduced = Problem(
        weights=weights,
        types=types,
        capacity=problem.capacity,
        districts=districts,
        objective=problem.objective,
        backup_weight=problem.backup_weight,
    )
    return Reduction(reduced, sites.astype(np.int64), constant)


def _membership(districts: tuple[tuple[int, ...], ...], m: int) -> sparse.csc_matrix:
    """District x site, 1 where the site lies in the district."""
    r = [n for n, d in enumerate(districts) for _ in d]
    c = [j for d in districts for j in d]
    out = sparse.csc_matrix((np.ones(len(r)), (r, c)), shape=(len(districts), m))
    out.data[:] = 1.0
    return out


def _undominated(problem: Problem, covers: list[sparse.csr_matrix]) -> NDArray[np.int64]:
    m = problem.n_sites
    fixed = problem.fixed_units().sum(axis=0) > 0
    member = _membership(problem.districts, m)
    dominated = np.zeros(m, dtype=bool)
    sizes = [np.asarray(c.sum(axis=0)).ravel().astype(np.int64) for c in covers]
    empty = np.all([s == 0 for s in sizes], axis=0)
    in_district = np.asarray(member.sum(axis=0)).ravel() > 0
    dominated |= empty & ~fixed & ~in_district
    # j inside j' for every type: |N_j ∩ N_j'| = |N_j| for each type's coverage.
    keys: NDArray[np.int64] | None = None
    for s, c in zip(sizes, covers, strict=True):
        it = (c.T.astype(np.int64) @ c.astype(np.int64)).tocoo()
        ok = (it.data == s[it.row]) & (it.row != it.col) & (s[it.row] > 0)
        here = np.unique(it.row[ok].astype(np.int64) * m + it.col[ok].astype(np.int64))
        keys = here if keys is None else np.intersect1d(keys, here, assume_unique=True)
    if keys is not None and len(keys):
        inside, other = keys // m, keys % m
        same = np.all([s[inside] == s[other] for s in sizes], axis=0)
        valid = ~(same & (other > inside)) & ~fixed[inside]  # equal coverage: the first stays
        if problem.districts:
            d = member.toarray() > 0  # district x site
            for lo in range(0, len(inside), 1_000_000):
                hi = lo + 1_000_000
                extra = np.any(d[:, inside[lo:hi]] & ~d[:, other[lo:hi]], axis=0)
                valid[lo:hi] &= ~extra
        dominated[inside[valid]] = True
    return np.flatnonzero(~dominated).astype(np.int64)


# --- the integer model ----------------------------------------------------------------


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """HiGHS prints its banner on standard output when the first solver is made; the
    command line's JSON must be all that is there."""
    import sys

    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(fd)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(null)


def _levels(problem: Problem) -> tuple[NDArray[np.float64], float] | None:
    """Worth per unit reaching a demand, level by level, when it depends only on their
    number (and the weight left out by truncating the expected coverage's levels)."""
    units = sum(kind.count for kind in problem.types)
    if problem.objective == "coverage":
        return np.array([1.0]), 0.0
    if problem.objective == "backup":
        return np.array([1.0, problem.backup_weight]), 0.0
    qs = {kind.busy for kind in problem.types}
    if len(qs) > 1:
        return None
    q = qs.pop()
    most = max(1, math.ceil(math.log(TRUNCATE) / math.log(q))) if q > 0 else 1
    n = min(units, most)
    c = np.array([(1 - q) * q**level for level in range(max(n, 1))])
    return c, (q**n if n < units else 0.0)


def _pieces(problem: Problem) -> tuple[NDArray, NDArray, NDArray, float]:
    """Several busy fractions: worth ``1 - exp(-s)`` with ``s = sum_t k_t (-ln q_t)``,
    as the pieces joining the values ``s`` can take (concave, exact at each)."""
    g = np.array([-math.log(max(kind.busy, 1e-12)) for kind in problem.types])
    points = np.zeros(1)
    for t, kind in enumerate(problem.types):
        most = min(kind.count, max(1, math.ceil(-math.log(TRUNCATE) / g[t])))
        points = (points[:, None] + g[t] * np.arange(most + 1)[None, :]).ravel()
        points = np.unique(np.round(points, 12))
        points = points[: np.searchsorted(points, -math.log(TRUNCATE)) + 1]
    f = 1 - np.exp(-points)
    slopes = np.diff(f) / np.diff(points)
    intercepts = f[:-1] - slopes * points[:-1]
    return g, slopes, intercepts, float(f[-1])


@dataclass(frozen=True)
class Lagrange:
    bound: float
    off: NDArray[np.bool_]  # sites no better plan uses
    on: NDArray[np.bool_]  # sites every better plan uses
    iterations: int


def lagrangian(
    problem: Problem,
    lower: float,
    deadline: float,
    most: int = 5000,
    plan: NDArray[np.bool_] | None = None,
) -> Lagrange:
    """Plain covering with one unit type: relax each demand's coverage constraint with a
    multiplier ``0 <= l_i <= w_i``. For any such ``l`` the best of ``sum_i (w_i - l_i) +
    (the p sites with most sum_i a_ij l_i)`` bounds every plan (required districts
    ignored: a relaxation); subgradient steps bring it to the linear relaxation's bound.
    Then, against the best plan known (``lower``): a site whose forced entry (or exit)
    takes the bound below it is used by no better plan (or by every one).
    The steps start from ``w_i`` shared among the sites of ``plan`` that reach ``i`` (all
    of it where none does) and follow the deflected direction (half the last one added):
    at Lima scale that reaches 33,017 in 2,000 steps where plain steps from ``w / 2``
    stall at 33,075 (the relaxation's bound is 32,981)."""
    kind = problem.types[0]
    a = kind.cover.astype(float).tocsr()
    at = a.T.tocsr()
    w = problem.weights
    m = problem.n_sites
    fixed = problem.fixed_units()[0] > 0
    free = max(min(kind.count, m) - int(fixed.sum()), 0)
    if plan is not None:
        lam = w / np.maximum(np.asarray(a @ plan.astype(float)).ravel(), 1.0)
    else:
        lam = w * 0.5
    best_bound, best_lam = math.inf, lam.copy()
    theta, stall, it = 1.0, 0, 0
    direction = np.zeros_like(lam)

    def evaluate_at(lam: NDArray) -> tuple[float, NDArray, NDArray]:
        score = np.asarray(at @ lam).ravel()
        pick = fixed.copy()
        if free:
            open_ = np.flatnonzero(~fixed)
            top = open_[np.argpartition(-score[open_], min(free, len(open_)) - 1)[:free]]
            pick[top] = True
        return float((w - lam).sum() + score[pick].sum()), score, pick

    while it < most and (it == 0 or time.perf_counter() < deadline):
        it += 1
        value, _score, pick = evaluate_at(lam)
        if value < best_bound - 1e-12 * max(1.0, abs(value)):
            best_bound, best_lam, stall = value, lam.copy(), 0
        else:
            stall += 1
            if stall >= 30:
                theta, stall = theta / 2, 0
        if theta < 1e-5 or best_bound - lower <= 1e-9 * max(1.0, lower):
            break
        reach = np.asarray(a @ pick.astype(float)).ravel()
        grad = reach - 1.0  # d bound / d l_i
        grad[(lam <= 0) & (grad > 0)] = 0.0
        grad[(lam >= w) & (grad < 0)] = 0.0
        direction = grad + 0.5 * direction
        norm = float(direction @ direction)
        if norm <= 0:
            break
        lam = np.clip(lam - theta * (value - lower) / norm * direction, 0.0, w)
    return _settle(problem, best_lam, lower, it)


def _settle(problem: Problem, lam: NDArray[np.float64], lower: float, it: int = 0) -> Lagrange:
    """The Lagrangian bound at multipliers ``lam`` (any ``0 <= lam <= w`` gives a proven
    bound), and, against the best plan known (``lower``), the sites whose forced entry (or
    exit) takes that bound below it: no better plan uses them (or does without them).
    At the linear relaxation's duals this is fixing by reduced cost."""
    kind = problem.types[0]
    w = problem.weights
    lam = np.clip(lam, 0.0, w)
    m = problem.n_sites
    fixed = problem.fixed_units()[0] > 0
    free = max(min(kind.count, m) - int(fixed.sum()), 0)
    score = np.asarray(kind.cover.T.astype(float) @ lam).ravel()
    pick = fixed.copy()
    open_ = np.flatnonzero(~fixed)
    if free and len(open_):
        top = open_[np.argpartition(-score[open_], min(free, len(open_)) - 1)[:free]]
        pick[top] = True
    value = float((w - lam).sum() + score[pick].sum())
    off = np.zeros(m, dtype=bool)
    on = np.zeros(m, dtype=bool)
    tol = 1e-9 * max(1.0, abs(lower))
    chosen = pick & ~fixed
    rest = ~pick & ~fixed
    if chosen.any() and rest.any():
        weakest_in = score[chosen].min()
        strongest_out = score[rest].max()
        off = rest & (value - weakest_in + score < lower - tol)
        on = chosen & (value - score + strongest_out < lower - tol)
    return Lagrange(bound=value, off=off, on=on, iterations=it)


def _mip(
    problem: Problem,
    start: NDArray[np.int64],
    time_limit: float,
    mip_gap: float,
    lagrange: Lagrange | None = None,
    *,
    searched: bool = False,
) -> dict[str, Any]:
    """HiGHS on the integer model from ``start`` (``searched``: a plan the local search
    already improved as far as it could, so HiGHS spends its time on the bound)."""
    import threading

    import highspy

    n, m, ntypes = problem.n_demand, problem.n_sites, len(problem.types)
    nx = ntypes * m
    fixed = problem.fixed_units()
    inf = highspy.kHighsInf
    col_lower = [fixed.ravel().astype(float)]
    col_upper = [
        np.concatenate(
            [np.full(m, float(min(problem.capacity, kind.count))) for kind in problem.types]
        )
    ]
    if lagrange is not None:  # one type: the sites decided by the Lagrangian bound
        col_upper[0][lagrange.off] = 0.0
        col_lower[0][lagrange.on] = np.maximum(col_lower[0][lagrange.on], 1.0)
    cost = [np.zeros(nx)]
    integer = [np.ones(nx, dtype=bool)]
    rows: list[sparse.spmatrix] = []
    row_lower: list[NDArray] = []
    row_upper: list[NDArray] = []
    k0 = reach_counts(problem, start)
    s0 = k0.sum(axis=1)
    levels = _levels(problem)
    slack = 0.0
    cover_x = sparse.hstack([kind.cover.astype(float) for kind in problem.types], format="csr")
    if levels is not None:
        c, rest = levels
        nl = len(c)
        slack = rest * float(problem.weights.sum())
        cost.append((problem.weights[:, None] * c[None, :]).ravel())
        col_lower.append(np.zeros(n * nl))
        col_upper.append(np.ones(n * nl))
        integer.append(np.zeros(n * nl, dtype=bool))
        y = sparse.kron(sparse.identity(n, format="csr"), np.ones((1, nl)), format="csr")
        rows.append(sparse.hstack([-cover_x, y], format="csr"))
        row_lower.append(np.full(n, -inf))
        row_upper.append(np.zeros(n))
        start_extra = (s0[:, None] > np.arange(nl)[None, :]).astype(float).ravel()
        extra = n * nl
    else:
        g, slopes, intercepts, top = _pieces(problem)
        npiece = len(slopes)
        # columns: x, s (n), u (n)
        cost += [np.zeros(n), problem.weights.astype(float)]
        col_lower += [np.zeros(n), np.zeros(n)]
        col_upper += [np.full(n, inf), np.full(n, top)]
        integer += [np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)]
        weighted = sparse.hstack(
            [kind.cover.astype(float) * g[t] for t, kind in enumerate(problem.types)],
            format="csr",
        )
        eye = sparse.identity(n, format="csr")
        rows.append(sparse.hstack([-weighted, eye, sparse.csr_matrix((n, n))], format="csr"))
        row_lower.append(np.zeros(n))
        row_upper.append(np.zeros(n))
        if npiece:
            s_part = sparse.kron(eye, -slopes.reshape(-1, 1), format="csr")
            u_part = sparse.kron(eye, np.ones((npiece, 1)), format="csr")
            rows.append(sparse.hstack([sparse.csr_matrix((n * npiece, nx)), s_part, u_part], "csr"))
            row_lower.append(np.full(n * npiece, -inf))
            row_upper.append(np.tile(intercepts, n))
        s_start = k0.astype(float) @ g
        u_start = np.minimum(
            top,
            np.min(intercepts[None, :] + slopes[None, :] * s_start[:, None], axis=1)
            if npiece
            else 0.0,
        )
        start_extra = np.concatenate([s_start, u_start])
        extra = 2 * n
        slack = TRUNCATE * float(problem.weights.sum())
    ncol = nx + extra
    # counts of each type; at most `capacity` units per post when several types share it
    counts = sparse.hstack(
        [sparse.kron(sparse.identity(ntypes), np.ones((1, m))), sparse.csr_matrix((ntypes, extra))],
        format="csr",
    )
    rows.append(counts)
    row_lower.append(np.full(ntypes, -inf))
    row_upper.append(np.array([float(kind.count) for kind in problem.types]))
    if ntypes > 1:
        per_post = sparse.hstack(
            [sparse.kron(np.ones((1, ntypes)), sparse.identity(m)), sparse.csr_matrix((m, extra))],
            format="csr",
        )
        rows.append(per_post)
        row_lower.append(np.full(m, -inf))
        row_upper.append(np.full(m, float(problem.capacity)))
    if problem.districts:
        r = np.concatenate([np.full(len(d), i) for i, d in enumerate(problem.districts)])
        cj = np.concatenate([np.asarray(d, dtype=np.int64) for d in problem.districts])
        one = sparse.csr_matrix((np.ones(len(r)), (r, cj)), shape=(len(problem.districts), m))
        one.data[:] = 1.0
        rows.append(
            sparse.hstack(
                [sparse.kron(np.ones((1, ntypes)), one), sparse.csr_matrix((one.shape[0], extra))],
                format="csr",
            )
        )
        row_lower.append(np.ones(len(problem.districts)))
        row_upper.append(np.full(len(problem.districts), inf))
    a = sparse.vstack(rows, format="csc")
    a.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = ncol, a.shape[0]
    lp.col_cost_ = np.concatenate(cost)
    lp.col_lower_ = np.concatenate(col_lower)
    lp.col_upper_ = np.concatenate(col_upper)
    lp.row_lower_ = np.concatenate(row_lower)
    lp.row_upper_ = np.concatenate(row_upper)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize
    kinds = np.concatenate(integer)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous for b in kinds
    ]
    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", bool(os.environ.get("KUNTUR_HIGHS_LOG")))
    h.setOptionValue("time_limit", max(time_limit, 0.001))
    h.setOptionValue("mip_rel_gap", mip_gap)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("random_seed", 0)
    if searched:
        # The start is already the search's best: HiGHS's own primal heuristics (sub-MIPs,
        # feasibility jump) found nothing better in the runs measured and took up to 76 s
        # of 150 before its first node; without them the proofs at Lima scale came sooner
        # in 4 of 5 paired runs (87 -> 54 s, 21 -> 10 s, 17 -> 9 s; decision 0011).
        h.setOptionValue("mip_heuristic_effort", 0.0)
        for name in ("rins", "rens", "feasibility_jump", "root_reduced_cost"):
            h.setOptionValue(f"mip_heuristic_run_{name}", False)
    h.passModel(lp)
    warm = highspy.HighsSolution()
    warm.col_value = np.concatenate([start.ravel().astype(float), start_extra]).tolist()
    warm.value_valid = True
    h.setSolution(warm)
    # HiGHS runs in a thread so that the time limit holds: between its checks of the
    # clock a round of root cuts took 30-46 s at Lima scale on a loaded machine (the
    # uniform family ran 145 s with 120 s allowed). At the deadline it is asked to stop
    # (at its next check); if it is still busy a moment later it is left to finish on its
    # own and the answer is the best plan known with the last bound HiGHS reported.
    seen = {"bound": math.inf}

    def note(e: Any) -> None:
        b = float(e.data_out.mip_dual_bound)
        if math.isfinite(b):
            seen["bound"] = b

    h.HandleUserInterrupt = True  # cancelSolve() stops it at its next check
    h.cbMipInterrupt += note
    runner = threading.Thread(target=h.run, daemon=True)
    runner.start()
    runner.join(max(time_limit, 0.001) + GRACE)
    if runner.is_alive():
        h.cancelSolve()
        runner.join(GRACE)
    if runner.is_alive():
        return {
            "status": "time_limit",
            "units": None,
            "bound": seen["bound"] + slack,
            "nodes": -1,
            "rows": int(a.shape[0]),
            "cols": int(ncol),
        }
    status = h.getModelStatus()
    info = h.getInfo()
    names = {
        highspy.HighsModelStatus.kOptimal: "optimal",
        highspy.HighsModelStatus.kTimeLimit: "time_limit",
        highspy.HighsModelStatus.kInfeasible: "infeasible",
        highspy.HighsModelStatus.kInterrupt: "time_limit",
    }
    units = None
    sol = h.getSolution()
    if sol.value_valid and len(sol.col_value) >= nx:
        units = np.rint(np.asarray(sol.col_value[:nx])).astype(np.int64).reshape(ntypes, m)
        units = np.maximum(units, 0)
    bound = float(info.mip_dual_bound)
    return {
        "status": names.get(status, "stopped"),
        "units": units,
        "bound": bound + slack if math.isfinite(bound) else math.inf,
        "nodes": int(info.mip_node_count),
        "rows": int(a.shape[0]),
        "cols": int(ncol),
    }


def _feasible(problem: Problem, units: NDArray[np.int64]) -> bool:
    if units.shape != (len(problem.types), problem.n_sites) or np.any(units < 0):
        return False
    if np.any(units < problem.fixed_units()):
        return False
    if np.any(units.sum(axis=0) > problem.capacity):
        return False
    if any(units[t].sum() > kind.count for t, kind in enumerate(problem.types)):
        return False
    return all(_served(problem, units))


def _plain(
    problem: Problem,
    start: NDArray[np.int64],
    deadline: float,
    time_limit: float,
    detail: dict[str, Any],
    relax: _Relaxation | None = None,
) -> tuple[NDArray[np.int64], Lagrange | None, NDArray[np.int64]]:
    """Plain covering with one unit type and no required districts: HiGHS solves the
    linear relaxation in a thread (given all the time there is) while the greedy plan is
    made; then a wait for it (``RELAX_WAIT``; only if it is not done by then, interchange
    and an iterated local search beside it), then the relaxation's ``x`` rounded (its
    ``p`` largest) and improved by interchange, and the search a while longer: until
    ``PATIENCE`` rounds in a row find nothing better (at most a quarter of the time
    limit), or all the time left when too little is left for the integer model's own
    relaxation (which takes longer than the dual form); never past a proven optimum.
    Returns the plan, the bound and the sites it settles (fixing by reduced cost against
    the plan), and the plan before the relaxation's rounding (greedy's when the
    relaxation was solved in time, else after the search beside it)."""
    cover = _Cover(problem)
    if relax is None:  # the caller may have started it already (before the greedy plan)
        relax = _Relaxation(problem, max(deadline - time.perf_counter(), 0.0))
    open_ = start[0] > 0
    counts = cover.counts(open_)
    cover.fill(open_, counts)
    relax.wait(deadline - (1.0 - RELAX_WAIT) * time_limit)  # its whole core to HiGHS
    if relax.done() and relax.solved():  # its rounding is the better start: no interchange
        value, rounds = cover.value(counts), 0
    else:  # not solved by then (or failed): interchange, and search beside it
        cover.improve(open_, counts, deadline)
        open_, value, rounds = cover.search(open_, deadline, until=relax.done)
    first = open_.astype(np.int64)[None, :]
    lam = relax.duals() if relax.solved() else None
    lagrange = None  # not solved in time: the caller falls back to subgradient steps
    rounded = None
    if lam is not None:
        lagrange = _settle(problem, lam, value)
        x = relax.fractional()
        if x is not None:
            trial = cover.fixed.copy()
            free = cover.p - int(trial.sum())
            order = np.argsort(-np.where(trial, -np.inf, x), kind="stable")
            trial[order[: max(free, 0)]] = True
            tc = cover.counts(trial)
            cover.improve(trial, tc, deadline)
            rounded = cover.value(tc)
            if rounded > value + cover.tol:
                open_, value = trial, rounded
        left = deadline - time.perf_counter()
        if left < MIP_ROOM * relax.seconds:  # too little for the integer model: all to search
            until, patience = deadline, None
        else:  # until the search stalls, at most a quarter of the time limit
            until = min(deadline, time.perf_counter() + 0.25 * time_limit)
            patience = PATIENCE
        goal = lagrange.bound * (1 - 1e-9)
        open_, value, more = cover.search(open_, until, goal=goal, patience=patience, seed=1)
        rounds += more
        lagrange = _settle(problem, lam, value)
    detail["relaxation"] = {
        "seconds": relax.seconds,
        "bound": lagrange.bound if lagrange is not None else None,
        "off": int(lagrange.off.sum()) if lagrange is not None else 0,
        "on": int(lagrange.on.sum()) if lagrange is not None else 0,
        "search_rounds": rounds,
        "rounded": rounded,
    }
    units = np.zeros_like(start)
    units[0, open_] = 1
    units[0] = np.maximum(units[0], problem.fixed_units()[0])
    return units, lagrange, first


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    mip_gap: float = 1e-6,
    swap_share: float = 0.2,
    lagrange_share: float = 0.1,
) -> Plan:
    """The best plan (every type's units placed, each required district with a post, the
    fixed units kept), its objective, proven bound and gap. Within ``time_limit`` seconds
    (the greedy start always runs); ``mip_gap`` is the relative gap at which HiGHS stops."""
    problem.check()
    started = time.perf_counter()
    deadline = started + time_limit
    why = infeasibility(problem)
    empty = np.zeros((len(problem.types), problem.n_sites), dtype=np.int64)
    if why is not None:
        return Plan(empty, 0.0, 0.0, 0.0, "infeasible", 0.0, detail={"reason": why})
    red = reduce(problem)
    small = red.problem
    plain = len(small.types) == 1 and small.objective == "coverage"
    relax = None
    if plain and not small.districts and small.n_sites and small.n_demand:
        # started before the greedy plan, which runs beside it (0.3 s at Lima scale)
        relax = _Relaxation(small, max(deadline - time.perf_counter(), 0.0))
    start = greedy(small)
    greedy_value = evaluate(problem, _expand(problem, red, start))
    status, bound = "time_limit", math.inf
    detail: dict[str, Any] = {}
    easy = simple_bound(small)
    lagrange = None
    if relax is not None:
        start, lagrange, first = _plain(small, start, deadline, time_limit, detail, relax)
        heuristic_value = evaluate(problem, _expand(problem, red, first))
        candidates = [start]
        if lagrange is not None:
            easy = min(easy, lagrange.bound)
    else:
        start = swap(small, start, deadline=min(deadline, started + swap_share * time_limit))
        candidates = [start] if _feasible(small, start) else []
        heuristic_value = evaluate(problem, _expand(problem, red, start)) if candidates else 0.0
    left = deadline - time.perf_counter()
    if plain and lagrange is None and candidates and small.n_sites:
        # after a relaxation that did not finish in time, most of what is left
        share = 0.5 if "relaxation" in detail else lagrange_share
        spend = time.perf_counter() + min(share * max(left, 0.0), 2.0)
        lagrange = lagrangian(small, evaluate(small, start), spend, plan=start[0] > 0)
        easy = min(easy, lagrange.bound)
        detail["lagrange"] = {
            "bound": lagrange.bound,
            "iterations": lagrange.iterations,
            "off": int(lagrange.off.sum()),
            "on": int(lagrange.on.sum()),
        }
        left = deadline - time.perf_counter()
    if candidates and evaluate(small, start) >= easy - EPS * max(1.0, easy):
        status, bound = "optimal", easy
    elif left > 0 and small.n_demand > 0:
        out = _mip(
            small,
            start if candidates else np.maximum(start, 0),
            left,
            mip_gap,
            lagrange,
            searched=relax is not None,
        )
        status, bound = out["status"], min(out["bound"], easy)
        if out["bound"] < evaluate(small, start) - 1e-6 * max(1.0, out["bound"]):
            bound = easy  # HiGHS proved no bound yet (stopped before its first relaxation)
        detail.update({k: out[k] for k in ("nodes", "rows", "cols")})
        if out["units"] is not None and _feasible(small, out["units"]):
            candidates.append(out["units"])
        if status == "infeasible":
            seconds = time.perf_counter() - started
            return Plan(empty, 0.0, 0.0, 0.0, "infeasible", seconds, detail=detail)
    elif small.n_demand == 0:
        status, bound = "optimal", 0.0
    else:  # no time left for the integer model: the best bound already proven
        bound = easy
    plans = [_expand(problem, red, u) for u in candidates]
    plans = [greedy(problem, p) for p in plans]  # every type's units placed (adds nothing lost)
    plans = [p for p in plans if _feasible(problem, p)]
    if not plans:
        seconds = time.perf_counter() - started
        return Plan(empty, 0.0, 0.0, 0.0, "infeasible", seconds, detail=detail)
    values = [evaluate(problem, p) for p in plans]
    best = int(np.argmax(values))
    objective = values[best]
    # the reduced problem's bound plus the worth it left out (the fixed units' own)
    bound = max(min(bound + red.constant, simple_bound(problem)), objective)
    for part in ("relaxation", "lagrange"):  # their figures on the problem as given
        for key in ("bound", "rounded"):
            if detail.get(part, {}).get(key) is not None:
                detail[part][key] += red.constant
    gap = (bound - objective) / bound if bound > 0 else 0.0
    if status == "optimal" and gap > 2 * mip_gap + 1e-9:
        status = "time_limit" if time.perf_counter() >= deadline else "stopped"
    return Plan(
        units=plans[best],
        objective=objective,
        bound=bound,
        gap=gap,
        status=status,
        seconds=time.perf_counter() - started,
        greedy=greedy_value,
        heuristic=heuristic_value,
        reduced=(small.n_demand, small.n_sites),
        detail=detail,
    )


def _expand(problem: Problem, red: Reduction, units: NDArray[np.int64]) -> NDArray[np.int64]:
    out = np.zeros((len(problem.types), problem.n_sites), dtype=np.int64)
    out[:, red.sites] = units
    return out


def mclp(
    cover: sparse.csr_matrix,
    weights: NDArray[np.float64],
    p: int,
    *,
    fixed: Sequence[int] = (),
    time_limit: float = 60.0,
    mip_gap: float = 1e-6,
) -> Plan:
    """Maximal covering with ``p`` posts, one unit each, ``fixed`` among them."""
    problem = Problem(
        weights=np.asarray(weights, dtype=float),
        types=(UnitType(cover=sparse.csr_matrix(cover), count=p, fixed=tuple(fixed)),),
    )
    return solve(problem, time_limit=time_limit, mip_gap=mip_gap)


def greedy_plan(problem: Problem, *, with_swaps: bool = False) -> NDArray[np.int64]:
    """The heuristics alone, on the problem as given (the benchmarks' baselines)."""
    units = greedy(problem)
    return swap(problem, units) if with_swaps else units
