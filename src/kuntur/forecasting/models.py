"""Stored forecasts: what was run, on which data, and the cells it flagged.

A forecast keeps its parameters, the data version it was fitted on and its
grid, so anyone can rerun it and get the same cells. Only flagged cells are
stored (the top few per cent of the area), each with why it was flagged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class Forecast(Base):
    __tablename__ = "forecasts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(40))  # what was asked: auto, etas, ...
    chosen: Mapped[str] = mapped_column(String(300))  # what ran, with its parameters
    params: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    categories: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; [] = all
    region: Mapped[str | None] = mapped_column(String(6), nullable=True)  # ubigeo prefix
    exclude_discovered: Mapped[bool] = mapped_column(Boolean, default=False)
    data_version: Mapped[str] = mapped_column(String(64))
    events_used: Mapped[int] = mapped_column(Integer)
    cell_size: Mapped[float] = mapped_column(Float)
    crs: Mapped[str] = mapped_column(String(40))
    x0: Mapped[float] = mapped_column(Float)
    y0: Mapped[float] = mapped_column(Float)
    nx: Mapped[int] = mapped_column(Integer)
    ny: Mapped[int] = mapped_column(Integer)
    area_cells: Mapped[int] = mapped_column(Integer)
    horizon_days: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    fairness: Mapped[str] = mapped_column(Text, default="{}")  # JSON report


class ForecastCell(Base):
    __tablename__ = "forecast_cells"

    forecast_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("forecasts.id", ondelete="CASCADE"), primary_key=True
    )
    cell: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # row * nx + column
    rank: Mapped[int] = mapped_column(Integer)  # 1 = highest risk
    level: Mapped[str] = mapped_column(String(16))  # very_high (top 1 %), high (top 5 %)
    risk: Mapped[float] = mapped_column(Float)  # expected events in the horizon
    recent_events: Mapped[int] = mapped_column(Integer)  # last 28 days
    year_events: Mapped[int] = mapped_column(Integer)  # last 365 days
    long_term_per_year: Mapped[float] = mapped_column(Float)  # mean over the whole history
    district_ubigeo: Mapped[str | None] = mapped_column(String(6), nullable=True)
