"""Public tables: each statistics release as published (immutable: its noisy counts, never
the true ones), the privacy budget spent per year, and the public alerts as issued (their
CAP documents kept as sent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class StatRelease(Base):
    """One month's release: what it covers, the mechanism and its published scale, and
    the budget after it. Never updated once made; serving it again spends nothing."""

    __tablename__ = "public_releases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)  # YYYY-MM (Lima)
    year: Mapped[int] = mapped_column(Integer, index=True)  # whose budget it spends
    epsilon: Mapped[float] = mapped_column(Float)
    mechanism: Mapped[str] = mapped_column(String(40))
    scale: Mapped[float] = mapped_column(Float)  # discrete Laplace b = sensitivity / epsilon
    sensitivity: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20))  # the unit of privacy: one incident
    ci95: Mapped[int] = mapped_column(Integer)  # a cell's 95 % interval: noisy +/- ci95
    min_count: Mapped[int] = mapped_column(Integer)  # "menos de k" below this (noisy)
    holdback_days: Mapped[int] = mapped_column(Integer)
    covers_from: Mapped[datetime] = mapped_column(UTCDateTime)
    covers_until: Mapped[datetime] = mapped_column(UTCDateTime)
    cells: Mapped[int] = mapped_column(Integer)
    year_budget: Mapped[float] = mapped_column(Float)  # the year's budget when released
    spent_after: Mapped[float] = mapped_column(Float)  # the year's spend with this one
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class StatCell(Base):
    """One noisy count of a release: district x category."""

    __tablename__ = "public_release_cells"

    release_id: Mapped[int] = mapped_column(
        ForeignKey("public_releases.id", ondelete="CASCADE"), primary_key=True
    )
    district_ubigeo: Mapped[str] = mapped_column(String(6), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    noisy_count: Mapped[int] = mapped_column(Integer)


class PrivacyBudget(Base):
    """The budget spent so far on one year's incidents: one row per year, locked while a
    release is made, so two releases at once cannot both spend the last of it."""

    __tablename__ = "public_budget_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    spent: Mapped[float] = mapped_column(Float)


class PublicAlert(Base):
    """A public alert as issued: its CAP fields and the CAP document itself (checked
    against the OASIS schema before it was stored)."""

    __tablename__ = "public_alerts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(120), unique=True)
    sender: Mapped[str] = mapped_column(String(200))
    sent: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10))  # Actual | Exercise | Test
    msg_type: Mapped[str] = mapped_column(String(10))  # Alert | Update | Cancel
    district_ubigeo: Mapped[str] = mapped_column(String(6))
    district_name: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(200))
    urgency: Mapped[str] = mapped_column(String(12))
    severity: Mapped[str] = mapped_column(String(12))
    certainty: Mapped[str] = mapped_column(String(12))
    headline: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    instruction: Mapped[str] = mapped_column(Text)
    expires: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The alert this one updates or cancels (CAP ``references``).
    references_id: Mapped[int | None] = mapped_column(ForeignKey("public_alerts.id"), nullable=True)
    document: Mapped[str] = mapped_column(Text)  # the CAP XML as issued
    created_by: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_public_alerts_sent", "sent"),)
