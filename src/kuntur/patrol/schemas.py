"""API shapes for patrol plans."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class PlanIn(BaseModel):
    starts_at: datetime
    ends_at: datetime
    region: list[str] = Field(default_factory=list, max_length=60)
    include_discovered: bool = False
    reach_minutes: float = Field(default=4.0, ge=1, le=30)


class BasisOut(BaseModel):
    id: int
    number: str
    label_es: str
    label_en: str
    ends_at: str


class PostOut(BaseModel):
    id: int
    rank: int
    unit_id: int
    call_sign: str
    unit_type: str
    agency: str
    military: bool
    site: str
    lon: float
    lat: float
    reach_m: float
    covered_risk: float
    fixed: bool
    kind: str
    legal_basis: BasisOut | None
    order_id: int | None
    order_status: str | None
    stops: int
    sheet_url: str


class CoverageOut(BaseModel):
    covered: float
    expected: float


class CellOut(BaseModel):
    cell: int
    lon: float
    lat: float
    risk: float
    district: str | None


class DistrictRiskOut(BaseModel):
    district: str
    name: str
    risk: float


class TypeOut(BaseModel):
    unit_type: str
    military: bool
    units: int
    reach_m: float
    busy: float


class ReasonOut(BaseModel):
    es: str
    en: str


class ReserveOut(BaseModel):
    unit_id: int
    call_sign: str
    why: str
    reason: ReasonOut | None = None


class PlanForecastOut(BaseModel):
    id: int
    valid_from: str
    valid_until: str
    exclude_discovered: bool
    covers_shift: bool


class PlanOut(BaseModel):
    id: int
    status: str
    created_at: str
    created_by: str
    node_id: int
    starts_at: str
    ends_at: str
    region: list[str]
    include_discovered: bool
    approved_by: str | None
    approved_at: str | None
    objective: float
    total: float
    bound: float
    gap: float
    solver_status: str
    seconds: float
    expected: float
    current: CoverageOut
    uncovered_risk: float
    uncovered_cells: int
    uncovered: list[CellOut]
    uncovered_by_district: list[DistrictRiskOut]
    reach_minutes: float
    types: list[TypeOut]
    reserve: list[ReserveOut]
    forecast: PlanForecastOut
    posts: list[PostOut]


class LatestPlanOut(BaseModel):
    """The newest plan, or none yet (``plan`` null): the page says so in words."""

    plan: PlanOut | None
