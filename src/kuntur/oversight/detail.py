"""One use-of-force report as its page shows it (``/uso-fuerza/{id}``): every field in
words, in the reader's language (Spanish first), its deadlines, referrals, the review with
the orders attached, the evidence references. Read as the JSON is (``service.get_report``:
who may, on record); the members' names shown are a personnel read, on record too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from kuntur.command.authorizations import as_legal
from kuntur.command.fleet import district_name
from kuntur.command.models import CommandUnit, LegalAuthorization, Order, Unit
from kuntur.core.i18n import render
from kuntur.core.registry import texts
from kuntur.core.timeutil import LIMA
from kuntur.identity.actor import Actor
from kuntur.identity.roles import AGENCIES
from kuntur.incidents.models import Incident
from kuntur.oversight import service


def _when(value: str | datetime | None) -> str | None:
    if value is None:
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{service._aware(at).astimezone(LIMA):%Y-%m-%d %H:%M}"


def report_page(actor: Actor, report_id: int, lang: str) -> dict[str, Any]:
    db = actor.db
    r = service.get_report(actor, report_id, view="page")
    out = service.report_out(db, r)
    words = texts()

    def word(key: str, fallback: str = "") -> str:
        label = words.get(key)
        return render(label, lang) if label is not None else (fallback or key)

    unit = db.get(Unit, r.unit_id) if r.unit_id else None
    node = db.get(CommandUnit, r.command_unit_id) if r.command_unit_id else None
    basis = db.get(LegalAuthorization, r.legal_basis_id) if r.legal_basis_id else None
    incident = db.get(Incident, r.incident_id) if r.incident_id else None
    forces = service._forces(db, r.id)
    if forces:
        service._record_read(actor, sorted({p.id for _f, p in forces}), f"uof page {r.id}")
    order_ids: set[int] = {oid for v in out["reviews"] for oid in v["order_ids"]}
    if r.order_id is not None:
        order_ids.add(r.order_id)
    orders = {
        o.id: o for o in db.scalars(select(Order).where(Order.id.in_(sorted(order_ids) or [0])))
    }
    nodes = dict(db.execute(select(CommandUnit.id, CommandUnit.name)).all())

    def order_words(oid: int) -> dict[str, Any]:
        o = orders.get(oid)
        if o is None:
            return {"id": oid, "text": "?"}
        target = nodes.get(o.target_node_id) if o.target_node_id else None
        if o.target_unit_id:
            tu = db.get(Unit, o.target_unit_id)
            target = tu.call_sign if tu else target
        return {
            "id": o.id,
            "kind": o.kind,
            "text": o.text,
            "issuer": nodes.get(o.issuer_node_id, "?"),
            "target": target or "—",
            "starts_at": _when(o.starts_at),
            "ends_at": _when(o.ends_at),
            "status": o.status,
        }

    check = out["check"]
    return {
        **out,
        "kind_words": word(f"uof_kind_{r.kind}", r.kind),
        "status_words": word(f"uof_status_{r.status}", r.status),
        "incident_words": (
            f"#{incident.id} · {incident.address or ''}".strip(" ·") if incident else None
        ),
        "unit_words": f"{unit.call_sign} ({unit.agency_code})" if unit else None,
        "node_words": f"{node.name} ({node.agency_code})" if node else None,
        "agency_words": AGENCIES.get(r.owner_agency, (r.owner_agency, ""))[0],
        "district_words": district_name(r.district_ubigeo) if r.district_ubigeo else None,
        "incident_at_words": _when(r.incident_at),
        "reported_at_words": _when(r.reported_at) if r.status != "pending" else None,
        "medical_aid_at_words": _when(r.medical_aid_at),
        "family_notified_at_words": _when(r.family_notified_at),
        "referred_at_words": _when(r.referred_at),
        "closed_at_words": _when(r.closed_at),
        "basis_words": as_legal(basis).label(lang) if basis else None,
        "supervisor_words": (word("yes") if r.supervisor_present else word("no"))
        if r.supervisor_present is not None
        else None,
        "firearm_words": word("yes") if r.firearm_discharged else word("no"),
        "members": [
            {
                "personnel_id": p.id,
                "service_number": p.service_number,
                "name": p.name,
                "rank": p.rank,
                "agency": f.agency_code,
                "level": word(f"uof_level_{f.level}", f.level),
                "rounds": f.rounds,
            }
            for f, p in forces
        ],
        "affected_words": [
            {
                "outcome": word(f"uof_outcome_{a['outcome']}", a["outcome"]),
                "age": a["age"],
                "sex": a["sex"],
            }
            for a in out["affected"]
        ],
        "missing_words": [word(f"uof_key_{k}", k) for k in check["missing"]],
        "overdue_words": [word(f"uof_key_{k}", k) for k in check["overdue"]],
        "referral_words": [word(f"uof_key_{k}", k) for k in check["referrals"]],
        "deadline_words": [
            {
                "key": k,
                "what": word(
                    "uof_deadline_report" if k == "reported_at" else "uof_deadline_review", k
                ),
                "due": _when(v),
                "state": (
                    word("desk_missed")
                    if k in check["overdue"]
                    else word("desk_pending")
                    if k in check["missing"]
                    else word("desk_met")
                ),
            }
            for k, v in check["deadlines"].items()
        ],
        "review_words": [
            {
                **v,
                "finding_words": word(f"uof_finding_{v['finding']}", v["finding"]),
                "reviewed_at_words": _when(v["reviewed_at"]),
                "orders": [order_words(oid) for oid in v["order_ids"]],
            }
            for v in out["reviews"]
        ],
        "order_words": order_words(r.order_id) if r.order_id else None,
        "photo_words": [{**p, "taken_at_words": _when(p["taken_at"])} for p in out["photos"]],
    }
