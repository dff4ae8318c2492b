"""A shift's patrol plan from forecast risk, pure: posts for the units on hand, the unit at
each, what the plan covers against where the units are now, the hot-spot visits of the
units on patrol, and the feedback-loop simulation that shows why discoveries stay out.

- **Demand**: the forecast's flagged cells, each at its centroid, weighted by its risk.
- **Sites**: every unit's home (its station or base) and the highest-risk cell centroids.
- **Reach**: minutes at the unit type's straight-line speed (``command.units``), as a
  great-circle radius (``coverage.within_radius``); no road graph is assumed.
- **Types**: the units grouped by unit type and by armed force or not; an armed-forces
  type's coverage is kept only at the sites an active legal basis covers for the whole
  shift (``allowed``), so the solver cannot gain by posting one anywhere else, and any
  such unit it parks at an uncovered site (worth nothing) is left in reserve instead.
- **Fixed posts**: the specialised rapid-response units stay at their bases (standing
  stations the dispatch desk draws on).
- **Solved** with ``solver.solve`` (maximal covering, one unit per post); posts that add
  nothing once the others are in place are given back one at a time (their units stay in
  reserve at their stations), then each type's posts are matched to its units by the
  shortest straight-line move (``scipy.optimize.linear_sum_assignment``).
- **Expected coverage** (MEXCLP, Daskin 1983) with each type's busy fraction
  (``busy_fraction``: time assigned over time on shift in the dispatch history, a simple
  estimate that ignores queueing and correlation between units).
- **Current coverage**: the same demand, reach and types with each unit where it is now.

Pure numpy and scipy: no web or store code (the analytics contract).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from kuntur.patrol.coverage import haversine_m, within_radius
from kuntur.patrol.solver import Plan, Problem, UnitType, evaluate, reach_counts, solve

MAX_BUSY = 0.95  # a busy fraction is never taken as 1: the unit would count for nothing
FIXED_TYPES = frozenset({"rapid_response"})  # stay at their bases (standing stations)
STOP_MIN_S, STOP_MAX_S = 600.0, 900.0  # Koper (1995): 10-15 minutes at a hot spot
REVISIT_S = 2 * 3600.0  # each hot spot seen again within about two hours
ROUND_S = REVISIT_S / 2  # a round of visits at most an hour: any gap is under two rounds
MOST_SPOTS = 4


@dataclass(frozen=True)
class Demand:
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    weight: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.weight)


@dataclass(frozen=True)
class PlanUnit:
    id: int
    call_sign: str
    unit_type: str
    lon: float  # where it is now (its home when it has reported no position)
    lat: float
    home_site: int  # the index of its home among the sites
    military: bool
    speed_kmh: float
    fixed: bool = False


@dataclass(frozen=True)
class Sites:
    key: tuple[str, ...]
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.key)


@dataclass(frozen=True)
class Group:
    """The units of one type (and one side: armed forces or not), as the solver sees them."""

    name: str
    unit_type: str
    military: bool
    members: tuple[int, ...]  # indices into the units
    reach_m: float
    busy: float


@dataclass
class Post:
    unit: int  # index into the units
    site: int
    covered: float  # risk within its reach
    unique: float  # risk no other post reaches
    fixed: bool


@dataclass
class Result:
    posts: list[Post]
    reserve: list[tuple[int, str]]  # (unit index, why: "spare", "no_legal_site")
    groups: list[Group]
    objective: float
    total: float
    bound: float
    gap: float
    status: str
    seconds: float
    expected: float
    current: float
    current_expected: float
    uncovered: NDArray[np.int64]  # demand indices no post reaches
    detail: dict[str, Any] = field(default_factory=dict)


def reach_metres(speed_kmh: float, minutes: float) -> float:
    """How far a unit gets in ``minutes`` at ``speed_kmh`` in a straight line."""
    return speed_kmh * 1000.0 / 60.0 * minutes


def busy_fraction(
    intervals: Sequence[tuple[datetime, datetime | None]],
    units: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
) -> float:
    """Time assigned over time on shift: the assignments' spans clipped to ``[start,
    end)`` (one still open counts until ``now``), over ``units`` x the window, at most
    ``MAX_BUSY``. A documented simple estimate: every unit of the type is taken as on shift
    for the whole window (the demo's units work 24-hour shifts)."""
    span = (end - start).total_seconds()
    if units <= 0 or span <= 0:
        return 0.0
    until = now or end
    busy = 0.0
    for a, b in intervals:
        b = b or until
        lo, hi = max(a, start), min(b, end)
        if hi > lo:
            busy += (hi - lo).total_seconds()
    return float(min(busy / (units * span), MAX_BUSY))


def groups_of(
    units: Sequence[PlanUnit], reach_minutes: float, busy: dict[str, float]
) -> list[Group]:
    keys: dict[tuple[str, bool], list[int]] = {}
    for i, u in enumerate(units):
        keys.setdefault((u.unit_type, u.military), []).append(i)
    out = []
    for (utype, military), members in sorted(keys.items()):
        speed = units[members[0]].speed_kmh
        out.append(
            Group(
                name=f"{utype}{' (FF. AA.)' if military else ''}",
                unit_type=utype,
                military=military,
                members=tuple(members),
                reach_m=reach_metres(speed, reach_minutes),
                busy=float(busy.get(utype, 0.0)),
            )
        )
    return out


def _covers(
    demand: Demand, lon: NDArray, lat: NDArray, groups: list[Group], allowed: NDArray | None
) -> list[sparse.csr_matrix]:
    out = []
    for g in groups:
        cover = within_radius(demand.lat, demand.lon, lat, lon, g.reach_m)
        if g.military and allowed is not None:
            cover = sparse.csr_matrix(cover @ sparse.diags(allowed.astype(float)) > 0)
        out.append(cover)
    return out


def _problem(
    demand: Demand,
    covers: list[sparse.csr_matrix],
    groups: list[Group],
    fixed: list[tuple[int, ...]],
    objective: str = "coverage",
    counts: list[int] | None = None,
) -> Problem:
    types = tuple(
        UnitType(
            cover=c,
            count=counts[t] if counts is not None else len(g.members),
            name=g.name,
            busy=g.busy if objective == "expected" else 0.0,
            fixed=fixed[t],
        )
        for t, (g, c) in enumerate(zip(groups, covers, strict=True))
    )
    return Problem(
        weights=demand.weight,
        types=types,
        capacity=max(1, max((len(f) for f in fixed), default=1)),
        objective=objective,  # type: ignore[arg-type]
    )


def plan_shift(
    demand: Demand,
    units: Sequence[PlanUnit],
    sites: Sites,
    *,
    reach_minutes: float,
    busy: dict[str, float],
    allowed: NDArray[np.bool_] | None = None,
    time_limit: float = 5.0,
) -> Result:
    """The shift's posts (see the module's text). ``allowed``: per site, whether an
    armed-forces unit may be posted there for the whole shift."""
    groups = groups_of(units, reach_minutes, busy)
    covers = _covers(demand, sites.lon, sites.lat, groups, allowed)
    fixed = [tuple(units[i].home_site for i in g.members if units[i].fixed) for g in groups]
    problem = Problem(
        weights=demand.weight,
        types=tuple(
            UnitType(cover=c, count=len(g.members), name=g.name, fixed=f)
            for g, c, f in zip(groups, covers, fixed, strict=True)
        ),
        capacity=1,
    )
    plan: Plan = solve(problem, time_limit=time_limit)
    x = plan.units.copy() if plan.status != "infeasible" else problem.fixed_units()
    reserve: list[tuple[int, str]] = []
    fixed_x = problem.fixed_units()
    # An armed-forces unit the solver parked at a site without a legal basis: in reserve.
    if allowed is not None:
        for t, g in enumerate(groups):
            if g.military:
                x[t, ~allowed] = 0
    # Posts that add nothing once the others are in place, given back one at a time.
    k = reach_counts(problem, x).sum(axis=1)
    cols = [c.tocsc() for c in covers]
    while True:
        alone = demand.weight * (k == 1)
        found = None
        for t in range(len(groups)):
            movable = np.flatnonzero(x[t] > fixed_x[t])
            if len(movable) == 0:
                continue
            only = np.asarray(covers[t].T @ alone).ravel()[movable]
            idle = movable[only <= 0]
            if len(idle):
                found = (t, int(idle[0]))
                break
        if found is None:
            break
        t, j = found
        x[t, j] -= 1
        k -= np.asarray(cols[t][:, j].toarray()).ravel().astype(np.int64)
    posts: list[Post] = []
    for t, g in enumerate(groups):
        members = list(g.members)
        # Fixed units at their own homes first.
        slots: list[int] = []
        for site in np.flatnonzero(x[t]):
            slots += [int(site)] * int(x[t, site])
        for i in [m for m in members if units[m].fixed]:
            if units[i].home_site in slots:
                slots.remove(units[i].home_site)
                posts.append(Post(i, units[i].home_site, 0.0, 0.0, True))
                members.remove(i)
        if slots and members:
            cost = haversine_m(
                np.array([units[i].lat for i in members])[:, None],
                np.array([units[i].lon for i in members])[:, None],
                sites.lat[slots][None, :],
                sites.lon[slots][None, :],
            )
            rows, cols = linear_sum_assignment(cost)
            taken = set()
            for r, c in zip(rows, cols, strict=True):
                posts.append(Post(members[r], slots[c], 0.0, 0.0, False))
                taken.add(members[r])
            members = [i for i in members if i not in taken]
        # An armed-forces unit left over where no legal site reaches any risk was kept out
        # by the law, not by the arithmetic: said so.
        useful = np.asarray(covers[t].T @ demand.weight).ravel() > 0
        lawless = g.military and allowed is not None and not useful.any()
        for i in members:
            reserve.append((i, "no_legal_site" if lawless else "spare"))
    # What each post covers, and what only it covers.
    type_of = {i: t for t, g in enumerate(groups) for i in g.members}
    k = reach_counts(problem, x)
    for p in posts:
        col = covers[type_of[p.unit]][:, [p.site]].toarray().ravel() > 0
        p.covered = float(demand.weight[col].sum())
        p.unique = float(demand.weight[col & (k.sum(axis=1) == 1)].sum())
    posts.sort(key=lambda p: (-p.covered, units[p.unit].call_sign))
    objective = evaluate(problem, x)
    expected_problem = _problem(demand, covers, groups, fixed, "expected")
    expected = evaluate(expected_problem, x)
    # Where the units are now: each at its own column.
    cur_lon = np.array([u.lon for u in units], dtype=float)
    cur_lat = np.array([u.lat for u in units], dtype=float)
    cur_covers = _covers(demand, cur_lon, cur_lat, groups, None)
    now_x = np.zeros((len(groups), len(units)), dtype=np.int64)
    for t, g in enumerate(groups):
        now_x[t, list(g.members)] = 1
    none_fixed: list[tuple[int, ...]] = [() for _ in groups]
    current = evaluate(_problem(demand, cur_covers, groups, none_fixed), now_x)
    current_expected = evaluate(_problem(demand, cur_covers, groups, none_fixed, "expected"), now_x)
    uncovered = np.flatnonzero(k.sum(axis=1) == 0)
    bound = max(plan.bound, objective)
    gap = (bound - objective) / bound if bound > 0 else 0.0
    return Result(
        posts=posts,
        reserve=reserve,
        groups=groups,
        objective=objective,
        total=float(demand.weight.sum()),
        bound=bound,
        gap=gap,
        status=plan.status,
        seconds=plan.seconds,
        expected=expected,
        current=current,
        current_expected=current_expected,
        uncovered=uncovered,
        detail={"reason": plan.detail.get("reason")} if plan.status == "infeasible" else {},
    )


# --- hot-spot visits (Koper curve) ------------------------------------------------------


@dataclass(frozen=True)
class Stop:
    spot: int  # index into the spots given
    arrive: datetime
    leave: datetime


def visit_schedule(
    post: tuple[float, float],
    spots: Sequence[tuple[float, float]],
    speed_kmh: float,
    start: datetime,
    end: datetime,
    seed: int,
) -> tuple[list[int], list[Stop]]:
    """Stops of 10-15 minutes at the hot spots (``spots``: (lon, lat), highest risk first),
    in a seeded random order per round (unpredictable to an observer, reproducible for the
    printed sheet); as many spots as one round of at most an hour allows, so each is seen
    again within about two hours. Returns the spots kept and the stops, within the shift."""
    rng = np.random.default_rng(seed)
    speed = max(speed_kmh, 1.0) * 1000 / 3600  # m/s

    def travel(a: tuple[float, float], b: tuple[float, float]) -> float:
        return float(haversine_m(a[1], a[0], b[1], b[0])) / speed

    kept: list[int] = []
    for s in range(min(len(spots), MOST_SPOTS)):
        trial = [*kept, s]
        # The worst round: the longest stops and every leg as long as the longest one.
        legs = max(
            (travel(spots[a], spots[b]) for a in trial for b in trial if a != b), default=0.0
        )
        longest = max(travel(post, spots[a]) for a in trial)
        worst = len(trial) * STOP_MAX_S + max(legs * len(trial), longest)
        if worst > ROUND_S:
            break
        kept = trial
    stops: list[Stop] = []
    if not kept:
        return kept, stops
    here, t = post, start
    while True:
        for s in rng.permutation(kept):
            arrive = t + timedelta(seconds=travel(here, spots[int(s)]))
            dwell = float(rng.uniform(STOP_MIN_S, STOP_MAX_S))
            leave = arrive + timedelta(seconds=math.floor(dwell / 60) * 60)
            if leave > end:
                return kept, stops
            stops.append(Stop(int(s), arrive, leave))
            here, t = spots[int(s)], leave


# --- feedback loops (Ensign et al. 2018) --------------------------------------------------


def feedback_loop(
    rates: Sequence[float],
    *,
    days: int,
    include_discovered: bool,
    patrols: int = 10,
    reported: float = 1.0,
    found: float = 2.0,
    seed: int = 1,
) -> NDArray[np.float64]:
    """Ensign et al.'s urn model of predictive policing (Runaway feedback loops, FAT* 2018):
    each day ``patrols`` patrols go to districts drawn in proportion to the forecast
    (the incidents counted so far); every district's victims report ``reported`` x its
    rate; a patrol finds ``found`` x the rate where it goes. The forecast counts the
    reports, and, when ``include_discovered``, what patrols found. Returns each district's
    share of the patrols over the second half of the run."""
    rng = np.random.default_rng(seed)
    lam = np.asarray(rates, dtype=float)
    counts = np.ones(len(lam))
    sent = np.zeros(len(lam))
    for day in range(days):
        share = counts / counts.sum()
        go = rng.multinomial(patrols, share)
        counts += rng.poisson(lam * reported)
        if include_discovered:
            counts += rng.poisson(lam * found * go)
        if day >= days // 2:
            sent += go
    return sent / sent.sum()
