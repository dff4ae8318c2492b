"""The oversight desk's figures: use of force by agency, district and month; military
taskings by legal basis; deadlines met and missed; flags open; referrals; zero reports.
Every figure carries the ids of the records behind it, and the CSV says the same."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from kuntur.command import legal
from kuntur.command.models import LegalAuthorization, Order
from kuntur.core.exports import safe_row
from kuntur.core.i18n import _, render
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.dispatch.models import Assignment
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.oversight import service
from kuntur.oversight.manifest import OVERSIGHT_DESK_READ, OVERSIGHT_READ
from kuntur.oversight.models import EiFlag, UofForce, UofReport


class _SafeWriter:
    """A csv writer whose every row goes through ``core.exports.safe_row``."""

    def __init__(self, writer: Any) -> None:
        self._w = writer

    def writerow(self, row: list[Any]) -> None:
        self._w.writerow(safe_row(row))


def _district_words(ubigeo: str | None) -> str:
    """A district by its name (the ubigeo beside it), or that the report has none."""
    district = geo.get_district(ubigeo) if ubigeo else None
    if district is None:
        return ubigeo or _("sin distrito")
    return f"{district.name} ({ubigeo})"


def _kind_words(kind: str) -> str:
    for k, words in legal.KIND_NAMES.items():
        if k.value == kind:
            return render(words)
    return kind


def _figures(groups: dict[str, set[int]]) -> list[dict[str, Any]]:
    return [
        {"key": k, "count": len(v), "ids": sorted(v)}
        for k, v in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


def dashboard(
    actor: Actor, start: datetime | None = None, end: datetime | None = None
) -> dict[str, Any]:
    db = actor.db
    actor.require(OVERSIGHT_READ, object_type="oversight_desk")
    now = utcnow()
    end = end or now
    start = start or end - timedelta(days=365)
    reports = list(
        db.scalars(
            select(UofReport).where(UofReport.incident_at >= start, UofReport.incident_at < end)
        )
    )
    force = [r for r in reports if r.kind == "incident" and r.status != "pending"]
    agencies: dict[str, set[int]] = defaultdict(set)
    for rid, agency in db.execute(
        select(UofForce.report_id, UofForce.agency_code).where(
            UofForce.report_id.in_([r.id for r in force] or [0])
        )
    ):
        agencies[agency].add(rid)
    districts: dict[str, set[int]] = defaultdict(set)
    months: dict[str, set[int]] = defaultdict(set)
    for r in force:
        districts[_district_words(r.district_ubigeo)].add(r.id)
        at = service._aware(r.incident_at).astimezone(LIMA)
        months[f"{at:%Y-%m}"].add(r.id)
    # Military taskings by legal basis: orders and dispatches that cited one.
    taskings: dict[int, dict[str, set[int]]] = defaultdict(lambda: {"o": set(), "a": set()})
    for oid, basis in db.execute(
        select(Order.id, Order.legal_basis_id).where(
            Order.legal_basis_id.is_not(None), Order.issued_at >= start, Order.issued_at < end
        )
    ):
        taskings[int(basis or 0)]["o"].add(oid)
    for aid, basis in db.execute(
        select(Assignment.id, Assignment.legal_basis_id).where(
            Assignment.legal_basis_id.is_not(None),
            Assignment.dispatched_at >= start,
            Assignment.dispatched_at < end,
        )
    ):
        taskings[int(basis or 0)]["a"].add(aid)
    bases = {
        b.id: b
        for b in db.scalars(
            select(LegalAuthorization).where(LegalAuthorization.id.in_(list(taskings) or [0]))
        )
    }
    military = [
        {
            "legal_basis_id": bid,
            "number": bases[bid].number if bid in bases else "?",
            "kind": bases[bid].kind if bid in bases else "?",
            "kind_label": _kind_words(bases[bid].kind) if bid in bases else "?",
            "count": len(t["o"]) + len(t["a"]),
            "orders": sorted(t["o"]),
            "assignments": sorted(t["a"]),
        }
        for bid, t in sorted(taskings.items())
    ]
    # Deadlines: each report's, met (done in time), missed (late or not done and passed),
    # pending (not done, not yet due).
    dl: dict[str, dict[str, set[int]]] = {
        k: {"met": set(), "missed": set(), "pending": set()} for k in ("reported_at", "reviewed_at")
    }
    for r in reports:
        if r.kind != "incident":
            continue
        result = service.check_report(db, r, now)
        for key in result.deadlines:
            if key in result.overdue:
                dl[key]["missed"].add(r.id)
            elif key in result.missing:
                dl[key]["pending"].add(r.id)
            else:
                dl[key]["met"].add(r.id)
    flags = set(db.scalars(select(EiFlag.id).where(EiFlag.status == "open")))
    referred = {r.id for r in reports if r.referred_at is not None}
    zeros = {r.id for r in reports if r.kind == "zero"}
    # Finished months of the range, the last twelve at most: who said nothing at all.
    periods = [
        m for m in service.finished_months(min(end, now), 12) if service.month_bounds(m)[0] >= start
    ]
    missing_zero = service.missing_zero_reports(actor, periods=periods) if periods else []
    actor.record(
        OVERSIGHT_DESK_READ,
        object_type="oversight_desk",
        details={"start": start.isoformat(), "end": end.isoformat(), "reports": len(reports)},
    )
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "by_agency": _figures(agencies),
        "by_district": _figures(districts),
        "by_month": sorted(_figures(months), key=lambda f: f["key"]),
        "military_taskings": military,
        "deadlines": [
            {"deadline": k, **{s: sorted(ids) for s, ids in v.items()}} for k, v in dl.items()
        ],
        "flags_open": {"key": "flags_open", "count": len(flags), "ids": sorted(flags)},
        "referrals": {"key": "referrals", "count": len(referred), "ids": sorted(referred)},
        "zero_reports": {"key": "zero_reports", "count": len(zeros), "ids": sorted(zeros)},
        "missing_zero_reports": missing_zero,
        "generated_at": now,
    }


def dashboard_csv(data: dict[str, Any]) -> str:
    """One row per figure: section, key, count, the record ids (space-separated)."""
    out = io.StringIO()
    # Every cell through safe_row: a legal basis's number or a district key is free text,
    # and a cell starting '=' would run as a formula where the desk opens the file.
    w = _SafeWriter(csv.writer(out))
    w.writerow(["seccion/section", "clave/key", "cantidad/count", "registros/ids"])

    def ids(values: list[int]) -> str:
        return " ".join(str(i) for i in values)

    for section in ("by_agency", "by_district", "by_month"):
        for f in data[section]:
            w.writerow([section, f["key"], f["count"], ids(f["ids"])])
    for t in data["military_taskings"]:
        w.writerow(["military_taskings_orders", t["number"], len(t["orders"]), ids(t["orders"])])
        w.writerow(
            [
                "military_taskings_dispatches",
                t["number"],
                len(t["assignments"]),
                ids(t["assignments"]),
            ]
        )
    for d in data["deadlines"]:
        for state in ("met", "missed", "pending"):
            w.writerow([f"deadline_{d['deadline']}", state, len(d[state]), ids(d[state])])
    for section in ("flags_open", "referrals", "zero_reports"):
        f = data[section]
        w.writerow([section, f["key"], f["count"], ids(f["ids"])])
    # The units (command nodes) that reported nothing for a finished month, by month.
    by_period: dict[str, list[int]] = defaultdict(list)
    for m in data["missing_zero_reports"]:
        by_period[m["period"]].append(m["command_unit_id"])
    for period, nodes in sorted(by_period.items()):
        w.writerow(["missing_zero_reports", period, len(nodes), ids(nodes)])
    return out.getvalue()
