"""API shapes for forecasts."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

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


class ForecastOut(BaseModel):
    id: int
    created_at: str
    created_by: str
    method: str
    chosen: str
    params: dict[str, Any]
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
    fairness: dict[str, Any]


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
    district: dict[str, str] | None
    method: str
    cell_size: float
