"""Rank the eligible units for an incident by estimated travel time, and say why.

Eligible means: available (or returning from a job), position known, the capabilities
the incident needs (a hostage taking needs a unit trained for it; an extortion in
progress, the specialised anti-extortion unit), and, for an armed-forces unit, a legal
basis covering the incident's place for the expected duration of the tasking. Every
excluded unit keeps its reason, so the dispatcher sees why the nearest car is not on
the list: in words, Spanish first, then English (``reason``, for the command line and the
API), and as a code with its values
(``code``, ``params``), which the screens word in the reader's language.

When the incident needs a capability, the nearest units that lack only that capability
are offered too, as a *first response* beside the specialised units (which may be many
minutes away): the dispatcher may send one with a reason, which the dispatch records.

Pure: lists of plain values in, a ranking out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from kuntur.command.legal import Authorization, basis_for, refusal_reason
from kuntur.command.units import UNIT_STATUS_LABELS, UnitStatus
from kuntur.core.i18n import _, both, render
from kuntur.dispatch.manifest import TEXTS
from kuntur.dispatch.routing import (
    RoadGraph,
    haversine_m,
    straight_line_seconds,
    type_speeds,
)

DISPATCHABLE = frozenset({"available", "returning"})
TASKING_HOURS = 4  # how long a military tasking is assumed to last, for the legal check
MAX_ETA_S = 90 * 60  # beyond this a unit is "too far", not a recommendation
FIRST_RESPONSE = 3  # nearest units offered as a first response when a capability is needed


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
    reason: str  # Spanish first, then English (the command line, the API's ``reason``)
    code: str = ""  # status, no_position, lacks, no_legal_basis, too_far
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Recommendation:
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    needs: frozenset[str] = frozenset()
    # Nearest units without the needed capability (otherwise eligible), fastest first.
    first_response: list[Ranked] = field(default_factory=list)


@dataclass
class Fleet:
    """The units as columns, so thousands are filtered and ranked with array operations.

    ``views[i]`` and row ``i`` of every array describe the same unit. ``update`` replaces
    rows in place (the service keeps one fleet per process, refreshed by change time).
    """

    views: list[UnitView]
    ids: np.ndarray
    lon: np.ndarray  # NaN when unknown
    lat: np.ndarray
    status: np.ndarray
    military: np.ndarray
    types: np.ndarray
    speeds: np.ndarray  # straight-line km/h by type

    @classmethod
    def of(cls, views: Sequence[UnitView]) -> Fleet:
        kinds = (np.int64, float, float, object, bool, object, float)
        f = cls([], *(np.zeros(0, t) for t in kinds))
        f.update(views)
        return f

    def update(self, views: Sequence[UnitView]) -> None:
        index = {int(u): i for i, u in enumerate(self.ids)}
        new = [v for v in views if v.id not in index]
        if new:
            self.views.extend(new)
            self.ids = np.concatenate([self.ids, np.array([v.id for v in new], np.int64)])
            extra = np.full(len(new), np.nan)
            self.lon = np.concatenate([self.lon, extra])
            self.lat = np.concatenate([self.lat, extra])
            self.status = np.concatenate([self.status, np.empty(len(new), object)])
            self.military = np.concatenate([self.military, np.zeros(len(new), bool)])
            self.types = np.concatenate([self.types, np.empty(len(new), object)])
            self.speeds = np.concatenate([self.speeds, np.zeros(len(new))])
            index = {int(u): i for i, u in enumerate(self.ids)}
        for v in views:
            i = index[v.id]
            self.views[i] = v
            self.lon[i] = np.nan if v.lon is None else v.lon
            self.lat[i] = np.nan if v.lat is None else v.lat
            self.status[i] = v.status
            self.military[i] = v.military
            self.types[i] = v.unit_type
            self.speeds[i] = type_speeds(np.array([v.unit_type], object))[0]

    def __len__(self) -> int:
        return len(self.ids)


def _reason(
    u: UnitView, needs: frozenset[str], legal: tuple[str, dict[str, str]]
) -> tuple[str, dict[str, str]]:
    """Why ``u`` is not eligible: a code and its values."""
    if u.status not in DISPATCHABLE:
        return "status", {"status": u.status}
    if u.lon is None or u.lat is None:
        return "no_position", {}
    if not needs <= u.capabilities:
        return "lacks", {"capabilities": ",".join(sorted(needs - u.capabilities))}
    code, values = legal
    return "no_legal_basis", {"legal": code, **values}


def capability_words(codes: Iterable[str], lang: str) -> str:
    """Capabilities in words ("rescate de rehenes, canes"): the dispatch manifest's
    ``cap_*`` labels, the code itself for one it does not name."""
    return ", ".join(render(TEXTS[f"cap_{c}"], lang) if f"cap_{c}" in TEXTS else c for c in codes)


def reason_text(code: str, params: dict[str, str], lang: str | None = None) -> str:
    """The words of an exclusion in ``lang`` (the dispatch manifest's ``why_*`` texts, as
    the screen words them); with no ``lang``, Spanish first, then English (the command line
    and the API's ``reason``)."""
    if lang is None:
        return " / ".join(reason_text(code, params, lg) for lg in ("es", "en"))
    if code == "status":
        status = params["status"]
        known = UNIT_STATUS_LABELS.get(UnitStatus(status)) if status in set(UnitStatus) else None
        return render(TEXTS["why_status"], lang, status=render(known, lang) if known else status)
    if code == "lacks":
        words = capability_words(params["capabilities"].split(","), lang)
        return render(TEXTS["why_lacks"], lang, capabilities=words)
    if code == "no_legal_basis":
        legal = params.get(lang) or params.get("legal", "")
        return render(TEXTS["why_no_legal_basis"], lang, legal=legal)
    return render(TEXTS[f"why_{code}"], lang, **params)


def recommend(
    *,
    lon: float,
    lat: float,
    category: str,
    priority: int,
    units: Sequence[UnitView] | Fleet,
    authorizations: list[Authorization],
    now: datetime,
    roads: RoadGraph | None = None,
    limit: int = 10,
) -> Recommendation:
    """Rank eligible units by ETA; list the nearest excluded ones (up to ``limit``) and why."""
    fleet = units if isinstance(units, Fleet) else Fleet.of(units)
    needs = required_capabilities(category, priority)
    rec = Recommendation(needs=needs)
    if len(fleet) == 0:
        return rec
    end = now + timedelta(hours=TASKING_HOURS)
    basis: Authorization | None = None
    why_not: tuple[str, dict[str, str]] = ("uncovered", {})
    if fleet.military.any():  # one check: the same place and time for every military unit
        basis = basis_for(authorizations, lon, lat, now, end)
        if basis is None:
            why_not = refusal_reason(authorizations, lon, lat, now, end)
    positioned = np.isfinite(fleet.lon) & np.isfinite(fleet.lat)
    lawful = np.isin(fleet.status, list(DISPATCHABLE)) & positioned
    if basis is None:
        lawful &= ~fleet.military
    eligible = lawful.copy()
    if needs:
        eligible &= np.fromiter((needs <= v.capabilities for v in fleet.views), bool, len(fleet))
    dist = np.full(len(fleet), np.inf)
    dist[positioned] = haversine_m(fleet.lon[positioned], fleet.lat[positioned], lon, lat)
    # A first response may come from any lawful unit: the ETAs of those without the
    # capability are needed too (only when a capability is needed at all).
    cand = np.flatnonzero(lawful if needs else eligible)
    eta = np.full(len(fleet), np.inf)
    by_road = np.zeros(len(fleet), bool)
    if len(cand):
        types = fleet.types[cand]
        eta[cand] = straight_line_seconds(dist[cand], types, fleet.speeds[cand])
        if roads is not None:
            road_eta, ok = roads.seconds_to(lon, lat, fleet.lon[cand], fleet.lat[cand], types)
            eta[cand] = np.where(ok, road_eta, eta[cand])
            by_road[cand] = ok

    def ranked(i: int, lacking: frozenset[str]) -> Ranked:
        u = fleet.views[i]
        minutes, km = f"{eta[i] / 60:.1f}", f"{dist[i] / 1000:.1f}"
        if by_road[i]:
            eta_text = _("{minutes} min por carretera ({km} km)", minutes=minutes, km=km)
        else:
            eta_text = _("{minutes} min en línea recta x1.4 ({km} km)", minutes=minutes, km=km)
        status = UNIT_STATUS_LABELS.get(UnitStatus(u.status))
        reasons = [eta_text, render(status).lower() if status else u.status]
        if lacking:
            reasons.append(_("sin capacidad: {caps}", caps=", ".join(sorted(lacking))))
        elif needs:
            reasons.append(_("capacidad: {caps}", caps=", ".join(sorted(needs))))
        legal_id = basis.id if (u.military and basis) else None
        if legal_id is not None and basis is not None:
            b = basis
            reasons.append(both(lambda lg: _("base legal: {basis}", lg, basis=b.label(lg))))
        return Ranked(u, float(eta[i]), float(dist[i]), bool(by_road[i]), reasons, legal_id)

    close = cand[eta[cand] <= MAX_ETA_S]
    order = close[np.lexsort((fleet.ids[close], eta[close]))]
    for i in order[eligible[order]][:limit]:
        rec.ranked.append(ranked(int(i), frozenset()))
    if needs:
        for i in order[~eligible[order]][:FIRST_RESPONSE]:
            rec.first_response.append(ranked(int(i), needs - fleet.views[int(i)].capabilities))
    # The excluded that matter are the close ones: "why not that car across the street?"
    out = np.flatnonzero(~eligible | (eta > MAX_ETA_S))
    for i in out[np.lexsort((fleet.ids[out], dist[out]))][:limit]:
        u = fleet.views[int(i)]
        if eligible[i]:
            code, params = "too_far", {"minutes": f"{eta[i] / 60:.0f}"}
        else:
            code, params = _reason(u, needs, why_not)
        rec.excluded.append(Excluded(u, reason_text(code, params), code, params))
    return rec
