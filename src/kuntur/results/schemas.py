"""What the results API answers: interventions and their evaluation, typed field by field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from kuntur.geography.schemas import Area


class InterventionIn(BaseModel):
    kind: str = Field(pattern=r"^(state_of_emergency|patrol_plan|operation|programme)$")
    title: str = Field(min_length=3, max_length=300)
    # Ubigeos; may be left empty with ``area``: then the districts the zone lies in.
    districts: list[str] = Field(default_factory=list, max_length=60)
    # A drawn zone: GeoJSON Polygon or MultiPolygon (or a Feature holding one), lon/lat.
    area: dict[str, Any] | None = None
    starts_on: date
    ends_on: date | None = None
    description: str = Field(default="", max_length=4000)
    legal_basis_id: str | None = Field(default=None, max_length=80)
    patrol_plan_id: str | None = Field(default=None, max_length=80)
    # 0 (unclassified, public) to 3; at most the recorder's own clearance.
    classification: int = Field(default=0, ge=0, le=3)


class CloseIn(BaseModel):
    ends_on: date  # the last day in force: the start's at the earliest


class WithdrawIn(BaseModel):
    reason: str = Field(min_length=10, max_length=1000, description="why it is withdrawn")


class WithdrawnOut(BaseModel):
    at: datetime
    by: str
    reason: str


class PreFitOut(BaseModel):
    periods: int
    rmspe: float | None
    r2: float | None
    noise_ratio: float | None


class CheckOut(BaseModel):
    effect: float | None
    ci90: list[float | None]
    ci95: list[float | None]
    p_value: float | None


class OtherMethodOut(CheckOut):
    method: str


class PlaceboTimeOut(CheckOut):
    start: str
    covers_zero: bool


class DisplacementOut(CheckOut):
    units: list[str]
    donors: int


class PreTrendOut(BaseModel):
    slope_per_period: float | None
    p: float | None
    drift: float | None


class EvaluationOut(BaseModel):
    effect: float | None
    ci90: list[float | None]
    ci95: list[float | None]
    method: str
    pre_fit: PreFitOut
    placebo_p: float | None
    p_value: float | None
    pre_trend: PreTrendOut
    weights: dict[str, dict[str, float]]
    other_method: OtherMethodOut | None
    placebo_in_time: PlaceboTimeOut | None
    displacement: DisplacementOut | None
    warnings: list[str]
    treated: list[str]
    donors: list[str]
    under_other_interventions: list[str] = Field(
        default_factory=list, description="units left out: under another intervention"
    )
    pre_periods: int
    post_periods: int
    verdict: str


class InterventionOut(BaseModel):
    id: int
    kind: str
    title: str
    description: str
    districts: list[str]
    district_names: list[str]
    area: Area | None  # the drawn zone; None: whole districts
    area_ring: Area | None  # the 1 km band around it, where displacement is measured
    starts_on: date
    ends_on: date | None
    legal_basis_id: str | None
    patrol_plan_id: str | None
    owner_agency: str
    classification: int
    created_by: str
    withdrawn: WithdrawnOut | None = Field(
        default=None, description="when, by whom and why it was withdrawn (not evaluated)"
    )
    evaluation: EvaluationOut | None
    unit_names: dict[str, str] = Field(
        default_factory=dict, description="the evaluation's units (ubigeos) by name"
    )
    error: str | None


class DistrictTrendOut(BaseModel):
    ubigeo: str
    name: str
    incidents: float
    incidents_baseline: float
    change: float | None
    dispatch_p50_s: float | None
    dispatch_p50_baseline_s: float | None
    uof: float
    uof_baseline: float


class TrendsOut(BaseModel):
    weeks: int
    baseline_weeks: int
    districts: list[DistrictTrendOut]


class WeeklyBaselineOut(BaseModel):
    incidents: float | None
    dispatch_p50_min: float | None
    uof: float | None
    forecast_hit_pct: float | None


class WeeklyKpisOut(BaseModel):
    district: str | None  # None: the whole city
    weeks: list[str]  # each week's first day
    incidents: list[int]
    dispatch_p50_min: list[float | None]
    uof: list[int]
    forecast_hit_pct: list[float | None]
    baseline: WeeklyBaselineOut  # each one's mean over the first ``baseline_weeks``
    baseline_weeks: int
