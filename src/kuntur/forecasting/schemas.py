"""API shapes for forecasts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kuntur.geography.schemas import PolygonGeometry
from kuntur.incidents.categories import Category

MethodName = Literal["naive", "kde", "prospective", "etas", "smoothing", "auto"]


class ForecastRequest(BaseModel):
    method: MethodName = "auto"
    categories: list[Category] = Field(default_factory=list, max_length=20)
    region: str | None = Field(
        default=None, pattern=r"^(\d{2}|\d{4}|\d{6})$", description="ubigeo prefix, e.g. 1501"
    )
    cell_size: float = Field(default=250.0, ge=50, le=2000)
    horizon_days: float = Field(default=7.0, ge=1, le=90)
    exclude_discovered: bool = Field(
        default=False, description="leave out incidents patrols discover (drugs, weapons)"
    )
    at: datetime | None = Field(
        default=None, description="forecast start; default the day after the last incident"
    )


class DistrictFairness(BaseModel):
    """One district's share of the flagged cells against its shares of people and reports."""

    ubigeo: str
    name: str
    flagged_cells: int
    flagged_share: float = Field(description="share of the flagged cells, 0-1")
    population_share: float = Field(description="share of the population in play, 0-1")
    victim_report_share: float = Field(description="share of the victims' reports, 0-1")
    ratio_to_population: float | None = Field(
        description="flagged share / population share: 1 is proportional; null when zero"
    )
    ratio_to_reports: float | None = Field(
        description="flagged share / victim-report share; null when zero"
    )


class FairnessReport(BaseModel):
    districts: list[DistrictFairness]
    flagged_cells: int
    flagged_cells_outside_districts: int
    over_reports: list[str] = Field(
        description="ubigeos flagged at least twice their victim-report share (on 2+ cells)"
    )
    note: str
    excluded_categories: list[str] | None = Field(
        default=None, description="patrol-discovered categories left out, when they were"
    )


class ForecastOut(BaseModel):
    id: int
    created_at: str
    created_by: str
    method: str
    chosen: str
    params: dict[str, Any] = Field(description="the method's own parameters, as fitted")
    categories: list[str]
    region: str | None
    exclude_discovered: bool
    data_version: str
    events_used: int
    cell_size: float
    crs: str
    area_cells: int
    horizon_days: float
    valid_from: str
    valid_until: str
    fairness: FairnessReport


class DistrictRef(BaseModel):
    ubigeo: str
    name: str


class CellExplanation(BaseModel):
    forecast_id: int
    cell: int
    rank: int
    of_area_cells: int
    top_percent: float
    level: str
    expected_events: float
    recent_events: int
    recent_days: int
    year_events: int
    long_term_per_year: float
    area_mean_events_per_cell: float
    district: DistrictRef | None
    method: str
    cell_size: float


class CellProperties(BaseModel):
    cell: int = Field(description="the cell's index in the forecast's grid")
    rank: int = Field(description="1 = highest risk")
    level: str = Field(description="very_high or high")
    risk: float = Field(description="expected events in the horizon")
    district: str | None = Field(description="ubigeo of the district at the cell's centre")


class CellFeature(BaseModel):
    type: Literal["Feature"]
    id: int = Field(description="the cell")
    geometry: PolygonGeometry
    properties: CellProperties


class ForecastCells(BaseModel):
    """The flagged cells as GeoJSON polygons (lon/lat), by rank."""

    type: Literal["FeatureCollection"]
    forecast_id: int
    features: list[CellFeature]


class CellIncident(BaseModel):
    id: int
    occurred_at: str
    category: str
    district: str | None = Field(description="the district's name")


class CellIncidents(BaseModel):
    """The incidents behind a flagged cell that the reader may read (the year before the
    forecast): by crime type, by hour of the day in Lima, and the latest 50."""

    forecast_id: int
    cell: int
    since: str
    until: str
    readable: int = Field(description="incidents in the cell the reader may read")
    by_category: dict[str, int]
    by_hour: list[int] = Field(description="24 counts, hour 0 to 23, Lima time")
    incidents: list[CellIncident]
