"""EIDO through the actor: an incident written as a document (read as its reader may read
it: agency, clearance, a sensitive narrative only for a checked purpose), and documents
from another centre stored as incidents (checked first, all or nothing, idempotent on the
incident tracking identifier). Both on record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from kuntur.command.models import Unit
from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _
from kuntur.core.timeutil import utcnow
from kuntur.dispatch.models import Assignment, IncidentNote
from kuntur.exchange import eido
from kuntur.exchange.manifest import (
    EIDO_EXPORT,
    EIDO_EXPORTED,
    EIDO_IMPORT,
    EIDO_IMPORTED,
    EIDO_REFUSED,
)
from kuntur.identity.actor import EVERY_RECORD, Actor
from kuntur.identity.roles import OPERATIONAL_AGENCIES
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Source, Status
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate

MAX_DOCUMENTS = 1000  # one request or file; more is a bulk transfer, not an exchange
DEDUP_PREFIX = f"{Source.IMPORT.value}:"  # incidents.service.create's key: source:external id


class Refused(InvalidInput):
    """A document refused (does not validate, or cannot be placed): its path and why."""

    def __init__(self, problem: eido.Problem) -> None:
        super().__init__(
            _(
                "documento EIDO rechazado en {path}: {message}",
                path=problem.path,
                message=problem.message,
            )
        )
        self.problem = problem


def export_incident(actor: Actor, incident_id: int) -> dict[str, Any]:
    """The EIDO document of one incident the actor may read (404 otherwise, on record)."""
    db = actor.db
    actor.require(EIDO_EXPORT, object_type="incident", object_id=str(incident_id))
    inc = incidents.get(actor=actor, incident_id=incident_id)
    shown = incidents.incident_out_for(actor, inc)  # the narrative only for a checked purpose
    rows = db.execute(
        select(Assignment, Unit)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.incident_id == inc.id)
        .order_by(Assignment.dispatched_at, Assignment.id)
    ).all()
    notes = db.scalars(
        select(IncidentNote)
        .where(IncidentNote.incident_id == inc.id)
        .order_by(IncidentNote.created_at, IncidentNote.id)
    ).all()
    imported = inc.source == Source.IMPORT.value and inc.dedup_key.startswith(DEDUP_PREFIX)
    record = eido.IncidentRecord(
        id=inc.id,
        # An incident that came from another centre keeps that centre's tracking id: it is
        # the same incident wherever it travels.
        tracking_id=inc.external_id if imported and inc.external_id else eido.tracking_id(inc.id),
        category=inc.category,
        category_label=inc.category_label,
        status=inc.status,
        priority=inc.priority,
        occurred_at=inc.occurred_at,
        received_at=inc.received_at,
        latitude=inc.latitude,
        longitude=inc.longitude,
        address=inc.address,
        narrative=shown.narrative,
        owner_agency=inc.owner_agency,
        source=inc.source,
        dispatched_at=inc.dispatched_at,
        cleared_at=inc.cleared_at,
        disposition=inc.disposition,
        updated_at=max(
            t
            for t in (
                inc.received_at,
                inc.triaged_at,
                inc.dispatched_at,
                inc.en_route_at,
                inc.on_scene_at,
                inc.cleared_at,
            )
            if t is not None
        ),
        dispatches=[
            eido.DispatchOut(
                eido.UnitOut(u.call_sign, u.agency_code, u.unit_type, u.status),
                # The first assignment is the incident's dispatch: one event, though the two
                # times were read a moment apart; the incident's is the one the KPIs count.
                (inc.dispatched_at or a.dispatched_at) if i == 0 else a.dispatched_at,
                a.released_at,
            )
            for i, (a, u) in enumerate(rows)
        ],
        notes=[eido.NoteOut(n.text, n.author, n.created_at) for n in notes],
    )
    document = eido.write(record)
    problem = eido.check(document)
    if problem is not None:  # our own writer's fault: never send a document that fails
        raise RuntimeError(f"EIDO writer produced an invalid document: {problem}")
    actor.record(
        EIDO_EXPORTED,
        object_type="incident",
        object_id=str(inc.id),
        details={
            "dispatches": len(record.dispatches),
            "notes": len(record.notes),
            "narrative": shown.narrative is not None,
        },
    )
    return document


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    unmapped: list[str] = field(default_factory=list)
    incident_ids: list[int] = field(default_factory=list)

    def out(self) -> dict[str, Any]:
        return {"imported": self.imported, "duplicates": self.duplicates, "unmapped": self.unmapped}


# Where the fields IncidentCreate checks come from in a document (for a refusal's path).
_FIELD_PATHS = {
    "latitude": "locationComponent",
    "longitude": "locationComponent",
    "occurred_at": "locationComponent",
    "received_at": "incidentComponent",
    "address": "locationComponent",
    "narrative": "notesComponent",
    "category_label": "incidentComponent",
    "external_id": "incidentComponent",
}


def documents_of(payload: Any) -> list[Any]:
    """A single document or a JSON array of documents."""
    docs = payload if isinstance(payload, list) else [payload]
    if not docs:
        raise InvalidInput(_("ningún documento EIDO (un arreglo vacío)"))
    if len(docs) > MAX_DOCUMENTS:
        raise InvalidInput(_("más de {n} documentos EIDO en un envío", n=MAX_DOCUMENTS))
    return docs


def _draft(doc: Any, base: str) -> tuple[eido.IncidentDraft, IncidentCreate]:
    problem = eido.check(doc, base)
    if problem is not None:
        raise Refused(problem)
    try:
        draft = eido.read(doc, base)
    except eido.Unmappable as exc:
        raise Refused(exc.problem) from None
    try:
        data = IncidentCreate(
            source=Source.IMPORT,
            external_id=draft.tracking_id[:200],
            category=draft.category,
            category_label=(draft.category_label or "")[:200] or None,
            priority=draft.priority,
            occurred_at=draft.occurred_at,
            received_at=draft.received_at,
            latitude=draft.latitude,
            longitude=draft.longitude,
            address=(draft.address or "")[:500] or None,
            narrative=draft.narrative,
            status=Status(draft.status),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        where = _FIELD_PATHS.get(name)
        raise Refused(
            eido.Problem(f"{base}.{where}" if where else base, f"{name}: {first['msg']}")
        ) from None
    return draft, data


def import_documents(actor: Actor, payload: Any, *, source: str = "api") -> ImportReport:
    """Store the incidents of one document or an array of them. Every document is checked
    and mapped before anything is written: one refused document refuses them all (its path
    and the reason; the refusal on record), and nothing is written. A document whose
    incident tracking id is already stored (from an earlier import, or earlier in the same
    array) is counted as a duplicate, not stored again."""
    db = actor.db
    actor.require(EIDO_IMPORT, object_type="eido")
    docs = documents_of(payload)
    drafts: list[tuple[eido.IncidentDraft, IncidentCreate]] = []
    for i, doc in enumerate(docs):
        base = f"$[{i}]" if isinstance(payload, list) else "$"
        try:
            drafts.append(_draft(doc, base))
        except Refused as exc:
            actor.record_apart(
                EIDO_REFUSED,
                object_type="eido",
                outcome="refused",
                details={"source": source, "path": exc.problem.path, "documents": len(docs)},
            )
            raise
    report = ImportReport()
    seen: set[str] = set()
    now = utcnow()
    for draft, data in drafts:
        key = f"{DEDUP_PREFIX}{data.external_id}"
        # Among every record: a duplicate the importer may not read is still a duplicate
        # (and is only counted, never named).
        exists = db.scalar(
            select(Incident.id)
            .where(Incident.dedup_key == key)
            .execution_options(**{EVERY_RECORD: True})
        )
        if exists is not None or key in seen:
            report.duplicates += 1
            continue
        seen.add(key)
        inc = incidents.create(actor=actor, data=data)
        owner = _owner(actor, draft)
        if owner is None and draft.owner_path:
            draft.unmapped.append(draft.owner_path)
        elif owner is not None and owner != inc.owner_agency:
            inc.owner_agency = owner
            incidents.announce(db, inc)  # screens of the owning agency hear of it too
        inc.dispatched_at = draft.dispatched_at
        inc.cleared_at = draft.cleared_at
        inc.disposition = (draft.disposition or "")[:200] or None
        for text, at, who in draft.notes:
            db.add(
                IncidentNote(
                    incident_id=inc.id,
                    text=text,
                    author=f"eido:{who or actor.who}"[:200],
                    created_at=at or now,
                )
            )
        report.imported += 1
        report.incident_ids.append(inc.id)
        report.unmapped.extend(draft.unmapped)
    db.flush()
    actor.record(
        EIDO_IMPORTED,
        object_type="eido",
        details={
            "source": source,
            "documents": len(docs),
            "imported": report.imported,
            "duplicates": report.duplicates,
            "unmapped": len(report.unmapped),
        },
    )
    return report


def _owner(actor: Actor, draft: eido.IncidentDraft) -> str | None:
    """The document's owning agency when it is one of Kuntur's operational agencies and
    the importer may write for it (the system, or a member of that agency); None: the
    importer's agency stays the owner, and the document's claim is reported unmapped."""
    code = draft.owner_agency
    if code is None or code not in OPERATIONAL_AGENCIES:
        return None
    if actor.is_system or actor.agency == code:
        return code
    return None
