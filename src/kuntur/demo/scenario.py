"""Generate the synthetic incident scenario (pure: no database, no web).

The model, per district d and category k:

* Background events arrive as a Poisson process with yearly rate
  ``population_d x BASE_RATE x (0.6 + poverty_d / 25) x share_k(d)``, modulated by
  hour of day and day of week (category-specific rhythms).
* Places: most events fall near a few persistent hotspots of the district
  (Gaussian, 80-250 m), the rest anywhere in the district polygon.
* Near-repeat victimisation: each event triggers on average ``BRANCHING``
  more of the same category within ~100 m and a few days (a Hawkes cascade,
  Mohler et al. 2011), which makes bursts.
* Extortion reports carry Spanish narratives; a share of them belong to planted
  networks that reuse the same phones, Yape/Plin numbers, CCI accounts, plates,
  aliases and gang name. ``Scenario.networks`` is the ground truth.

Deterministic: the same inputs and ``seed`` give the same incidents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from kuntur.demo import narratives
from kuntur.geography.pointindex import OUTSIDE, PolygonGridIndex
from kuntur.incidents.categories import DEFAULT_PRIORITY, Category, Source

LIMA_TZ = ZoneInfo("America/Lima")
BASE_RATE = 0.006  # background incidents per resident per year (about 1/5 of denuncias)
BRANCHING = 0.3  # mean direct offspring per event (near-repeats)
METRES_PER_DEG = 111_320.0

# Category shares before the poverty tilt (Lima denuncias mix, rounded).
BASE_MIX = {
    Category.THEFT: 0.46,
    Category.AGGRAVATED_ROBBERY: 0.26,
    Category.EXTORTION: 0.045,
    Category.HOMICIDE: 0.005,
    Category.KIDNAPPING: 0.004,
    Category.ARMS_TRAFFICKING: 0.012,
    Category.HUMAN_TRAFFICKING: 0.005,
    Category.DRUG_TRAFFICKING: 0.04,
    Category.OTHER: 0.144,
}
# Hour-of-day profiles (24 weights) by category family.
_NIGHT = np.array([5, 4, 3, 2, 2, 2, 2, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 8, 10, 11, 11, 10, 8, 6.0])
_DAY = np.array(
    [1, 0.5, 0.5, 0.5, 0.5, 1, 2, 4, 7, 9, 10, 10, 10, 10, 10, 10, 9, 8, 6, 4, 3, 2, 2, 1.0]
)
_SHOP = np.array([2, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 10, 10, 10, 10, 10, 10, 10, 9, 8, 6, 4, 3, 2.0])
HOURS = {
    Category.THEFT: _SHOP,
    Category.AGGRAVATED_ROBBERY: _NIGHT,
    Category.EXTORTION: _DAY,
    Category.HOMICIDE: _NIGHT,
    Category.KIDNAPPING: _DAY,
    Category.ARMS_TRAFFICKING: _NIGHT,
    Category.HUMAN_TRAFFICKING: _DAY,
    Category.DRUG_TRAFFICKING: _NIGHT,
    Category.OTHER: _SHOP,
}
# Monday..Sunday
WEEKDAY = np.array([0.95, 0.93, 0.95, 1.0, 1.12, 1.15, 0.9])
# Where reports come from, by category (emergency call, police report, citizen tip, sensor).
SOURCES = [Source.EMERGENCY_CALL, Source.POLICE_REPORT, Source.CITIZEN_TIP, Source.SENSOR_ALERT]
SOURCE_MIX = {
    Category.EXTORTION: [0.10, 0.65, 0.25, 0.0],
    Category.DRUG_TRAFFICKING: [0.05, 0.85, 0.10, 0.0],  # mostly found by patrols
    Category.ARMS_TRAFFICKING: [0.10, 0.80, 0.10, 0.0],
    Category.HUMAN_TRAFFICKING: [0.05, 0.70, 0.25, 0.0],
}
DEFAULT_SOURCE_MIX = [0.45, 0.45, 0.05, 0.05]


@dataclass(frozen=True)
class DistrictInput:
    ubigeo: str
    polygon: BaseGeometry
    population: int
    poverty_pct: float


@dataclass
class Network:
    name: str
    identifiers: narratives.Identifiers
    districts: list[str]
    rows: list[int] = field(default_factory=list)  # row positions in Scenario.incidents


@dataclass
class Scenario:
    incidents: pd.DataFrame
    networks: list[Network]


def category_mix(poverty_pct: float) -> np.ndarray:
    """Shares for a district: poorer districts see more extortion and violence."""
    tilt = {
        Category.EXTORTION: 1 + poverty_pct / 20,
        Category.HOMICIDE: 1 + poverty_pct / 25,
        Category.AGGRAVATED_ROBBERY: 1 + poverty_pct / 40,
        Category.THEFT: 1 - poverty_pct / 80,
    }
    weights = np.array([BASE_MIX[c] * tilt.get(c, 1.0) for c in Category])
    return weights / weights.sum()


def _points_in(poly: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(64, 2 * (n - len(out)))
        xy = np.column_stack([rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)])
        out = np.vstack([out, xy[shapely.contains_xy(poly, xy[:, 0], xy[:, 1])]])
    return out[:n]


def _local_times(
    rng: np.random.Generator, n: int, start: date, days: int, hours: np.ndarray
) -> np.ndarray:
    """Naive local datetimes (numpy) following the weekday and hour profiles."""
    day_idx = np.arange(days)
    weekday = (pd.Timestamp(start).weekday() + day_idx) % 7
    p_day = WEEKDAY[weekday] / WEEKDAY[weekday].sum()
    d = rng.choice(days, size=n, p=p_day)
    h = rng.choice(24, size=n, p=hours / hours.sum())
    seconds = d * 86400 + h * 3600 + rng.integers(0, 3600, n)
    return np.datetime64(start.isoformat(), "s") + seconds.astype("timedelta64[s]")


def generate(
    districts: list[DistrictInput],
    *,
    days: int,
    end: date,
    seed: int,
    scale: float = 1.0,
    networks: int = 5,
) -> Scenario:
    rng = np.random.default_rng(seed)
    start = end - timedelta(days=days - 1)
    cats = list(Category)
    frames: list[pd.DataFrame] = []
    for dist in districts:
        yearly = dist.population * BASE_RATE * (0.6 + dist.poverty_pct / 25) * scale
        n_bg = int(rng.poisson(yearly * days / 365))
        if n_bg == 0:
            continue
        n_hot = 2 + dist.population // 150_000
        hot_xy = _points_in(dist.polygon, int(n_hot), rng)
        hot_w = rng.lognormal(0, 0.8, len(hot_xy))
        category = rng.choice(len(cats), size=n_bg, p=category_mix(dist.poverty_pct))
        near_hot = rng.random(n_bg) < 0.55
        xy = _points_in(dist.polygon, n_bg, rng)
        which = rng.choice(len(hot_xy), size=n_bg, p=hot_w / hot_w.sum())
        sigma = rng.uniform(80, 250, n_bg) / METRES_PER_DEG
        jitter = rng.normal(0, 1, (n_bg, 2)) * sigma[:, None]
        xy[near_hot] = hot_xy[which[near_hot]] + jitter[near_hot]
        when = np.empty(n_bg, dtype="datetime64[s]")
        for ci, cat in enumerate(cats):
            sel = category == ci
            if sel.any():
                when[sel] = _local_times(rng, int(sel.sum()), start, days, HOURS[cat])
        frames.append(
            pd.DataFrame({"lon": xy[:, 0], "lat": xy[:, 1], "cat": category, "local": when})
        )
    events = pd.concat(frames, ignore_index=True)
    events = _near_repeats(events, rng, end)
    # Hotspot spread and near-repeats can push a point into the sea or past the region's
    # edge: keep only points that fall in one of the region's districts.
    index = PolygonGridIndex([d.polygon for d in districts], step=0.005)
    inside = index.lookup(events["lon"].to_numpy(), events["lat"].to_numpy()) != OUTSIDE
    return _finish(events[inside].reset_index(drop=True), districts, rng, networks)


def _near_repeats(events: pd.DataFrame, rng: np.random.Generator, end: date) -> pd.DataFrame:
    """Hawkes cascade: offspring of each generation until none is left or time runs out."""
    last = np.datetime64(datetime.combine(end, time(23, 59, 59)), "s")
    generation = events
    out = [events]
    while len(generation):
        kids = rng.poisson(BRANCHING, len(generation))
        parent = np.repeat(np.arange(len(generation)), kids)
        if len(parent) == 0:
            break
        # Whole days later at about the same hour: repeats keep the daily rhythm.
        days = np.ceil(rng.exponential(3.0, len(parent)))
        delay = (days * 86400 + rng.normal(0, 3600, len(parent))).astype("timedelta64[s]")
        offset = rng.normal(0, 100 / METRES_PER_DEG, (len(parent), 2))
        child = pd.DataFrame(
            {
                "lon": generation["lon"].to_numpy()[parent] + offset[:, 0],
                "lat": generation["lat"].to_numpy()[parent] + offset[:, 1],
                "cat": generation["cat"].to_numpy()[parent],
                "local": generation["local"].to_numpy()[parent] + delay,
            }
        )
        generation = child[child["local"].to_numpy() <= last]
        out.append(generation)
    return pd.concat(out, ignore_index=True)


def _finish(
    events: pd.DataFrame, districts: list[DistrictInput], rng: np.random.Generator, n_networks: int
) -> Scenario:
    cats = list(Category)
    events = events.sort_values("local", kind="stable").reset_index(drop=True)
    n = len(events)
    category = np.array([cats[i].value for i in events["cat"]], dtype=object)
    source = np.empty(n, dtype=object)
    for cat in cats:
        sel = category == cat.value
        mix = SOURCE_MIX.get(cat, DEFAULT_SOURCE_MIX)
        source[sel] = [SOURCES[i].value for i in rng.choice(4, size=int(sel.sum()), p=mix)]
    priority = np.array([DEFAULT_PRIORITY[Category(c)] for c in category])
    bump = rng.random(n) < 0.1  # some calls are more (or less) urgent than their category
    priority = np.clip(priority + np.where(bump, rng.choice([-1, 1], n), 0), 1, 4)
    local = pd.to_datetime(events["local"].to_numpy())
    occurred = local.tz_localize(LIMA_TZ).tz_convert("UTC")
    delay = pd.to_timedelta(rng.exponential(40, n).astype(int) + 1, unit="m")
    narrative = np.full(n, None, dtype=object)
    address = np.array([narratives.address(rng) for _ in range(n)], dtype=object)
    networks = _plant_networks(rng, events, category, districts, n_networks)
    in_network = {row: net for net in networks for row in net.rows}
    for row in np.nonzero(category == Category.EXTORTION.value)[0]:
        net = in_network.get(int(row))
        ids = _subset(rng, net.identifiers) if net else narratives.fresh_identifiers(rng)
        narrative[row] = narratives.extortion_narrative(rng, ids)
    frame = pd.DataFrame(
        {
            "external_id": [f"DEMO-{i:07d}" for i in range(n)],
            "source": source,
            "category": category,
            "category_label": [narratives.SYNTHETIC_MARK + " " + c for c in category],
            "priority": priority,
            "occurred_at": occurred,
            "received_at": occurred + delay,
            "latitude": events["lat"].to_numpy(),
            "longitude": events["lon"].to_numpy(),
            "address": address,
            "narrative": narrative,
        }
    )
    return Scenario(frame, networks)


def _subset(rng: np.random.Generator, ids: narratives.Identifiers) -> narratives.Identifiers:
    """What one victim saw of a network: always one of its phones, some of the rest."""

    def some(items: list[str], p: float) -> list[str]:
        return [x for x in items if rng.random() < p]

    return narratives.Identifiers(
        phones=[narratives.pick(rng, ids.phones)],
        wallets=some(ids.wallets, 0.6),
        accounts=some(ids.accounts, 0.35),
        plates=some(ids.plates, 0.25),
        aliases=some(ids.aliases, 0.5),
        gang=ids.gang if rng.random() < 0.5 else None,
        payee=ids.payee,
    )


def _plant_networks(
    rng: np.random.Generator,
    events: pd.DataFrame,
    category: np.ndarray,
    districts: list[DistrictInput],
    n_networks: int,
) -> list[Network]:
    """Give each planted network about 8 % of the extortion reports, near its home district."""
    ext_rows = np.nonzero(category == Category.EXTORTION.value)[0]
    if len(ext_rows) == 0 or n_networks == 0:
        return []
    centroids = np.array([[d.polygon.centroid.x, d.polygon.centroid.y] for d in districts])
    poverty = np.array([d.poverty_pct for d in districts]) + 1
    homes = (
        rng.choice(len(districts), size=n_networks, replace=False, p=poverty / poverty.sum())
        if len(districts) >= n_networks
        else (rng.choice(len(districts), size=n_networks))
    )
    nets = []
    used_gangs = rng.permutation(len(narratives.GANGS))
    for i, home in enumerate(homes):
        ids = narratives.Identifiers(
            phones=[narratives.phone(rng) for _ in range(int(rng.integers(2, 4)))],
            wallets=[narratives.phone(rng) for _ in range(int(rng.integers(1, 3)))],
            accounts=[narratives.cci(rng)],
            plates=[narratives.plate(rng)],
            aliases=list(rng.choice(narratives.ALIASES, size=2, replace=False)),
            gang=narratives.GANGS[int(used_gangs[i % len(used_gangs)])],
            payee=narratives.PAYEES[i % len(narratives.PAYEES)],  # no draw: same stream
        )
        nets.append(
            Network(
                name=ids.gang or f"red-{i}",
                identifiers=ids,
                districts=[districts[int(home)].ubigeo],
            )
        )
    # Each network takes a share of the extortion reports nearest its home district:
    # half of its 2k nearest unassigned reports, so members stay local but not all local
    # reports belong to it.
    xy = events[["lon", "lat"]].to_numpy()[ext_rows]
    k = max(10, int(0.08 * len(ext_rows)))
    free = np.ones(len(ext_rows), dtype=bool)
    for net, home in zip(nets, homes, strict=True):
        dist = np.hypot(xy[:, 0] - centroids[home, 0], xy[:, 1] - centroids[home, 1])
        nearest = [i for i in np.argsort(dist, kind="stable") if free[i]][: 2 * k]
        # (an int array even when empty: a short scenario may have no reports left)
        chosen = np.asarray(
            rng.choice(nearest, size=min(k, len(nearest)), replace=False), dtype=np.int64
        )
        free[chosen] = False
        net.rows = sorted(int(ext_rows[i]) for i in chosen)
    return nets
