"""Rank the eligible units for an incident by estimated travel time, and say why.

Eligible means: available (or returning from a job), position known, the capabilities
the incident needs (a hostage taking needs a unit trained for it; an extortion in
progress, the specialised anti-extortion unit), and, for an armed-forces unit, a legal
basis covering the incident's place for the expected duration of the tasking. Every
excluded unit keeps its reason, so the dispatcher sees why the nearest car is not on
the list.

Pure: lists of plain values in, a ranking out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from kuntur.command.legal import Authorization, basis_for, refusal
from kuntur.dispatch.lifecycle import UNIT_STATUS_LABELS, UnitStatus
from kuntur.dispatch.routing import RoadGraph, haversine_m, straight_line_seconds

DISPATCHABLE = frozenset({"available", "returning"})
TASKING_HOURS = 4  # how long a military tasking is assumed to last, for the legal check
MAX_ETA_S = 90 * 60  # beyond this a unit is "too far", not a recommendation


def required_capabilities(category: str, priority: int) -> frozenset[str]:
    if category == "kidnapping":
        return frozenset({"hostage"})
    if category == "extortion" and priority <= 1:  # in progress: a threat being carried out
        return frozenset({"extortion"})
    return frozenset()


@dataclass(frozen=True)
class UnitView:
    id: int
    call_sign: str
    agency: str
    military: bool
    unit_type: str
    capabilities: frozenset[str]
    status: str
    lon: float | None
    lat: float | None


@dataclass
class Ranked:
    unit: UnitView
    eta_seconds: float
    distance_m: float
    by_road: bool
    reasons: list[str]
    legal_basis_id: int | None = None


@dataclass
class Excluded:
    unit: UnitView
    reason: str


@dataclass
class Recommendation:
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    needs: frozenset[str] = frozenset()


def recommend(
    *,
    lon: float,
    lat: float,
    category: str,
    priority: int,
    units: Sequence[UnitView],
    authorizations: list[Authorization],
    now: datetime,
    roads: RoadGraph | None = None,
    limit: int = 10,
) -> Recommendation:
    needs = required_capabilities(category, priority)
    rec = Recommendation(needs=needs)
    candidates: list[tuple[UnitView, int | None, str]] = []
    end = now + timedelta(hours=TASKING_HOURS)
    legal_checked = False
    basis: Authorization | None = None
    why_not = ""
    for u in units:
        if u.status not in DISPATCHABLE:
            rec.excluded.append(Excluded(u, f"status {u.status}"))
        elif u.lon is None or u.lat is None:
            rec.excluded.append(Excluded(u, "no known position"))
        elif not needs <= u.capabilities:
            missing = ", ".join(sorted(needs - u.capabilities))
            rec.excluded.append(Excluded(u, f"lacks {missing}"))
        elif u.military:
            if not legal_checked:  # the same place and time for every military unit
                basis = basis_for(authorizations, lon, lat, now, end)
                why_not = "" if basis else refusal(authorizations, lon, lat, now, end)
                legal_checked = True
            if basis is None:
                rec.excluded.append(Excluded(u, "no legal basis: " + why_not))
            else:
                candidates.append((u, basis.id, basis.label()))
        else:
            candidates.append((u, None, ""))
    if not candidates:
        return rec
    ulon = np.array([c[0].lon for c in candidates], float)
    ulat = np.array([c[0].lat for c in candidates], float)
    types = np.array([c[0].unit_type for c in candidates], object)
    dist = haversine_m(ulon, ulat, lon, lat)
    eta = straight_line_seconds(dist, types)
    by_road = np.zeros(len(candidates), bool)
    if roads is not None:
        road_eta, ok = roads.seconds_to(lon, lat, ulon, ulat, types)
        eta = np.where(ok, road_eta, eta)
        by_road = ok
    order = np.lexsort((np.array([c[0].id for c in candidates]), eta))
    too_far = [int(i) for i in order if eta[i] > MAX_ETA_S]
    for i in too_far[:limit]:
        rec.excluded.append(Excluded(candidates[i][0], f"too far ({eta[i] / 60:.0f} min)"))
    for i in [int(i) for i in order if eta[i] <= MAX_ETA_S][:limit]:
        u, basis_id, basis_label = candidates[int(i)]
        how = "por carretera" if by_road[i] else "en línea recta x1.4"
        state = UNIT_STATUS_LABELS.get(UnitStatus(u.status), (u.status,))[0].lower()
        reasons = [f"{eta[i] / 60:.1f} min {how} ({dist[i] / 1000:.1f} km)", state]
        if needs:
            reasons.append("capacidad: " + ", ".join(sorted(needs)))
        if basis_label:
            reasons.append("base legal: " + basis_label)
        rec.ranked.append(
            Ranked(u, float(eta[i]), float(dist[i]), bool(by_road[i]), reasons, basis_id)
        )
    return rec
