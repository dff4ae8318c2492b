"""Legal bases for military action, checked before any armed-forces unit moves.

Two kinds (DOMAIN.md, "Legal frame"):

- a **state of emergency** (Constitution art. 137): decreed for a fixed area and term of at
  most 60 days; it may restrict only personal liberty and security, inviolability of the
  home, assembly and movement; the armed forces take part, or control internal order, only
  if the decree says so;
- a **Resolución Suprema** under Decreto Legislativo 1095 art. 4.3: armed-forces support to
  the police, for an area and a term, for drug trafficking, terrorism, protection of
  strategic sites, or where police capacity is exceeded.

An armed-forces unit may be dispatched, tasked or planned to a place and time only if an
authorization of either kind with armed-forces participation covers both. Pure: shapely
geometry and datetimes in, reasons out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shapely import Geometry, contains_xy

MAX_EMERGENCY_DAYS = 60


class Kind(StrEnum):
    EMERGENCY = "state_of_emergency"
    RESOLUCION_SUPREMA = "resolucion_suprema"


class ForcesRole(StrEnum):
    NONE = "none"  # the police keep internal order alone
    SUPPORT = "support"  # the armed forces take part in support of the police
    CONTROL = "control"  # the armed forces control internal order


# Constitution art. 137.1: the only rights a state of emergency may restrict.
RESTRICTABLE_RIGHTS = frozenset({"personal_liberty", "home_inviolability", "assembly", "movement"})
# DL 1095 art. 4.3: what a Resolución Suprema may authorize support for.
RS_PURPOSES = frozenset(
    {"drug_trafficking", "terrorism", "strategic_sites", "police_capacity_exceeded"}
)


@dataclass(frozen=True)
class Authorization:
    id: int
    kind: str
    number: str
    area: Geometry  # lon/lat polygons
    area_label: str
    starts_at: datetime
    ends_at: datetime
    forces_role: str
    restricted_rights: frozenset[str]
    purpose: str | None
    revoked: bool = False

    @property
    def allows_forces(self) -> bool:
        return self.forces_role in (ForcesRole.SUPPORT, ForcesRole.CONTROL) and not self.revoked

    def covers(self, lon: float, lat: float, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at and bool(contains_xy(self.area, lon, lat))

    def label(self) -> str:
        kind = "Estado de emergencia" if self.kind == Kind.EMERGENCY else "Resolución Suprema"
        return f"{kind} {self.number} ({self.area_label}, hasta {self.ends_at:%Y-%m-%d})"


def problems(
    *,
    kind: str,
    number: str,
    area: Geometry | None,
    starts_at: datetime,
    ends_at: datetime,
    forces_role: str,
    restricted_rights: set[str],
    purpose: str | None,
) -> list[str]:
    """Every reason the authorization is invalid; empty when it may be recorded."""
    out: list[str] = []
    if kind not in Kind.__members__.values():
        out.append(f"kind: {kind!r} is not state_of_emergency or resolucion_suprema")
    if not number.strip():
        out.append("number: the decree or resolution number is required")
    if area is None or area.is_empty or area.geom_type not in ("Polygon", "MultiPolygon"):
        out.append("area: districts or a polygon are required")
    if ends_at <= starts_at:
        out.append("ends_at: must be after starts_at")
    if forces_role not in ForcesRole.__members__.values():
        out.append(f"forces_role: {forces_role!r} is not none, support or control")
    if kind == Kind.EMERGENCY:
        if ends_at - starts_at > timedelta(days=MAX_EMERGENCY_DAYS):
            out.append(
                f"ends_at: a state of emergency lasts at most {MAX_EMERGENCY_DAYS} days "
                "(Constitution art. 137); a renewal is a new decree"
            )
        bad = sorted(set(restricted_rights) - RESTRICTABLE_RIGHTS)
        if bad:
            out.append(
                f"restricted_rights: {', '.join(bad)} may not be restricted (art. 137.1 allows "
                f"only {', '.join(sorted(RESTRICTABLE_RIGHTS))})"
            )
    if kind == Kind.RESOLUCION_SUPREMA:
        if restricted_rights:
            out.append("restricted_rights: a Resolución Suprema restricts no rights")
        if purpose not in RS_PURPOSES:
            out.append(
                f"purpose: DL 1095 art. 4.3 allows {', '.join(sorted(RS_PURPOSES))}, "
                f"not {purpose!r}"
            )
        if forces_role == ForcesRole.NONE:
            out.append("forces_role: a Resolución Suprema exists to authorize armed-forces support")
    return out


def basis_for(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> Authorization | None:
    """An authorization with armed-forces participation covering the place for all of
    ``[start, end]`` (a tasking may not outlive its basis); the one lasting longest."""
    fitting = [
        a
        for a in authorizations
        if a.allows_forces and a.covers(lon, lat, start) and a.ends_at >= end
    ]
    return max(fitting, key=lambda a: a.ends_at, default=None)


# Why no basis covers a place and time, as a code and its values: screens word it in the
# reader's language (the dispatch manifest's ``legal_<code>`` texts); ``refusal`` in English.
REFUSAL_EN = {
    "no_area": "no state of emergency or Resolución Suprema covers this place",
    "no_forces": "the authorizations here do not include the armed forces: {bases}",
    "not_started": "{basis} starts only on {date}",
    "expired": "{basis} expired on {date}",
    "ends_early": "{basis} ends before the tasking would ({date})",
    "uncovered": "no authorization with armed-forces participation covers this place and time",
}


def refusal_reason(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> tuple[str, dict[str, str]]:
    """Why no basis covers the place and time: a ``REFUSAL_EN`` code and its values."""
    here = [a for a in authorizations if bool(contains_xy(a.area, lon, lat))]
    if not here:
        return "no_area", {}
    with_forces = [a for a in here if a.allows_forces]
    if not with_forces:
        return "no_forces", {"bases": "; ".join(a.label() for a in here)}
    for a in sorted(with_forces, key=lambda a: a.starts_at):
        if start < a.starts_at:
            return "not_started", {"basis": a.label(), "date": f"{a.starts_at:%Y-%m-%d}"}
        if start >= a.ends_at:
            return "expired", {"basis": a.label(), "date": f"{a.ends_at:%Y-%m-%d}"}
        if end > a.ends_at:
            return "ends_early", {"basis": a.label(), "date": f"{end:%Y-%m-%d %H:%M}"}
    return "uncovered", {}


def refusal(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> str:
    """Why no basis covers the place and time, in words a commander can act on."""
    code, values = refusal_reason(authorizations, lon, lat, start, end)
    return REFUSAL_EN[code].format(**values)
