"""Anonymous tips, their photos and the messages between the tipster and the desk.

Nothing here says who sent a tip or when exactly: no address, no browser, no account, and
the day of arrival only (``received_on``, Lima). The tip's id is random (a sequence would
order tips by arrival), the receipt is kept only as a keyed hash, and contact details only
as a box sealed to the desk's public key (decision 0012)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class Tip(Base):
    """One anonymous tip: what, where (an H3 cell or a district, never a point), when (as
    the citizen said it), the status the tipster can follow, and what the desk did."""

    __tablename__ = "citizen_tips"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[str] = mapped_column(String(30))
    danger_now: Mapped[bool] = mapped_column(default=False)
    urgency: Mapped[int] = mapped_column(Integer)  # 1 = life at risk ... 4
    summary: Mapped[str] = mapped_column(String(200))
    narrative: Mapped[str] = mapped_column(Text, default="")
    h3_cell: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # resolution 8
    district_ubigeo: Mapped[str | None] = mapped_column(String(6), nullable=True)
    occurred_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    occurred_part: Mapped[str | None] = mapped_column(String(12), nullable=True)
    received_on: Mapped[date] = mapped_column(Date)  # the day only, in Lima
    # Contact details as a sealed box (base64) to the desk's public key, or none.
    contact_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="received")
    close_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), nullable=True
    )
    # The desk's last act (its own actions are on the audit record anyway).
    handled_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_citizen_tips_queue", "status", "urgency", "received_on"),)


class TipPhoto(Base):
    """A photo of a tip, re-encoded (no EXIF, no GPS, no maker notes); never served to the
    public, only to the desk (each read on record)."""

    __tablename__ = "citizen_tip_photos"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("citizen_tips.id", ondelete="CASCADE"))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)


class TipMessage(Base):
    """A message between the tipster (``author`` "tipster") and the desk ("desk"). The
    tipster's carry the day only; the desk's say who wrote them."""

    __tablename__ = "citizen_tip_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tip_id: Mapped[int] = mapped_column(ForeignKey("citizen_tips.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[date] = mapped_column(Date)
    written_by: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (Index("ix_citizen_tip_messages_tip", "tip_id", "id"),)
