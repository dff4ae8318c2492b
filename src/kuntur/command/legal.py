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

from kuntur.core.i18n import N_, Text, _, pair, render

MAX_EMERGENCY_DAYS = 60
LIMA = ZoneInfo("America/Lima")  # decrees and taskings are read in Lima's time


def _day(at: datetime) -> str:
    return f"{at.astimezone(LIMA):%Y-%m-%d}"


def _minute(at: datetime) -> str:
    return f"{at.astimezone(LIMA):%Y-%m-%d %H:%M}"


class Kind(StrEnum):
    EMERGENCY = "state_of_emergency"
    RESOLUCION_SUPREMA = "resolucion_suprema"


KIND_NAMES: dict[Kind, Text] = {
    Kind.EMERGENCY: N_("Estado de emergencia"),
    Kind.RESOLUCION_SUPREMA: N_("Resolución Suprema"),
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
        kind = render(KIND_NAMES[Kind(self.kind)], lang) if self.is_known else ""
        named = self.number.casefold().startswith(
            tuple(render(n, lg).casefold() for n in KIND_NAMES.values() for lg in ("es", "en"))
        )
        title = self.number if named or not kind else f"{kind} {self.number}"
        start, end = _day(self.starts_at), _day(self.ends_at)
        return _(
            "{title} ({area}, del {start} al {end})",
            lang,
            title=title,
            area=self.area_label,
            start=start,
            end=end,
        )

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
    lang: str | None = None,
) -> list[str]:
    """Every reason the authorization is invalid, in ``lang`` (both, "es / en", when None);
    empty when it may be recorded. Each reason names the field it is about."""
    out: list[tuple[str, dict[str, object]]] = []
    if kind not in Kind.__members__.values():
        out.append(
            (N_("kind: {kind!r} no es state_of_emergency ni resolucion_suprema"), {"kind": kind})
        )
    if not number.strip():
        out.append((N_("number: falta el número del decreto o de la resolución"), {}))
    if area is None or area.is_empty or area.geom_type not in ("Polygon", "MultiPolygon"):
        out.append((N_("area: hacen falta distritos o un polígono"), {}))
    if ends_at <= starts_at:
        out.append((N_("ends_at: debe ser posterior a starts_at"), {}))
    if forces_role not in ForcesRole.__members__.values():
        out.append(
            (N_("forces_role: {role!r} no es none, support ni control"), {"role": forces_role})
        )
    if kind == Kind.EMERGENCY:
        if ends_at - starts_at > timedelta(days=MAX_EMERGENCY_DAYS):
            out.append(
                (
                    N_(
                        "ends_at: un estado de emergencia dura a lo sumo {days} días "
                        "(Constitución art. 137); una prórroga es un decreto nuevo"
                    ),
                    {"days": MAX_EMERGENCY_DAYS},
                )
            )
        bad = sorted(set(restricted_rights) - RESTRICTABLE_RIGHTS)
        if bad:
            out.append(
                (
                    N_(
                        "restricted_rights: {bad} no se pueden restringir (el art. 137.1 "
                        "solo permite {allowed})"
                    ),
                    {"bad": ", ".join(bad), "allowed": ", ".join(sorted(RESTRICTABLE_RIGHTS))},
                )
            )
    if kind == Kind.RESOLUCION_SUPREMA:
        if restricted_rights:
            out.append((N_("restricted_rights: una Resolución Suprema no restringe derechos"), {}))
        if purpose not in RS_PURPOSES:
            out.append(
                (
                    N_("purpose: el DL 1095 art. 4.3 permite {allowed}, no {purpose!r}"),
                    {"allowed": ", ".join(sorted(RS_PURPOSES)), "purpose": purpose},
                )
            )
        if forces_role == ForcesRole.NONE:
            out.append(
                (
                    N_(
                        "forces_role: una Resolución Suprema existe para autorizar el apoyo "
                        "de las Fuerzas Armadas"
                    ),
                    {},
                )
            )
    return [render(text, lang, **values) for text, values in out]


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


def missing(s: Shortfall, start: datetime, end: datetime, lang: str) -> list[str]:
    """What ``s`` lacks, each in ``lang``."""
    a = s.authorization
    out: list[str] = []
    if not s.place:
        out.append(_("el lugar (el punto queda fuera de su área: {area})", lang, area=a.area_label))
    if s.time == REVOKED:
        out.append(_("la vigencia (fue revocada)", lang))
    elif s.time == ENDS_EARLY:
        out.append(
            _(
                "el plazo (vence el {ends}, antes de que termine la tarea, el {end}, hora de Lima)",
                lang,
                ends=_minute(a.ends_at),
                end=_minute(end),
            )
        )
    elif s.time == OUT_OF_TERM and start >= a.ends_at:
        out.append(_("el plazo (venció el {day})", lang, day=_day(a.ends_at)))
    elif s.time == OUT_OF_TERM:
        out.append(_("el plazo (rige recién desde el {day})", lang, day=_day(a.starts_at)))
    if not s.forces:
        out.append(
            _(
                "la participación de las Fuerzas Armadas (no la dispone: el orden interno "
                "queda a cargo de la Policía)",
                lang,
            )
        )
    return out


NOTHING_HERE = N_("ningún estado de emergencia ni Resolución Suprema cubre este lugar")


def refusal_text(
    authorizations: list[Authorization],
    lon: float,
    lat: float,
    start: datetime,
    end: datetime,
    lang: str,
) -> str:
    """Why no basis covers the place and time, in ``lang``: the basis that comes closest,
    and exactly what it lacks (place, time, armed-forces participation)."""
    best = closest(authorizations, lon, lat, start, end)
    if best is None:
        return _(NOTHING_HERE, lang)
    lacks = missing(best, start, end, lang)
    if not lacks:  # covered after all: the caller should not have asked
        return ""
    said = _(
        "la base legal más cercana, {basis}, no cubre {lacks}",
        lang,
        basis=best.authorization.label(lang),
        lacks="; ".join(lacks),
    )
    if not best.place:
        return f"{_(NOTHING_HERE, lang)}: {said}"
    return said


def refusal_texts(
    authorizations: list[Authorization], lon: float, lat: float, start: datetime, end: datetime
) -> tuple[str, str]:
    """``refusal_text`` in Spanish and in English."""
    return pair(lambda lang: refusal_text(authorizations, lon, lat, start, end, lang))


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
