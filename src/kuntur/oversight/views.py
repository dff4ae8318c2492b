"""Oversight API: personnel and shifts, use-of-force reports (file, follow up, review,
close, zero reports, deadlines), complaints, early intervention, the oversight bodies'
notes and the desk's dashboard (JSON and CSV)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import AwareDatetime

from kuntur.core.timeutil import utcnow
from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.identity.web import ActorDep
from kuntur.oversight import desk, service
from kuntur.oversight.schemas import (
    ComplaintIn,
    ComplaintOut,
    ComplaintStatusIn,
    Dashboard,
    FlagOut,
    FlagResponseIn,
    FlagRunIn,
    FollowUpIn,
    MissingZeroOut,
    NoteIn,
    NoteOut,
    OnDutyOut,
    OverdueOut,
    PersonnelIn,
    PersonnelOut,
    ReportBrief,
    ReportIn,
    ReportOut,
    ReviewIn,
    ReviewOut,
    ShiftIn,
    ShiftOut,
    ThresholdsIn,
    ThresholdsOut,
    ZeroIn,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/oversight", tags=["oversight"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Lang = Annotated[Literal["es", "en"], Query()]


# --- personnel -------------------------------------------------------------------------
@router.get("/personnel", response_model=list[PersonnelOut])
def list_personnel(
    actor: ActorDep, node: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> list[dict[str, Any]]:
    """Personnel (minimal data), each read on record."""
    return [service.personnel_out(p) for p in service.list_personnel(actor, node)]


@router.post("/personnel", response_model=PersonnelOut, status_code=status.HTTP_201_CREATED)
def create_personnel(data: PersonnelIn, actor: ActorDep) -> dict[str, Any]:
    return service.personnel_out(service.create_personnel(actor, **data.model_dump()))


@router.get("/personnel/{personnel_id}", response_model=PersonnelOut)
def get_personnel(personnel_id: Id, actor: ActorDep) -> dict[str, Any]:
    return service.personnel_out(service.get_personnel(actor, personnel_id))


@router.post(
    "/personnel/{personnel_id}/shifts", response_model=ShiftOut, status_code=status.HTTP_201_CREATED
)
def assign_shift(personnel_id: Id, data: ShiftIn, actor: ActorDep) -> dict[str, Any]:
    s = service.assign_shift(actor, personnel_id, data.unit_id, data.starts_at, data.ends_at)
    return service.shift_out(s)


@router.get("/units/{unit_id}/on-duty", response_model=OnDutyOut)
def on_duty(
    unit_id: Id, actor: ActorDep, at: Annotated[AwareDatetime | None, Query()] = None
) -> dict[str, Any]:
    """Who was on the unit at a time (default now)."""
    when = at or utcnow()
    rows = service.on_duty(actor, unit_id, when)
    return {
        "unit_id": unit_id,
        "at": when.isoformat(),
        "personnel": [service.personnel_out(p) for p in rows],
    }


# --- use-of-force reports --------------------------------------------------------------
@router.get("/uof", response_model=list[ReportBrief])
def list_reports(
    actor: ActorDep,
    status_: Annotated[Literal["pending", "filed", "closed"] | None, Query(alias="status")] = None,
    kind: Annotated[Literal["incident", "zero"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    return [service.report_brief(actor.db, r) for r in service.list_reports(actor, status_, kind)]


@router.get("/uof/pending", response_model=list[ReportBrief])
def pending_reports(actor: ActorDep) -> list[dict[str, Any]]:
    """Reports due and not filed (incidents closed with force): for the reporting desks."""
    return [service.report_brief(actor.db, r) for r in service.pending_reports(actor)]


@router.post("/uof", response_model=ReportOut, status_code=status.HTTP_201_CREATED)
def file_report(data: ReportIn, actor: ActorDep) -> dict[str, Any]:
    """File a report (fulfils the incident's pending obligation); deaths and serious
    injuries are referred to the Fiscalía and the Defensoría at once."""
    return service.report_out(actor.db, service.file_report(actor, data))


@router.post("/uof/zero", response_model=ReportOut, status_code=status.HTTP_201_CREATED)
def zero_report(data: ZeroIn, actor: ActorDep) -> dict[str, Any]:
    """A unit's zero report: no force used in the month."""
    return service.report_out(
        actor.db, service.zero_report(actor, data.command_unit_id, data.period)
    )


@router.get("/uof/members", response_model=list[PersonnelOut])
def find_members(
    actor: ActorDep,
    q: Annotated[str | None, Query(max_length=100, description="service number or name")] = None,
    report: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="a report: who was on shift then")
    ] = None,
) -> list[dict[str, Any]]:
    """Members to name in a report: by service number or name (``q``), or those on shift on
    a report's units at its incident's time (``report``). Each read on record."""
    if report is not None:
        return [service.personnel_out(p) for p in service.members_on_shift(actor, report)]
    return [service.personnel_out(p) for p in service.find_members(actor, q or "")]


@router.get("/uof/{report_id}", response_model=ReportOut)
def get_report(
    report_id: Id, actor: ActorDep, at: Annotated[AwareDatetime | None, Query()] = None
) -> dict[str, Any]:
    """A report with the rules' check as of ``at`` (default now)."""
    return service.report_out(actor.db, service.get_report(actor, report_id), at)


@router.get(
    "/uof/{report_id}/photos/{photo_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "the stored photo"}},
)
def get_photo(report_id: Id, photo_id: Id, actor: ActorDep) -> Response:
    """An evidence photo, exactly the bytes whose SHA-256 the audit log holds (the header
    ``X-Content-SHA256`` repeats it). For those who may read the report; read on record."""
    p = service.get_photo(actor, report_id, photo_id)
    return Response(
        p.data,
        media_type=p.content_type,
        headers={"Cache-Control": "no-store", "X-Content-SHA256": p.sha256},
    )


@router.post("/uof/{report_id}/follow-up", response_model=ReportOut)
def follow_up(report_id: Id, data: FollowUpIn, actor: ActorDep) -> dict[str, Any]:
    """Medical aid (who, when), family notice, legal basis, supervisor present."""
    return service.report_out(actor.db, service.follow_up(actor, report_id, data))


@router.post(
    "/uof/{report_id}/review", response_model=ReviewOut, status_code=status.HTTP_201_CREATED
)
def review(report_id: Id, data: ReviewIn, actor: ActorDep) -> dict[str, Any]:
    """Review by someone neither involved nor in the involved members' chain of command."""
    v = service.review(
        actor, report_id, finding=data.finding, text=data.text, order_ids=data.order_ids
    )
    return {
        "id": v.id,
        "reviewer": v.reviewer,
        "finding": v.finding,
        "text": v.text,
        "order_ids": [int(x) for x in v.order_ids.split(",") if x],
        "reviewed_at": v.reviewed_at.isoformat(),
    }


@router.post("/uof/{report_id}/close", response_model=ReportOut)
def close_report(report_id: Id, actor: ActorDep) -> dict[str, Any]:
    """Close a report; refused (422, naming each element) while one is missing."""
    return service.report_out(actor.db, service.close_report(actor, report_id))


@router.get("/deadlines", response_model=list[OverdueOut])
def deadlines(
    actor: ActorDep, at: Annotated[AwareDatetime | None, Query()] = None
) -> list[dict[str, Any]]:
    """Open reports with a deadline passed: for the commander and oversight."""
    return [
        {
            "report_id": r.id,
            "incident_id": r.incident_id,
            "command_unit_id": r.command_unit_id,
            "overdue": res.overdue,
            "missing": res.missing,
            "deadlines": {k: v.isoformat() for k, v in res.deadlines.items()},
        }
        for r, res in service.overdue(actor, at)
    ]


@router.get("/deadlines/zero-reports", response_model=list[MissingZeroOut])
def missing_zero_reports(
    actor: ActorDep,
    at: Annotated[AwareDatetime | None, Query()] = None,
    months: Annotated[int, Query(ge=1, le=24, description="finished months before at's")] = 3,
) -> list[dict[str, Any]]:
    """Units with neither a use-of-force report nor a zero report for a finished month."""
    return service.missing_zero_reports(actor, at, months)


# --- complaints ------------------------------------------------------------------------
@router.get("/complaints", response_model=list[ComplaintOut])
def list_complaints(actor: ActorDep) -> list[dict[str, Any]]:
    return [service.complaint_out(c) for c in service.list_complaints(actor)]


@router.post("/complaints", response_model=ComplaintOut, status_code=status.HTTP_201_CREATED)
def file_complaint(data: ComplaintIn, actor: ActorDep) -> dict[str, Any]:
    return service.complaint_out(service.file_complaint(actor, data))


@router.post("/complaints/{complaint_id}/status", response_model=ComplaintOut)
def complaint_status(complaint_id: Id, data: ComplaintStatusIn, actor: ActorDep) -> dict[str, Any]:
    c = service.update_complaint(actor, complaint_id, data.status, data.outcome)
    return service.complaint_out(c)


# --- early intervention ----------------------------------------------------------------
@router.get("/ei/thresholds", response_model=list[ThresholdsOut])
def list_thresholds(actor: ActorDep) -> list[dict[str, Any]]:
    return [service.thresholds_out(t) for t in service.list_thresholds(actor)]


@router.post("/ei/thresholds", response_model=ThresholdsOut, status_code=status.HTTP_201_CREATED)
def set_thresholds(data: ThresholdsIn, actor: ActorDep) -> dict[str, Any]:
    """A new version of the thresholds (flags already raised keep theirs)."""
    return service.thresholds_out(service.set_thresholds(actor, data))


@router.post("/ei/flags", response_model=list[FlagOut])
def compute_flags(data: FlagRunIn, actor: ActorDep, lang: Lang = "es") -> list[dict[str, Any]]:
    """Compute the flags as of ``at`` (default now); returns the new ones."""
    return [service.flag_out(actor.db, f, lang) for f in service.compute_flags(actor, data.at)]


@router.get("/ei/flags", response_model=list[FlagOut])
def list_flags(
    actor: ActorDep,
    status_: Annotated[Literal["open", "responded"] | None, Query(alias="status")] = None,
    lang: Lang = "es",
) -> list[dict[str, Any]]:
    return [service.flag_out(actor.db, f, lang) for f in service.list_flags(actor, status_)]


@router.post("/ei/flags/{flag_id}/response", response_model=FlagOut)
def respond_flag(
    flag_id: Id, data: FlagResponseIn, actor: ActorDep, lang: Lang = "es"
) -> dict[str, Any]:
    """A supervisor's documented response (a flag is never discipline by itself)."""
    return service.flag_out(actor.db, service.respond_flag(actor, flag_id, data.response), lang)


# --- notes and the desk ----------------------------------------------------------------
@router.get("/notes", response_model=list[NoteOut])
def my_notes(actor: ActorDep) -> list[dict[str, Any]]:
    """The notes of the reader's own oversight body."""
    return [service.note_out(n) for n in service.my_notes(actor)]


@router.post("/notes", response_model=NoteOut, status_code=status.HTTP_201_CREATED)
def add_note(data: NoteIn, actor: ActorDep) -> dict[str, Any]:
    return service.note_out(service.add_note(actor, data.object_type, data.object_id, data.text))


Since = Annotated[AwareDatetime | None, Query(description="from (default: a year ago)")]
Until = Annotated[AwareDatetime | None, Query(description="to (default: now)")]


@router.get("/dashboard", response_model=Dashboard)
def dashboard(actor: ActorDep, start: Since = None, end: Until = None) -> dict[str, Any]:
    """The desk's figures, each with the ids of the records behind it."""
    return desk.dashboard(actor, start, end)


@router.get(
    "/dashboard.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the figures as CSV"}},
)
def dashboard_csv(actor: ActorDep, start: Since = None, end: Until = None) -> Response:
    data = desk.dashboard(actor, start, end)
    stamp = f"{data['generated_at']:%Y%m%d}"
    return Response(
        desk.dashboard_csv(data),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="supervision-{stamp}.csv"'},
    )
