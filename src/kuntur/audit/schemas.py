"""API shapes for the audit log. Hashes and signatures travel as base64."""

from __future__ import annotations

import base64

from pydantic import BaseModel, Field


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class CheckpointOut(BaseModel):
    id: int
    size: int
    root: str
    at: str
    key_id: str
    signature: str
    note: str  # the exact text that was signed
    witnesses: list[str]


class InclusionProofOut(BaseModel):
    index: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]


class ConsistencyProofOut(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


class CountersignIn(BaseModel):
    witness: str
    signature: str  # base64 Ed25519 signature of the checkpoint note


class EventOut(BaseModel):
    idx: int
    type: str
    at: str
    actor: str
    actor_name: str | None = Field(None, description="the user's display name, for user:<name>")
    agency: str | None
    object_type: str | None
    object_id: str | None
    purpose: str | None
    outcome: str
    request_id: str | None
    details: dict[str, object]
    leaf_hash: str


class EventPage(BaseModel):
    total: int
    items: list[EventOut]


class PublicKeyOut(BaseModel):
    public_key: str = Field(description="raw Ed25519 public key, base64: pin it once")
    key_id: str = Field(description="the key's id, as checkpoints name it")


class CountersignatureOut(BaseModel):
    checkpoint_id: int
    witness: str
    at: str = Field(description="when the countersignature was stored")


class AuditStatusOut(BaseModel):
    size: int = Field(description="events in the log now")
    checkpoint: CheckpointOut | None = Field(description="the newest signed checkpoint")
    uncovered: int = Field(description="events newer than the newest signed checkpoint")
    may_checkpoint: bool = Field(description="whether the caller may sign a checkpoint now")
