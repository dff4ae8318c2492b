"""What the citizens API takes and answers: the public tip and follow-up routes, and the
citizen liaison desk's."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal[
    "extortion", "threat", "kidnapping", "robbery", "weapons", "trafficking", "drugs", "other"
]
DayPart = Literal["madrugada", "manana", "tarde", "noche"]
CloseReason = Literal["duplicate", "insufficient", "referred", "not_a_crime", "resolved", "abuse"]
ContactReason = Literal["call_back", "clarify", "protect"]
Receipt = Field(
    min_length=1, max_length=60, description="the 20-digit receipt (spaces or dashes allowed)"
)


# --- public ------------------------------------------------------------------------------
class ChallengeOut(BaseModel):
    challenge: str = Field(description="send it back with a nonce solving it")
    bits: int = Field(description="leading zero bits of SHA-256('<challenge>:<nonce>')")
    expires_in_s: int


class CellOut(BaseModel):
    cell: str = Field(description="the H3 cell (resolution 8) that would be kept, not the point")
    boundary: list[list[float]] = Field(description="its corners, [lat, lon]")
    district: str | None
    district_name: str | None


class TipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    summary: str = Field(min_length=1, max_length=200, description="what happened, one line")
    narrative: str = Field("", max_length=5000)
    danger_now: bool = Field(False, description="someone's life is at risk now")
    latitude: float | None = Field(None, ge=-90, le=90, description="kept only as its H3 cell")
    longitude: float | None = Field(None, ge=-180, le=180)
    district: str | None = Field(None, max_length=6, description="INEI ubigeo, without a point")
    occurred_on: date | None = None
    occurred_part: DayPart | None = None
    contact: str = Field("", max_length=300, description="sealed to the desk's key at once")
    photos: list[str] = Field(
        default_factory=list, max_length=10, description="base64 images; metadata is stripped"
    )
    challenge: str = Field(max_length=200)
    nonce: str = Field(max_length=32)


class TipReceiptOut(BaseModel):
    receipt: str = Field(description="shown once: write it down; nobody can give it again")
    status: str
    status_label: str
    cell: str | None


class FollowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Receipt


class FollowMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    receipt: str = Receipt
    body: str = Field(min_length=1, max_length=2000)


class PublicMessage(BaseModel):
    author: Literal["tipster", "desk"]
    body: str
    sent_on: str


class TipStatusOut(BaseModel):
    status: str
    status_label: str
    status_hint: str
    reason: str | None = Field(description="why it was closed, phrased for the public")
    received_on: str
    category_label: str
    summary: str
    messages: list[PublicMessage]


class DeskKeyOut(BaseModel):
    public_key: str = Field(description="the desk's X25519 public key, base64 (sealed boxes)")


# --- the desk ----------------------------------------------------------------------------
class Choice(BaseModel):
    code: str
    label: str


class CatalogueOut(BaseModel):
    categories: list[Choice]
    day_parts: list[Choice]
    close_reasons: list[Choice]
    contact_reasons: list[Choice]


class TipBrief(BaseModel):
    id: int
    category: str
    category_label: str
    urgency: int = Field(description="1 = life at risk ... 4")
    danger_now: bool
    summary: str
    status: str
    status_label: str
    received_on: str = Field(description="the day only: the exact time is never kept")
    age_days: int
    district: str | None
    district_name: str | None
    has_contact: bool
    photos: int
    incident_id: int | None


class DeskMessage(BaseModel):
    author: Literal["tipster", "desk"]
    body: str
    sent_on: str
    written_by: str | None


class TipDetail(TipBrief):
    narrative: str
    occurred_on: str | None
    occurred_part: str | None
    occurred_part_label: str | None
    cell: str | None
    cell_boundary: list[list[float]]
    close_reason: str | None
    close_reason_label: str | None
    photo_ids: list[int]
    handled_by: str | None
    messages: list[DeskMessage]


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=2000)


class ConvertIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    narrative: str | None = Field(
        None, max_length=20_000, description="default: the tip's summary and detail"
    )
    classification: int = Field(0, ge=0, le=3)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: CloseReason


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ContactReason


class ContactOut(BaseModel):
    contact: str | None = Field(description="as the tipster wrote it; null when none was left")
