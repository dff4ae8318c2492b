"""Interventions on record: what, where (districts, or a polygon drawn over them), from when
to when, on what basis."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, Scoped, UTCDateTime

KINDS = ("state_of_emergency", "patrol_plan", "operation", "programme")


class Intervention(Scoped, Base):
    __tablename__ = "results_interventions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # one of KINDS
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    districts: Mapped[str] = mapped_column(Text)  # ubigeos, comma-separated
    # A drawn zone (GeoJSON Polygon or MultiPolygon, lon/lat) when the intervention covers
    # less than whole districts; ``districts`` then names those it lies in.
    area: Mapped[str | None] = mapped_column(Text, nullable=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    legal_basis_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    patrol_plan_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # As an incident's: every query of an actor's session sees only the interventions that
    # actor may read (agency sharing, clearance); one above 0 is never in the public brief.
    owner_agency: Mapped[str] = mapped_column(String(16), default="PNP", server_default="PNP")
    classification: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    # A record made by mistake is withdrawn, never deleted: it stays on the list with who
    # withdrew it and why, and is no longer evaluated nor keeps its districts out of the
    # other evaluations' comparison.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    @property
    def district_list(self) -> list[str]:
        return [d for d in self.districts.split(",") if d]
