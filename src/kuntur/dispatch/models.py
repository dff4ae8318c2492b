"""Assignments: which unit went to which incident, on what legal basis, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String
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

    __table_args__ = (Index("ix_assignments_incident", "incident_id"),)
