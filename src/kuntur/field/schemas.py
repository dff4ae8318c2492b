"""API shapes of the field app: the sign-in, the phone's state, reports and their answers,
and the dispatcher's view of devices and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from kuntur.core.web import MAX_ID


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


class ReportItemIn(BaseModel):
    client_id: str = Field(min_length=8, max_length=64, description="made by the phone, unique")
    kind: Literal["status", "position", "note", "stop"]
    at: datetime = Field(description="when the officer made it, on the phone's clock")
    status: str | None = Field(None, max_length=20)
    incident_id: int | None = Field(None, ge=1, le=MAX_ID)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    text: str | None = Field(None, max_length=2000)
    call_sign: str | None = Field(None, max_length=40)
    post_id: int | None = Field(None, ge=1, le=MAX_ID, description="stop: the patrol post")
    stop: int | None = Field(None, ge=0, le=100, description="stop: its place in the schedule")


class ReportsIn(BaseModel):
    items: list[ReportItemIn] = Field(max_length=200)


class ReportResult(BaseModel):
    client_id: str
    outcome: Literal["applied", "duplicate", "conflict", "refused"]
    first_outcome: str = Field(description="for a duplicate, what happened the first time")
    reason: str | None
    at: str = Field(description="the time the report was applied with")


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
