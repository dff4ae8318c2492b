"""NENA EIDO (NENA-STA-021.1a, JSON): check a document against the vendored schema, write
an incident as a document, and read a document back as what Kuntur stores of an incident.

Pure: plain values in and out (no store, no web). ``exchange.eido_service`` reads the
records through the actor and writes what ``read`` returns.

The schema (``data/eido.schema.json``) is reconstructed from the standard, not NENA's own
file (docs/decisions/0018-eido-and-exports.md). Every document is checked against it
before anything is read from it; a document that does not validate is refused with the
schema's first error (its JSON path and message).

What maps, both ways:

============================  ===========================================================
Kuntur                        EIDO
============================  ===========================================================
category (code, label)        incidentTypeCommonRegistryText ("Law-Theft", ...),
                              incidentTypeInternalCode / incidentTypeInternalText
status                        incidentStatusCommonRegistryText, incidentStatusInternalText
priority (1 most urgent..4)   incidentCommonPriorityNumber (10 highest..0),
                              incidentPriorityInternalText
received_at                   incidentCreationTimeStamp (and the call's callStartTimeStamp)
occurred_at                   the PIDF-LO tuple's <timestamp> (when the place was the
                              incident's); else incidentCreationTimeStamp
latitude, longitude           locationByValue: PIDF-LO gml:Point (EPSG:4326, "lat lon")
address                       PIDF-LO civicAddress LOC
owner agency                  owningAgencyIdentifier ("pnp.kuntur.gob.pe"), agencyComponent
external id (tracking id)     incidentTrackingIdentifier
narrative, dispatcher notes   notesComponent (the narrative's $id ends in ":narrative")
dispatched_at                 the first dispatchComponent's lastUpdateTimeStamp
cleared_at, disposition       dispositionComponent (dispositionInternalText)
units and dispatches          emergencyResourceComponent, dispatchComponent (written; on
                              reading kept in the document and reported: another
                              centre's units are not Kuntur's)
============================  ===========================================================

Whatever a document carries that is not read is reported as the JSON paths of what was
kept but not mapped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from kuntur.incidents.categories import Category, map_label

EIDO_VERSION = "1.0"
# Where a Kuntur agency code becomes a NENA agency identifier (a domain name, as NENA's are).
AGENCY_DOMAIN = "kuntur.gob.pe"
ISSUER = f"cc.{AGENCY_DOMAIN}"  # issuingElementIdentification: the joint command's centre
TRACKING_PREFIX = "urn:emergency:uid:incidentid:"

# Kuntur's categories and NENA Incident Type registry entries (law enforcement branch).
INCIDENT_TYPES: dict[str, str] = {
    "extortion": "Law-Extortion",
    "homicide": "Law-Homicide",
    "aggravated_robbery": "Law-Robbery",
    "theft": "Law-Theft",
    "kidnapping": "Law-Kidnapping",
    "arms_trafficking": "Law-Weapons",
    "human_trafficking": "Law-HumanTrafficking",
    "drug_trafficking": "Law-Drugs",
    "other": "Law-Other",
}
# Kuntur's statuses and the Incident Status registry; more than one of ours may share one
# of NENA's, so the internal text carries ours exactly.
INCIDENT_STATUSES: dict[str, str] = {
    "received": "Pending",
    "triaged": "Pending",
    "dispatched": "Dispatched",
    "en_route": "Enroute",
    "on_scene": "OnScene",
    "cleared": "Cleared",
    "closed": "Closed",
}
_STATUS_FROM_NENA = {
    "pending": "received",
    "received": "received",
    "created": "received",
    "incidentcreated": "received",
    "unassigned": "received",
    "new": "received",
    "active": "received",
    "open": "received",
    "queued": "received",
    "dispatched": "dispatched",
    "assigned": "dispatched",
    "enroute": "en_route",
    "onscene": "on_scene",
    "arrived": "on_scene",
    "cleared": "cleared",
    "completed": "cleared",
    "closed": "closed",
}

NS = {
    "pidf": "urn:ietf:params:xml:ns:pidf",
    "gp": "urn:ietf:params:xml:ns:pidf:geopriv10",
    "gml": "http://www.opengis.net/gml",
    "ca": "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr",
}
for _prefix, _uri in NS.items():
    ET.register_namespace("" if _prefix == "pidf" else _prefix, _uri)


# Checking ----------------------------------------------------------------------------------
@cache
def schema() -> dict[str, Any]:
    text = resources.files("kuntur.exchange").joinpath("data/eido.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


@dataclass(frozen=True)
class Problem:
    """Why a document is refused: where (a JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def check(document: Any, base: str = "$") -> Problem | None:
    """The schema's first error in ``document`` (``jsonschema``'s best match: the deepest,
    most specific one), or None when it validates. ``base`` prefixes the path (a document's
    place in an array)."""
    error = best_match(_validator().iter_errors(document))
    if error is not None:
        return Problem(base + error.json_path[1:], error.message)
    return _bad_time(document, base)


def _bad_time(node: Any, path: str) -> Problem | None:
    """The first time stamp that has the schema's shape but is no date ("2026-13-45T..."):
    the pattern checks the form, this the calendar (jsonschema's date-time format check
    needs a package of its own)."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key.endswith("TimeStamp") and isinstance(value, str):
                try:
                    _time(value)
                except ValueError:
                    return Problem(where, f"{value!r} is not a valid date-time")
            elif (found := _bad_time(value, where)) is not None:
                return found
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if (found := _bad_time(value, f"{path}[{i}]")) is not None:
                return found
    return None


# Writing -----------------------------------------------------------------------------------
def stamp(when: datetime) -> str:
    """An RFC 3339 UTC time stamp, as the schema's pattern wants it ("Z"; the fraction of
    a second only when there is one, so a round trip keeps the time exactly)."""
    utc = when.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if utc.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def agency_identifier(code: str) -> str:
    return f"{code.lower()}.{AGENCY_DOMAIN}"


def agency_code(identifier: str | None) -> str | None:
    """The Kuntur agency code in a NENA agency identifier ("pnp.kuntur.gob.pe" or "PNP")."""
    if not identifier:
        return None
    text = identifier.strip()
    if text.lower().endswith("." + AGENCY_DOMAIN):
        text = text[: -len(AGENCY_DOMAIN) - 1]
    return text.upper() if re.fullmatch(r"[A-Za-z]{2,16}", text) else None


def pidf_lo(
    lat: float, lon: float, *, address: str | None, at: datetime | None, entity: str
) -> str:
    """A PIDF-LO document (RFC 4119 / RFC 5491): the point, the address as a civic LOC."""
    presence = ET.Element(f"{{{NS['pidf']}}}presence", {"entity": entity})
    tup = ET.SubElement(presence, f"{{{NS['pidf']}}}tuple", {"id": "loc"})
    status = ET.SubElement(tup, f"{{{NS['pidf']}}}status")
    geopriv = ET.SubElement(status, f"{{{NS['gp']}}}geopriv")
    info = ET.SubElement(geopriv, f"{{{NS['gp']}}}location-info")
    point = ET.SubElement(info, f"{{{NS['gml']}}}Point", {"srsName": "urn:ogc:def:crs:EPSG::4326"})
    ET.SubElement(point, f"{{{NS['gml']}}}pos").text = f"{lat!r} {lon!r}"
    if address:
        civic = ET.SubElement(info, f"{{{NS['ca']}}}civicAddress")
        ET.SubElement(civic, f"{{{NS['ca']}}}country").text = "PE"
        ET.SubElement(civic, f"{{{NS['ca']}}}LOC").text = address
    ET.SubElement(geopriv, f"{{{NS['gp']}}}usage-rules")
    if at is not None:
        ET.SubElement(tup, f"{{{NS['pidf']}}}timestamp").text = stamp(at)
    return ET.tostring(presence, encoding="unicode")


@dataclass(frozen=True)
class UnitOut:
    call_sign: str
    agency: str
    unit_type: str
    status: str


@dataclass(frozen=True)
class DispatchOut:
    unit: UnitOut
    dispatched_at: datetime
    released_at: datetime | None


@dataclass(frozen=True)
class NoteOut:
    text: str
    author: str
    at: datetime


@dataclass(frozen=True)
class IncidentRecord:
    """What an EIDO document says of one Kuntur incident (read through the actor)."""

    id: int
    tracking_id: str
    category: str
    category_label: str | None
    status: str
    priority: int
    occurred_at: datetime
    received_at: datetime
    latitude: float
    longitude: float
    address: str | None
    narrative: str | None  # None: none, or withheld from this reader
    owner_agency: str
    source: str
    dispatched_at: datetime | None = None
    cleared_at: datetime | None = None
    disposition: str | None = None
    updated_at: datetime | None = None
    dispatches: list[DispatchOut] = field(default_factory=list)
    notes: list[NoteOut] = field(default_factory=list)


def tracking_id(incident_id: int) -> str:
    """A Kuntur incident's tracking identifier (NENA-STA-010's urn:emergency:uid form)."""
    return f"{TRACKING_PREFIX}{incident_id}:{ISSUER}"


def write(inc: IncidentRecord) -> dict[str, Any]:
    """The EIDO document of ``inc`` (it validates against the schema: ``check``)."""
    base = f"urn:kuntur:incident:{inc.id}"
    updated = stamp(inc.updated_at or inc.cleared_at or inc.received_at)
    owner = agency_identifier(inc.owner_agency)

    def prologue(suffix: str, when: str = updated) -> dict[str, Any]:
        return {"$id": f"{base}:{suffix}", "lastUpdateTimeStamp": when}

    location = {
        **prologue("location"),
        "owningAgencyIdentifier": owner,
        "locationTypeDescriptionRegistryText": "Incident",
        "locationByValue": pidf_lo(
            inc.latitude,
            inc.longitude,
            address=inc.address,
            at=inc.occurred_at,
            entity=f"pres:incident-{inc.id}@{AGENCY_DOMAIN}",
        ),
    }
    notes: list[dict[str, Any]] = []
    if inc.narrative:
        notes.append(
            {
                **prologue("narrative", stamp(inc.received_at)),
                "noteText": inc.narrative,
                "noteDateTimeStamp": stamp(inc.received_at),
            }
        )
    for i, n in enumerate(inc.notes):
        notes.append(
            {
                **prologue(f"note:{i}", stamp(n.at)),
                "noteText": n.text,
                "noteDateTimeStamp": stamp(n.at),
                "updatedByAgentIdentifier": n.author,
            }
        )
    agencies = sorted({inc.owner_agency, *(d.unit.agency for d in inc.dispatches)})
    units: dict[str, UnitOut] = {d.unit.call_sign: d.unit for d in inc.dispatches}
    incident: dict[str, Any] = {
        **prologue("incident"),
        "owningAgencyIdentifier": owner,
        "incidentTrackingIdentifier": inc.tracking_id,
        "internalIncidentId": str(inc.id),
        "incidentTypeCommonRegistryText": INCIDENT_TYPES.get(inc.category, "Law-Other"),
        "incidentTypeInternalCode": inc.category,
        "incidentStatusCommonRegistryText": [INCIDENT_STATUSES.get(inc.status, "Pending")],
        "incidentStatusInternalText": [inc.status],
        "incidentCreationTimeStamp": stamp(inc.received_at),
        "incidentPriorityInternalText": str(inc.priority),
        "incidentCommonPriorityNumber": max(0, 13 - 3 * inc.priority),  # 1 -> 10 ... 4 -> 1
        "locationReference": [{"$ref": location["$id"]}],
        "notesReference": [{"$ref": n["$id"]} for n in notes],
    }
    if inc.category_label:
        incident["incidentTypeInternalText"] = inc.category_label
    doc: dict[str, Any] = {
        **prologue("eido"),
        "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": ISSUER,
        "owningAgencyIdentifier": owner,
        "incidentComponent": [incident],
        "locationComponent": [location],
        "agencyComponent": [
            {
                **prologue(f"agency:{code}"),
                "agencyIdentifier": agency_identifier(code),
                "agencyName": code,
            }
            for code in agencies
        ],
        "notesComponent": notes,
    }
    if inc.source == "emergency_call":  # the 105 call that opened it
        doc["callComponent"] = [
            {
                **prologue("call", stamp(inc.received_at)),
                "callTrackingIdentifier": f"{inc.tracking_id}:call",
                "callStartTimeStamp": stamp(inc.received_at),
                "callTypeDescriptionRegistryText": "Emergency",
                "locationReference": [{"$ref": location["$id"]}],
            }
        ]
    if units:
        doc["emergencyResourceComponent"] = [
            {
                **prologue(f"unit:{u.call_sign}"),
                "owningAgencyIdentifier": agency_identifier(u.agency),
                "emergencyResourceIdentifier": u.call_sign,
                "emergencyResourceTypeRegistryText": u.unit_type,
                "emergencyResourceStatusRegistryText": u.status,
                "agencyReference": {"$ref": f"{base}:agency:{u.agency}"},
            }
            for u in units.values()
        ]
        doc["dispatchComponent"] = [
            {
                **prologue(f"dispatch:{i}", stamp(d.dispatched_at)),
                "agencyReference": {"$ref": f"{base}:agency:{d.unit.agency}"},
                "emergencyResourceReference": [{"$ref": f"{base}:unit:{d.unit.call_sign}"}],
            }
            for i, d in enumerate(inc.dispatches)
        ]
    if inc.disposition or inc.cleared_at:
        doc["dispositionComponent"] = [
            {
                **prologue("disposition", stamp(inc.cleared_at or inc.received_at)),
                "dispositionCommonRegistryCode": (
                    "Duplicate" if (inc.disposition or "").startswith("duplicado") else "Other"
                ),
                **({"dispositionInternalText": inc.disposition} if inc.disposition else {}),
            }
        ]
    return doc


# Reading -----------------------------------------------------------------------------------
class Unmappable(ValueError):
    """A document that validates but cannot become an incident (no point to place it)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class IncidentDraft:
    """What Kuntur stores of a document's incident, and what it kept but did not map."""

    tracking_id: str
    category: str
    category_label: str | None
    status: str
    priority: int | None
    occurred_at: datetime
    received_at: datetime | None
    latitude: float
    longitude: float
    address: str | None
    narrative: str | None
    owner_agency: str | None  # a Kuntur agency code, when the document names one
    owner_path: str | None  # where the document said it
    dispatched_at: datetime | None
    cleared_at: datetime | None
    disposition: str | None
    notes: list[tuple[str, datetime | None, str | None]]  # text, when, who (the sender's agent)
    unmapped: list[str]


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _refs(value: Any) -> list[str]:
    """The ids a reference property points at: {"$ref": id}, "id", "$ref:id" (as some
    producers write it), or a list of these."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    ids = [i["$ref"] if isinstance(i, dict) else str(i) for i in items]
    return [i.removeprefix("$ref:").strip() for i in ids]


def _last(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[-1]) if value else None
    return str(value) if value is not None else None


def parse_pidf(text: str) -> tuple[float, float, str | None, datetime | None] | None:
    """(lat, lon, address, timestamp) from a PIDF-LO document: its first gml:Point (or a
    gml:Circle's centre, or a gml:Polygon's vertices' mean), its civic address (LOC, or the
    other elements joined), its tuple's timestamp. None when it has no point. Parsed
    without entities (defusedxml): the document comes from another centre."""
    try:
        root = fromstring(text.encode("utf-8"))
    except (ParseError, DefusedXmlException, ValueError):
        return None
    pos = root.find(".//{*}Point/{*}pos")
    if pos is None:
        pos = root.find(".//{*}Circle/{*}pos")
    if pos is not None and (pos.text or "").split():
        try:
            lat, lon = (float(v) for v in (pos.text or "").split()[:2])
        except ValueError:
            return None
    else:  # a polygon (RFC 5491): its vertices' mean, the ring's closing vertex left out
        ring = root.find(".//{*}Polygon//{*}posList")
        try:
            values = [float(v) for v in (ring.text or "").split()] if ring is not None else []
        except ValueError:
            return None
        dims = int(ring.get("srsDimension", "2")) if ring is not None else 2
        points = [values[i : i + dims] for i in range(0, len(values) - dims + 1, dims)]
        if len(points) > 1 and points[0] == points[-1]:
            points = points[:-1]
        if not points:
            return None
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
    civic = root.find(".//{*}civicAddress")
    address = None
    if civic is not None:
        loc = civic.find("{*}LOC")
        if loc is not None and (loc.text or "").strip():
            address = (loc.text or "").strip()
        else:
            parts = [
                (e.text or "").strip()
                for e in civic
                if (e.text or "").strip() and not e.tag.endswith("country")
            ]
            address = ", ".join(parts) or None
    ts = root.find(".//{*}tuple/{*}timestamp")
    try:
        at = _time(ts.text.strip()) if ts is not None and ts.text else None
    except ValueError:
        at = None
    return lat, lon, address, at


def _category(incident: dict[str, Any]) -> tuple[str, str | None]:
    code = incident.get("incidentTypeInternalCode")
    common = str(incident["incidentTypeCommonRegistryText"])
    label = incident.get("incidentTypeInternalText")
    if code in {c.value for c in Category}:
        return str(code), label
    exact = {v.lower(): k for k, v in INCIDENT_TYPES.items()}.get(common.lower())
    if exact:
        return exact, label
    # Another centre's type: the Law-... suffix read by Kuntur's label rules, kept as label.
    found = map_label(re.sub(r"[-_]", " ", common))
    if found == Category.OTHER and label:
        found = map_label(label)
    return found.value, label or common


def _status(incident: dict[str, Any]) -> str | None:
    ours = _last(incident.get("incidentStatusInternalText"))
    if ours in INCIDENT_STATUSES:
        return ours
    nena = _last(incident.get("incidentStatusCommonRegistryText"))
    if nena is None:
        return None
    return _STATUS_FROM_NENA.get(re.sub(r"[^a-z]", "", nena.lower()))


def _priority(incident: dict[str, Any]) -> int | None:
    text = incident.get("incidentPriorityInternalText")
    if isinstance(text, str) and text.strip() in {"1", "2", "3", "4"}:
        return int(text)
    number = incident.get("incidentCommonPriorityNumber")
    if isinstance(number, int):
        return 1 if number >= 9 else 2 if number >= 6 else 3 if number >= 3 else 4
    return None


def read(document: dict[str, Any], base: str = "$") -> IncidentDraft:
    """The incident of a document that ``check`` passed. Raises ``Unmappable`` when it has
    no point; reports in ``unmapped`` the paths of what was kept but not read."""
    used: set[str] = set()

    def use(path: str) -> None:
        used.add(path)

    for key in ("$id", "lastUpdateTimeStamp", "eidoVersion", "issuingElementIdentification"):
        use(f"{base}.{key}")
    raw_incidents = document["incidentComponent"]
    many = isinstance(raw_incidents, list)
    incident: dict[str, Any] = raw_incidents[0] if many else raw_incidents
    ip = f"{base}.incidentComponent" + ("[0]" if many else "")
    for key in (
        "$id",
        "lastUpdateTimeStamp",
        "incidentTrackingIdentifier",
        "incidentTypeCommonRegistryText",
        "incidentTypeInternalCode",
        "incidentTypeInternalText",
        "incidentStatusCommonRegistryText",
        "incidentStatusInternalText",
        "incidentCreationTimeStamp",
        "incidentPriorityInternalText",
        "incidentCommonPriorityNumber",
        "locationReference",
        "notesReference",
        "owningAgencyIdentifier",
    ):
        use(f"{ip}.{key}")
    tracking = incident.get("incidentTrackingIdentifier") or incident.get("$id") or document["$id"]
    category, label = _category(incident)
    status = _status(incident)
    if status is None:
        status = "received"
        if "incidentStatusCommonRegistryText" in incident:
            used.discard(f"{ip}.incidentStatusCommonRegistryText")

    # The incident's place: the location it references, else the document's first one.
    locations = document.get("locationComponent") or []
    wanted = set(_refs(incident.get("locationReference")))
    order = [i for i, loc in enumerate(locations) if loc["$id"] in wanted] + list(
        range(len(locations))
    )
    place = None
    for i in order:
        loc = locations[i]
        if "locationByValue" in loc and (place := parse_pidf(loc["locationByValue"])):
            lp = f"{base}.locationComponent[{i}]"
            for key in (
                "$id",
                "lastUpdateTimeStamp",
                "locationTypeDescriptionRegistryText",
                "locationByValue",
                "owningAgencyIdentifier",
            ):
                use(f"{lp}.{key}")
            break
    if place is None:
        raise Unmappable(
            Problem(
                f"{base}.locationComponent",
                "ninguna ubicación con un punto (locationByValue: PIDF-LO con gml:Point) / "
                "no location with a point",
            )
        )
    lat, lon, address, located_at = place

    created = _time(incident.get("incidentCreationTimeStamp"))
    calls = document.get("callComponent") or []
    call_start = None
    for i, call in enumerate(calls):
        if call.get("callStartTimeStamp"):
            call_start = call_start or _time(call["callStartTimeStamp"])
            cp = f"{base}.callComponent[{i}]"
            for key in (
                "$id",
                "lastUpdateTimeStamp",
                "callStartTimeStamp",
                "callTrackingIdentifier",
                "callTypeDescriptionRegistryText",
                "locationReference",
            ):
                use(f"{cp}.{key}")
    received = created or call_start
    occurred = located_at or created or call_start or _time(document["lastUpdateTimeStamp"])
    assert occurred is not None  # lastUpdateTimeStamp is required by the schema

    narrative_parts: list[str] = []
    notes: list[tuple[str, datetime | None, str | None]] = []
    own_narrative = any(
        str(n["$id"]).endswith(":narrative") for n in document.get("notesComponent") or []
    )
    for i, note in enumerate(document.get("notesComponent") or []):
        np_ = f"{base}.notesComponent[{i}]"
        for key in ("$id", "lastUpdateTimeStamp", "noteText", "noteDateTimeStamp"):
            use(f"{np_}.{key}")
        text = str(note["noteText"]).strip()
        if not text:
            continue
        if own_narrative and not str(note["$id"]).endswith(":narrative"):
            if note.get("updatedByAgentIdentifier"):
                use(f"{np_}.updatedByAgentIdentifier")
            notes.append(
                (text, _time(note.get("noteDateTimeStamp")), note.get("updatedByAgentIdentifier"))
            )
        else:  # another centre's notes: together, the incident's narrative
            narrative_parts.append(text)

    dispatches = document.get("dispatchComponent") or []
    dispatched_at = None
    for i, d in enumerate(dispatches):  # read for the time; the units stay unmapped
        when = _time(d["lastUpdateTimeStamp"])
        use(f"{base}.dispatchComponent[{i}].lastUpdateTimeStamp")
        use(f"{base}.dispatchComponent[{i}].$id")
        if when and (dispatched_at is None or when < dispatched_at):
            dispatched_at = when

    # The latest disposition: the incident's own, else the document's.
    disposition = cleared_at = None
    for prefix, items in (
        (f"{base}.dispositionComponent", document.get("dispositionComponent") or []),
        (f"{ip}.dispositionComponent", incident.get("dispositionComponent") or []),
    ):
        if not items:
            continue
        d, dp = items[-1], f"{prefix}[{len(items) - 1}]"
        for key in (
            "$id",
            "lastUpdateTimeStamp",
            "dispositionCommonRegistryCode",
            "dispositionInternalText",
        ):
            use(f"{dp}.{key}")
        disposition = d.get("dispositionInternalText") or d["dispositionCommonRegistryCode"]
        cleared_at = _time(d["lastUpdateTimeStamp"])

    owner_path = None
    owner = None
    for path, value in (
        (f"{ip}.owningAgencyIdentifier", incident.get("owningAgencyIdentifier")),
        (f"{base}.owningAgencyIdentifier", document.get("owningAgencyIdentifier")),
    ):
        if value:
            use(path)
            owner, owner_path = agency_code(value), path
            if document.get("owningAgencyIdentifier") == value:  # the document says the same
                use(f"{base}.owningAgencyIdentifier")
            break
    agencies = document.get("agencyComponent") or []
    if owner is not None:
        for i, a in enumerate(agencies):
            if agency_code(a.get("agencyIdentifier")) == owner:
                for key in ("$id", "lastUpdateTimeStamp", "agencyIdentifier", "agencyName"):
                    use(f"{base}.agencyComponent[{i}].{key}")

    return IncidentDraft(
        tracking_id=str(tracking),
        category=category,
        category_label=label,
        status=status,
        priority=_priority(incident),
        occurred_at=occurred,
        received_at=received,
        latitude=lat,
        longitude=lon,
        address=address,
        narrative="\n\n".join(narrative_parts) or None,
        owner_agency=owner,
        owner_path=owner_path,
        dispatched_at=dispatched_at,
        cleared_at=cleared_at,
        disposition=disposition,
        notes=notes,
        unmapped=unmapped_paths(document, used, base),
    )


def unmapped_paths(document: Any, used: set[str], base: str = "$") -> list[str]:
    """The JSON paths in ``document`` that were not read: a whole component when nothing of
    it was read, else the properties of it that were not."""
    touched = set()
    for path in used:
        for cut in re.finditer(r"[.\[]", path):
            touched.add(path[: cut.start()])
        touched.add(path)
    out: list[str] = []

    def walk(node: Any, path: str) -> None:
        if path in used:
            return
        if path not in touched:
            out.append(path)
            return
        if isinstance(node, dict):
            for key, value in node.items():
                walk(
                    value,
                    f"{path}.{key}"
                    if re.fullmatch(r"[A-Za-z_$][\w$]*", key)
                    else f"{path}[{json.dumps(key)}]",
                )
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")
        else:
            out.append(path)

    walk(document, base)
    return out
