"""Cursor-on-Target (CoT) events for TAK clients: what Kuntur sends out.

Units, incidents, patrol posts and legal-basis areas become CoT ``<event>`` documents
(the XML that ATAK, WinTAK and iTAK read, CoT 2.0), each with a stable ``uid`` so that a
later event replaces the earlier one on the device, a ``stale`` time after which the
device greys the mark out, and a deletion event (``t-x-d-d`` with ``__forcedelete``)
when a mark must go (an incident closed, a legal basis revoked).

Types follow the CoT/MIL-STD-2525 atoms TAK renders: police and municipal units as
friendly civilian law enforcement (``a-f-G-U-U-L-C``), armed-forces units as friendly
ground combat units (``a-f-G-U-C``), incidents as unknown ground points (``a-u-G``),
patrol posts as checkpoints (``b-m-p-c``) and legal-basis areas as drawn polygons
(``u-d-f``, one ``<link point>`` per vertex).

Pure: plain values in, bytes out (the XML is built with ElementTree, so every text and
attribute is escaped). ``kuntur.exchange.tak`` feeds these to the devices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element, SubElement, tostring

UNIT_STALE = timedelta(minutes=5)
INCIDENT_STALE = timedelta(minutes=15)
DELETE_STALE = timedelta(seconds=20)

POLICE_TYPE = "a-f-G-U-U-L-C"  # friendly, ground, law enforcement (civilian)
MILITARY_TYPE = "a-f-G-U-C"  # friendly, ground, combat unit
INCIDENT_TYPE = "a-u-G"
POST_TYPE = "b-m-p-c"  # checkpoint / control point
AREA_TYPE = "u-d-f"  # drawn polygon
DELETE_TYPE = "t-x-d-d"

# TAK draws status in the contact colour it is told; ARGB as TAK writes it.
STATUS_COLOURS = {
    "available": "-16711936",  # green
    "dispatched": "-256",  # yellow
    "en_route": "-256",
    "on_scene": "-65536",  # red
    "out_of_service": "-7829368",  # grey
}


def cot_time(when: datetime) -> str:
    """CoT's time format: UTC, milliseconds, a Z."""
    when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class UnitMark:
    id: int
    call_sign: str
    agency: str
    military: bool
    unit_type: str
    status: str
    lat: float
    lon: float
    at: datetime | None


@dataclass(frozen=True)
class IncidentMark:
    id: int
    category: str
    priority: int
    status: str
    lat: float
    lon: float
    owner_agency: str
    classification: int


@dataclass(frozen=True)
class PostMark:
    id: int
    plan_id: int
    call_sign: str
    lat: float
    lon: float
    reach_m: float
    ends_at: datetime


@dataclass(frozen=True)
class AreaMark:
    id: int
    number: str
    label: str
    ring: Sequence[tuple[float, float]]  # (lon, lat), closed or not
    ends_at: datetime


def unit_uid(unit_id: int) -> str:
    return f"kuntur-unit-{unit_id}"


def incident_uid(incident_id: int) -> str:
    return f"kuntur-incident-{incident_id}"


def post_uid(post_id: int) -> str:
    return f"kuntur-post-{post_id}"


def area_uid(area_id: int) -> str:
    return f"kuntur-area-{area_id}"


def _event(
    uid: str, type_: str, how: str, now: datetime, stale: datetime, lat: float, lon: float
) -> Element:
    ev = Element(
        "event",
        {
            "version": "2.0",
            "uid": uid,
            "type": type_,
            "how": how,
            "time": cot_time(now),
            "start": cot_time(now),
            "stale": cot_time(stale),
        },
    )
    SubElement(
        ev,
        "point",
        {
            "lat": f"{lat:.6f}",
            "lon": f"{lon:.6f}",
            "hae": "9999999.0",  # height unknown (CoT's convention)
            "ce": "9999999.0",
            "le": "9999999.0",
        },
    )
    return ev


def _bytes(ev: Element) -> bytes:
    return tostring(ev, encoding="utf-8", xml_declaration=False)


def unit_event(u: UnitMark, now: datetime) -> bytes:
    """A unit where it last reported; stale after ``UNIT_STALE`` without news."""
    when = u.at or now
    ev = _event(
        unit_uid(u.id),
        MILITARY_TYPE if u.military else POLICE_TYPE,
        "m-g",  # machine, GPS
        when,
        max(now, when) + UNIT_STALE,
        u.lat,
        u.lon,
    )
    detail = SubElement(ev, "detail")
    SubElement(detail, "contact", {"callsign": u.call_sign})
    SubElement(detail, "__group", {"name": u.agency, "role": "Team Member"})
    SubElement(detail, "status", {"readiness": "true" if u.status == "available" else "false"})
    SubElement(detail, "color", {"argb": STATUS_COLOURS.get(u.status, "-1")})
    remarks = SubElement(detail, "remarks")
    remarks.text = f"{u.agency} {u.unit_type}: {u.status}"
    return _bytes(ev)


def incident_event(i: IncidentMark, now: datetime, label: str) -> bytes:
    """An open incident at its place; ``label`` is the category as a reader sees it."""
    ev = _event(incident_uid(i.id), INCIDENT_TYPE, "h-e", now, now + INCIDENT_STALE, i.lat, i.lon)
    detail = SubElement(ev, "detail")
    SubElement(detail, "contact", {"callsign": f"P{i.priority} {label} #{i.id}"})
    remarks = SubElement(detail, "remarks")
    remarks.text = f"{label} (prioridad {i.priority}, {i.status})"
    return _bytes(ev)


def post_event(p: PostMark, now: datetime) -> bytes:
    """A patrol post of an approved plan, until the shift ends."""
    ev = _event(post_uid(p.id), POST_TYPE, "h-e", now, p.ends_at, p.lat, p.lon)
    detail = SubElement(ev, "detail")
    SubElement(detail, "contact", {"callsign": f"Puesto {p.call_sign}"})
    remarks = SubElement(detail, "remarks")
    remarks.text = f"Plan {p.plan_id}: alcance {p.reach_m:.0f} m"
    return _bytes(ev)


def area_event(a: AreaMark, now: datetime) -> bytes:
    """A legal basis's area as a closed polygon, until the basis ends."""
    ring = list(a.ring)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    vertices = ring[:-1] or ring
    lat = sum(p[1] for p in vertices) / len(vertices)
    lon = sum(p[0] for p in vertices) / len(vertices)
    ev = _event(area_uid(a.id), AREA_TYPE, "h-e", now, a.ends_at, lat, lon)
    detail = SubElement(ev, "detail")
    SubElement(detail, "contact", {"callsign": f"{a.number}: {a.label}"[:120]})
    for x, y in ring:
        SubElement(detail, "link", {"point": f"{y:.6f},{x:.6f}"})
    SubElement(detail, "strokeColor", {"value": "-65536"})
    SubElement(detail, "strokeWeight", {"value": "3.0"})
    SubElement(detail, "fillColor", {"value": "855638016"})  # translucent red
    SubElement(detail, "labels_on", {"value": "true"})
    remarks = SubElement(detail, "remarks")
    remarks.text = f"Base legal {a.number}, vigente hasta {cot_time(a.ends_at)}"
    return _bytes(ev)


def delete_event(uid: str, target_type: str, now: datetime) -> bytes:
    """Remove the mark ``uid`` from every device that shows it."""
    ev = _event(f"{uid}-delete", DELETE_TYPE, "h-g-i-g-o", now, now + DELETE_STALE, 0.0, 0.0)
    detail = SubElement(ev, "detail")
    SubElement(detail, "link", {"uid": uid, "relation": "none", "type": target_type})
    SubElement(detail, "__forcedelete")
    return _bytes(ev)


def ring_of(geometry: dict[str, object]) -> list[tuple[float, float]]:
    """The outer ring of a GeoJSON Polygon, or of a MultiPolygon's largest part."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list) and coords:
        return [(float(x), float(y)) for x, y, *_ in coords[0]]
    if kind == "MultiPolygon" and isinstance(coords, list) and coords:
        rings = [part[0] for part in coords if part]
        best = max(rings, key=len)
        return [(float(x), float(y)) for x, y, *_ in best]
    return []
