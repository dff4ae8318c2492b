"""Entities found in reports and the links that carry their provenance.

An entity is one normalised identifier (``phone:+51987654321``); a link says which
report mentions it, where (field, character span), found by which rule and with what
confidence. Networks are computed from the links (``intelligence.networks``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class Entity(Base):
    __tablename__ = "intel_entities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # phone, payment_account, vehicle, person...
    value: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(240), unique=True)  # kind:value
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)


class Link(Base):
    __tablename__ = "intel_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("intel_entities.id", ondelete="CASCADE"))
    mention: Mapped[str] = mapped_column(String(20))  # the extraction kind (wallet, cci, ...)
    field: Mapped[str] = mapped_column(String(30))  # narrative, ...
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_intel_links_entity", "entity_id", "incident_id"),
        Index("ix_intel_links_incident", "incident_id"),
    )


class Case(Base):
    """An analyst's case opened from a network: notes, the entities that matter, a report.

    A case belongs to an agency (the creator's) and a team (``CaseMember``): only members
    read, annotate and export it (``intelligence.cases``).
    """

    __tablename__ = "intel_cases"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(100), unique=True)  # the case's own number
    # The investigation the case belongs to (a prosecutor's file, an operation): several
    # cases (one per network, per agency's team) may share it. Stated as a purpose, it
    # names a case only when exactly one of the reader's open cases belongs to it.
    investigation: Mapped[str | None] = mapped_column(String(100), index=True)
    title: Mapped[str] = mapped_column(String(300))
    network: Mapped[str] = mapped_column(String(40))  # N-<incident id>
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Cases opened before teams existed were PNP's; new ones take the creator's agency.
    owner_agency: Mapped[str] = mapped_column(String(16), server_default="PNP")


class CaseMember(Base):
    """A member of a case's team (the creator is the first)."""

    __tablename__ = "intel_case_members"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("intel_cases.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # "My cases" and every purpose check look members up by user.
    __table_args__ = (Index("ix_intel_case_members_user", "user_id"),)


class CaseNote(Base):
    __tablename__ = "intel_case_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intel_cases.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(5000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseEntity(Base):
    __tablename__ = "intel_case_entities"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("intel_cases.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("intel_entities.id", ondelete="CASCADE"), primary_key=True
    )
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
