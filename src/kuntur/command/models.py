"""Units and their readiness, legal authorizations for military action, orders.

The command tree is ``CommandUnit`` (a node per joint command, front, division, station
or detachment, across agencies); users and units hang from its nodes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class CommandUnit(Base):
    __tablename__ = "command_units"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("command_units.id"), nullable=True)
    # joint_command > front > division > station (command.service keeps the tree).
    level: Mapped[str] = mapped_column(String(20), default="station", server_default="station")
    district_ubigeo: Mapped[str | None] = mapped_column(String(6), nullable=True)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_sign: Mapped[str] = mapped_column(String(40), unique=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    unit_type: Mapped[str] = mapped_column(String(30))
    capabilities: Mapped[str] = mapped_column(String(300), default="")  # comma-separated
    personnel: Mapped[int] = mapped_column(Integer, default=2)
    command_unit_id: Mapped[int] = mapped_column(ForeignKey("command_units.id"))
    home_lon: Mapped[float] = mapped_column(Float)
    home_lat: Mapped[float] = mapped_column(Float)
    shift: Mapped[str] = mapped_column(String(20), default="24h")
    status: Mapped[str] = mapped_column(String(20), default="available")
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    position_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_units_status", "status"),)


class LegalAuthorization(Base):
    """A state of emergency or a Resolución Suprema (command.legal checks them)."""

    __tablename__ = "legal_authorizations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(80))
    area_geojson: Mapped[str] = mapped_column(Text)  # lon/lat (Multi)Polygon
    area_label: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    forces_role: Mapped[str] = mapped_column(String(20))
    restricted_rights: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str | None] = mapped_column(String(60), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Order(Base):
    """An order down the chain of command: from a node to a node or unit in its subtree."""

    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    issuer_node_id: Mapped[int] = mapped_column(ForeignKey("command_units.id"))
    target_node_id: Mapped[int | None] = mapped_column(
        ForeignKey("command_units.id"), nullable=True
    )
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(30))  # tasking, patrol, standby, ...
    text: Mapped[str] = mapped_column(Text)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    legal_basis_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_authorizations.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(20), default="issued")
    issued_by: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
