"""Stored patrol plans: a shift's posts, the unit at each, what it covers, and the orders
its approval issued.

A plan keeps what it was built from (the forecast, the shift, the region, whether the
incidents patrols discover themselves were let in) and its figures as JSON (objective,
bound, gap, expected coverage, the current positions' coverage, what is left uncovered),
so the page, the command line and the audit read the same numbers it was approved on.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class PatrolPlan(Base):
    __tablename__ = "patrol_plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    forecast_id: Mapped[int] = mapped_column(ForeignKey("forecasts.id", ondelete="CASCADE"))
    node_id: Mapped[int] = mapped_column(ForeignKey("command_units.id"))  # whose units
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    region: Mapped[str] = mapped_column(String(300), default="")  # ubigeo prefixes, comma
    include_discovered: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft, approved
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: figures, uncovered
    approved_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_patrol_plans_created", "created_at"),)


class PatrolPost(Base):
    """One unit's place in a plan: the site, its reach, the risk only it covers there, the
    legal basis of an armed-forces post, its visit schedule, and the order it became."""

    __tablename__ = "patrol_posts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plans.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    site: Mapped[str] = mapped_column(String(80))  # "home:<unit id>" or "cell:<cell>"
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    reach_m: Mapped[float] = mapped_column(Float)
    covered_risk: Mapped[float] = mapped_column(Float)  # risk within this unit's reach
    fixed: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(30))  # the order's kind: patrol, deploy
    legal_basis_id: Mapped[int | None] = mapped_column(
        ForeignKey("legal_authorizations.id"), nullable=True
    )
    schedule: Mapped[str] = mapped_column(Text, default="[]")  # JSON: hot-spot stops
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), nullable=True)
    rank: Mapped[int] = mapped_column(Integer, default=0)  # by covered risk, 1 first

    __table_args__ = (Index("ix_patrol_posts_plan", "plan_id"),)
