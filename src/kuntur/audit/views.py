"""Audit API: checkpoints, proofs and countersignatures (for witnesses), event search.

Proofs and checkpoints reveal no event contents, so witnesses can fetch them. Every
read of the events themselves is itself logged (``audit.read``).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import select

from kuntur.audit import keys, service
from kuntur.audit.manifest import (
    AUDIT_CHECKPOINT,
    AUDIT_COUNTERSIGN,
    AUDIT_COUNTERSIGN_REFUSED,
    AUDIT_LOG_READ,
    AUDIT_READ,
)
from kuntur.audit.models import Checkpoint, Countersignature, Witness
from kuntur.audit.schemas import (
    AuditStatusOut,
    CheckpointOut,
    ConsistencyProofOut,
    CountersignatureOut,
    CountersignIn,
    EventOut,
    EventPage,
    InclusionProofOut,
    PublicKeyOut,
    b64,
)
from kuntur.core import registry
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden, InvalidInput, NotFound
from kuntur.core.i18n import _
from kuntur.core.web import MAX_ID, SessionDep, UnitOfWorkRoute
from kuntur.identity.actor import Actor
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/audit", tags=["audit"])


def checkpoint_out(db: SessionDep, cp: Checkpoint) -> CheckpointOut:
    names = db.scalars(
        select(Witness.name)
        .join(Countersignature, Countersignature.witness_id == Witness.id)
        .where(Countersignature.checkpoint_id == cp.id)
    ).all()
    return CheckpointOut(
        id=cp.id,
        size=cp.size,
        root=b64(cp.root),
        at=cp.at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        key_id=cp.key_id,
        signature=b64(cp.signature),
        note=keys.checkpoint_note(cp.size, cp.root, cp.at).decode(),
        witnesses=list(names),
    )


@router.get("/public-key", response_model=PublicKeyOut)
def public_key(request: Request) -> dict[str, str]:
    """Kuntur's checkpoint public key (raw Ed25519, base64): pin it once."""
    settings = request.app.state.settings
    key = keys.signing_key(settings.effective_audit_key_path, settings.environment)
    raw = keys.public_bytes(key)
    return {"public_key": b64(raw), "key_id": keys.key_id(raw)}


@router.get("/checkpoints", response_model=list[CheckpointOut])
def checkpoints(
    db: SessionDep, limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> list[CheckpointOut]:
    rows = db.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(limit)).all()
    return [checkpoint_out(db, cp) for cp in rows]


@router.get("/checkpoints/latest", response_model=CheckpointOut)
def latest(db: SessionDep) -> CheckpointOut:
    return checkpoint_out(db, service.latest_checkpoint(db))


@router.get("/checkpoints/covering", response_model=CheckpointOut)
def covering(db: SessionDep, index: Annotated[int, Query(ge=0, le=MAX_ID)]) -> CheckpointOut:
    """The newest signed checkpoint whose tree holds event ``index`` (404 when the event is
    newer than every checkpoint): the tree size to ask its inclusion proof for."""
    cp = service.covering_checkpoint(db, index)
    if cp is None:
        raise NotFound(
            _("el evento {index} aún no está cubierto por un punto de control firmado", index=index)
        )
    return checkpoint_out(db, cp)


@router.get("/status", response_model=AuditStatusOut)
def status(actor: ActorDep) -> AuditStatusOut:
    """The log's size, its newest signed checkpoint, how many events it does not cover yet,
    and whether the caller may sign one now (the audit page's header)."""
    actor.require(AUDIT_READ, object_type="audit_log")
    db = actor.db
    n = service.size(db)
    cp = db.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).first()
    return AuditStatusOut(
        size=n,
        checkpoint=checkpoint_out(db, cp) if cp else None,
        uncovered=n - (cp.size if cp else 0),
        may_checkpoint=actor.can(AUDIT_CHECKPOINT),
    )


@router.post("/checkpoints", response_model=CheckpointOut, status_code=201)
def make_checkpoint(request: Request, actor: ActorDep) -> CheckpointOut:
    """Sign a checkpoint of the log as it stands now."""
    actor.require(AUDIT_CHECKPOINT, object_type="checkpoint")
    settings = request.app.state.settings
    key = keys.signing_key(settings.effective_audit_key_path, settings.environment)
    return checkpoint_out(actor.db, service.create_checkpoint(actor.db, actor.ctx, key))


@router.post(
    "/checkpoints/{checkpoint_id}/countersignatures",
    response_model=CountersignatureOut,
    status_code=201,
)
def countersign(
    checkpoint_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: CountersignIn,
    actor: ActorDep,
) -> dict[str, object]:
    try:
        signature = base64.b64decode(body.signature, validate=True)
    except (binascii.Error, ValueError):  # not base64, or not even ASCII
        raise InvalidInput(_("la firma debe estar en base64")) from None
    # The witness's own key is the proof, whoever sends it: the log names the witness, never
    # a signed-in caller (who could otherwise put their name on another institution's act;
    # signed in, one countersigns for one's own institution at .../countersign).
    ctx = RequestContext(actor=f"witness:{body.witness}", request_id=actor.ctx.request_id)
    cs = service.countersign(actor.db, ctx, checkpoint_id, body.witness, signature)
    return {"checkpoint_id": checkpoint_id, "witness": body.witness, "at": cs.at.isoformat()}


def _own_witness(actor: Actor, checkpoint_id: int, name: str) -> None:
    """A signed-in user countersigns only for a witness of their own institution: the
    witness's agency must be the user's. Refused (403) otherwise, and on record."""
    w = actor.db.scalar(select(Witness).where(Witness.name == name))
    if w is None or actor.is_system:
        return  # the countersignature itself says no such witness is registered
    if w.agency_code is not None and w.agency_code == actor.agency:
        return
    if w.agency_code is None:
        reason = "witness_without_agency"
        text = _(
            "el testigo {name!r} no tiene institución registrada: regístrelo con su institución "
            "(kuntur audit witness add --agency) o contrafirme con su propia clave "
            "(kuntur audit witness countersign)",
            name=name,
        )
    else:
        reason = "other_agency"
        text = _(
            "el testigo {name!r} es de la institución {witness}, no de la suya ({agency}): solo "
            "se contrafirma por un testigo de la propia institución",
            name=name,
            witness=w.agency_code,
            agency=actor.agency or "—",
        )
    actor.record_apart(
        AUDIT_COUNTERSIGN_REFUSED,
        object_type="checkpoint",
        object_id=str(checkpoint_id),
        outcome="denied",
        details={
            "reason": reason,
            "witness": name,
            "witness_agency": w.agency_code,
            "agency": actor.agency,
        },
    )
    raise Forbidden(text)


@router.post(
    "/checkpoints/{checkpoint_id}/countersign",
    response_model=CountersignatureOut,
    status_code=201,
)
def countersign_signed_in(
    checkpoint_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: CountersignIn,
    actor: ActorDep,
) -> dict[str, object]:
    """A signed-in oversight user (Defensoría, Fiscalía, asuntos internos) countersigns a
    checkpoint for a registered witness: the signature, made with that witness's own key
    on the witness's machine (``kuntur audit witness``, or the checkpoint's ``note`` signed
    with any Ed25519 tool), is the proof; the login puts the person's name on the record."""
    actor.require(AUDIT_COUNTERSIGN, object_type="checkpoint", object_id=str(checkpoint_id))
    try:
        signature = base64.b64decode(body.signature, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(_("la firma debe estar en base64")) from None
    _own_witness(actor, checkpoint_id, body.witness)
    cs = service.countersign(actor.db, actor.ctx, checkpoint_id, body.witness, signature)
    return {"checkpoint_id": checkpoint_id, "witness": body.witness, "at": cs.at.isoformat()}


@router.get("/proofs/inclusion", response_model=InclusionProofOut)
def inclusion(
    db: SessionDep,
    index: Annotated[int, Query(ge=0, le=MAX_ID)],
    size: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> InclusionProofOut:
    n, leaf, proof = service.inclusion_proof(db, index, size)
    root = service.root(db, n)[1]
    return InclusionProofOut(
        index=index, size=n, leaf_hash=b64(leaf), root=b64(root), proof=[b64(p) for p in proof]
    )


@router.get("/proofs/consistency", response_model=ConsistencyProofOut)
def consistency(
    db: SessionDep,
    first: Annotated[int, Query(ge=1, le=MAX_ID)],
    second: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> ConsistencyProofOut:
    proof = service.consistency_proof(db, first, second)
    return ConsistencyProofOut(
        first=first,
        second=second,
        first_root=b64(service.root(db, first)[1]),
        second_root=b64(service.root(db, second)[1]),
        proof=[b64(p) for p in proof],
    )


@router.get("/events", response_model=EventPage)
def events(
    caller: ActorDep,
    actor: str | None = None,
    object_id: str | None = None,
    type: Annotated[
        str | None, Query(max_length=64, description="an event type code (see the audit page)")
    ] = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> EventPage:
    """Search the log (who, what object, which type, when). The search is logged too."""
    db = caller.db
    caller.require(AUDIT_READ, object_type="audit_log")
    if type is not None and type not in {str(t) for t in registry.events()}:
        raise InvalidInput(_("tipo de evento desconocido: {type!r}", type=type))
    rows, total = service.search(
        db,
        actor=actor,
        object_id=object_id,
        type_=type,
        start=start,
        end=end,
        limit=limit,
        offset=offset,
    )
    names = service.display_names(db, {e.actor for e in rows})
    caller.record(
        AUDIT_LOG_READ,
        object_type="audit_log",
        details={
            "actor": actor,
            "object_id": object_id,
            "type": type,
            "returned": len(rows),
        },
    )
    return EventPage(
        total=total,
        items=[
            EventOut(
                idx=e.idx,
                type=e.type,
                at=e.at.isoformat(),
                actor=e.actor,
                actor_name=names.get(e.actor),
                agency=e.agency,
                object_type=e.object_type,
                object_id=e.object_id,
                purpose=e.purpose,
                outcome=e.outcome,
                request_id=e.request_id,
                details=json.loads(e.details),
                leaf_hash=b64(e.leaf_hash),
            )
            for e in rows
        ],
    )
