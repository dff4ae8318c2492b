"""A border hit's link to intelligence through shared identifiers (issue 17).

Besides the network an entry declares (its ``network`` column), a hit is linked when one of
its identifiers is an entity that intelligence has found in reports: the entry's phone,
account or plate, the listed person's document, or what the screened traveller carried (a
document, a phone, a plate). Who reads what (docs/border.md):

- a border officer learns that a link exists, by which identifier, and whom to call (the
  agencies owning the reports that mention it), never the network or its reports;
- a reader with ``intel.read`` also gets the network's name, computed from the reports that
  reader may read (``intelligence.service.readable``: the same per-record rules), so a
  network seen only through reports withheld from them stays unnamed.

Every hit that comes out linked is on record (``border.intel_linked``), with whether names
were shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from kuntur.border.manifest import INTEL_LINKED
from kuntur.border.matching import plate_text
from kuntur.border.models import WatchlistEntry
from kuntur.core.i18n import N_, render
from kuntur.identity.actor import Actor
from kuntur.intelligence import service as intel
from kuntur.intelligence.identifiers import normalise_plate
from kuntur.intelligence.manifest import INTEL_READ

CONTACT = N_("vinculado a inteligencia ({via}): comuníquese con inteligencia de {agencies}")
VIA = {
    "phone": N_("teléfono"),
    "account": N_("cuenta"),
    "plate": N_("placa"),
    "document": N_("documento"),
}


def entity_key(kind: str, value: str | None) -> str | None:
    """The intelligence entity key of a border identifier (None when it has no kind there)."""
    if not value:
        return None
    if kind == "phone":
        return f"phone:{value}"
    if kind == "account":
        return f"payment_account:{value}"
    if kind == "plate":
        p = normalise_plate(plate_text(value))
        return f"vehicle:{p}" if p else None
    if kind == "document":
        return f"document:{value}"
    return None


def _entry_keys(actor: Actor, entry_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    uniq = sorted(set(entry_ids))
    for chunk in range(0, len(uniq), 500):
        for eid, kind, value, doc in actor.db.execute(
            select(
                WatchlistEntry.entry_id,
                WatchlistEntry.kind,
                WatchlistEntry.value,
                WatchlistEntry.document_number,
            ).where(WatchlistEntry.entry_id.in_(uniq[chunk : chunk + 500]))
        ):
            pairs = [(kind, entity_key(kind, value)), ("document", entity_key("document", doc))]
            out[eid] = [(via, k) for via, k in pairs if k]
    return out


def attach(
    actor: Actor,
    results: Sequence[dict[str, Any]],
    carried: Sequence[dict[str, str | None]] | None = None,
    lang: str | None = None,
) -> None:
    """Set ``intel`` on every hit of ``results`` (screenings as the service returns them):
    ``None``, or ``{linked, via, contact, agencies, networks}``. ``carried``: per screening,
    what the traveller carried (``document``, ``phone``, ``plate``)."""
    hits = [h for r in results for h in r["hits"]]
    for h in hits:
        h["intel"] = None
    if not hits:
        return
    by_entry = _entry_keys(actor, [h["watchlist_id"] for h in hits])
    wanted: list[list[tuple[str, str]]] = []
    for i, r in enumerate(results):
        theirs = carried[i] if carried and i < len(carried) else {}
        own = [(kind, entity_key(kind, v)) for kind, v in theirs.items()]
        for h in r["hits"]:
            pairs = by_entry.get(h["watchlist_id"], []) + [(k, v) for k, v in own if v]
            wanted.append(pairs)
    known = intel.entity_links(actor.db, [k for pairs in wanted for _, k in pairs])
    if not known:
        return
    names: dict[int, str] = {}
    may_name = actor.can(INTEL_READ)
    if may_name:
        names = intel.network_names(intel.readable(actor), [e for e, _ in known.values()])
    linked = []
    for h, pairs in zip(hits, wanted, strict=True):
        found = [(via, known[k]) for via, k in pairs if k in known]
        if not found:
            continue
        via = sorted({v for v, _ in found})
        agencies = sorted({a for _, (_, ags) in found for a in ags})
        nets = sorted({names[e] for _, (e, _) in found if e in names}) if may_name else None
        h["intel"] = {
            "linked": True,
            "via": via,
            "agencies": agencies,
            "contact": render(
                CONTACT,
                lang,
                via=", ".join(render(VIA[v], lang) for v in via),
                agencies=", ".join(agencies),
            ),
            "networks": nets,
        }
        linked.append((h, via, nets))
    for r in results:
        mine = [x for x in linked if any(x[0] is h for h in r["hits"])]
        if mine:
            actor.record(
                INTEL_LINKED,
                object_type="border_screening",
                object_id=str(r["screening_id"]),
                details={
                    "hits": [h["hit_id"] for h, _, _ in mine],
                    "via": sorted({v for _, via, _ in mine for v in via}),
                    "networks_shown": may_name,
                },
            )
