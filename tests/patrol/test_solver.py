"""The solver against brute force and hand-computed cases: maximal covering, fixed posts,
unit types, capacity, required districts, expected (MEXCLP) and backup coverage, time limit."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from scipy import sparse

from kuntur.patrol.coverage import within_radius
from kuntur.patrol.solver import Problem, UnitType, mclp, reduce, solve
from tests.patrol.helpers import allocations, city, cover_sets, covered_weight, dense


def brute(
    cover: list[np.ndarray],
    weights: np.ndarray,
    counts: list[int],
    *,
    cap: int = 1,
    busy: list[float] | None = None,
    objective: str = "coverage",
    beta: float = 1.0,
    fixed: list[list[int]] | None = None,
    districts: list[list[int]] = (),
) -> float:
    """The best worth over every allocation of every type's units (no solver code)."""
    m = cover[0].shape[1]
    best = -math.inf
    for plan in itertools.product(*(allocations(m, c, cap) for c in counts)):
        load = [sum(p[j] for p in plan) for j in range(m)]
        if max(load) > cap:
            continue
        if fixed and any(
            plan[t][j] < fixed[t].count(j) for t in range(len(counts)) for j in fixed[t]
        ):
            continue
        if any(not any(load[j] for j in d) for d in districts):
            continue
        total = 0.0
        for i, w in enumerate(weights):
            k = [sum(plan[t][j] for j in range(m) if cover[t][i, j]) for t in range(len(counts))]
            s = sum(k)
            if objective == "coverage":
                v = 1.0 if s else 0.0
            elif objective == "backup":
                v = (1.0 if s >= 1 else 0.0) + beta * (1.0 if s >= 2 else 0.0)
            else:
                v = 1.0 - math.prod(q**kk for q, kk in zip(busy or [], k, strict=True))
            total += w * v
        best = max(best, total)
    return best


def problem(
    cover: list[np.ndarray], weights: np.ndarray, counts: list[int], **kw: object
) -> Problem:
    busy = kw.pop("busy", [0.0] * len(counts))
    fixed = kw.pop("fixed", [[] for _ in counts])
    types = tuple(
        UnitType(sparse.csr_matrix(c), n, name=f"t{t}", busy=q, fixed=tuple(f))
        for t, (c, n, q, f) in enumerate(zip(cover, counts, busy, fixed, strict=True))
    )
    return Problem(weights=np.asarray(weights, float), types=types, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(12))
def test_mclp_is_optimal_on_small_random_instances(seed: int) -> None:
    lat, lon, w, s_lat, s_lon = city(40, 9, seed)
    demand, sites = list(zip(lat, lon, strict=True)), list(zip(s_lat, s_lon, strict=True))
    sets = cover_sets(demand, sites, 1500)
    cover = within_radius(lat, lon, s_lat, s_lon, 1500)
    assert (cover.toarray() == dense(sets, 9)).all()  # the KD-tree finds what haversine says
    p = 1 + seed % 4
    best = max(covered_weight(sets, w, set(c)) for c in itertools.combinations(range(9), p))
    plan = mclp(cover, w, p, time_limit=20)
    assert plan.status == "optimal"
    assert len(plan.sites) == p and plan.units.max() == 1
    # the objective of the sites returned, recomputed here with our own haversine
    assert covered_weight(sets, w, set(plan.sites.tolist())) == pytest.approx(plan.objective)
    assert plan.objective == pytest.approx(best, rel=1e-9)
    assert plan.bound >= plan.objective - 1e-9 and plan.gap <= 1e-5


def test_fixed_posts_stay_and_count_toward_p() -> None:
    # site 2 covers nothing worth much: the optimum of 2 posts never takes it
    c = np.array([[1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]], bool)
    w = np.array([5.0, 5.0, 4.0, 0.5, 3.0])
    free = mclp(sparse.csr_matrix(c), w, 2)
    assert 2 not in free.sites
    plan = mclp(sparse.csr_matrix(c), w, 2, fixed=[2])
    assert 2 in plan.sites and len(plan.sites) == 2
    assert plan.objective == pytest.approx(brute([c], w, [2], fixed=[[2]])) == 10.5
    assert plan.status == "optimal"


def test_two_unit_types_each_with_its_reach_and_count() -> None:
    rng = np.random.default_rng(7)
    lat, lon, w, s_lat, s_lon = city(30, 6, 3)
    far = within_radius(lat, lon, s_lat, s_lon, 2500).toarray()  # motorised units
    near = within_radius(lat, lon, s_lat, s_lon, 900).toarray()  # on foot
    assert (near <= far).all() and (near != far).any()
    del rng
    pr = problem([far, near], w, [1, 2])
    plan = solve(pr, time_limit=20)
    assert plan.units[0].sum() == 1 and plan.units[1].sum() == 2 and plan.units.max() <= 1
    assert plan.objective == pytest.approx(brute([far, near], w, [1, 2]))
    # had all three been motorised, more would be covered: the per-type counts bind
    assert brute([far, far], w, [1, 2]) > plan.objective + 1e-9


def test_at_most_k_units_per_post() -> None:
    # A heavy demand reached only from site 0; with backup coverage, two units there pay
    c = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], bool)
    w = np.array([10.0, 3.0, 2.0])
    stacked = solve(problem([c], w, [2], capacity=2, objective="backup"), time_limit=10)
    assert stacked.units[0, 0] == 2 and stacked.objective == pytest.approx(20.0)
    one = solve(problem([c], w, [2], capacity=1, objective="backup"), time_limit=10)
    assert one.units.max() <= 1
    assert one.objective == pytest.approx(brute([c], w, [2], cap=1, objective="backup")) == 13.0


def test_required_district_gets_a_post() -> None:
    # sites 3 and 4 (district B) reach little; unconstrained, the 2 posts go to 0 and 1
    c = np.zeros((6, 5), bool)
    c[0:2, 0] = c[2:4, 1] = c[3:5, 2] = True
    c[5, 3] = c[5, 4] = c[4, 3] = True
    w = np.array([4.0, 4.0, 3.0, 3.0, 2.0, 0.5])
    free = solve(problem([c], w, [2]), time_limit=10)
    assert sorted(free.sites.tolist()) == [0, 1] and free.objective == pytest.approx(14.0)
    plan = solve(problem([c], w, [2], districts=((3, 4),)), time_limit=10)
    assert 3 in plan.sites.tolist()  # of the district's two sites, the one reaching more
    assert plan.objective == pytest.approx(brute([c], w, [2], districts=[[3, 4]])) == 10.5
    assert plan.status == "optimal"


def test_expected_coverage_hand_computed() -> None:
    # A (10) from sites 0 and 1, B (6) from site 2, C (1) from sites 1 and 2; q = 0.5, 2 units:
    # {0,1}: 10(1-.25) + 0 + 1(.5) = 8.0; {0,2}: 5 + 3 + .5 = 8.5; {1,2}: 5 + 3 + .75 = 8.75
    c = np.array([[1, 1, 0], [0, 0, 1], [0, 1, 1]], bool)
    w = np.array([10.0, 6.0, 1.0])
    plan = solve(problem([c], w, [2], objective="expected", busy=[0.5]), time_limit=10)
    assert sorted(plan.sites.tolist()) == [1, 2]
    assert plan.objective == pytest.approx(8.75)
    assert plan.status == "optimal"
    # plain covering cannot tell {0,2} from {1,2} (17 each)
    assert mclp(sparse.csr_matrix(c), w, 2).objective == pytest.approx(17.0)


@pytest.mark.parametrize("seed", range(4))
def test_expected_coverage_with_two_busy_fractions(seed: int) -> None:
    lat, lon, w, s_lat, s_lon = city(25, 5, 20 + seed)
    a = within_radius(lat, lon, s_lat, s_lon, 2000).toarray()
    b = within_radius(lat, lon, s_lat, s_lon, 1200).toarray()
    pr = problem([a, b], w, [2, 2], objective="expected", busy=[0.6, 0.2], capacity=2)
    plan = solve(pr, time_limit=20)
    want = brute([a, b], w, [2, 2], cap=2, objective="expected", busy=[0.6, 0.2])
    assert plan.objective == pytest.approx(want, rel=1e-7)
    assert plan.bound >= plan.objective


def test_backup_coverage_hand_computed() -> None:
    # A (5) from 0 and 1, B (4) from 1 and 2, C (3) from 2; two posts, backup weight 1:
    # {0,1}: 10 + 4 = 14; {0,2}: 5 + 4 + 3 = 12; {1,2}: 5 + 8 + 3 = 16
    c = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 1]], bool)
    w = np.array([5.0, 4.0, 3.0])
    plan = solve(problem([c], w, [2], objective="backup"), time_limit=10)
    assert sorted(plan.sites.tolist()) == [1, 2] and plan.objective == pytest.approx(16.0)
    half = solve(problem([c], w, [2], objective="backup", backup_weight=0.5), time_limit=10)
    assert half.objective == pytest.approx(14.0)


def test_reduction_merges_demand_and_drops_dominated_sites() -> None:
    c = np.array([[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], bool)  # site 0 inside site 1
    w = np.array([1.0, 2.0, 3.0, 4.0])
    red = reduce(problem([c], w, [1]))
    assert red.sites.tolist() == [1, 2]
    assert red.problem.n_demand == 3 and red.problem.weights.sum() == pytest.approx(10.0)
    kept = reduce(problem([c], w, [1], fixed=[[0]]))
    assert 0 in kept.sites.tolist()  # a fixed post is never dropped


@pytest.mark.parametrize("seed", range(8))
def test_demand_the_fixed_units_cover_leaves_the_reduced_problem(seed: int) -> None:
    """Demand within reach of a fixed unit (two under backup coverage) is dropped and its
    worth kept as a constant: every plan's worth on the reduced problem plus that constant
    is its worth on the problem as given, so the reduced optimum (brute force) plus the
    constant is the optimum, and the answer's bound and objective stay exact."""
    from kuntur.patrol.solver import evaluate

    rng = np.random.default_rng(300 + seed)
    n, m = 16, 6
    a = rng.random((n, m)) < 0.4
    w = rng.lognormal(0, 1, n).round(3)
    objective = ("coverage", "backup")[seed % 2]
    count = 3
    fixed = [int(j) for j in rng.choice(m, 1 + seed % 2, replace=False)]
    pr = problem([a], w, [count], fixed=[fixed], objective=objective, backup_weight=0.5)
    red = reduce(pr)
    reach = a[:, fixed].sum(axis=1)
    full = reach >= (1 if objective == "coverage" else 2)
    top = 1.0 if objective == "coverage" else 1.5
    assert red.constant == pytest.approx(float(w[full].sum()) * top)
    assert red.problem.weights.sum() == pytest.approx(float(w[~full & a.any(axis=1)].sum()))
    small = red.problem
    for chosen in itertools.combinations(range(m), count):
        if not set(fixed) <= set(chosen):
            continue
        units = np.zeros((1, m), dtype=np.int64)
        units[0, list(chosen)] = 1
        kept = [j for j in chosen if j in set(red.sites.tolist())]
        small_units = np.zeros((1, small.n_sites), dtype=np.int64)
        small_units[0, np.searchsorted(red.sites, kept)] = 1
        assert evaluate(small, small_units) + red.constant <= evaluate(pr, units) + 1e-9
        if len(kept) == len(chosen):  # no site of it dropped: the same plan, the same worth
            assert evaluate(small, small_units) + red.constant == pytest.approx(evaluate(pr, units))
    want = brute([a], w, [count], objective=objective, beta=0.5, fixed=[fixed])
    plan = solve(pr, time_limit=20)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(want)
    assert want - 1e-9 <= plan.bound <= want * (1 + 2e-6) + 1e-9


def test_the_bound_keeps_the_worth_of_what_the_fixed_units_cover() -> None:
    """With no time to improve on greedy (which misses the optimum here: the middle site
    first, then one of the sides, 115.5 against 120), the bound is the reduced problem's
    plus what the fixed post covers: never below the optimum."""
    # demand: f (100, only the fixed site F), a b c d (5 each), e (0.5, only M)
    # sites: F, A = {a, b}, B = {c, d}, M = {b, c, e}
    c = np.array(
        [
            [1, 0, 0, 0],
            [0, 1, 0, 0],
            [0, 1, 0, 1],
            [0, 0, 1, 1],
            [0, 0, 1, 0],
            [0, 0, 0, 1],
        ],
        dtype=bool,
    )
    w = np.array([100.0, 5.0, 5.0, 5.0, 5.0, 0.5])
    pr = problem([c], w, [3], fixed=[[0]])
    assert reduce(pr).constant == pytest.approx(100.0)
    assert brute([c], w, [3], fixed=[[0]]) == pytest.approx(120.0)
    # a district of every site changes nothing but takes the general path (greedy, swaps)
    anywhere = problem([c], w, [3], fixed=[[0]], districts=((0, 1, 2, 3),))
    hurried = solve(anywhere, time_limit=0.0)
    assert hurried.objective == pytest.approx(115.5)  # greedy's plan, nothing better found
    assert hurried.bound >= 120.0 - 1e-9
    for given in (pr, anywhere):
        plan = solve(given, time_limit=20)
        assert plan.status == "optimal"
        assert plan.objective == pytest.approx(120.0) and plan.bound >= 120.0 - 1e-9


def test_a_tiny_time_limit_still_returns_a_valid_plan() -> None:
    lat, lon, w, s_lat, s_lon = city(4000, 400, 5)
    cover = within_radius(lat, lon, s_lat, s_lon, 600)
    plan = mclp(cover, w, 40, time_limit=0.01)
    assert plan.status in {"time_limit", "optimal"}
    assert len(plan.sites) == 40
    got = float(w[np.asarray(cover[:, plan.sites].sum(axis=1)).ravel() > 0].sum())
    assert got == pytest.approx(plan.objective)
    assert plan.bound >= plan.objective
    assert plan.gap == pytest.approx((plan.bound - plan.objective) / plan.bound)


def test_infeasible_when_fixed_posts_exceed_p() -> None:
    c = sparse.csr_matrix(np.eye(3, dtype=bool))
    plan = mclp(c, np.ones(3), 1, fixed=[0, 1])
    assert plan.status == "infeasible" and len(plan.sites) == 0


def test_the_lagrangian_bound_is_a_bound() -> None:
    from kuntur.patrol.solver import lagrangian

    for seed in range(6):
        lat, lon, w, s_lat, s_lon = city(40, 9, 40 + seed)
        cover = within_radius(lat, lon, s_lat, s_lon, 1200)
        sets = [set(np.flatnonzero(r)) for r in cover.toarray()]
        best = max(covered_weight(sets, w, set(c)) for c in itertools.combinations(range(9), 3))
        pr = problem([cover.toarray()], w, [3])
        lag = lagrangian(pr, best * 0.99, deadline=time.perf_counter() + 5, most=500)
        assert lag.bound >= best - 1e-9
        # what it settles agrees with every optimal plan
        for c in itertools.combinations(range(9), 3):
            if covered_weight(sets, w, set(c)) >= best - 1e-9:
                assert not lag.off[list(c)].any()
                assert set(np.flatnonzero(lag.on)) <= set(c)


@pytest.mark.parametrize("seed", range(24))
def test_every_constraint_and_objective_together_against_brute_force(seed: int) -> None:
    """Random small instances mixing two unit types, capacity, fixed units, a required
    district and each objective: the reduction, the start and HiGHS together stay exact."""
    rng = np.random.default_rng(100 + seed)
    n, m = 14, 5
    a = rng.random((n, m)) < 0.35
    b = a & (rng.random((n, m)) < 0.6)  # the shorter reach
    w = rng.lognormal(0, 1, n).round(3)
    objective = ("coverage", "backup", "expected")[seed % 3]
    busy = [[0.4, 0.4], [0.5, 0.2]][seed % 2] if objective == "expected" else [0.0, 0.0]
    cap = 1 + seed % 2
    counts = [1 + seed % 2, 2]
    fixed = [[int(rng.integers(m))], []] if seed % 4 == 0 else [[], []]
    districts = [[int(j) for j in rng.choice(m, 2, replace=False)]] if seed % 3 == 1 else []
    want = brute(
        [a, b],
        w,
        counts,
        cap=cap,
        busy=busy,
        objective=objective,
        beta=0.5,
        fixed=fixed,
        districts=districts,
    )
    pr = problem(
        [a, b],
        w,
        counts,
        busy=busy,
        fixed=fixed,
        capacity=cap,
        objective=objective,
        backup_weight=0.5,
        districts=tuple(tuple(d) for d in districts),
    )
    plan = solve(pr, time_limit=20)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(want, rel=1e-7, abs=1e-9)
    assert [int(plan.units[t].sum()) for t in range(2)] == counts
    assert plan.units.sum(axis=0).max() <= cap
    for t, f in enumerate(fixed):
        for j in f:
            assert plan.units[t, j] >= 1
    for d in districts:
        assert plan.units[:, d].sum() >= 1


def test_reach_by_travel_time() -> None:
    from kuntur.patrol.coverage import within_time

    times = np.array([[60.0, np.nan], [400.0, 100.0], [np.inf, 299.0]])
    assert within_time(times, 300).toarray().tolist() == [
        [True, False],
        [False, True],
        [False, True],
    ]


@pytest.mark.parametrize("seed", range(10))
def test_fixing_by_reduced_cost_keeps_every_optimal_plan(seed: int) -> None:
    """The sites the relaxation's duals settle against a plan's value: every optimal plan
    (brute force) leaves the ones ruled out closed and opens the ones ruled in, also
    against the optimum itself; the bound from the duals is a bound."""
    from kuntur.patrol.solver import _Relaxation, _settle

    lat, lon, w, s_lat, s_lon = city(40, 9, 100 + seed)
    cover = within_radius(lat, lon, s_lat, s_lon, 1500)
    sets = [set(np.flatnonzero(row)) for row in cover.toarray()]
    p = 1 + seed % 4
    fixed = (seed % 9,) if seed % 3 == 0 else ()
    pr = Problem(weights=w, types=(UnitType(cover, p, fixed=fixed),))
    plans = {
        c: covered_weight(sets, w, set(c))
        for c in itertools.combinations(range(9), p)
        if set(fixed) <= set(c)
    }
    best = max(plans.values())
    optimal = [set(c) for c, v in plans.items() if v >= best - 1e-9]
    relax = _Relaxation(pr, 20.0)
    assert relax.solved()
    lam = relax.duals()
    assert lam is not None
    for lower in (best, best * 0.999, min(plans.values())):
        settled = _settle(pr, lam, lower)
        assert settled.bound >= best - 1e-7
        for plan in optimal:
            assert not any(settled.off[j] for j in plan)
            assert all(j in plan for j in np.flatnonzero(settled.on))


@pytest.mark.parametrize("seed", range(6))
def test_the_relaxation_bound_without_the_integer_model(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When too little time is left for HiGHS's integer model, the answer's bound is the
    relaxation's (its dual form's multipliers): at least the brute-force optimum, at least
    the objective; the relaxation's x is a fractional plan with ``p`` posts."""
    from kuntur.patrol import solver

    monkeypatch.setattr(solver, "MIP_ROOM", math.inf)  # never time for the integer model

    def no_mip(*args: object, **kw: object) -> None:
        raise AssertionError("the integer model was started")

    monkeypatch.setattr(solver, "_mip", no_mip)
    lat, lon, w, s_lat, s_lon = city(40, 10, 300 + seed)
    cover = within_radius(lat, lon, s_lat, s_lon, 1500)
    sets = [set(np.flatnonzero(row)) for row in cover.toarray()]
    p = 2 + seed % 3
    fixed = (seed % 10,) if seed % 2 else ()
    best = max(
        covered_weight(sets, w, set(c))
        for c in itertools.combinations(range(10), p)
        if set(fixed) <= set(c)
    )
    plan = mclp(cover, w, p, fixed=fixed, time_limit=0.3)
    assert plan.detail["relaxation"]["bound"] is not None
    assert plan.bound >= best - 1e-7
    assert plan.bound >= plan.objective - 1e-9
    assert plan.objective == pytest.approx(covered_weight(sets, w, set(plan.sites.tolist())))
    assert plan.gap == pytest.approx((plan.bound - plan.objective) / plan.bound, abs=1e-12)
    assert set(fixed) <= set(plan.sites.tolist())
    pr = reduce(Problem(weights=w, types=(UnitType(cover, p, fixed=fixed),))).problem
    relax = solver._Relaxation(pr, 20.0)
    assert relax.solved()
    x = relax.fractional()
    assert x is not None
    assert np.all(x >= -1e-6) and np.all(x <= 1 + 1e-6)
    assert x.sum() == pytest.approx(min(p, pr.n_sites), abs=1e-4)


def test_the_subgradient_from_a_plan_is_a_bound() -> None:
    """Started from a plan's coverage (as the solver does), the subgradient bound is still
    a bound and settles no optimal plan's site away."""
    from kuntur.patrol.solver import greedy, lagrangian

    for seed in range(6):
        lat, lon, w, s_lat, s_lon = city(40, 9, 60 + seed)
        cover = within_radius(lat, lon, s_lat, s_lon, 1200)
        sets = [set(np.flatnonzero(r)) for r in cover.toarray()]
        values = {c: covered_weight(sets, w, set(c)) for c in itertools.combinations(range(9), 3)}
        best = max(values.values())
        pr = problem([cover.toarray()], w, [3])
        start = greedy(pr)[0] > 0
        lower = covered_weight(sets, w, set(np.flatnonzero(start).tolist()))
        lag = lagrangian(pr, lower, deadline=time.perf_counter() + 5, most=500, plan=start)
        assert lag.bound >= best - 1e-9
        for c, v in values.items():
            if v >= best - 1e-9 and v > lower + 1e-9:
                assert not lag.off[list(c)].any()


def test_the_time_limit_holds_when_highs_does_not_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    """HiGHS may look at the clock only between long steps (a round of root cuts): the
    answer comes at the time limit all the same, with the best plan known and a bound that
    is still a bound (here HiGHS's integer solve is made to ignore both its time limit and
    the request to stop)."""
    import highspy

    from kuntur.patrol import solver

    original = highspy.Highs.run
    stuck = []

    def run(self: highspy.Highs) -> object:
        if len(self.getLp().integrality_):  # the integer model: busy, deaf to the clock
            stuck.append(1)
            time.sleep(4.0)
        return original(self)

    monkeypatch.setattr(highspy.Highs, "run", run)
    monkeypatch.setattr(solver, "MIP_ROOM", 0.0)  # always time for the integer model
    for seed in range(8):
        lat, lon, w, s_lat, s_lon = city(40, 9, 500 + seed)
        cover = within_radius(lat, lon, s_lat, s_lon, 1500)
        sets = [set(np.flatnonzero(row)) for row in cover.toarray()]
        best = max(covered_weight(sets, w, set(c)) for c in itertools.combinations(range(9), 3))
        began = time.perf_counter()
        plan = mclp(cover, w, 3, time_limit=0.5)
        took = time.perf_counter() - began
        assert took < 0.5 + 2 * solver.GRACE + 1.0
        assert len(plan.sites) == 3
        assert plan.objective == pytest.approx(covered_weight(sets, w, set(plan.sites.tolist())))
        assert plan.bound >= best - 1e-7
        assert plan.bound >= plan.objective
    assert stuck  # the integer model was started (and left) at least once
