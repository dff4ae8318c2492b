"""The health endpoints' answers."""

from __future__ import annotations

from pydantic import BaseModel


class LiveOut(BaseModel):
    status: str


class CheckOut(BaseModel):
    ok: bool
    detail: str


class ChecksOut(BaseModel):
    """Each check by name; the event bus is missing when the store itself did not answer."""

    database: CheckOut
    migrations: CheckOut | None = None
    audit: CheckOut | None = None
    events: CheckOut


class ReadyOut(BaseModel):
    status: str  # "ready" or "not_ready"
    checks: ChecksOut
