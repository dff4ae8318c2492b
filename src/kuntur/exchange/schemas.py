"""API shapes for Cursor-on-Target."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CotRejection(BaseModel):
    index: int = Field(description="the event's place in the document, from 0")
    reason: str


class CotAccepted(BaseModel):
    accepted: int = Field(description="events stored as position reports")
    rejected: list[CotRejection] = Field(description="events left out, and why")
