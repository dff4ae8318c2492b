"""Border tables: the watchlist entries (persons, vehicles, phones, accounts), the
watchlist's version (bumped on every change, so that every server process rebuilds its
screening index before the next screening), the screenings and their hits (traveller
data: swept after the retention setting, Ley 29733), and the officers' decisions, which
remember a cleared false positive for that traveller and entry."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class WatchlistEntry(Base):
    """One entry of a source list. ``entry_id`` is the list's own id (the CSV's ``id``,
    the FollowTheMoney entity id); an import with the same id replaces it."""

    __tablename__ = "border_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # person | plate | vin | phone | account
    name: Mapped[str] = mapped_column(Text, default="")  # a person's name; a thing's label
    aliases: Mapped[str] = mapped_column(Text, default="")  # ";"-separated
    birth_date: Mapped[str | None] = mapped_column(String(10))  # YYYY-MM-DD or YYYY
    nationality: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    document_type: Mapped[str | None] = mapped_column(String(20))
    document_number: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[str | None] = mapped_column(String(80), index=True)  # a thing, normalised
    source_list: Mapped[str] = mapped_column(String(40))  # requisitoria | interpol | ...
    reason: Mapped[str] = mapped_column(Text, default="")
    owner_agency: Mapped[str] = mapped_column(String(20))
    classification: Mapped[int] = mapped_column(Integer, default=0)
    expires_on: Mapped[date | None] = mapped_column(Date)
    network: Mapped[str | None] = mapped_column(String(200))  # the intelligence network
    # The watchlist version that last changed this entry: a process applies to its index
    # only the entries changed since the version it holds (the change log).
    changed_version: Mapped[int | None] = mapped_column(Integer, index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[str] = mapped_column(String(200))


class WatchlistVersion(Base):
    """One row: the watchlist's version, bumped in the transaction of every change."""

    __tablename__ = "border_watchlist_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Made anew with the row (a store emptied and filled again counts versions from 1):
    # an index is only brought forward by the change log within one epoch.
    epoch: Mapped[str | None] = mapped_column(String(32))


class Screening(Base):
    """One traveller or vehicle screened at a post: what was screened (traveller data,
    deleted after the retention period) and how many hits."""

    __tablename__ = "border_screenings"
    __table_args__ = (Index("ix_border_screenings_created", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # person | plate | vin | phone | account
    post: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(Text)  # JSON: the traveller's fields as screened
    identity_key: Mapped[str] = mapped_column(String(64), index=True)
    batch: Mapped[str | None] = mapped_column(String(40))  # a manifest's id
    hits: Mapped[int] = mapped_column(Integer)
    best_score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class Hit(Base):
    """A candidate of a screening, with its score and explanation (JSON features)."""

    __tablename__ = "border_hits"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    screening_id: Mapped[int] = mapped_column(
        ForeignKey("border_screenings.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[str] = mapped_column(String(120))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    features: Mapped[str] = mapped_column(Text)  # JSON
    remembered_id: Mapped[int | None] = mapped_column(BigId)  # an earlier clearing
    decision_id: Mapped[int | None] = mapped_column(BigId)


class Decision(Base):
    """An officer's decision on a hit: cleared, confirmed or referred. A clearing is
    remembered for that traveller (``identity_key``) and entry."""

    __tablename__ = "border_decisions"
    __table_args__ = (Index("ix_border_decisions_key_entry", "identity_key", "entry_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(64))
    entry_id: Mapped[str] = mapped_column(String(120))
    hit_id: Mapped[int | None] = mapped_column(BigId)
    outcome: Mapped[str] = mapped_column(String(10))  # cleared | confirmed | referred
    reason: Mapped[str] = mapped_column(Text)
    post: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str] = mapped_column(String(200))


class Seizure(Base):
    """Something seized at a post: arms (the serial checked against the arms watchlist),
    ammunition, drugs, cash, or people rescued (a count and the case that holds their
    identities: a victim's identity is never kept here)."""

    __tablename__ = "border_seizures"
    __table_args__ = (Index("ix_border_seizures_post_at", "post", "seized_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # arms | ammunition | drugs | cash | people
    post: Mapped[str] = mapped_column(String(80))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(10))  # units | kg | PEN | USD | persons
    description: Mapped[str] = mapped_column(Text, default="")
    serial: Mapped[str | None] = mapped_column(String(60))  # an arm's, normalised
    watchlist_hit: Mapped[str | None] = mapped_column(String(120))  # the arms entry it hit
    incident_id: Mapped[int | None] = mapped_column(BigId)
    screening_id: Mapped[int | None] = mapped_column(BigId)
    network: Mapped[str | None] = mapped_column(String(200))
    case_ref: Mapped[str | None] = mapped_column(String(60))  # people rescued: their case
    seized_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
