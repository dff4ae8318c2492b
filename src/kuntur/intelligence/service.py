"""Linking reports into networks, stored with provenance, and served to analysts.

- ``link_reports`` extracts identifiers from report narratives and stores entities and
  links (replacing a report's earlier links, so it is idempotent). New extortion reports
  are linked as they are created (``incidents.service.create`` calls it); ``kuntur intel
  index`` links what was imported.
- Reading is for intelligence analysts only, always with a purpose: ``X-Purpose`` names an
  open case the analyst is a member of (``identity.purposes``), and every search and view
  is audited with that case as its purpose.
- Every read goes through an ``Access`` (``readable``): the reader sees the links,
  entities, networks and timelines of the reports they may read under the incident rules
  (agency sharing, clearance), and nothing of the others; rankings are computed on that.
- Networks are named by their earliest report (``N-<incident id>``), so a name stays the
  same as the network grows. No reporter identity is stored anywhere in here: links point
  at reports, and reports carry no reporter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Select, delete, func, select
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import NotFound
from kuntur.core.i18n import _
from kuntur.core.registry import EventType
from kuntur.core.timeutil import utcnow
from kuntur.geography import service as geo
from kuntur.identity import purposes
from kuntur.identity.actor import Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.models import Incident
from kuntur.intelligence import labels, networks
from kuntur.intelligence.extraction import extract
from kuntur.intelligence.manifest import INTEL_INDEXED, INTEL_READ, INTEL_SEARCH, INTEL_VIEW
from kuntur.intelligence.models import Entity, Link

LINKED_CATEGORIES = ("extortion", "kidnapping", "homicide")
GROWTH_DAYS = 30


def link_reports(db: Session, incidents: Sequence[Incident]) -> int:
    """Extract and store the identifiers of ``incidents``; returns the links written."""
    with_text = [i for i in incidents if i.narrative]
    if not with_text:
        return 0
    ids = [i.id for i in with_text]
    db.execute(delete(Link).where(Link.incident_id.in_(ids)))
    found = [(i.id, f) for i in with_text for f in extract(i.narrative or "")]
    keys = {networks.entity_key(f.kind, f.value): f for _, f in found}
    known = {e.key: e.id for e in db.scalars(select(Entity).where(Entity.key.in_(list(keys))))}
    now = utcnow()
    for key, f in keys.items():
        if key not in known:
            e = Entity(
                kind=networks.ENTITY_KIND.get(f.kind, f.kind),
                value=f.value,
                key=key,
                first_seen=now,
            )
            db.add(e)
            db.flush()
            known[key] = e.id
    db.add_all(
        Link(
            incident_id=iid,
            entity_id=known[networks.entity_key(f.kind, f.value)],
            mention=f.kind,
            field="narrative",
            start=f.start,
            end=f.end,
            rule=f.rule,
            confidence=f.confidence,
            created_at=now,
        )
        for iid, f in found
    )
    db.flush()
    return len(found)


def index_all(actor: Actor, batch: int = 5000) -> int:
    """Link every report with a narrative in the linked categories (``kuntur intel index``)."""
    db = actor.db
    total, last = 0, 0
    while True:
        rows = db.scalars(
            select(Incident)
            .where(
                Incident.id > last,
                Incident.narrative.is_not(None),
                Incident.category.in_(LINKED_CATEGORIES),
            )
            .order_by(Incident.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        total += link_reports(db, rows)
        last = rows[-1].id
    actor.record(INTEL_INDEXED, object_type="intel", details={"links": total})
    return total


@dataclass(frozen=True)
class Access:
    """One reader's view of the intelligence store: what they may read, and the context
    (with its purpose) their reads are logged under.

    Links, entities and reports are only ever read through ``links`` and ``reports``, which
    carry the same per-record rules as incidents (owning agency plus sharing rules,
    classification up to the reader's clearance). An entity seen only in reports the
    reader may not read therefore never appears, nor does a link whose report is one of
    them; networks, counts and rankings are computed from what is left. Functions that read
    the store take an ``Access`` rather than a session, so a new route cannot forget the
    filter: the only way to get one is ``readable``.
    """

    actor: Actor
    clauses: tuple[ColumnElement[bool], ...]

    @property
    def db(self) -> Session:
        return self.actor.db

    @property
    def ctx(self) -> RequestContext:
        return self.actor.ctx

    def links(self, *columns: Any) -> Select[Any]:
        """``columns`` of links (and their entity and report) the reader may see."""
        return (
            select(*columns)
            .select_from(Link)
            .join(Incident, Incident.id == Link.incident_id)
            .join(Entity, Entity.id == Link.entity_id)
            .where(*self.clauses)
        )

    def reports(self, *columns: Any) -> Select[Any]:
        """``columns`` of the reports (incidents) the reader may see."""
        return select(*columns).select_from(Incident).where(*self.clauses)

    def visible_entities(self, entity_ids: Sequence[int]) -> set[int]:
        """Those of ``entity_ids`` that some readable report mentions."""
        if not entity_ids:
            return set()
        return set(
            self.db.scalars(
                self.links(Link.entity_id).where(Link.entity_id.in_(list(entity_ids))).distinct()
            )
        )


def readable(actor: Actor) -> Access:
    """The reader's ``Access``: the incident rules (``authz.visible_owners``,
    ``authz.max_classification``) as SQL conditions on the linked reports."""
    scope = incidents.scoped(actor, incidents.IncidentFilter())
    return Access(actor, tuple(scope.clauses()))


def require_analyst(actor: Actor, what: str) -> Access:
    """An intelligence analyst's access for a search or view: ``X-Purpose`` must name an
    open case they are a member of (``identity.purposes``; refusals are audited)."""
    actor.require(INTEL_READ, object_type="intel", object_id=what)
    reader = purposes.require(actor, object_type="intel", object_id=what)
    return readable(reader)


def log(access: Access, event: EventType, object_id: str, **details: Any) -> None:
    """An audit event for intelligence work; its purpose is the checked reference."""
    object_type = "case" if event.value.startswith("intel.case") else "intel"
    access.actor.record(
        event,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


def _mentions(access: Access) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = access.db.execute(access.links(Link.incident_id, Link.mention, Entity.value)).all()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, object), np.zeros(0, object)
    r, k, v = zip(*rows, strict=True)
    return np.array(r, np.int64), np.array(k, object), np.array(v, object)


def _name(members: np.ndarray) -> str:
    return f"N-{int(members.min())}"


def list_networks(actor: Actor, *, min_reports: int = 2, limit: int = 50) -> list[dict[str, Any]]:
    """Networks ranked for analysts: size, growth, violence, recency (audited)."""
    access = require_analyst(actor, "networks")
    out = ranked(access, min_reports=min_reports, limit=limit)
    log(access, INTEL_SEARCH, "networks", results=len(out))
    return out


def ranked(access: Access, *, min_reports: int = 2, limit: int = 50) -> list[dict[str, Any]]:
    """The networks of the reports the reader may see, ranked by size, growth, violence
    and recency.

    Computed on the visible part of the graph only. Ranking on the full graph would leak
    what the reader may not read: a network's size and growth would count unreadable
    reports, two visible reports joined only through an unreadable one would show as one
    network, and a network's name (its earliest report) could be an unreadable report's id.
    """
    r, k, v = _mentions(access)
    out: list[dict[str, Any]] = []
    if len(r):
        net = networks.link(r, k, v)
        info = {
            row[0]: row[1:]
            for row in access.db.execute(
                access.reports(Incident.id, Incident.received_at, Incident.priority).where(
                    Incident.id.in_(net.reports.tolist())
                )
            )
        }
        now = utcnow()
        for n in range(net.count):
            if net.sizes[n] < min_reports:
                break  # sorted by size
            members = net.reports[net.network == n]
            times = [info[int(m)][0] for m in members if int(m) in info]
            recent = sum(1 for t in times if t >= now - timedelta(days=GROWTH_DAYS))
            before = sum(
                1
                for t in times
                if now - timedelta(days=2 * GROWTH_DAYS) <= t < now - timedelta(days=GROWTH_DAYS)
            )
            violent = sum(1 for m in members if int(m) in info and info[int(m)][1] <= 1)
            last = max(times) if times else None
            out.append(
                {
                    "network": _name(members),
                    "reports": int(net.sizes[n]),
                    "growth": recent - before,
                    "recent_reports": recent,
                    "violent_reports": violent,
                    "last_report_at": last.isoformat() if last else None,
                    "identifiers": int((net.entity_network == n).sum()),
                }
            )
    # Rank: size, then growth, violence and recency (what an analyst triages by).
    out.sort(
        key=lambda d: (
            -d["reports"],
            -d["growth"],
            -d["violent_reports"],
            d["last_report_at"] or "",
        )
    )
    return out[:limit]


def _component(
    access: Access, report_id: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The readable reports of the network holding ``report_id`` in the reader's part of
    the graph (and the mentions), or None when the reader sees no link of that report."""
    r, k, v = _mentions(access)
    if report_id not in set(r.tolist()):
        return None
    net = networks.link(r, k, v)
    pos = int(np.flatnonzero(net.reports == report_id)[0])
    return net.reports[net.network == net.network[pos]], r, k, v


def network_of(actor: Actor, incident_id: int) -> dict[str, Any]:
    """The network a report belongs to, with its analysis and timeline (audited)."""
    access = require_analyst(actor, f"report:{incident_id}")
    found = _component(access, incident_id)
    if found is None:  # also for a report the reader may not read: existence not confirmed
        raise NotFound(_("la denuncia {id} no tiene identificadores vinculados", id=incident_id))
    return _detail(access, *found)


def network(actor: Actor, name: str) -> dict[str, Any]:
    return network_detail(require_analyst(actor, name), name)


def network_detail(access: Access, name: str, *, follow: bool = False) -> dict[str, Any]:
    """A network by name, as the reader sees it (audited). With ``follow``, the network
    that now holds the named one's first report, under its current name."""
    first = int(name.removeprefix("N-")) if name.removeprefix("N-").isdigit() else -1
    found = _component(access, first)
    if found is None:
        raise NotFound(_("no se encuentra la red {name}", name=name))
    if _name(found[0]) != name and not follow:  # the network grew from an earlier report
        raise NotFound(
            _("la red {name} ahora forma parte de {bigger}", name=name, bigger=_name(found[0]))
        )
    return _detail(access, *found)


def _detail(
    access: Access,
    members: np.ndarray,
    r: np.ndarray,
    k: np.ndarray,
    v: np.ndarray,
) -> dict[str, Any]:
    sel = np.isin(r, members)
    analysis = networks.analyse(0, r[sel], k[sel], v[sel])
    links = access.db.execute(
        access.links(
            Link.incident_id,
            Link.mention,
            Link.rule,
            Link.confidence,
            Link.start,
            Link.end,
            Entity.key,
        ).where(Link.incident_id.in_(members.tolist()))
    ).all()
    reports = access.db.execute(
        access.reports(
            Incident.id,
            Incident.received_at,
            Incident.category,
            Incident.district_ubigeo,
            Incident.priority,
        )
        .where(Incident.id.in_(members.tolist()))
        .order_by(Incident.received_at)
    ).all()
    amounts: dict[int, list[str]] = {}
    for iid, mention, *_rest, key in links:
        if mention == "amount":
            amounts.setdefault(iid, []).append(key.split(":", 1)[1])
    name = _name(members)
    log(access, INTEL_VIEW, name, reports=len(members))
    districts = geo.districts()
    mentioned: dict[str, set[int]] = {}
    for iid, *_rest, key in links:
        mentioned.setdefault(key, set()).add(iid)
    return {
        "network": name,
        "reports": len(members),
        "communities": {str(a): b for a, b in analysis.communities.items()},
        "key_players": analysis.key_players,
        "payment_hubs": analysis.payment_hubs,
        "brokers": analysis.brokers,
        "people": analysis.people,
        "timeline": [
            {
                "incident_id": i,
                "received_at": t.isoformat(),
                "category": c,
                "district": d,
                "district_name": districts[d].name if d in districts else None,
                "priority": p,
                "amounts": amounts.get(i, []),
            }
            for i, t, c, d, p in reports
        ],
        "entities": [
            {
                "key": key,
                "kind": labels.split(key)[0],
                "value": labels.display(*labels.split(key)),
                "label": labels.label(key),
                "reports": len(ids),
            }
            for key, ids in sorted(mentioned.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        "links": [
            {
                "incident_id": i,
                "entity": key,
                "mention": m,
                "rule": rule,
                "confidence": conf,
                "span": [s, e],
            }
            for i, m, rule, conf, s, e, key in links
        ],
    }


def entity_links(db: Session, keys: Sequence[str]) -> dict[str, tuple[int, list[str]]]:
    """For the entity keys intelligence knows (``phone:+51…``, ``vehicle:ABC-123``): the
    entity's id and the agencies owning the reports that mention it. For another domain
    that must say that a link exists and whom to call, never what the reports hold: no
    report, network or entity content leaves here."""
    if not keys:
        return {}
    out: dict[str, tuple[int, list[str]]] = {}
    rows = db.execute(
        select(Entity.key, Entity.id, Incident.owner_agency)
        .join(Link, Link.entity_id == Entity.id)
        .join(Incident, Incident.id == Link.incident_id)
        .where(Entity.key.in_(sorted(set(keys))))
        .distinct()
    )
    for key, eid, agency in rows:
        found = out.setdefault(key, (int(eid), []))
        if agency not in found[1]:
            found[1].append(agency)
    for _key, (_eid, agencies) in out.items():
        agencies.sort()
    return out


def network_names(access: Access, entity_ids: Sequence[int]) -> dict[int, str]:
    """The network (its name) that holds each entity, as the reader sees the graph: only
    entities some readable report mentions have one."""
    if not entity_ids:
        return {}
    first: dict[int, int] = {
        int(e): int(r)
        for e, r in access.db.execute(
            access.links(Link.entity_id, func.min(Link.incident_id))
            .where(Link.entity_id.in_(list(entity_ids)))
            .group_by(Link.entity_id)
        )
    }
    out: dict[int, str] = {}
    for eid, report in first.items():
        found = _component(access, int(report))
        if found is not None:
            out[int(eid)] = _name(found[0])
    return out
