"""Audit service: append events in the caller's transaction, prove, checkpoint, verify.

``record`` adds an event to the same database transaction as the state change it
describes, so both commit or neither does. Appends are serialised by updating
the single ``audit_head`` row, which gives one total order even with many server
processes on PostgreSQL. That row lock is held until the transaction commits, so
``record`` does not take it where it is called: the event waits in the session and is
appended by a ``before_commit`` hook, after the state change has been flushed, as the
transaction's last step. Unrelated transactions then queue on the head only for the
append itself and the commit, never for the rest of a request's work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    bindparam,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from kuntur.audit import keys, merkle
from kuntur.audit.manifest import AUDIT_CHECKPOINT_SIGNED, AUDIT_COUNTERSIGNED, AUDIT_WITNESS_ADDED
from kuntur.audit.models import (
    AuditEvent,
    AuditHead,
    AuditNode,
    Checkpoint,
    Countersignature,
    Witness,
)
from kuntur.core.context import RequestContext
from kuntur.core.db import get_or_404
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.i18n import _
from kuntur.core.registry import EventType
from kuntur.core.timeutil import utcnow

HEAD_ID = 1


@dataclass
class Entry:
    """One event to append. ``details`` must hold no personal data (ids, counts, codes)."""

    type: EventType
    actor: str
    agency: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    purpose: str | None = None
    outcome: str = "success"
    request_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=utcnow)


def canonical(idx: int, e: Any) -> bytes:
    """The bytes a leaf hashes: sorted-key compact JSON of every field, index included,
    so that moving an event changes its leaf as surely as editing it. ``details`` is
    embedded as the exact stored text, so any change to it shows."""
    doc = _fields(idx, e)
    doc["at"] = doc["at"].isoformat(timespec="microseconds")
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _fields(idx: int, e: Any) -> dict[str, Any]:
    """The stored columns of an event (an Entry to append, or a stored row), leaf aside."""
    return {
        "idx": idx,
        "type": str(e.type),
        "at": e.at,
        "actor": e.actor,
        "agency": e.agency,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "purpose": e.purpose,
        "outcome": e.outcome,
        "request_id": e.request_id,
        "details": e.details if isinstance(e.details, str) else _details_json(e.details),
    }


def _details_json(details: dict[str, Any]) -> str:
    return json.dumps(
        details, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def entry_for(ctx: RequestContext, type_: EventType, **kw: Any) -> Entry:
    return Entry(
        type=type_,
        actor=ctx.actor,
        agency=ctx.agency,
        purpose=ctx.purpose,
        request_id=ctx.request_id,
        **kw,
    )


_QUEUE = "kuntur.audit.queue"


def record(db: Session, ctx: RequestContext, type_: EventType, **kw: Any) -> None:
    """Log one event in ``db``'s transaction: appended when that transaction commits, and
    gone with it when it rolls back."""
    db.info.setdefault(_QUEUE, []).append(entry_for(ctx, type_, **kw))


def record_apart(db: Session | Engine, ctx: RequestContext, type_: EventType, **kw: Any) -> None:
    """Log one event in a transaction of its own, committed at once: for refusals, whose
    request is rolled back while the record of the attempt must stay. ``db``: the request's
    session (its store is used, not its transaction) or the engine itself."""
    bind = db.get_bind() if isinstance(db, Session) else db
    with Session(bind) as side, side.begin():
        record(side, ctx, type_, **kw)


def pending(db: Session) -> int:
    """Events recorded in ``db``'s open transaction, not yet appended."""
    return len(db.info.get(_QUEUE, ()))


@event.listens_for(Session, "before_commit")
def _append_recorded(db: Session) -> None:
    queued: list[Entry] = db.info.pop(_QUEUE, [])
    if queued:
        db.flush()  # the state change first: the head lock is taken as late as possible
        append(db, queued)


@event.listens_for(Session, "after_rollback")
def _drop_recorded(db: Session) -> None:
    db.info.pop(_QUEUE, None)


# PostgreSQL, one event at a time (every audited API write). The head update must be a
# statement of its own: under READ COMMITTED each statement sees what committed before it
# began, so a read of the tree's edge in the same statement as the (waiting) update would
# miss the nodes of the append it waited for.
_PG_HEAD = text("UPDATE audit_head SET size = size + 1 WHERE id = 1 RETURNING size - 1")
# Then the right edge of the tree: for each set bit L of the size, node (L, (size >> L) - 1).
_PG_FRONTIER = text(
    "SELECT n.level, n.idx, n.hash FROM generate_series(0, 62) AS lv(l) "
    "JOIN audit_nodes n ON n.level = lv.l AND n.idx = (:start >> lv.l) - 1 "
    "WHERE ((:start >> lv.l) & 1) = 1"
)
# Other stores: the right edge of the tree (at most 63 nodes) read by one statement of a
# fixed shape, padded with impossible keys, so it is compiled once and then only bound.
_EDGE_SLOTS = 63
_EDGE_SQL = text(  # built from constants only; every value is a bound parameter
    "SELECT level, idx, hash FROM audit_nodes WHERE "  # noqa: S608
    + " OR ".join(f"(level = :l{k} AND idx = :i{k})" for k in range(_EDGE_SLOTS))
)


def _read_edge(db: Session | Connection, start: int) -> dict[merkle.Node, bytes]:
    wanted = merkle.pieces(0, start)
    params: dict[str, int] = {}
    for k in range(_EDGE_SLOTS):
        level, idx = wanted[k] if k < len(wanted) else (-1, -1)
        params[f"l{k}"], params[f"i{k}"] = level, idx
    return {(r[0], r[1]): bytes(r[2]) for r in db.execute(_EDGE_SQL, params)}


_EVENT_COLUMNS = (
    "idx",
    "type",
    "at",
    "actor",
    "agency",
    "object_type",
    "object_id",
    "purpose",
    "outcome",
    "request_id",
    "details",
    "leaf_hash",
)


def _dialect(db: Session | Connection) -> str:
    return db.get_bind().dialect.name if isinstance(db, Session) else db.dialect.name


def append(db: Session | Connection, entries: Sequence[Entry]) -> list[int]:
    """Append events in order; O(1) node writes per event, amortised."""
    if not entries:
        return []
    if len(entries) == 1 and _dialect(db) == "postgresql":
        start = int(db.execute(_PG_HEAD).scalar_one())
        rows = db.execute(_PG_FRONTIER, {"start": start}).all() if start & 1 else []
        nodes = {(int(r[0]), int(r[1])): bytes(r[2]) for r in rows}
    else:
        # The update takes the lock that orders all appends, and returns the new size.
        # (The head row is created by the migration, so two first appends cannot race.)
        new_size = db.execute(
            update(AuditHead)
            .where(AuditHead.id == HEAD_ID)
            .values(size=AuditHead.size + len(entries))
            .returning(AuditHead.size)
        ).scalar_one()
        start = int(new_size) - len(entries)
        if len(entries) == 1:
            # One event completes a parent per trailing 1-bit of its index and needs those
            # left siblings only: an even index needs no read at all.
            # Those siblings are part of the right edge, read by its fixed statement.
            nodes = _read_edge(db, start) if start & 1 else {}
        else:
            nodes = _read_edge(db, start)  # the right edge of the tree so far
    new_nodes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for offset, e in enumerate(entries):
        i = start + offset
        leaf = merkle.leaf_hash(canonical(i, e))
        events.append({**_fields(i, e), "leaf_hash": leaf})
        level, idx, h = 0, i, leaf
        nodes[(0, i)] = leaf
        new_nodes.append({"level": 0, "idx": i, "hash": leaf})
        while idx & 1:  # a right child completes its parent
            h = merkle.node_hash(nodes[(level, idx - 1)], h)
            level, idx = level + 1, idx >> 1
            nodes[(level, idx)] = h
            new_nodes.append({"level": level, "idx": idx, "hash": h})
    if len(entries) == 1 and _dialect(db) == "postgresql":
        _pg_insert_one(db, events[0], new_nodes)
    elif _dialect(db) == "postgresql":
        _pg_copy(db, events, new_nodes)
    else:
        # Core inserts on the session's connection: the ORM's bulk machinery costs more
        # than the statements themselves for one event.
        conn = db.connection() if isinstance(db, Session) else db
        conn.execute(insert(cast(Table, AuditEvent.__table__)), events)
        conn.execute(insert(cast(Table, AuditNode.__table__)), new_nodes)
    return [ev["idx"] for ev in events]


def _pg_copy(
    db: Session | Connection, events: list[dict[str, Any]], new_nodes: list[dict[str, Any]]
) -> None:
    """Bulk appends on PostgreSQL: COPY both tables (several times faster than INSERT)."""
    conn = db.connection() if isinstance(db, Session) else db
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        with cur.copy(f"COPY audit_events ({', '.join(_EVENT_COLUMNS)}) FROM STDIN") as copy:
            for ev in events:
                copy.write_row(tuple(ev[c] for c in _EVENT_COLUMNS))
        with cur.copy("COPY audit_nodes (level, idx, hash) FROM STDIN") as copy:
            for node in new_nodes:
                copy.write_row((node["level"], node["idx"], node["hash"]))


def _pg_insert_one(
    db: Session | Connection, event: dict[str, Any], new_nodes: list[dict[str, Any]]
) -> None:
    params: dict[str, Any] = {f"e_{k}": event[k] for k in _EVENT_COLUMNS}
    values = []
    for n, node in enumerate(new_nodes):
        values.append(f"(:l{n}, :i{n}, :h{n})")
        params.update({f"l{n}": node["level"], f"i{n}": node["idx"], f"h{n}": node["hash"]})
    cols = ", ".join(_EVENT_COLUMNS)
    binds = ", ".join(f":e_{k}" for k in _EVENT_COLUMNS)
    db.execute(
        text(
            f"WITH ev AS (INSERT INTO audit_events ({cols}) VALUES ({binds})) "  # noqa: S608
            f"INSERT INTO audit_nodes (level, idx, hash) VALUES {', '.join(values)}"
        ).bindparams(*[bindparam("e_at", type_=AuditEvent.__table__.c.at.type)]),
        params,
    )


def read_nodes(db: Session | Connection, wanted: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Stored nodes by (level, index), in one query of primary-key seeks.

    Written as ``level = L AND idx IN (...)`` per level, OR-ed: a row-value
    ``(level, idx) IN (...)`` list made SQLite scan the whole table (190 ms on a
    million-event log instead of about 1 ms).
    """
    by_level: dict[int, list[int]] = {}
    for level, idx in set(wanted):
        by_level.setdefault(level, []).append(idx)
    if not by_level:
        return {}
    clause = or_(
        *(
            and_(AuditNode.level == level, AuditNode.idx.in_(sorted(ids)))
            for level, ids in by_level.items()
        )
    )
    rows = db.execute(select(AuditNode.level, AuditNode.idx, AuditNode.hash).where(clause))
    return {(r[0], r[1]): bytes(r[2]) for r in rows}


def size(db: Session | Connection) -> int:
    head = db.execute(select(AuditHead.size).where(AuditHead.id == HEAD_ID)).scalar()
    return int(head) if head is not None else 0


def root(db: Session, tree_size: int | None = None) -> tuple[int, bytes]:
    n = size(db) if tree_size is None else tree_size
    _check_size(db, n)
    return n, merkle.root(n, lambda w: read_nodes(db, w))


def _check_size(db: Session, n: int) -> None:
    current = size(db)
    if not 0 <= n <= current:
        raise InvalidInput(
            _("el tamaño de árbol {n} está fuera de 0..{current}", n=n, current=current)
        )


def inclusion_proof(
    db: Session, index: int, tree_size: int | None = None
) -> tuple[int, bytes, list[bytes]]:
    n = size(db) if tree_size is None else tree_size
    _check_size(db, n)
    if not 0 <= index < n:
        raise InvalidInput(
            _("el evento {index} no está en un árbol de tamaño {n}", index=index, n=n)
        )
    leaf = read_nodes(db, [(0, index)])[(0, index)]
    return n, leaf, merkle.inclusion_proof(index, n, lambda w: read_nodes(db, w))


def consistency_proof(db: Session, first: int, second: int) -> list[bytes]:
    _check_size(db, second)
    if not 0 < first <= second:
        raise InvalidInput(
            _(
                "no hay prueba de consistencia del tamaño {first} al {second}",
                first=first,
                second=second,
            )
        )
    return merkle.consistency_proof(first, second, lambda w: read_nodes(db, w))


# --- checkpoints and witnesses ---------------------------------------------------------


def create_checkpoint(db: Session, ctx: RequestContext, signing_key: Any) -> Checkpoint:
    """Sign (size, root, time) of the log as it stands, then log that it did."""
    n, tree_root = root(db)
    at = utcnow()
    public = keys.public_bytes(signing_key)
    cp = Checkpoint(
        size=n,
        root=tree_root,
        at=at,
        key_id=keys.key_id(public),
        signature=signing_key.sign(keys.checkpoint_note(n, tree_root, at)),
    )
    db.add(cp)
    db.flush()
    record(
        db,
        ctx,
        AUDIT_CHECKPOINT_SIGNED,
        object_type="checkpoint",
        object_id=str(cp.id),
        details={"size": n},
    )
    return cp


def latest_checkpoint(db: Session) -> Checkpoint:
    cp = db.scalars(select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).first()
    if cp is None:
        raise NotFound(
            _("aún no se ha firmado ningún punto de control: ejecute `kuntur audit checkpoint`")
        )
    return cp


def add_witness(
    db: Session,
    ctx: RequestContext,
    name: str,
    public_key: bytes,
    agency: str | None = None,
) -> Witness:
    """Register an outside witness's key; ``agency``: the institution it speaks for (an
    agency code), whose users alone countersign for it signed in."""
    from kuntur.identity.roles import AGENCIES

    if agency is not None and agency not in AGENCIES:
        raise InvalidInput(
            _(
                "institución: {agency!r} no es una institución registrada ({known})",
                agency=agency,
                known=", ".join(AGENCIES),
            )
        )
    if len(public_key) != 32:
        raise InvalidInput(
            _("la clave de un testigo es una clave pública Ed25519 sin formato de 32 bytes")
        )
    if db.scalar(select(Witness).where(Witness.name == name)) is not None:
        raise InvalidInput(_("el testigo {name!r} ya está registrado", name=name))
    w = Witness(name=name, public_key=public_key, added_at=utcnow(), agency_code=agency)
    db.add(w)
    db.flush()
    record(
        db,
        ctx,
        AUDIT_WITNESS_ADDED,
        object_type="witness",
        object_id=name,
        details={"key_id": keys.key_id(public_key), "agency": agency},
    )
    return w


def countersign(
    db: Session, ctx: RequestContext, checkpoint_id: int, witness_name: str, signature: bytes
) -> Countersignature:
    """Store a witness's signature of a checkpoint note, after checking it."""
    cp = get_or_404(db, Checkpoint, checkpoint_id, f"checkpoint {checkpoint_id}")
    w = db.scalar(select(Witness).where(Witness.name == witness_name))
    if w is None:
        raise NotFound(
            _("no hay ningún testigo registrado con el nombre {name!r}", name=witness_name)
        )
    if not keys.verify(w.public_key, signature, keys.checkpoint_note(cp.size, cp.root, cp.at)):
        raise InvalidInput(_("la contrafirma no se verifica con la clave del testigo"))
    existing = db.scalar(
        select(Countersignature).where(
            Countersignature.checkpoint_id == cp.id, Countersignature.witness_id == w.id
        )
    )
    if existing is not None:
        return existing
    cs = Countersignature(checkpoint_id=cp.id, witness_id=w.id, signature=signature, at=utcnow())
    db.add(cs)
    db.flush()
    record(
        db,
        ctx,
        AUDIT_COUNTERSIGNED,
        object_type="checkpoint",
        object_id=str(cp.id),
        details={"witness": witness_name, "size": cp.size},
    )
    return cs


# --- verification ----------------------------------------------------------------------


@dataclass
class Verification:
    ok: bool
    size: int
    root: str  # hex
    first_bad_index: int | None
    checkpoints_checked: int
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "root": self.root,
            "first_bad_index": self.first_bad_index,
            "checkpoints_checked": self.checkpoints_checked,
            "problems": self.problems,
        }


def verify(db: Session, public_key: bytes, batch: int = 50_000) -> Verification:
    """Recompute every leaf from the stored events, rebuild the tree, and compare it
    with the signed checkpoints.

    Detects an edited, deleted, reordered or inserted event (its leaf or the
    index sequence changes) and a truncated tail (fewer events than a signed
    checkpoint holds), and reports the first bad index.
    """
    problems: list[str] = []
    event_bad: list[int] = []  # precise: this event is wrong or missing
    tree_bad: list[int] = []  # bounds: the damage starts at or after this index
    leaves: list[bytes] = []
    expected_idx = 0
    # Plain rows, streamed: a million ORM objects would cost more than the hashing.
    query = select(*AuditEvent.__table__.columns).order_by(AuditEvent.idx)
    for ev in db.execute(query.execution_options(yield_per=batch)):
        if ev.idx != expected_idx:
            event_bad.append(min(ev.idx, expected_idx))
            problems.append(
                _(
                    "secuencia de índices rota en {expected} (se halló {found})",
                    expected=expected_idx,
                    found=ev.idx,
                )
            )
        recomputed = merkle.leaf_hash(canonical(ev.idx, ev))
        if recomputed != bytes(ev.leaf_hash):
            event_bad.append(ev.idx)
            problems.append(_("el evento {idx} difiere de la hoja con que se registró", idx=ev.idx))
        leaves.append(recomputed)
        expected_idx = ev.idx + 1
    n = len(leaves)
    read = merkle.memory_reader(leaves)
    checked = 0
    previous_size = 0
    for cp in db.scalars(select(Checkpoint).order_by(Checkpoint.size)).all():
        note = keys.checkpoint_note(cp.size, bytes(cp.root), cp.at)
        if not keys.verify(public_key, bytes(cp.signature), note):
            problems.append(
                _(
                    "el punto de control {id} (tamaño {size}) tiene una firma no válida",
                    id=cp.id,
                    size=cp.size,
                )
            )
            tree_bad.append(previous_size)
            continue
        checked += 1
        if cp.size > n:
            problems.append(
                _(
                    "el punto de control {id} firmó {size} eventos; solo {n} están guardados",
                    id=cp.id,
                    size=cp.size,
                    n=n,
                )
            )
            tree_bad.append(n)
        elif merkle.root(cp.size, read) != bytes(cp.root):
            problems.append(
                _(
                    "los eventos hasta el punto de control {id} (tamaño {size}) no coinciden "
                    "con su raíz firmada",
                    id=cp.id,
                    size=cp.size,
                )
            )
            # Leaves rewritten together with their stored hashes: the signed roots bound
            # the damage to after the last checkpoint that still matched.
            tree_bad.append(previous_size)
        previous_size = cp.size
    head = size(db)
    if head != n:
        problems.append(_("la cabeza dice {head} eventos; hay {n} guardados", head=head, n=n))
        tree_bad.append(min(head, n))
    first_bad = min(event_bad) if event_bad else (min(tree_bad) if tree_bad else None)
    return Verification(
        ok=not problems,
        size=n,
        root=merkle.root(n, read).hex(),
        first_bad_index=first_bad,
        checkpoints_checked=checked,
        problems=problems,
    )


# --- reading the log -------------------------------------------------------------------


def actors_named(db: Session, term: str) -> list[str]:
    """The actor codes a search term names: the code itself (``user:ana``, ``system:demo``),
    and every user whose username or display name contains it (case-insensitive)."""
    from kuntur.identity.models import User

    term = term.strip()
    pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    bare = term.removeprefix("user:")
    names = db.scalars(
        select(User.username).where(
            or_(
                User.username.ilike(pattern, escape="\\"),
                User.display_name.ilike(pattern, escape="\\"),
                User.username == bare.lower(),
            )
        )
    ).all()
    return sorted({term, *(f"user:{n}" for n in names)})


def display_names(db: Session, actors: Iterable[str]) -> dict[str, str]:
    """Display names of the users among ``actors`` (codes ``user:<username>``)."""
    from kuntur.identity.models import User

    wanted = {a.removeprefix("user:") for a in actors if a.startswith("user:")}
    if not wanted:
        return {}
    rows = db.execute(
        select(User.username, User.display_name).where(User.username.in_(sorted(wanted)))
    )
    return {f"user:{u}": d for u, d in rows}


def covering_checkpoint(db: Session, index: int) -> Checkpoint | None:
    """The newest signed checkpoint whose tree holds event ``index``, or None when the
    event is newer than every checkpoint."""
    return db.scalars(
        select(Checkpoint)
        .where(Checkpoint.size > index)
        .order_by(Checkpoint.size.desc(), Checkpoint.id.desc())
        .limit(1)
    ).first()


def search(
    db: Session,
    *,
    actor: str | None = None,
    object_id: str | None = None,
    type_: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    q = select(AuditEvent)
    if actor and actor.strip():
        q = q.where(AuditEvent.actor.in_(actors_named(db, actor)))
    if object_id:
        q = q.where(AuditEvent.object_id == object_id)
    if type_:
        q = q.where(AuditEvent.type == type_)
    if start:
        q = q.where(AuditEvent.at >= start)
    if end:
        q = q.where(AuditEvent.at < end)
    total = int(db.scalar(select(func.count()).select_from(q.subquery())) or 0)
    rows = db.scalars(q.order_by(AuditEvent.idx.desc()).limit(limit).offset(offset)).all()
    return list(rows), total
