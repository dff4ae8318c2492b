"""Cases: an analyst opens one from a network, keeps notes and the entities that matter, and
exports a case report (HTML, printable to PDF from the browser) with the link chart and the
provenance of every link.

A case belongs to the agency of the analyst who opened it and to a team: only its members
read, annotate and export it (oversight reads it, changes nothing); anyone else is told it
does not exist, and the attempt is audited. Inside a case the case itself is the purpose of
the work, and every read and change is audited with it.
"""

from __future__ import annotations

import dataclasses
import html
import uuid
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import igraph as ig
from jinja2 import Environment, select_autoescape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kuntur.audit import commitments
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.i18n import LANGS, SOURCE, _, install_gettext, n_, render
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity import purposes
from kuntur.identity.actor import Actor
from kuntur.identity.models import SharingRule, User
from kuntur.identity.roles import OPERATIONAL_AGENCIES
from kuntur.incidents.categories import CATEGORY_LABELS
from kuntur.incidents.models import ImportBatch
from kuntur.intelligence import labels, networks, service
from kuntur.intelligence.manifest import (
    INTEL_CASE_CHANGED,
    INTEL_CASE_EXPORTED,
    INTEL_CASE_OPENED,
    INTEL_CASE_READ,
    INTEL_OVERSEE,
    INTEL_READ,
    INTEL_SEARCH,
)
from kuntur.intelligence.models import Case, CaseEntity, CaseMember, CaseNote, Entity

_TEMPLATES = Environment(
    autoescape=select_autoescape(default=True), trim_blocks=True, extensions=["jinja2.ext.i18n"]
)
install_gettext(_TEMPLATES)  # the report in its reader's language (its ``lang``)


def open_case(
    actor: Actor,
    *,
    number: str | None,
    title: str,
    network: str,
    investigation: str | None = None,
) -> Case:
    """Open a case on a network: it belongs to the creator's agency, and the creator is its
    first member. No earlier purpose is needed: the new case is the purpose of the view
    that opens it, and the opening is audited.

    ``investigation``: the investigation it belongs to (default: ``number``); several
    cases may share one. ``number``: the case's own (unique); without one, Kuntur numbers
    it ``<investigation>/<id>``, so a second case of an investigation is never refused."""
    db = actor.db
    actor.require(INTEL_READ, object_type="case", object_id="cases")
    if not (number or investigation):
        raise InvalidInput(_("investigación: indique su número (p. ej. CASO-2026-0001)"))
    investigation = purposes.check_case_number(investigation or number or "")
    given = purposes.check_case_number(number) if number else None
    title = title.strip()
    if not title:
        raise InvalidInput(_("título: escriba uno"))
    if not actor.is_system and actor.agency not in OPERATIONAL_AGENCIES:
        raise InvalidInput(
            _("{agency} es un órgano de control: lee, no abre casos", agency=actor.agency)
        )
    now = utcnow()
    case = Case(
        # Numbered after the flush when none is given: the id makes it unique without
        # looking at (and so revealing) other agencies' cases.
        number=given or f"pendiente-{uuid.uuid4().hex}",
        investigation=investigation,
        title=title,
        network=network,
        created_by=actor.who,
        created_at=now,
        owner_agency=actor.agency or "PNP",
    )
    db.add(case)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise InvalidInput(
            _(
                "número: el caso {case} ya existe; deje el número vacío y Kuntur numera el caso "
                "dentro de la investigación",
                case=given,
            )
        ) from exc
    if given is None:
        case.number = f"{investigation}/{case.id}"
        db.flush()
    number = case.number
    if actor.ctx.user_id is not None:
        db.add(
            CaseMember(case_id=case.id, user_id=actor.ctx.user_id, added_by=actor.who, added_at=now)
        )
    access = _as_case(service.readable(actor), case)
    # The network must exist for this reader (else the whole opening rolls back); the view
    # is audited with the new case as its purpose.
    service.network_detail(access, network)
    service.log(
        access,
        INTEL_CASE_OPENED,
        str(case.id),
        number=number,  # a code (purposes.CASE_NUMBER); the title is free text: committed
        investigation=investigation,
        network=network,
        title=commitments.commit("case-title", title),
    )
    return case


def _oversight(actor: Actor) -> bool:
    """Control auditors read cases, never change them (decision 0005): ``intel.oversee``,
    held by the auditor role only. The oversight bodies' ``audit.read`` does not reach
    intelligence: it is not in their mandate."""
    return actor.can(INTEL_OVERSEE) and not actor.can(INTEL_READ)


def is_member(actor: Actor, case: Case) -> bool:
    if actor.is_system:
        return True
    return (
        actor.ctx.user_id is not None
        and actor.db.get(CaseMember, (case.id, actor.ctx.user_id)) is not None
    )


def _as_case(access: service.Access, case: Case, *, oversight: bool = False) -> service.Access:
    """The same reader, with the case as the purpose of what they do in it."""
    ref = case_ref(case)
    return dataclasses.replace(
        access, actor=access.actor.with_purpose(f"oversight:{ref}" if oversight else ref)
    )


def _case(actor: Actor, case_id: int, *, write: bool = False) -> tuple[service.Access, Case]:
    """A case for one of its members (and, read-only, for oversight). Anyone else is told
    it does not exist, and the attempt is audited. The case is the purpose of the work."""
    oversight = not write and _oversight(actor)
    if not oversight:
        actor.require(INTEL_READ, object_type="case", object_id=str(case_id))
    case = actor.db.get(Case, case_id)
    if case is None:
        actor.refuse(reason="no_such_case", object_type="case", object_id=str(case_id))
    member = is_member(actor, case)
    if not (member or oversight):
        actor.refuse(reason="not_a_case_member", object_type="case", object_id=str(case_id))
    return _as_case(service.readable(actor), case, oversight=not member), case


def add_note(actor: Actor, case_id: int, text: str) -> dict[str, Any]:
    db = actor.db
    access, case = _case(actor, case_id, write=True)
    if not text.strip():
        raise InvalidInput(_("text: la nota está vacía"))
    note = CaseNote(
        case_id=case.id, author=actor.who, text=text.strip()[:5000], created_at=utcnow()
    )
    db.add(note)
    db.flush()
    # The note's id and a commitment to its text: the log can later prove what it said,
    # without holding what it said.
    service.log(
        access,
        INTEL_CASE_CHANGED,
        str(case.id),
        added="note",
        note=note.id,
        text=commitments.commit("note", note.text),
    )
    return case_out(access, case)


def add_entity(actor: Actor, case_id: int, key: str) -> dict[str, Any]:
    db = actor.db
    access, case = _case(actor, case_id, write=True)
    # Only an identifier the reader can see in some report: one seen only in reports they
    # may not read is answered like an unknown one (its existence is not confirmed).
    found = db.execute(access.links(Entity.id, Entity.kind).where(Entity.key == key).limit(1))
    row = found.first()
    if row is None:
        raise InvalidInput(_("entidad: {key!r} no es un identificador conocido", key=key))
    entity_id, kind = row
    if db.get(CaseEntity, (case.id, entity_id)) is None:
        db.add(
            CaseEntity(case_id=case.id, entity_id=entity_id, added_by=actor.who, added_at=utcnow())
        )
        # Never the phone number or account itself: its id, its kind, and a commitment
        # that proves which value it was even after the entity is erased.
        service.log(
            access,
            INTEL_CASE_CHANGED,
            str(case.id),
            added="entity",
            entity=entity_id,
            kind=kind,
            value=commitments.commit("entity", key),
        )
    return case_out(access, case)


def _analyst(user: User) -> bool:
    return any(r in INTEL_READ.roles for r in user.role_set)


def add_member(actor: Actor, case_id: int, username: str) -> dict[str, Any]:
    """Add an intelligence analyst to the team. Members add analysts of the case's agency,
    or of an agency the case's agency shares its records with (a sharing rule): the same
    rule that lets that agency read the reports the case is made of. The joint command's
    default rules share police, armed forces and Serenazgo records with every agency."""
    db = actor.db
    access, case = _case(actor, case_id, write=True)
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None or user.disabled or not _analyst(user):
        raise InvalidInput(
            _("usuario: {username!r} no es un analista de inteligencia activo", username=username)
        )
    shared = user.agency_code == case.owner_agency or db.scalar(
        select(SharingRule.id)
        .where(
            SharingRule.owner_agency == case.owner_agency,
            SharingRule.grantee_agency.in_([user.agency_code, "*"]),
        )
        .limit(1)
    )
    if not shared:
        raise InvalidInput(
            _(
                "usuario: {owner} no comparte sus registros con {agency}, así que sus analistas "
                "no pueden unirse a este caso",
                owner=case.owner_agency,
                agency=user.agency_code,
            )
        )
    if db.get(CaseMember, (case.id, user.id)) is None:
        db.add(CaseMember(case_id=case.id, user_id=user.id, added_by=actor.who, added_at=utcnow()))
        service.log(
            access,
            INTEL_CASE_CHANGED,
            str(case.id),
            added="member",
            member=user.id,
            member_agency=user.agency_code,
        )
    return case_out(access, case)


def get_case(actor: Actor, case_id: int) -> dict[str, Any]:
    access, case = _case(actor, case_id)
    out = case_out(access, case)
    service.log(access, INTEL_CASE_READ, str(case.id), notes=len(out["notes"]))
    return out


def case_out(access: service.Access, case: Case) -> dict[str, Any]:
    db = access.db
    notes = db.scalars(
        select(CaseNote).where(CaseNote.case_id == case.id).order_by(CaseNote.created_at)
    ).all()
    kept = db.execute(
        select(Entity.id, Entity.key)
        .join(CaseEntity, CaseEntity.entity_id == Entity.id)
        .where(CaseEntity.case_id == case.id)
        .order_by(Entity.key)
    ).all()
    # A case's entities as this reader may see them: another member (of another agency, or
    # with a higher clearance) may have added one this reader sees in no report.
    seen = access.visible_entities([i for i, _k in kept])
    members = db.execute(
        select(User.username, User.agency_code)
        .join(CaseMember, CaseMember.user_id == User.id)
        .where(CaseMember.case_id == case.id)
        .order_by(User.username)
    ).all()
    return {
        "id": case.id,
        "number": case.number,
        "investigation": case.investigation or case.number,
        "title": case.title,
        "network": case.network,
        "status": case.status,
        "owner_agency": case.owner_agency,
        "members": [{"username": u, "agency": a} for u, a in members],
        "created_by": case.created_by,
        "created_at": case.created_at.isoformat(),
        "notes": [
            {
                "id": n.id,
                "author": n.author,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
            }
            for n in notes
        ],
        "entities": [k for i, k in kept if i in seen],
        "entity_labels": {k: labels.label(k) for i, k in kept if i in seen},
    }


def list_cases(actor: Actor) -> list[dict[str, Any]]:
    """The reader's cases (those they are a member of); oversight sees every case."""
    oversight = _oversight(actor)
    if not oversight:
        actor.require(INTEL_READ, object_type="case", object_id="cases")
    query = select(Case).order_by(Case.id.desc())
    if not oversight and not actor.is_system:
        query = query.join(CaseMember, CaseMember.case_id == Case.id).where(
            CaseMember.user_id == actor.ctx.user_id
        )
    out = [
        {
            "id": c.id,
            "number": c.number,
            "investigation": c.investigation or c.number,
            "title": c.title,
            "network": c.network,
            "status": c.status,
            "owner_agency": c.owner_agency,
            "created_at": c.created_at.isoformat(),
        }
        for c in actor.db.scalars(query)
    ]
    service.log(service.readable(actor), INTEL_SEARCH, "cases", results=len(out))
    return out


def chart_svg(
    detail: dict[str, Any], width: int = 900, height: int = 600, lang: str = SOURCE
) -> str:
    """The network's identifiers as a static SVG (Fruchterman-Reingold layout): reports are
    folded into weighted edges (``networks.collapse``: two identifiers named in the same
    reports, the line as thick as the reports they share), nodes sized by their reports and
    labelled in words ("Teléfono +51 987 654 321")."""
    nodes, edges = networks.collapse([(ln["incident_id"], ln["entity"]) for ln in detail["links"]])
    names = sorted(nodes, key=lambda k: (-len(nodes[k]), k))
    if not names:
        return ""
    index = {n: i for i, n in enumerate(names)}
    pairs = sorted((index[a], index[b]) for a, b in edges)
    weights = [
        len(edges[(names[a], names[b])])
        if (names[a], names[b]) in edges
        else len(edges[(names[b], names[a])])
        for a, b in pairs
    ]
    g = ig.Graph(n=len(names), edges=pairs)
    coords = g.layout_fruchterman_reingold(
        niter=500, seed=[[i % 7, i // 7] for i in range(len(names))]
    ).coords
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    pad = 60

    def at(i: int) -> tuple[float, float]:
        return (
            pad + (xs[i] - min(xs)) / span_x * (width - 2 * pad - 140),
            pad + (ys[i] - min(ys)) / span_y * (height - 2 * pad),
        )

    title = _("Gráfico de vínculos", lang)
    colors = {"phone": "#c62828", "payment_account": "#6a1b9a", "vehicle": "#ef6c00"}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">'
    ]
    top = max(weights, default=1)
    for (a, b), w in zip(pairs, weights, strict=True):
        (x1, y1), (x2, y2) = at(a), at(b)
        shared = html.escape(n_("{n} reporte en común", "{n} reportes en común", w, lang))
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#7d8b99" '
            f'stroke-width="{1 + 5 * w / top:.1f}"><title>{shared}</title></line>'
        )
        parts.append(
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 3:.1f}" font-size="10" '
            f'fill="#44515e" text-anchor="middle">{w}</text>'
        )
    most = max(len(v) for v in nodes.values())
    for i, n in enumerate(names):
        x, y = at(i)
        kind = n.split(":", 1)[0]
        r = 5 + 9 * (len(nodes[n]) / most) ** 0.5
        text = html.escape(labels.label(n, lang))
        count = html.escape(n_("{n} reporte", "{n} reportes", len(nodes[n]), lang))
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colors.get(kind, "#455a64")}">'
            f"<title>{text}: {count}</title></circle>"
        )
        parts.append(
            f'<text x="{x + r + 3:.1f}" y="{y + 4:.1f}" font-size="11">{text} '
            f"({len(nodes[n])})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _synthetic(actor: Actor) -> bool:
    """The demo's data is synthetic, and every page that shows it says so."""
    batch = actor.db.scalar(
        select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1)
    )
    return batch is not None


def _lima(iso: str) -> str:
    """An ISO time as a reader in Lima writes it: 01/12/2026 09:05."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LIMA).strftime("%d/%m/%Y %H:%M")


def report_html(actor: Actor, case_id: int, lang: str = SOURCE) -> str:
    """The case report: header, notes, entities, network summary, chart, provenance table.
    Printable (numbered A4 pages); times in Lima, identifiers, districts and categories in
    words; the demo's synthetic data marked on every page. In the reader's ``lang``
    (Spanish unless they chose English)."""
    lang = lang if lang in LANGS else SOURCE
    access, case_row = _case(actor, case_id)
    case = case_out(access, case_row)
    detail = _network_for(access, case_row.network)
    template = resources.files("kuntur").joinpath("web", "templates", "case_report.html")
    page = _TEMPLATES.from_string(template.read_text(encoding="utf-8")).render(
        case=case,
        detail=detail,
        lang=lang,
        chart=chart_svg(detail, lang=lang),
        generated=_lima(utcnow().isoformat()),
        actor=actor.who.removeprefix("user:"),
        purpose=access.ctx.purpose,
        synthetic=_synthetic(actor),
        lima=_lima,
        label=lambda key: labels.label(key, lang),
        mention=lambda kind: labels.mention(kind, lang),
        amount=lambda value: labels.display("amount", value),
        category=lambda c: render(CATEGORY_LABELS[c], lang) if c in CATEGORY_LABELS else c,
        user=lambda who: str(who).removeprefix("user:").removeprefix("system:"),
    )
    service.log(access, INTEL_CASE_EXPORTED, str(case_id), links=len(detail["links"]))
    return page


def _network_for(access: service.Access, name: str) -> dict[str, Any]:
    """The case's network as this reader sees it now (it may have grown into an older one,
    and a member of another agency may see a smaller part of it); empty when they see none
    of it."""
    try:
        return service.network_detail(access, name, follow=True)
    except NotFound:
        return {
            "network": name,
            "reports": 0,
            "communities": {},
            "key_players": [],
            "payment_hubs": [],
            "brokers": [],
            "people": [],
            "timeline": [],
            "entities": [],
            "links": [],
        }


def case_ref(case: Case) -> str:
    """The case as the audit log names it: its number, or its id for a number typed before
    numbers had to be codes (free text must not reach the log)."""
    number_ok = purposes.CASE_NUMBER.fullmatch(case.number)
    return f"case:{case.number}" if number_ok else f"case:#{case.id}"
