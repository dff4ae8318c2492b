"""API shapes of the field app: the sign-in, the phone's state, reports and their answers,
and the dispatcher's view of devices and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from kuntur.core.web import MAX_ID
from kuntur.oversight.schemas import AffectedIn, ForceIn


class SignInIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    totp: str | None = Field(None, max_length=10)
    device_key: str = Field(
        min_length=16, max_length=64, description="the id the phone generated for itself"
    )
    label: str = Field("teléfono", min_length=1, max_length=100)
    call_sign: str | None = Field(None, max_length=40, description="the unit for the shift")
    hours: float = Field(12.0, gt=0, le=12, description="the shift's length (at most 12 h)")


class SignedIn(BaseModel):
    token: str = Field(description="the device's bearer token, shown once")
    device_id: int
    unit_id: int
    call_sign: str
    expires_at: str
    position_interval_s: int


class LinksOut(BaseModel):
    geo: str = Field(description="geo: URI, opens the phone's navigation app")
    osm: str = Field(description="OpenStreetMap directions to the place")


class DispatchOut(BaseModel):
    assignment_id: int
    incident_id: int
    dispatched_at: str
    acknowledged: bool
    visible: bool = Field(description="false: the officer may not read this incident's details")
    category: str | None = None
    category_label: str | None = None
    priority: int | None = None
    status: str | None = None
    status_label: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    links: LinksOut | None = None


class OrderOut(BaseModel):
    id: int
    kind: str
    text: str
    status: str
    starts_at: str
    ends_at: str
    lat: float | None
    lon: float | None
    links: LinksOut | None


class UnitOut(BaseModel):
    id: int
    call_sign: str
    status: str
    status_label: str


class StopOut(BaseModel):
    index: int
    lat: float
    lon: float
    district: str
    arrive: str
    leave: str
    minutes: int
    logged: bool
    links: LinksOut


class PatrolOut(BaseModel):
    """The unit's hot-spot visits for the shift (its post in the approved plan)."""

    plan_id: int
    post_id: int
    ends_at: str
    stops: list[StopOut]
    next: int | None = Field(description="the next stop not yet logged, or none")


class StateOut(BaseModel):
    unit: UnitOut
    officer: str
    shift_ends_at: str
    server_time: str
    dispatch: DispatchOut | None
    orders: list[OrderOut]
    patrol: PatrolOut | None = None
    position_interval_s: int


class AckIn(BaseModel):
    kind: Literal["dispatch", "order"]
    id: int = Field(ge=1, le=MAX_ID)


class DeliveryOut(BaseModel):
    unit_id: int
    call_sign: str
    ref_kind: str
    ref_id: int
    state: Literal["sent", "received", "acknowledged"]
    received_at: str | None
    acknowledged_at: str | None


class UofIn(BaseModel):
    """The use-of-force report as the officer writes it on the phone (the fields oversight
    requires: ``oversight.schemas.ReportIn``, less what the server knows: the incident, the
    unit, the time it is sent)."""

    force: list[ForceIn] = Field(min_length=1, max_length=50)
    affected: list[AffectedIn] = Field(default_factory=list, max_length=50)
    place: str = Field(default="", max_length=300)
    contact_reason: str = Field(default="", max_length=300)
    medical_aid_at: AwareDatetime | None = None
    medical_aid_by: str | None = Field(default=None, max_length=200)
    family_notified_at: AwareDatetime | None = None
    supervisor_present: bool | None = None
    bodycam_refs: list[str] = Field(default_factory=list, max_length=20)
    evidence_refs: list[str] = Field(default_factory=list, max_length=20)


class ReportItemIn(BaseModel):
    client_id: str = Field(min_length=8, max_length=64, description="made by the phone, unique")
    kind: Literal["status", "position", "note", "stop", "uof"]
    at: datetime = Field(description="when the officer made it, on the phone's clock")
    status: str | None = Field(None, max_length=20)
    incident_id: int | None = Field(None, ge=1, le=MAX_ID)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    text: str | None = Field(None, max_length=2000)
    call_sign: str | None = Field(None, max_length=40)
    post_id: int | None = Field(None, ge=1, le=MAX_ID, description="stop: the patrol post")
    stop: int | None = Field(None, ge=0, le=100, description="stop: its place in the schedule")
    uof: UofIn | None = Field(None, description="uof: the use-of-force report")


class ReportsIn(BaseModel):
    items: list[ReportItemIn] = Field(max_length=200)


class ReportResult(BaseModel):
    client_id: str
    outcome: Literal["applied", "duplicate", "conflict", "refused"]
    first_outcome: str = Field(description="for a duplicate, what happened the first time")
    reason: str | None
    at: str = Field(description="the time the report was applied with")
    report_id: int | None = Field(None, description="uof: the report filed; photo: its report")
    photo_id: int | None = None
    sha256: str | None = Field(None, description="photo: SHA-256 of the stored bytes")


class ReportsOut(BaseModel):
    results: list[ReportResult]


class DeviceOut(BaseModel):
    id: int
    officer: str
    officer_name: str
    unit_id: int
    call_sign: str
    label: str
    signed_in_at: str
    ends_at: str
    last_contact_at: str


class DispatchDeliveryOut(DeliveryOut):
    incident_id: int
    dispatched_at: str
    on_app: bool
    last_contact_at: str | None


class MemberOut(BaseModel):
    id: int
    service_number: str
    name: str
    rank: str


class ClosedIncidentOut(BaseModel):
    """A closed incident the unit went to: the report oversight requires and its state."""

    incident_id: int
    category_label: str
    address: str | None
    occurred_at: str
    status_label: str
    force_declared: bool = Field(description="cleared with force: a report is due")
    report_id: int | None
    report_status: str | None = Field(description="pending (due), filed, closed, or none")
    photos: int
    members: list[MemberOut] = Field(description="on shift on the unit at the incident's time")
