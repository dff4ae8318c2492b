"""Public alerts as OASIS CAP 1.2 messages, checked against the OASIS schema that Kuntur
vendors (``public/data/CAP-v1.2.xsd``), and the Atom feed that lists them (RFC 4287).
Pure: dictionaries in, XML out; nothing is fetched (the schema is read from the package).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any
from xml.etree import ElementTree as ET

from kuntur.core.i18n import _

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MEDIA_TYPE = "application/cap+xml"
ATOM_MEDIA_TYPE = "application/atom+xml"

STATUSES = ("Actual", "Exercise", "Test")  # what Kuntur issues (System and Draft: never)
MSG_TYPES = ("Alert", "Update", "Cancel")
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
RESPONSE_TYPES = ("Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess",
                  "AllClear", "None")  # fmt: skip


class InvalidAlert(ValueError):
    """An alert that is not a valid CAP 1.2 message: the schema's reason, in words."""


@dataclass(frozen=True)
class Area:
    """One district: its name (areaDesc), its ubigeo (geocode UBIGEO), and optionally its
    outline as CAP polygons ("lat,lon lat,lon ...", first point repeated at the end)."""

    desc: str
    ubigeo: str
    polygons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    area: Area
    references: str | None = None  # "sender,identifier,sent" of the alerts it updates/cancels
    note: str | None = None
    expires: datetime | None = None
    sender_name: str | None = None
    web: str | None = None
    response_types: tuple[str, ...] = field(default=())
    language: str = "es-PE"


def cap_time(value: datetime) -> str:
    """CAP's date-time: seconds, with a numeric offset ("-05:00", never "Z")."""
    if value.tzinfo is None:
        raise InvalidAlert(_("la hora de la alerta no tiene zona horaria"))
    text = value.replace(microsecond=0).isoformat()
    return text[:-6] + "+00:00" if text.endswith("+00:00") else text


def _sub(parent: ET.Element, tag: str, text: str | None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def to_xml(alert: Alert) -> bytes:
    """The CAP 1.2 document of ``alert`` (UTF-8), elements in the schema's order. Not yet
    checked: ``validate`` does that."""
    ET.register_namespace("", CAP_NS)
    root = ET.Element(f"{{{CAP_NS}}}alert")
    for tag, text in (
        ("identifier", alert.identifier),
        ("sender", alert.sender),
        ("sent", cap_time(alert.sent)),
        ("status", alert.status),
        ("msgType", alert.msg_type),
        ("scope", "Public"),
    ):
        _sub(root, tag, text)
    if alert.note:
        _sub(root, "note", alert.note)
    if alert.references:
        _sub(root, "references", alert.references)
    info = _sub(root, "info", None)
    _sub(info, "language", alert.language)
    _sub(info, "category", "Security")
    _sub(info, "event", alert.event)
    for rt in alert.response_types:
        _sub(info, "responseType", rt)
    for tag, text in (
        ("urgency", alert.urgency),
        ("severity", alert.severity),
        ("certainty", alert.certainty),
    ):
        _sub(info, tag, text)
    if alert.expires is not None:
        _sub(info, "expires", cap_time(alert.expires))
    if alert.sender_name:
        _sub(info, "senderName", alert.sender_name)
    _sub(info, "headline", alert.headline)
    _sub(info, "description", alert.description)
    _sub(info, "instruction", alert.instruction)
    if alert.web:
        _sub(info, "web", alert.web)
    area = _sub(info, "area", None)
    _sub(area, "areaDesc", alert.area.desc)
    for polygon in alert.area.polygons:
        _sub(area, "polygon", polygon)
    geocode = _sub(area, "geocode", None)
    _sub(geocode, "valueName", "UBIGEO")
    _sub(geocode, "value", alert.area.ubigeo)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


@functools.cache
def schema() -> Any:
    """The vendored OASIS CAP 1.2 schema, loaded once (offline)."""
    import xmlschema

    path = resources.files("kuntur.public") / "data" / "CAP-v1.2.xsd"
    with resources.as_file(path) as local:
        return xmlschema.XMLSchema(str(local))


def validate(document: bytes | str) -> None:
    """Refuse a document that is not a valid CAP 1.2 alert, with the schema's reason."""
    import xmlschema
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    text = document.decode("utf-8") if isinstance(document, bytes) else document
    try:
        tree = fromstring(text.encode("utf-8"))  # no entities, no external references
    except ET.ParseError as exc:
        raise InvalidAlert(_("la alerta no es XML bien formado: {reason}", reason=exc)) from exc
    except DefusedXmlException as exc:
        raise InvalidAlert(_("la alerta no se acepta: declara entidades o un DTD")) from exc
    try:
        schema().validate(tree)
    except xmlschema.XMLSchemaValidationError as exc:
        where = exc.path or "/"
        raise InvalidAlert(
            _(
                "la alerta no cumple el esquema CAP 1.2 de OASIS en {where}: {reason}",
                where=where,
                reason=(exc.reason or "").strip(),
            )
        ) from exc


def polygon_of(geometry: Mapping[str, Any] | None, max_points: int = 200) -> tuple[str, ...]:
    """A district's GeoJSON outline as CAP polygons ("lat,lon" pairs, closed), the
    largest ring of each part, thinned to at most ``max_points`` points."""
    if not geometry:
        return ()
    parts: Sequence[Any]
    if geometry.get("type") == "Polygon":
        parts = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        parts = geometry["coordinates"]
    else:
        return ()
    out = []
    for rings in parts[:3]:
        ring = list(rings[0])
        step = max(1, len(ring) // max_points)
        pts = ring[::step]
        if pts[0] != pts[-1]:
            pts.append(pts[0])
        if len(pts) >= 4:
            out.append(" ".join(f"{lat:.5f},{lon:.5f}" for lon, lat, *_ in pts))
    return tuple(out)


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a URI: urn:uuid:... of the alert
    title: str
    updated: datetime
    summary: str
    link: str  # the CAP document
    district: str


def atom_feed(
    *, feed_id: str, title: str, self_link: str, updated: datetime, entries: Iterable[FeedEntry]
) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of alerts; each entry links its CAP document
    (``rel="alternate"``, ``type="application/cap+xml"``), as CAP feeds do."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            el.text = text
        return el

    root = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(root, "id", feed_id)
    sub(root, "title", title)
    sub(root, "updated", cap_time(updated))
    sub(root, "link", rel="self", href=self_link, type=ATOM_MEDIA_TYPE)
    author = sub(root, "author")
    sub(author, "name", "Kuntur — Comando Conjunto")
    for e in entries:
        entry = sub(root, "entry")
        sub(entry, "id", e.id)
        sub(entry, "title", e.title)
        sub(entry, "updated", cap_time(e.updated))
        sub(entry, "summary", e.summary)
        sub(entry, "category", term=e.district)
        sub(entry, "link", rel="alternate", href=e.link, type=CAP_MEDIA_TYPE)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
