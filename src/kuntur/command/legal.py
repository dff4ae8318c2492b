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
from zoneinfo import ZoneInfo

from shapely import Geometry, contains_xy

MAX_EMERGENCY_DAYS = 60
LIMA = ZoneInfo("America/Lima")  # decrees and taskings are read in Lima's time


def _day(at: datetime) -> str:
    return f"{at.astimezone(LIMA):%Y-%m-%d}"


def _minute(at: datetime) -> str:
    return f"{at.astimezone(LIMA):%Y-%m-%d %H:%M}"


class Kind(StrEnum):
    EMERGENCY = "state_of_emergency"
    RESOLUCION_SUPREMA = "resolucion_suprema"


KIND_NAMES: dict[Kind, tuple[str, str]] = {
    Kind.EMERGENCY: ("Estado de emergencia", "State of emergency"),
    Kind.RESOLUCION_SUPREMA: ("Resolución Suprema", "Resolución Suprema"),
}


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

    def label(self, lang: str = "es") -> str:
        """The decree or resolution by kind, number, area and term, in ``lang``; a number
        that already names its kind (``Estado de emergencia oct. 2025``) is not prefixed
        with it again."""
        kind = KIND_NAMES[Kind(self.kind)][0 if lang == "es" else 1] if self.is_known else ""
        named = self.number.casefold().startswith(
            tuple(n.casefold() for pair in KIND_NAMES.values() for n in pair)
        )
        title = self.number if named or not kind else f"{kind} {self.number}"
        start, end = _day(self.starts_at), _day(self.ends_at)
        if lang == "es":
            return f"{title} ({self.area_label}, del {start} al {end})"
        return f"{title} ({self.area_label}, {start} to {end})"

    @property
    def is_known(self) -> bool:
        return self.kind in Kind.__members__.values()


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


# How far an authorization is from covering a request in time, best first.
IN_FORCE, ENDS_EARLY, OUT_OF_TERM, REVOKED = range(4)


@dataclass(frozen=True)
class Shortfall:
    """What one authorization lacks to be the basis of a military request."""

    authorization: Authorization
    place: bool  # its area holds the point
    time: int  # IN_FORCE, ENDS_EARLY, OUT_OF_TERM or REVOKED
    forces: bool  # it provides for armed-forces participation
    days_off: float  # how far its term lies from the request (0 when it overlaps)

    def key(self) -> tuple[bool, int, bool, float]:
        """Closeness, smallest first: the place matters most (a basis elsewhere is no
        basis here), then the term (an expired decree needs a new one), then armed-forces
        participation; among equals, the term nearest the request."""
        return (not self.place, self.time, not self.forces, self.days_off)


def shortfall(
    a: Authorization, lon: float, lat: float, start: datetime, end: datetime
) -> Shortfall:
    if a.revoked:
        time, off = REVOKED, 0.0
    elif a.starts_at <= start < a.ends_at:
        time, off = (IN_FORCE, 0.0) if a.ends_at >= end else (ENDS_EARLY, 0.0)
    elif start >= a.ends_at:
        time, off = OUT_OF_TERM, (start - a.ends_at).total_seconds() / 86400
    else:
        time, off = OUT_OF_TERM, (a.starts_at - start).total_seconds() / 86400
    return Shortfall(
        a,
        place=bool(contains_xy(a.area, lon, lat)),
        time=time,
        forces=a.forces_role in (ForcesRole.SUPPORT, ForcesRole.CONTROL),
        days_off=off,
    )


def closest(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> Shortfall | None:
    """The authorization that comes closest to covering the request, with what it lacks."""
    found = [shortfall(a, lon, lat, start, end) for a in authorizations]
    return min(found, key=Shortfall.key, default=None)


def missing(s: Shortfall, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """What ``s`` lacks, each as (Spanish, English)."""
    a = s.authorization
    out: list[tuple[str, str]] = []
    if not s.place:
        out.append(
            (
                f"el lugar (el punto queda fuera de su área: {a.area_label})",
                f"the place (the point lies outside its area: {a.area_label})",
            )
        )
    if s.time == REVOKED:
        out.append(("la vigencia (fue revocada)", "the term (it was revoked)"))
    elif s.time == ENDS_EARLY:
        out.append(
            (
                f"el plazo (vence el {_minute(a.ends_at)}, antes de que termine la tarea, el "
                f"{_minute(end)}, hora de Lima)",
                f"the time (it ends before the tasking would: on {_minute(a.ends_at)}; the "
                f"tasking ends on {_minute(end)}, Lima time)",
            )
        )
    elif s.time == OUT_OF_TERM and start >= a.ends_at:
        out.append(
            (
                f"el plazo (venció el {_day(a.ends_at)})",
                f"the time (it expired on {_day(a.ends_at)})",
            )
        )
    elif s.time == OUT_OF_TERM:
        out.append(
            (
                f"el plazo (rige recién desde el {_day(a.starts_at)})",
                f"the time (it starts only on {_day(a.starts_at)})",
            )
        )
    if not s.forces:
        out.append(
            (
                "la participación de las Fuerzas Armadas (no la dispone: el orden interno "
                "queda a cargo de la Policía)",
                "armed-forces participation (it does not include the armed forces: the "
                "police keep internal order alone)",
            )
        )
    return out


def refusal_texts(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> tuple[str, str]:
    """Why no basis covers the place and time, in Spanish and in English: the basis that
    comes closest, and exactly what it lacks (place, time, armed-forces participation)."""
    best = closest(authorizations, lon, lat, start, end)
    nothing_here = (
        "ningún estado de emergencia ni Resolución Suprema cubre este lugar",
        "no state of emergency or Resolución Suprema covers this place",
    )
    if best is None:
        return nothing_here
    lacks = missing(best, start, end)
    if not lacks:  # covered after all: the caller should not have asked
        return ("", "")
    es = f"la base legal más cercana, {best.authorization.label('es')}, no cubre " + "; ".join(
        m[0] for m in lacks
    )
    en = f"the closest legal basis, {best.authorization.label('en')}, lacks " + "; ".join(
        m[1] for m in lacks
    )
    if not best.place:
        return (f"{nothing_here[0]}: {es}", f"{nothing_here[1]}: {en}")
    return es, en


def refusal(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> str:
    """``refusal_texts`` as one line: Spanish first, then English ("es / en")."""
    es, en = refusal_texts(authorizations, lon, lat, start, end)
    return f"{es} / {en}"


def refusal_reason(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> tuple[str, dict[str, str]]:
    """``refusal_texts`` as a code and its values, for screens that word every exclusion
    in the reader's language (the dispatch manifest's ``legal_closest``: "{es}" / "{en}")."""
    es, en = refusal_texts(authorizations, lon, lat, start, end)
    return "closest", {"es": es, "en": en}
