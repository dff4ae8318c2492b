"""API shapes for oversight: personnel, shifts, use-of-force reports and their check,
reviews, complaints, early intervention, notes, the desk's dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

MAX_ID = 2**53
Level = Literal["presence", "verbal", "physical", "non_lethal", "firearm"]
Outcome = Literal["none", "injury", "serious_injury", "death"]
Finding = Literal["within_policy", "training", "disciplinary_referral", "criminal_referral"]


class PersonnelIn(BaseModel):
    service_number: str = Field(min_length=1, max_length=40, pattern=r"^[\w\-./]+$")
    name: str = Field(min_length=1, max_length=200)
    rank: str = Field(min_length=1, max_length=60)
    agency: str = Field(max_length=16)
    command_unit_id: int = Field(ge=1, le=MAX_ID)
    status: Literal["active", "suspended", "retired"] = "active"
    user_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class PersonnelOut(BaseModel):
    id: int
    service_number: str
    name: str
    rank: str
    agency: str
    command_unit_id: int
    status: str


class ShiftIn(BaseModel):
    unit_id: int = Field(ge=1, le=MAX_ID)
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class ShiftOut(BaseModel):
    id: int
    personnel_id: int
    unit_id: int
    starts_at: str
    ends_at: str


class OnDutyOut(BaseModel):
    unit_id: int
    at: str
    personnel: list[PersonnelOut]


class ForceIn(BaseModel):
    personnel_id: int = Field(ge=1, le=MAX_ID)
    level: Level
    rounds: int = Field(default=0, ge=0, le=1000)


class AffectedIn(BaseModel):
    outcome: Outcome
    age: int | None = Field(default=None, ge=0, le=120)
    sex: Literal["F", "M", "X"] | None = None


class ReportIn(BaseModel):
    incident_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    order_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    unit_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    incident_at: AwareDatetime | None = Field(
        default=None, description="when force was used; default: the incident's time"
    )
    place: str = Field(default="", max_length=300)
    location_type: str = Field(default="", max_length=40)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    contact_reason: str = Field(default="", max_length=300)
    force: list[ForceIn] = Field(min_length=1, max_length=50)
    affected: list[AffectedIn] = Field(default_factory=list, max_length=50)
    medical_aid_at: AwareDatetime | None = None
    medical_aid_by: str | None = Field(default=None, max_length=200)
    family_notified_at: AwareDatetime | None = None
    supervisor_present: bool | None = None
    legal_basis_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    bodycam_refs: list[str] = Field(default_factory=list, max_length=20)
    evidence_refs: list[str] = Field(default_factory=list, max_length=20)
    reported_at: AwareDatetime | None = Field(
        default=None, description="default: now (the report is filed as it is sent)"
    )


class FollowUpIn(BaseModel):
    medical_aid_at: AwareDatetime | None = None
    medical_aid_by: str | None = Field(default=None, max_length=200)
    family_notified_at: AwareDatetime | None = None
    legal_basis_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    supervisor_present: bool | None = None


class ZeroIn(BaseModel):
    command_unit_id: int = Field(ge=1, le=MAX_ID)
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")


class ReviewIn(BaseModel):
    finding: Finding
    text: str = Field(min_length=1, max_length=5000)
    order_ids: list[int] = Field(default_factory=list, max_length=20)


class CheckOut(BaseModel):
    complete: bool
    missing: list[str]
    overdue: list[str]
    referrals: list[str]
    deadlines: dict[str, str] = Field(description="each deadline, as an instant")


class ForceOut(BaseModel):
    personnel_id: int
    service_number: str
    agency: str
    level: str
    rounds: int


class AffectedOut(BaseModel):
    outcome: str
    age: int | None
    sex: str | None


class ReviewOut(BaseModel):
    id: int
    reviewer: str
    finding: str
    text: str
    order_ids: list[int]
    reviewed_at: str


class PhotoOut(BaseModel):
    """An evidence photo: its hashes (the stored bytes' is the one in the audit event), the
    metadata kept (when, and where if the officer attached it), and where to see it."""

    id: int
    report_id: int
    sha256: str = Field(description="SHA-256 of the stored bytes (as in uof.evidence)")
    original_sha256: str = Field(description="SHA-256 of the file as received")
    size_bytes: int
    width: int
    height: int
    taken_at: str | None
    latitude: float | None
    longitude: float | None
    attached_by: str
    attached_at: str
    url: str


class ReportOut(BaseModel):
    id: int
    kind: str
    status: str
    incident_id: int | None
    order_id: int | None
    unit_id: int | None
    command_unit_id: int | None
    period: str | None
    incident_at: str
    reported_at: str | None
    place: str | None
    location_type: str | None
    district: str | None
    contact_reason: str | None
    firearm_discharged: bool
    rounds: int
    force: list[ForceOut]
    affected: list[AffectedOut]
    medical_aid_at: str | None
    medical_aid_by: str | None
    family_notified_at: str | None
    supervisor_present: bool | None
    legal_basis_id: int | None
    bodycam_refs: list[str]
    evidence_refs: list[str]
    referred_at: str | None
    reviews: list[ReviewOut]
    photos: list[PhotoOut] = Field(default_factory=list)
    check: CheckOut
    closed_at: str | None


class ReportBrief(BaseModel):
    id: int
    kind: str
    status: str
    incident_id: int | None
    unit_id: int | None
    command_unit_id: int | None
    period: str | None
    incident_at: str
    agency: str
    missing: list[str]
    overdue: list[str]
    referrals: list[str]


class OverdueOut(BaseModel):
    report_id: int
    incident_id: int | None
    command_unit_id: int | None
    overdue: list[str]
    missing: list[str]
    deadlines: dict[str, str]


class MissingZeroOut(BaseModel):
    period: str = Field(description="the finished month, YYYY-MM (Lima)")
    command_unit_id: int
    name: str
    agency: str
    pending_report_ids: list[int] = Field(
        description="reports due in the month and not filed (they are no report)"
    )


class ComplaintIn(BaseModel):
    summary: str = Field(min_length=1, max_length=5000)
    personnel_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    unit_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    incident_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    channel: Literal["internal", "citizen"] = "internal"
    received_at: AwareDatetime | None = None


class ComplaintStatusIn(BaseModel):
    status: Literal["open", "investigating", "closed"]
    outcome: (
        Literal["sustained", "not_sustained", "unfounded", "exonerated", "withdrawn"] | None
    ) = None


class ComplaintOut(BaseModel):
    id: int
    channel: str
    incident_id: int | None
    personnel_id: int | None
    unit_id: int | None
    received_at: str
    summary: str
    status: str
    outcome: str | None
    closed_at: str | None


class ThresholdsIn(BaseModel):
    window_days: int = Field(ge=1, le=3650)
    complaints: int | None = Field(default=None, ge=0, le=1000)
    uof_reports: int | None = Field(default=None, ge=0, le=1000)
    injuries: int | None = Field(default=None, ge=0, le=1000)
    review_findings: int | None = Field(default=None, ge=0, le=1000)


class ThresholdsOut(BaseModel):
    id: int
    version: int
    window_days: int
    complaints: int | None
    uof_reports: int | None
    injuries: int | None
    review_findings: int | None
    created_at: str
    superseded_at: str | None


class FlagRunIn(BaseModel):
    at: AwareDatetime | None = None


class Indicator(BaseModel):
    value: int
    threshold: int | None
    crossed: bool
    ids: list[int] = Field(description="the records behind the value")


class FlagOut(BaseModel):
    id: int
    personnel_id: int
    thresholds_version: int
    window_start: str
    window_end: str
    indicators: dict[str, Indicator] = Field(
        description="complaints, uof_reports, injuries, review_findings: each one's value, "
        "threshold, whether it crossed, and record ids"
    )
    explanation: str = Field(description="in the reader's language")
    explanation_es: str
    explanation_en: str
    status: str
    response: str | None
    responded_by: str | None
    responded_at: str | None


class FlagResponseIn(BaseModel):
    response: str = Field(min_length=1, max_length=5000)


class NoteIn(BaseModel):
    object_type: Literal["uof_report", "complaint", "ei_flag", "incident", "order"]
    object_id: int = Field(ge=1, le=MAX_ID)
    text: str = Field(min_length=1, max_length=5000)


class NoteOut(BaseModel):
    id: int
    object_type: str
    object_id: int
    agency: str
    author: str
    text: str
    created_at: str


class Figure(BaseModel):
    key: str
    count: int
    ids: list[int] = Field(description="the records behind the figure")


class Tasking(BaseModel):
    legal_basis_id: int
    number: str
    kind: str
    kind_label: str  # the kind in words, Spanish first
    count: int
    orders: list[int]
    assignments: list[int]


class DeadlineFigure(BaseModel):
    deadline: str
    met: list[int]
    missed: list[int]
    pending: list[int]


class Dashboard(BaseModel):
    start: str
    end: str
    by_agency: list[Figure]
    by_district: list[Figure]
    by_month: list[Figure]
    military_taskings: list[Tasking]
    deadlines: list[DeadlineFigure]
    flags_open: Figure
    referrals: Figure
    zero_reports: Figure
    missing_zero_reports: list[MissingZeroOut] = Field(
        description="units with neither a force report nor a zero report for a finished "
        "month of the range (the last twelve at most)"
    )
    generated_at: datetime
