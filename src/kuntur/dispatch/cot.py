"""Cursor-on-Target (CoT) position events from TAK field clients.

A CoT event is XML: ``<event version="2.0" uid=... type=... time=... start=...
stale=... how=...><point lat=... lon=... hae=... ce=... le=.../><detail>
<contact callsign=.../></detail></event>``. We read the call sign (``contact``
callsign, else the uid), the point and the time. Parsing uses ``defusedxml``:
entity expansion and external entities are refused, since the sender is a
device in the field, not a trusted system.

Pure: bytes in, reports and per-event errors out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_EVENTS = 1000


@dataclass(frozen=True)
class CotReport:
    call_sign: str
    lon: float
    lat: float
    at: datetime | None
    cot_type: str


@dataclass(frozen=True)
class CotError:
    index: int
    reason: str


# A report dated further ahead than this is refused: it would pin the unit there until then.
MAX_CLOCK_SKEW = timedelta(minutes=2)


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)  # CoT times are UTC


def _one(ev: Element, i: int, now: datetime) -> CotReport | CotError:
    if ev.tag != "event":
        return CotError(i, f"expected <event>, got <{ev.tag}>")
    point = ev.find("point")
    if point is None:
        return CotError(i, "no <point>")
    try:
        lat, lon = float(point.get("lat", "")), float(point.get("lon", ""))
    except ValueError:
        return CotError(i, "point lat/lon are not numbers")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return CotError(i, f"point out of range ({lat}, {lon})")
    contact = ev.find("detail/contact")
    sign = (contact.get("callsign") if contact is not None else None) or ev.get("uid")
    if not sign:
        return CotError(i, "no callsign or uid")
    when = _time(ev.get("time"))
    if ev.get("time") and when is None:
        return CotError(i, f"time {ev.get('time')!r} is not ISO 8601")
    if when is not None and when > now + MAX_CLOCK_SKEW:
        return CotError(i, f"time {ev.get('time')!r} is in the future: check the device clock")
    return CotReport(sign.strip()[:40], lon, lat, when, ev.get("type", ""))


def parse(data: bytes, now: datetime | None = None) -> tuple[list[CotReport], list[CotError]]:
    """One ``<event>`` or several wrapped in any root element (a batch)."""
    now = now or datetime.now(UTC)
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException) as exc:
        return [], [CotError(0, f"not well-formed or unsafe XML: {exc}")]
    events = [root] if root.tag == "event" else list(root)
    if len(events) > MAX_EVENTS:
        return [], [CotError(0, f"more than {MAX_EVENTS} events in one request")]
    reports: list[CotReport] = []
    errors: list[CotError] = []
    for i, ev in enumerate(events):
        r = _one(ev, i, now)
        (reports if isinstance(r, CotReport) else errors).append(r)  # type: ignore[arg-type]
    return reports, errors
