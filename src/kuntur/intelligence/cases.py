"""Cases: an analyst opens one from a network, keeps notes and the entities that matter, and
exports a case report (HTML, printable to PDF from the browser) with the link chart and the
provenance of every link. All of it for intelligence analysts with a stated purpose, audited.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

import igraph as ig
from jinja2 import Environment, select_autoescape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kuntur.audit.catalogue import EventType
from kuntur.core.context import RequestContext
from kuntur.core.db import get_or_404
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.timeutil import to_display, utcnow
from kuntur.intelligence import service
from kuntur.intelligence.models import Case, CaseEntity, CaseNote, Entity

_TEMPLATES = Environment(autoescape=select_autoescape(default=True), trim_blocks=True)


def open_case(db: Session, ctx: RequestContext, *, number: str, title: str, network: str) -> Case:
    access = service.require_analyst(db, ctx, f"case:{number}")
    number, title = number.strip(), title.strip()
    if not number or not title:
        raise InvalidInput("number and title: both are required")
    service.network_detail(access, network)  # it exists for this reader (and the view is audited)
    case = Case(
        number=number, title=title, network=network, created_by=ctx.actor, created_at=utcnow()
    )
    db.add(case)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:
        raise InvalidInput(f"number: case {number!r} already exists") from exc
    service.log(access, EventType.INTEL_CASE_OPENED, str(case.id), number=number, network=network)
    return case


def _case(db: Session, ctx: RequestContext, case_id: int) -> tuple[service.Access, Case]:
    access = service.require_analyst(db, ctx, f"case:{case_id}")
    case = get_or_404(db, Case, case_id, f"case {case_id}")
    return access, case


def add_note(db: Session, ctx: RequestContext, case_id: int, text: str) -> CaseNote:
    access, case = _case(db, ctx, case_id)
    if not text.strip():
        raise InvalidInput("text: the note is empty")
    note = CaseNote(
        case_id=case.id, author=ctx.actor, text=text.strip()[:5000], created_at=utcnow()
    )
    db.add(note)
    db.flush()
    service.log(access, EventType.INTEL_CASE_CHANGED, str(case.id), added="note")
    return note


def add_entity(db: Session, ctx: RequestContext, case_id: int, key: str) -> None:
    access, case = _case(db, ctx, case_id)
    # Only an identifier the reader can see in some report: one seen only in reports they
    # may not read is answered like an unknown one (its existence is not confirmed).
    entity_id = db.scalar(access.links(Entity.id).where(Entity.key == key).limit(1))
    if entity_id is None:
        raise InvalidInput(f"entity: {key!r} is not a known identifier")
    if db.get(CaseEntity, (case.id, entity_id)) is None:
        db.add(
            CaseEntity(case_id=case.id, entity_id=entity_id, added_by=ctx.actor, added_at=utcnow())
        )
        service.log(access, EventType.INTEL_CASE_CHANGED, str(case.id), added="entity", entity=key)


def get_case(db: Session, ctx: RequestContext, case_id: int) -> dict[str, Any]:
    access, case = _case(db, ctx, case_id)
    return _case_out(access, case)


def _case_out(access: service.Access, case: Case) -> dict[str, Any]:
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
    return {
        "id": case.id,
        "number": case.number,
        "title": case.title,
        "network": case.network,
        "status": case.status,
        "created_by": case.created_by,
        "created_at": case.created_at.isoformat(),
        "notes": [
            {"author": n.author, "text": n.text, "created_at": n.created_at.isoformat()}
            for n in notes
        ],
        "entities": [k for i, k in kept if i in seen],
    }


def list_cases(db: Session, ctx: RequestContext) -> list[dict[str, Any]]:
    service.require_analyst(db, ctx, "cases")
    return [
        {
            "id": c.id,
            "number": c.number,
            "title": c.title,
            "network": c.network,
            "status": c.status,
            "created_at": c.created_at.isoformat(),
        }
        for c in db.scalars(select(Case).order_by(Case.id.desc()))
    ]


def chart_svg(detail: dict[str, Any], width: int = 900, height: int = 600) -> str:
    """The network's identifiers and reports as a static SVG (Fruchterman-Reingold layout)."""
    names: list[str] = []
    index: dict[str, int] = {}
    edges = set()
    for link in detail["links"]:
        kind = link["entity"].split(":", 1)[0]
        if kind not in ("phone", "payment_account", "vehicle"):
            continue
        for n in (f"report:{link['incident_id']}", link["entity"]):
            if n not in index:
                index[n] = len(names)
                names.append(n)
        edges.add((index[f"report:{link['incident_id']}"], index[link["entity"]]))
    if not names:
        return ""
    g = ig.Graph(n=len(names), edges=sorted(edges))
    coords = g.layout_fruchterman_reingold(niter=300).coords
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0

    def at(i: int) -> tuple[float, float]:
        return (
            20 + (xs[i] - min(xs)) / span_x * (width - 40),
            20 + (ys[i] - min(ys)) / span_y * (height - 40),
        )

    colors = {
        "report": "#1565c0",
        "phone": "#c62828",
        "payment_account": "#6a1b9a",
        "vehicle": "#ef6c00",
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
    ]
    for a, b in sorted(edges):
        (x1, y1), (x2, y2) = at(a), at(b)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            'stroke="#9aa7b4" stroke-width="0.8"/>'
        )
    for i, n in enumerate(names):
        x, y = at(i)
        kind = n.split(":", 1)[0]
        r = 3 if kind == "report" else 6
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colors[kind]}">'
            f"<title>{html.escape(n)}</title></circle>"
        )
        if kind != "report":
            parts.append(
                f'<text x="{x + 8:.1f}" y="{y + 3:.1f}" font-size="9">'
                f"{html.escape(n.split(':', 1)[1])}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def report_html(db: Session, ctx: RequestContext, case_id: int) -> str:
    """The case report: header, notes, entities, network summary, chart, provenance table."""
    access, case_row = _case(db, ctx, case_id)
    case = _case_out(access, case_row)
    detail = _network_for(access, case_row.network)
    template = resources.files("kuntur").joinpath("web", "templates", "case_report.html")
    page = _TEMPLATES.from_string(template.read_text(encoding="utf-8")).render(
        case=case,
        detail=detail,
        chart=chart_svg(detail),
        generated=to_display(utcnow()),
        actor=ctx.actor,
        purpose=ctx.purpose,
    )
    service.log(access, EventType.INTEL_CASE_EXPORTED, str(case_id), links=len(detail["links"]))
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
            "links": [],
        }
