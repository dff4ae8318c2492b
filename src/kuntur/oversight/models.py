"""Oversight tables: personnel and their shifts on units, use-of-force reports (with each
member's force, each person affected, never by name, and the photos attached as
evidence), reviews, complaints, versioned early-intervention thresholds and their flags,
and the oversight bodies' notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, Scoped, UTCDateTime


class Personnel(Base):
    """A police or military member: minimal personal data, read by role, every read
    audited."""

    __tablename__ = "personnel"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    service_number: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    rank: Mapped[str] = mapped_column(String(60))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    command_unit_id: Mapped[int] = mapped_column(ForeignKey("command_units.id"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    # The member's own account, if any: a reviewer is never one of the members reviewed.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ShiftAssignment(Base):
    """Who was on which unit, from when to when: what a unit did traces to who was there."""

    __tablename__ = "personnel_shifts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    personnel_id: Mapped[int] = mapped_column(ForeignKey("personnel.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_personnel_shifts_unit", "unit_id", "starts_at"),)


class UofReport(Scoped, Base):
    """A use-of-force report (DL 1186; FBI National Use-of-Force Data Collection), a
    pending obligation (an incident closed with force), or a unit's zero report for a
    month without force."""

    __tablename__ = "uof_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="incident")  # incident | zero
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|filed|closed
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    command_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("command_units.id"), nullable=True
    )
    period: Mapped[str | None] = mapped_column(String(7), nullable=True)  # YYYY-MM (zero)
    incident_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The offset the incident's time was given in (minutes east of UTC), for deadlines
    # shown as the reporter wrote them.
    utc_offset_min: Mapped[int] = mapped_column(Integer, default=-300)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    place: Mapped[str | None] = mapped_column(String(300), nullable=True)
    location_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    district_ubigeo: Mapped[str | None] = mapped_column(String(6), nullable=True)
    contact_reason: Mapped[str | None] = mapped_column(String(300), nullable=True)
    firearm_discharged: Mapped[bool] = mapped_column(Boolean, default=False)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    medical_aid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    medical_aid_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    family_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    supervisor_present: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    legal_basis_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_authorizations.id"), nullable=True
    )
    bodycam_refs: Mapped[str] = mapped_column(Text, default="")
    evidence_refs: Mapped[str] = mapped_column(Text, default="")
    referred_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue_flagged: Mapped[str] = mapped_column(String(60), default="")  # keys flagged
    owner_agency: Mapped[str] = mapped_column(String(16), default="PNP")
    classification: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (
        Index("ix_uof_reports_incident", "incident_id"),
        Index("ix_uof_reports_status", "status", "incident_at"),
        Index("ix_uof_reports_zero", "kind", "command_unit_id", "period"),
    )


class UofForce(Base):
    """One member's force in one report."""

    __tablename__ = "uof_force"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("uof_reports.id", ondelete="CASCADE"))
    personnel_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    agency_code: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(20))
    rounds: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_uof_force_report", "report_id"),
        Index("ix_uof_force_personnel", "personnel_id"),
    )


class UofAffected(Base):
    """A person affected: outcome, age and sex; no name outside the case file."""

    __tablename__ = "uof_affected"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("uof_reports.id", ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(String(20))
    age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sex: Mapped[str | None] = mapped_column(String(10), nullable=True)

    __table_args__ = (Index("ix_uof_affected_report", "report_id"),)


class UofPhoto(Base):
    """A photo attached to a report as evidence: the stored bytes (re-encoded: no device
    make, serial, maker notes or GPS), their SHA-256 (also in the audit event that recorded
    the attachment), the hash of the file as received, and only the metadata the evidence
    rules need: when it was taken, and where, if the officer chose to attach the place."""

    __tablename__ = "uof_photos"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("uof_reports.id"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_sha256: Mapped[str] = mapped_column(String(64))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    attached_by: Mapped[str] = mapped_column(String(200))
    attached_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_uof_photos_report", "report_id"),)


class UofReview(Base):
    """A review by someone neither involved nor in the involved members' chain of command,
    with the orders behind the action attached (superior orders are no defence)."""

    __tablename__ = "uof_reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("uof_reports.id", ondelete="CASCADE"))
    reviewer: Mapped[str] = mapped_column(String(200))
    reviewer_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    finding: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    order_ids: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_uof_reviews_report", "report_id"),)


class Complaint(Base):
    """A complaint against a member or a unit (internal now; a citizen channel later)."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="internal")
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True
    )
    personnel_id: Mapped[int | None] = mapped_column(ForeignKey("personnel.id"), nullable=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_complaints_personnel", "personnel_id", "received_at"),)


class EiThresholds(Base):
    """A version of the early-intervention thresholds; a new version supersedes the last,
    and every flag keeps the version it was computed with."""

    __tablename__ = "ei_thresholds"
    __table_args__ = (UniqueConstraint("version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    window_days: Mapped[int] = mapped_column(Integer)
    complaints: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uof_reports: Mapped[int | None] = mapped_column(Integer, nullable=True)
    injuries: Mapped[int | None] = mapped_column(Integer, nullable=True)
    review_findings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class EiFlag(Base):
    """A member's early-intervention flag: the indicators and the thresholds they crossed,
    explained; it asks a supervisor for a documented response, never for discipline."""

    __tablename__ = "ei_flags"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    personnel_id: Mapped[int] = mapped_column(ForeignKey("personnel.id"))
    thresholds_id: Mapped[int] = mapped_column(ForeignKey("ei_thresholds.id"))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    indicators: Mapped[str] = mapped_column(Text)  # JSON: values and crossings, with ids
    explanation_es: Mapped[str] = mapped_column(Text)
    explanation_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | responded
    response: Mapped[str | None] = mapped_column(Text, nullable=True)
    responded_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_ei_flags_personnel", "personnel_id", "status"),)


class OversightNote(Base):
    """An oversight body's own review note on a record (a report, a complaint, a flag, an
    incident, an order)."""

    __tablename__ = "oversight_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(BigId)
    agency_code: Mapped[str] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_oversight_notes_object", "object_type", "object_id"),)
