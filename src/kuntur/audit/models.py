"""Audit tables: events (the leaves), stored tree nodes, the head, checkpoints, witnesses.

``audit_events`` and ``audit_nodes`` are append-only by contract: the service
never updates or deletes them, and ``kuntur audit verify`` detects anyone who
does. ``audit_head`` is one row whose update serialises appends across server
processes (PostgreSQL row lock, SQLite write lock) and hands out the next index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"

    idx: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    agency: Mapped[str | None] = mapped_column(String(64), nullable=True)
    object_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    object_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    purpose: Mapped[str | None] = mapped_column(String(500), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON, no personal data
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditNode(Base):
    """Complete aligned subtree ``(level, idx)`` of the Merkle tree (level 0: leaves)."""

    __tablename__ = "audit_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigId)


class Checkpoint(Base):
    """A signed statement: the log had ``size`` events with this ``root`` at ``at``."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    size: Mapped[int] = mapped_column(BigId, index=True)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class Witness(Base):
    """An outside body (e.g. the Defensoría del Pueblo) whose key countersigns checkpoints."""

    __tablename__ = "audit_witnesses"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The institution (agency code) the witness speaks for: only its own users countersign
    # for it signed in. None for a witness registered without one.
    agency_code: Mapped[str | None] = mapped_column(String(16), nullable=True)


class Countersignature(Base):
    __tablename__ = "audit_countersignatures"
    __table_args__ = (UniqueConstraint("checkpoint_id", "witness_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("audit_checkpoints.id"), index=True)
    witness_id: Mapped[int] = mapped_column(ForeignKey("audit_witnesses.id"))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
