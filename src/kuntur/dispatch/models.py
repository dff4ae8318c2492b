"""Assignments: which unit went to which incident, on what legal basis, and when (and, for a
unit sent without the capability the incident needs, the dispatcher's reason); and the
dispatchers' notes on an incident."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    legal_basis_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_authorizations.id"), nullable=True
    )
    eta_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    recalled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the unit lacks a capability the incident needs and was sent anyway as a
    # first response: the dispatcher's own words, required, audited with the dispatch.
    override_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)

    __table_args__ = (Index("ix_assignments_incident", "incident_id"),)


class IncidentNote(Base):
    """A dispatcher's note on an incident (what the caller added, what a unit reported)."""

    __tablename__ = "incident_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_incident_notes_incident", "incident_id"),)
