"""Field tables: the devices signed in for a shift (each one a field session of identity
bound to one unit), the reports they sent (kept by the client's own id, so a replay is
answered, not applied again) and the delivery of each dispatch and order to the unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class FieldDevice(Base):
    """One phone signed in by one officer for one shift, as one unit."""

    __tablename__ = "field_devices"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("user_sessions.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The id the phone generated for itself at installation: every request carries it, and
    # a token presented with another is refused (a token copied off the phone is useless).
    device_key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_contact_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_field_devices_unit", "unit_id"),)


class FieldReport(Base):
    """A report from the field (status, position, note), once per client id and unit."""

    __tablename__ = "field_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    device_id: Mapped[int] = mapped_column(ForeignKey("field_devices.id"))
    client_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(10))  # status | position | note
    value: Mapped[str] = mapped_column(String(40), default="")  # the status, for a status
    incident_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)  # on the phone
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(10))  # applied | conflict | refused
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (UniqueConstraint("unit_id", "client_id", name="uq_field_reports_client"),)


class FieldDelivery(Base):
    """How far a dispatch (an assignment) or an order got to a unit's phone: sent (it
    exists), received (a phone of the unit fetched it), acknowledged (tapped)."""

    __tablename__ = "field_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(10))  # dispatch | order
    ref_id: Mapped[int] = mapped_column(BigId)  # the assignment's or the order's id
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (
        UniqueConstraint("unit_id", "kind", "ref_id", name="uq_field_deliveries_ref"),
    )
