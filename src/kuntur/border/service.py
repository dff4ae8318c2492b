"""Border services: importing and expiring watchlist entries, screening a traveller, a
manifest or a vehicle, deciding on a hit, sweeping old traveller data. Every one takes the
actor: the permission checked, the act on record.

The screening index (``matching.PersonIndex``, ``matching.ThingIndex``) lives in memory,
one per store and process, and carries the watchlist version it was built from; each
screening reads the version row (one primary-key read) and, when it has moved, applies the
entries changed since (the change log: ``changed_version``), so an import or an expiry
applies to the next screening in every server process, without a restart and without a
rebuild. Expired entries are skipped at query time, so an entry that runs out needs no
change at all.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, case, delete, func, select
from sqlalchemy.orm import Session

from kuntur.border import links, matching, names
from kuntur.border.files import EntryRow
from kuntur.border.manifest import (
    COMMAND,
    DECIDE,
    DECIDED,
    MANIFEST_SCREENED,
    QUEUE_VIEWED,
    SCREEN,
    SCREENED,
    SEIZE,
    SEIZED,
    SWEPT,
    WATCHLIST,
    WATCHLIST_EXPIRED,
    WATCHLIST_IMPORTED,
)
from kuntur.border.models import (
    Decision,
    Hit,
    Screening,
    Seizure,
    WatchlistEntry,
    WatchlistVersion,
)
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.i18n import N_, _, render
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import Actor

OUTCOMES = ("cleared", "confirmed", "referred")
OUTCOME_LABELS = {
    "cleared": N_("descartado (no es la persona)"),
    "confirmed": N_("confirmado"),
    "referred": N_("derivado"),
}
POSTS = (
    "Tumbes (Aguas Verdes)",
    "Desaguadero",
    "Tacna (Santa Rosa)",
    "Iñapari",
)


def lima_today() -> date:
    return utcnow().astimezone(LIMA).date()


# --- the watchlist ----------------------------------------------------------------------


def _bump(db: Session) -> int:
    """The next version, the row locked until the change commits: changes are numbered in
    the order they commit, so a reader that sees version N sees every change up to N."""
    row = db.get(WatchlistVersion, 1, with_for_update=True)
    if row is None:
        row = WatchlistVersion(id=1, version=1, changed_at=utcnow(), epoch=uuid.uuid4().hex)
        db.add(row)
    else:
        row.version += 1
        row.changed_at = utcnow()
        row.epoch = row.epoch or uuid.uuid4().hex
    db.flush()
    return row.version


def version(db: Session) -> int:
    v = db.scalar(select(WatchlistVersion.version).where(WatchlistVersion.id == 1))
    return int(v or 0)


@dataclass
class ImportReport:
    added: int
    replaced: int
    version: int


def import_entries(
    actor: Actor,
    rows: Sequence[EntryRow],
    *,
    source: str,
    bad_rows: int = 0,
    warnings: int = 0,
) -> ImportReport:
    """Write the good rows (an entry with the same id replaced) in one transaction, bump
    the watchlist version, and put the import on record."""
    actor.require(WATCHLIST)
    db = actor.db
    ids = [r.entry_id for r in rows]
    existing: dict[str, WatchlistEntry] = {}
    for chunk in range(0, len(ids), 500):
        for e in db.scalars(
            select(WatchlistEntry).where(WatchlistEntry.entry_id.in_(ids[chunk : chunk + 500]))
        ):
            existing[e.entry_id] = e
    now = utcnow()
    v = _bump(db)
    added = replaced = 0
    for r in rows:
        found = existing.get(r.entry_id)
        if found is None:
            e = WatchlistEntry(entry_id=r.entry_id)
            db.add(e)
            added += 1
        else:
            e = found
            replaced += 1
        e.kind = r.kind
        e.name = r.name
        e.aliases = ";".join(r.aliases)
        e.birth_date = r.birth_date
        e.nationality = r.nationality
        e.document_type = r.document_type
        e.document_number = r.document_number
        e.value = r.value
        e.source_list = r.source_list
        e.reason = r.reason
        e.owner_agency = r.owner_agency
        e.classification = r.classification
        e.expires_on = r.expires_on
        e.network = r.network
        e.changed_version = v
        e.imported_at = now
        e.imported_by = actor.who
    actor.record(
        WATCHLIST_IMPORTED,
        object_type="border_watchlist",
        object_id=str(v),
        details={
            "source": source[:200],
            "added": added,
            "replaced": replaced,
            "bad_rows": bad_rows,
            "warnings": warnings,  # rows kept without a bad field
        },
    )
    return ImportReport(added, replaced, v)


def expire(actor: Actor, entry_id: str, on: date | None = None) -> WatchlistEntry:
    """The entry no longer hits from ``on`` (today by default)."""
    actor.require(WATCHLIST)
    e = actor.db.scalar(select(WatchlistEntry).where(WatchlistEntry.entry_id == entry_id))
    if e is None:
        raise NotFound(_("la entrada {id} no existe", id=entry_id))
    e.expires_on = (on or lima_today()) - timedelta(days=1)
    e.changed_version = _bump(actor.db)
    actor.record(WATCHLIST_EXPIRED, object_type="border_entry", object_id=entry_id)
    return e


# --- the index ----------------------------------------------------------------------------
#
# One index per store and process, with the (epoch, version) it holds. On every screening
# the version row is read (one primary-key read); when it moved within the same epoch, the
# entries changed since (``changed_version`` above the index's, an indexed read of a few
# rows) are applied to the live index: added, replaced (the old row a tombstone) or taken
# out. Only a new epoch (a store made anew) or no index at all means a full build; and a
# full build of a large list is stored on disk (``INDEX_CACHE_DIR``), keyed by store, epoch
# and version, so that the next process loads it and applies the change log from there.


@dataclass
class Indexes:
    version: tuple[str, int]  # (epoch, version)
    persons: matching.PersonIndex
    things: matching.ThingIndex
    full_builds: int = 0  # how many times this store's index was built from every entry
    deltas: int = 0  # how many change logs were applied to it


_INDEXES: dict[str, Indexes] = {}
_LOCK = threading.Lock()
INDEX_CACHE_DIR: Path | None = None  # where large indexes are kept between processes
CACHE_MIN_ENTRIES = 50_000  # smaller lists build in under two seconds: not worth a file


def configure_index_cache(path: Path | None) -> None:
    global INDEX_CACHE_DIR
    INDEX_CACHE_DIR = path


_INDEX_COLUMNS = (
    "entry_id",
    "kind",
    "name",
    "aliases",
    "birth_date",
    "nationality",
    "document_number",
    "value",
    "source_list",
    "expires_on",
    "changed_version",
)


def _person(e: Any) -> matching.Person:
    return matching.Person(
        e.entry_id,
        e.name,
        tuple(a for a in e.aliases.split(";") if a),
        matching.birth_cached(e.birth_date),
        e.nationality,
        e.document_number,
        e.source_list,
        e.expires_on,
    )


def _thing(e: Any) -> matching.Thing:
    return matching.Thing(e.entry_id, e.kind, e.value, e.source_list, e.expires_on, e.name)


def _stamp(db: Session) -> tuple[str, int]:
    row = db.execute(
        select(WatchlistVersion.epoch, WatchlistVersion.version).where(WatchlistVersion.id == 1)
    ).first()
    return (row[0] or "", int(row[1])) if row else ("", 0)


def _store_key(db: Session) -> str:
    bind = db.get_bind()
    return str(bind.url if isinstance(bind, Engine) else bind.engine.url)


def _cache_path(store: str, stamp: tuple[str, int]) -> Path | None:
    if INDEX_CACHE_DIR is None or not stamp[0]:
        return None
    h = hashlib.sha256(store.encode()).hexdigest()[:16]
    return INDEX_CACHE_DIR / f"border-index-{h}-{stamp[0]}-{stamp[1]:09d}.pkl"


def _load_cached(store: str, stamp: tuple[str, int]) -> Indexes | None:
    """The newest stored index of this store and epoch at or below ``stamp``'s version."""
    path = _cache_path(store, stamp)
    if path is None or not path.parent.is_dir():
        return None
    prefix = path.name.rsplit("-", 1)[0] + "-"
    found = sorted(
        (p for p in path.parent.glob(prefix + "*.pkl") if p.name <= path.name), reverse=True
    )
    for p in found:
        try:
            with p.open("rb") as f:
                # Written by this program into its own var dir (as its keys are): trusted.
                data = pickle.load(f)  # noqa: S301
            persons = matching.PersonIndex.from_parts(
                data["rows"],
                matching.Frozen(data["keys"], data["starts"], data["postings"]),
                (data["surnames"], data["entries"]),
            )
            things = matching.ThingIndex(matching.Thing(*t) for t in data["things"])
            return Indexes((stamp[0], int(data["version"])), persons, things)
        except (OSError, pickle.UnpicklingError, KeyError, EOFError, TypeError, ValueError):
            continue  # a file half written or of another layout: build instead
    return None


def _store_cached(store: str, idx: Indexes) -> None:
    path = _cache_path(store, idx.version)
    if path is None or len(idx.persons) < CACHE_MIN_ENTRIES:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        data = {
            "version": idx.version[1],
            "rows": idx.persons.rows,
            "keys": idx.persons.frozen.keys,
            "starts": idx.persons.frozen.starts,
            "postings": idx.persons.frozen.postings,
            "surnames": idx.persons.rarity.counts,
            "entries": idx.persons.rarity.entries,
            "things": [
                (t.id, t.kind, t.value, t.list, t.expires, t.label) for t in idx.things.all()
            ],
        }
        with tmp.open("wb") as f:
            pickle.dump(data, f, protocol=5)
        tmp.replace(path)  # whole or not at all: a reader never sees half a file
        # the older ones of this store go (another epoch's, or an earlier version); a
        # newer one another process wrote meanwhile stays
        prefix, epoch_now = path.name.rsplit("-", 2)[0], idx.version[0]
        for old in path.parent.glob(prefix + "-*.pkl"):
            if old.name < path.name or f"-{epoch_now}-" not in old.name:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # no room or no right to write: the next process builds, as before


def _full_build(db: Session) -> tuple[matching.PersonIndex, matching.ThingIndex]:
    cols = [getattr(WatchlistEntry, c) for c in _INDEX_COLUMNS]
    things: list[matching.Thing] = []

    def persons() -> Iterator[matching.Person]:
        q = select(*cols).execution_options(yield_per=20000)
        for e in db.execute(q):
            if e.kind == "person":
                yield _person(e)
            elif e.value:
                things.append(_thing(e))

    p = matching.PersonIndex.build(persons())
    return p, matching.ThingIndex(things)


def _apply_changes(db: Session, idx: Indexes, to: tuple[str, int]) -> None:
    """Bring ``idx`` forward to version ``to`` with the entries changed since its own."""
    cols = [getattr(WatchlistEntry, c) for c in _INDEX_COLUMNS]
    q = select(*cols).where(
        WatchlistEntry.changed_version > idx.version[1],
        WatchlistEntry.changed_version <= to[1],
    )
    for e in db.execute(q):
        idx.persons.remove(e.entry_id)
        idx.things.remove(e.entry_id)
        if e.kind == "person":
            idx.persons.upsert(_person(e))
        elif e.value:
            idx.things.add(_thing(e))
    idx.version = to
    idx.deltas += 1


def indexes(db: Session) -> Indexes:
    """The screening index of this store at its current version: as held, brought forward
    by the change log, loaded from disk or, failing all, built from every entry."""
    v = _stamp(db)
    key = _store_key(db)
    found = _INDEXES.get(key)
    if found is not None and found.version == v:
        return found
    with _LOCK:
        found = _INDEXES.get(key)
        if found is not None and found.version == v:
            return found
        if found is not None and found.version[0] == v[0] and found.version[1] < v[1]:
            _apply_changes(db, found, v)
            return found
        built = _load_cached(key, v)
        if built is not None:
            if built.version != v:
                _apply_changes(db, built, v)
        else:
            persons, things = _full_build(db)
            built = Indexes(v, persons, things, full_builds=1)
            _store_cached(key, built)
        if found is not None:
            built.full_builds += found.full_builds
        _INDEXES[key] = built
        return built


def _entry_meta(
    db: Session, ids: Sequence[str]
) -> dict[str, tuple[str, str, int, str, str | None]]:
    """What a hit shows of its entries (agency, list, classification, reason, network),
    read for the entries hit only."""
    out: dict[str, tuple[str, str, int, str, str | None]] = {}
    uniq = sorted(set(ids))
    for chunk in range(0, len(uniq), 500):
        for r in db.execute(
            select(
                WatchlistEntry.entry_id,
                WatchlistEntry.owner_agency,
                WatchlistEntry.source_list,
                WatchlistEntry.classification,
                WatchlistEntry.reason,
                WatchlistEntry.network,
            ).where(WatchlistEntry.entry_id.in_(uniq[chunk : chunk + 500]))
        ):
            out[r[0]] = (r[1], r[2], r[3], r[4], r[5])
    return out


# --- screening ------------------------------------------------------------------------------


def identity_key(t: matching.Traveller) -> str:
    """Who the traveller is for remembering a decision: the name's sound keys (in any
    order or format), the birth date and the document, hashed (no name kept in the key)."""
    words = sorted({names.key(w) for w in names.parse(t.name).words if names.key(w)})
    raw = "|".join([" ".join(words), t.birth.iso() if t.birth else "", t.document or ""])
    return hashlib.sha256(raw.encode()).hexdigest()


def thing_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


REMEMBERED = N_("descartado antes por {who} el {when}: {reason}")
RESERVED = N_("entrada reservada de {agency}: consulte a la agencia antes de decidir")


def _remembered(db: Session, key: str, entry_ids: Sequence[str], days: int) -> dict[str, Decision]:
    if not entry_ids:
        return {}
    since = utcnow() - timedelta(days=days)
    out: dict[str, Decision] = {}
    for d in db.scalars(
        select(Decision)
        .where(
            Decision.identity_key == key,
            Decision.entry_id.in_(list(entry_ids)),
            Decision.decided_at >= since,
        )
        .order_by(Decision.decided_at)
    ):
        if d.outcome == "cleared":
            out[d.entry_id] = d
        else:
            out.pop(d.entry_id, None)  # confirmed or referred since: the alarm again
    return out


def _hit_out(
    actor: Actor,
    meta: dict[str, tuple[str, str, int, str, str | None]],
    hit: Hit,
    features: list[dict[str, Any]],
    remembered: Decision | None,
    lang: str | None,
) -> dict[str, Any]:
    agency, lst, cls, reason, network = meta.get(hit.entry_id, ("", "", 0, "", None))
    readable = actor.may_read(owner_agency=agency, classification=cls) if agency else True
    out: dict[str, Any] = {
        "hit_id": hit.id,
        "watchlist_id": hit.entry_id,
        "score": hit.score,
        "explanation": hit.explanation,
        "features": features,
        "list": lst,
        "owner_agency": agency,
        "reason": reason if readable else render(RESERVED, lang, agency=agency),
        "network": network if readable else None,
        "alarm": remembered is None,
        "remembered": None,
    }
    if remembered is not None:
        when = remembered.decided_at.astimezone(LIMA).strftime("%Y-%m-%d %H:%M")
        out["remembered"] = {
            "decision_id": remembered.id,
            "by": remembered.decided_by,
            "at": remembered.decided_at.isoformat(),
            "reason": remembered.reason,
            "text": render(
                REMEMBERED, lang, who=remembered.decided_by, when=when, reason=remembered.reason
            ),
        }
    return out


def _features_json(c: matching.Candidate, lang: str | None) -> list[dict[str, Any]]:
    return [
        {"feature": f.feature, "weight": f.weight, "text": f.text(lang or "es")}
        for f in c.features
        if f.note
    ]


def _store_screening(
    actor: Actor,
    *,
    kind: str,
    post: str,
    subject: dict[str, Any],
    key: str,
    batch: str | None,
    hits: int,
    best: float,
) -> Screening:
    s = Screening(
        kind=kind,
        post=post[:80],
        subject=json.dumps(subject, ensure_ascii=False),
        identity_key=key,
        batch=batch,
        hits=hits,
        best_score=best,
        created_at=utcnow(),
        created_by=actor.who,
    )
    actor.db.add(s)
    actor.db.flush()
    return s


def _remembered_many(
    db: Session, pairs: set[tuple[str, str]], days: int
) -> dict[tuple[str, str], Decision]:
    """The standing clearing of each (traveller key, entry) pair: its latest decision
    within ``days``, when that is a clearing (a confirmation or referral since raises the
    alarm again)."""
    if not pairs:
        return {}
    since = utcnow() - timedelta(days=days)
    keys = sorted({k for k, _ in pairs})
    latest: dict[tuple[str, str], Decision] = {}
    for chunk in range(0, len(keys), 500):
        for d in db.scalars(
            select(Decision)
            .where(
                Decision.identity_key.in_(keys[chunk : chunk + 500]),
                Decision.decided_at >= since,
            )
            .order_by(Decision.decided_at, Decision.id)
        ):
            if (d.identity_key, d.entry_id) in pairs:
                latest[(d.identity_key, d.entry_id)] = d
    return {p: d for p, d in latest.items() if d.outcome == "cleared"}


def _screen_people(
    actor: Actor,
    travellers: Sequence[matching.Traveller],
    *,
    post: str,
    threshold: float,
    clearance_days: int,
    batch: str | None,
    lang: str | None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Screen travellers, then write their screenings and hits in two bulk inserts."""
    db = actor.db
    idx = indexes(db)
    today = lima_today()
    found = []
    for i, t in enumerate(travellers):
        found.append((t, identity_key(t), idx.persons.screen(t, today=today, threshold=threshold)))
        if progress and i % 50 == 49:
            progress(50)
    if progress and len(travellers) % 50:
        progress(len(travellers) % 50)
    remembered = _remembered_many(
        db, {(k, c.entry_id) for _, k, cands in found for c in cands}, clearance_days
    )
    now = utcnow()
    screenings = [
        Screening(
            kind="person",
            post=post[:80],
            subject=json.dumps(
                {
                    "id": t.id,
                    "name": t.name,
                    "birth_date": t.birth.iso() if t.birth else None,
                    "nationality": t.nationality,
                    "document_number": t.document,
                },
                ensure_ascii=False,
            ),
            identity_key=k,
            batch=batch,
            hits=len(cands),
            best_score=cands[0].score if cands else 0.0,
            created_at=now,
            created_by=actor.who,
        )
        for t, k, cands in found
    ]
    db.add_all(screenings)
    db.flush()
    pending = []
    for s, (_t, k, cands) in zip(screenings, found, strict=True):
        rows = []
        for c in cands:
            fj = _features_json(c, "es")
            r = remembered.get((k, c.entry_id))
            h = Hit(
                screening_id=s.id,
                entry_id=c.entry_id,
                score=c.score,
                explanation=c.explanation("es"),
                features=json.dumps(fj, ensure_ascii=False),
                remembered_id=r.id if r else None,
            )
            rows.append((h, fj, r))
        pending.append(rows)
    db.add_all([h for rows in pending for h, _, _ in rows])
    if any(pending):
        db.flush()
    meta = _entry_meta(db, [h.entry_id for rows in pending for h, _, _ in rows])
    return [
        {
            "screening_id": s.id,
            "traveller_id": t.id,
            "kind": "person",
            "post": s.post,
            "hits": [_hit_out(actor, meta, h, fj, r, lang) for h, fj, r in rows],
        }
        for s, (t, _k, _c), rows in zip(screenings, found, pending, strict=True)
    ]


def screen_person(
    actor: Actor,
    traveller: matching.Traveller,
    *,
    post: str,
    threshold: float = matching.THRESHOLD,
    clearance_days: int = 365,
    lang: str | None = None,
    phone: str | None = None,
    plate: str | None = None,
) -> dict[str, Any]:
    """Screen one traveller: the candidates at or above ``threshold``, best first, each
    with its explanation, and a remembered clearing shown instead of the alarm; each hit
    says whether it links to intelligence (through the entry's or the traveller's
    identifiers: the document, and the ``phone`` and ``plate`` they carry)."""
    actor.require(SCREEN)
    out = _screen_people(
        actor,
        [traveller],
        post=post,
        threshold=threshold,
        clearance_days=clearance_days,
        batch=None,
        lang=lang,
    )[0]
    carried = {
        "document": traveller.document,
        "phone": matching.normalise_identifier("phone", phone) if phone else None,
        "plate": plate,
    }
    links.attach(actor, [out], [carried], lang)
    actor.record(
        SCREENED,
        object_type="border_screening",
        object_id=str(out["screening_id"]),
        details={
            "kind": "person",
            "post": post[:80],
            "hits": len(out["hits"]),
            "alarms": sum(1 for h in out["hits"] if h["alarm"]),
            "entries": [h["watchlist_id"] for h in out["hits"]],
        },
    )
    return out


def screen_manifest(
    actor: Actor,
    travellers: Sequence[matching.Traveller],
    *,
    post: str,
    threshold: float = matching.THRESHOLD,
    clearance_days: int = 365,
    progress: Callable[[int], None] | None = None,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Screen a passenger manifest: a screening row per traveller (with its hits), the
    manifest on record once, with its counts and its screenings."""
    actor.require(SCREEN)
    batch = uuid.uuid4().hex[:16]
    out = _screen_people(
        actor,
        travellers,
        post=post,
        threshold=threshold,
        clearance_days=clearance_days,
        batch=batch,
        lang=lang,
        progress=progress,
    )
    links.attach(actor, out, [{"document": t.document} for t in travellers], lang)
    actor.record(
        MANIFEST_SCREENED,
        object_type="border_manifest",
        object_id=batch,
        details={
            "post": post[:80],
            "travellers": len(travellers),
            "with_hits": sum(1 for r in out if r["hits"]),
            "alarms": sum(1 for r in out for h in r["hits"] if h["alarm"]),
            "screenings": [r["screening_id"] for r in out][:5000],
        },
    )
    return out


def screen_thing(
    actor: Actor,
    kind: str,
    value: str,
    *,
    post: str,
    clearance_days: int = 365,
    lang: str | None = None,
) -> dict[str, Any]:
    """Screen a plate (with the reading confusions), a VIN, a phone or an account."""
    actor.require(SCREEN)
    if kind not in ("plate", "vin", "phone", "account"):
        raise InvalidInput(_("tipo «{k}» desconocido", k=kind))
    db = actor.db
    idx = indexes(db)
    found = idx.things.screen(kind, value, today=lima_today())
    norm = matching.normalise_identifier(kind, value) or value.strip()[:80]
    key = thing_key(kind, matching.plate_key(norm) if kind == "plate" else norm)
    remembered = _remembered(db, key, [h.entry_id for h in found], clearance_days)
    s = _store_screening(
        actor,
        kind=kind,
        post=post,
        subject={"kind": kind, "value": norm},
        key=key,
        batch=None,
        hits=len(found),
        best=found[0].score if found else 0.0,
    )
    hits = []
    for f in found:
        text = f.explanation("es")
        fj = [{"feature": kind, "weight": f.score, "text": f.explanation(lang or "es")}]
        r = remembered.get(f.entry_id)
        h = Hit(
            screening_id=s.id,
            entry_id=f.entry_id,
            score=f.score,
            explanation=text,
            features=json.dumps(fj, ensure_ascii=False),
            remembered_id=r.id if r else None,
        )
        db.add(h)
        hits.append((h, fj, r))
    db.flush()
    meta = _entry_meta(db, [f.entry_id for f in found])
    out_hits = [_hit_out(actor, meta, h, fj, r, lang) for h, fj, r in hits]
    links.attach(actor, [{"screening_id": s.id, "hits": out_hits}], [{kind: norm}], lang)
    actor.record(
        SCREENED,
        object_type="border_screening",
        object_id=str(s.id),
        details={
            "kind": kind,
            "post": post[:80],
            "hits": len(found),
            "alarms": sum(1 for h in out_hits if h["alarm"]),
            "entries": [f.entry_id for f in found],
        },
    )
    return {"screening_id": s.id, "kind": kind, "post": s.post, "hits": out_hits}


# --- decisions ------------------------------------------------------------------------------


def decide(actor: Actor, hit_id: int, *, outcome: str, reason: str) -> Decision:
    """The officer's decision on a hit; a clearing is remembered for that traveller and
    entry (who, when, why) and shown at the next screening instead of the alarm."""
    actor.require(DECIDE)
    if outcome not in OUTCOMES:
        raise InvalidInput(_("decisión «{o}» no es cleared, confirmed ni referred", o=outcome))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("la decisión necesita un motivo"))
    db = actor.db
    hit = db.get(Hit, hit_id)
    if hit is None:
        raise NotFound(_("la coincidencia {id} no existe", id=hit_id))
    s = db.get(Screening, hit.screening_id)
    assert s is not None
    d = Decision(
        identity_key=s.identity_key,
        entry_id=hit.entry_id,
        hit_id=hit.id,
        outcome=outcome,
        reason=reason[:2000],
        post=s.post,
        decided_at=utcnow(),
        decided_by=actor.who,
    )
    db.add(d)
    db.flush()
    hit.decision_id = d.id
    actor.record(
        DECIDED,
        object_type="border_hit",
        object_id=str(hit.id),
        details={"outcome": outcome, "entry": hit.entry_id, "screening": s.id},
    )
    return d


def decision_out(d: Decision) -> dict[str, Any]:
    return {
        "decision_id": d.id,
        "hit_id": d.hit_id,
        "watchlist_id": d.entry_id,
        "outcome": d.outcome,
        "reason": d.reason,
        "post": d.post,
        "decided_at": d.decided_at.isoformat(),
        "decided_by": d.decided_by,
    }


# --- retention ------------------------------------------------------------------------------


def sweep(
    actor: Actor, *, retention_days: int, clearance_days: int, now: datetime | None = None
) -> dict[str, int]:
    """Delete screenings (with their hits) older than ``retention_days`` and decisions
    older than ``clearance_days`` (Ley 29733: traveller data no longer than needed)."""
    actor.require(WATCHLIST)
    db = actor.db
    now = now or utcnow()
    cut = now - timedelta(days=retention_days)
    old = list(db.scalars(select(Screening.id).where(Screening.created_at < cut)))
    hits = 0
    for chunk in range(0, len(old), 500):
        part = old[chunk : chunk + 500]
        gone = cast(CursorResult[Any], db.execute(delete(Hit).where(Hit.screening_id.in_(part))))
        hits += int(gone.rowcount or 0)
        db.execute(delete(Screening).where(Screening.id.in_(part)))
    dcut = now - timedelta(days=clearance_days)
    dgone = cast(CursorResult[Any], db.execute(delete(Decision).where(Decision.decided_at < dcut)))
    decisions = int(dgone.rowcount or 0)
    out = {"screenings": len(old), "hits": hits, "decisions": decisions}
    actor.record(
        SWEPT,
        object_type="border_screening",
        object_id=now.date().isoformat(),
        details={**out, "retention_days": retention_days, "clearance_days": clearance_days},
    )
    return out


def recent(actor: Actor, *, post: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The latest screenings (at a post), for the post page."""
    actor.require(SCREEN)
    q = select(Screening).order_by(Screening.created_at.desc(), Screening.id.desc()).limit(limit)
    if post:
        q = q.where(Screening.post == post)
    return [
        {
            "screening_id": s.id,
            "kind": s.kind,
            "post": s.post,
            "hits": s.hits,
            "best_score": s.best_score,
            "created_at": s.created_at.isoformat(),
            "created_by": s.created_by,
        }
        for s in actor.db.scalars(q)
    ]


# --- the post's queue: this shift's screenings and the hits waiting for a decision -----

SHIFT_STARTS = (6, 14, 22)  # the posts' three eight-hour shifts, Lima time
QUEUE_LIMIT = 200


def shift_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The shift ``now`` falls in (Lima time: 06-14, 14-22, 22-06), as aware datetimes."""
    local = (now or utcnow()).astimezone(LIMA)
    starts = [
        local.replace(hour=h, minute=0, second=0, microsecond=0) + timedelta(days=d)
        for d in (-1, 0)
        for h in SHIFT_STARTS
    ]
    start = max(t for t in starts if t <= local)
    return start, start + timedelta(hours=8)


def _subject_label(kind: str, subject: str) -> str:
    try:
        data = json.loads(subject)
    except ValueError:
        return ""
    if kind == "person":
        bits = [
            data.get("name") or "",
            data.get("birth_date") or "",
            data.get("document_number") or "",
        ]
        return " · ".join(b for b in bits if b)
    return str(data.get("value") or "")


def queue(actor: Actor, *, post: str, now: datetime | None = None) -> dict[str, Any]:
    """A busy post's queue (``border.screen``): this shift's counts at ``post`` and every
    hit still waiting for a decision, oldest first (up to ``QUEUE_LIMIT``), with what was
    screened, so the officer decides from the list. A hit already cleared before for that
    traveller (no alarm) waits for nothing. The view is on record (counts, no traveller
    data)."""
    actor.require(SCREEN)
    db = actor.db
    start, end = shift_bounds(now)
    in_shift = (
        Screening.post == post[:80],
        Screening.created_at >= start,
        Screening.created_at < end,
    )
    screenings, with_hits = db.execute(
        select(
            func.count(), func.coalesce(func.sum(case((Screening.hits > 0, 1), else_=0)), 0)
        ).where(*in_shift)
    ).one()
    outcomes = dict(
        db.execute(
            select(Decision.outcome, func.count())
            .join(Hit, Hit.decision_id == Decision.id)
            .join(Screening, Screening.id == Hit.screening_id)
            .where(*in_shift)
            .group_by(Decision.outcome)
        ).all()
    )
    waiting = (
        select(Hit, Screening)
        .join(Screening, Screening.id == Hit.screening_id)
        .where(*in_shift, Hit.decision_id.is_(None), Hit.remembered_id.is_(None))
    )
    pending_n = db.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    rows = db.execute(waiting.order_by(Screening.created_at, Hit.id).limit(QUEUE_LIMIT)).all()
    meta = _entry_meta(db, [h.entry_id for h, _ in rows])
    pending = []
    for h, s in rows:
        agency, lst, cls, reason, _network = meta.get(h.entry_id, ("", "", 0, "", None))
        readable = actor.may_read(owner_agency=agency, classification=cls) if agency else True
        pending.append(
            {
                "hit_id": h.id,
                "screening_id": s.id,
                "screened_at": s.created_at.isoformat(),
                "screened_by": s.created_by,
                "kind": s.kind,
                "subject": _subject_label(s.kind, s.subject),
                "watchlist_id": h.entry_id,
                "score": h.score,
                "explanation": h.explanation,
                "list": lst,
                "reason": reason if readable else render(RESERVED, None, agency=agency),
            }
        )
    counts = {
        "screenings": int(screenings),
        "with_hits": int(with_hits),
        "pending": int(pending_n),
        "cleared": int(outcomes.get("cleared", 0)),
        "confirmed": int(outcomes.get("confirmed", 0)),
        "referred": int(outcomes.get("referred", 0)),
    }
    actor.record(
        QUEUE_VIEWED,
        object_type="border_post",
        object_id=post[:80],
        details={"shift_start": start.isoformat(), **counts},
    )
    return {
        "post": post[:80],
        "shift": {"start": start.isoformat(), "end": end.isoformat()},
        "counts": counts,
        "pending": pending,
    }


# --- seizures and the command's summary (issue 17, the later step) ------------------------

SEIZURE_UNITS = {
    "arms": ("units",),
    "ammunition": ("units",),
    "drugs": ("kg", "g", "units"),
    "cash": ("PEN", "USD", "EUR", "BOB", "COP", "VES"),
    "people": ("persons",),
}


def register_seizure(
    actor: Actor,
    *,
    kind: str,
    post: str,
    quantity: float,
    unit: str,
    description: str = "",
    serial: str | None = None,
    incident_id: int | None = None,
    screening_id: int | None = None,
    network: str | None = None,
    case_ref: str | None = None,
) -> tuple[Seizure, list[matching.ThingHit]]:
    """Record a seizure at a post (``border.seize``). An arm's serial is checked against the
    arms watchlist (entries of kind ``serial``); a hit links the seizure to its entry and
    network. People rescued are a count and the case that holds their identities, never
    the identities themselves."""
    actor.require(SEIZE)
    if kind not in SEIZURE_UNITS:
        raise InvalidInput(_("tipo de incautación «{k}» desconocido", k=kind))
    if unit not in SEIZURE_UNITS[kind]:
        raise InvalidInput(
            _(
                "unidad «{u}» no vale para {k} ({units})",
                u=unit,
                k=kind,
                units=", ".join(SEIZURE_UNITS[kind]),
            )
        )
    if not quantity > 0:
        raise InvalidInput(_("la cantidad debe ser mayor que 0"))
    if kind == "people" and not (case_ref or "").strip():
        raise InvalidInput(
            _("las personas rescatadas se registran con el caso que guarda su identidad")
        )
    hits: list[matching.ThingHit] = []
    norm = None
    if serial:
        norm = matching.normalise_identifier("serial", serial)
        if norm:
            hits = indexes(actor.db).things.screen("serial", norm, today=lima_today())
    if hits and not network:
        network = _entry_meta(actor.db, [hits[0].entry_id]).get(
            hits[0].entry_id, ("", "", 0, "", None)
        )[4]
    s = Seizure(
        kind=kind,
        post=post[:80],
        quantity=quantity,
        unit=unit,
        description=description[:2000],
        serial=norm,
        watchlist_hit=hits[0].entry_id if hits else None,
        incident_id=incident_id,
        screening_id=screening_id,
        network=(network or None) and network[:200],
        case_ref=(case_ref or None) and case_ref.strip()[:60],
        seized_at=utcnow(),
        recorded_by=actor.who,
    )
    actor.db.add(s)
    actor.db.flush()
    actor.record(
        SEIZED,
        object_type="border_seizure",
        object_id=str(s.id),
        details={
            "kind": kind,
            "post": s.post,
            "quantity": quantity,
            "unit": unit,
            "watchlist_hit": s.watchlist_hit,
        },
    )
    return s, hits


def seizure_out(s: Seizure) -> dict[str, Any]:
    return {
        "seizure_id": s.id,
        "kind": s.kind,
        "post": s.post,
        "quantity": s.quantity,
        "unit": s.unit,
        "description": s.description,
        "serial": s.serial,
        "watchlist_hit": s.watchlist_hit,
        "incident_id": s.incident_id,
        "screening_id": s.screening_id,
        "network": s.network,
        "case_ref": s.case_ref,
        "seized_at": s.seized_at.isoformat(),
        "recorded_by": s.recorded_by,
    }


def seizures(actor: Actor, *, post: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    actor.require(SEIZE)
    q = select(Seizure).order_by(Seizure.seized_at.desc(), Seizure.id.desc()).limit(limit)
    if post:
        q = q.where(Seizure.post == post)
    return [seizure_out(s) for s in actor.db.scalars(q)]


# The posts on the map (WGS84): the border crossings of issue 17.
POST_PLACES = {
    "Tumbes (Aguas Verdes)": (-3.4806, -80.2456),
    "Desaguadero": (-16.5656, -69.0397),
    "Tacna (Santa Rosa)": (-17.7672, -70.2794),
    "Iñapari": (-10.9475, -69.5772),
}


def command_summary(actor: Actor) -> dict[str, Any]:
    """Per post: screenings, hits, alarms cleared and standing, seizures by kind (counts
    only, no traveller data), for the command page (``border.command``)."""
    actor.require(COMMAND)
    db = actor.db
    posts: dict[str, dict[str, Any]] = {}

    def post_row(name: str) -> dict[str, Any]:
        lat, lon = POST_PLACES.get(name, (None, None))
        return posts.setdefault(
            name,
            {
                "post": name,
                "lat": lat,
                "lon": lon,
                "screenings": 0,
                "hits": 0,
                "decided": 0,
                "seizures": {},
            },
        )

    for name in POST_PLACES:
        post_row(name)
    for name, n, h in db.execute(
        select(Screening.post, func.count(), func.coalesce(func.sum(Screening.hits), 0)).group_by(
            Screening.post
        )
    ):
        row = post_row(name)
        row["screenings"], row["hits"] = int(n), int(h)
    for name, n in db.execute(select(Decision.post, func.count()).group_by(Decision.post)):
        post_row(name)["decided"] = int(n)
    for name, kind, n in db.execute(
        select(Seizure.post, Seizure.kind, func.count()).group_by(Seizure.post, Seizure.kind)
    ):
        post_row(name)["seizures"][kind] = int(n)
    return {"posts": sorted(posts.values(), key=lambda r: r["post"])}
