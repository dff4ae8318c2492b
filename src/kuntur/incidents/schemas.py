"""API shapes for incidents. Times go out in America/Lima, come in with any offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from kuntur.geography.schemas import PointGeometry, PolygonGeometry
from kuntur.geography.service import SERVED_AREA, SERVED_AREA_NAME
from kuntur.incidents.categories import Category, Source, Status


class IncidentCreate(BaseModel):
    """A new incident. A timestamp without offset is read as Lima local time."""

    model_config = ConfigDict(extra="forbid")

    source: Source
    external_id: str | None = Field(None, max_length=200)
    category: Category
    category_label: str | None = Field(None, max_length=200)
    priority: int | None = Field(None, ge=1, le=4, description="1 = life at risk now")
    occurred_at: datetime
    received_at: datetime | None = None
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    address: str | None = Field(None, max_length=500)
    narrative: str | None = Field(None, max_length=20_000)
    status: Status = Status.RECEIVED
    classification: int = Field(0, ge=0, le=3, description="0 public ... 3 secret")

    @field_validator("occurred_at", "received_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        # The importer refuses the same: before 1900 is a typo, after tomorrow the future.
        if value is None:
            return None
        if value.year < 1900:
            raise ValueError("is before 1900")
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        if aware > datetime.now(UTC) + timedelta(days=1):
            raise ValueError("is in the future")
        return value

    @field_validator("longitude", "latitude")
    @classmethod
    def _served(cls, value: float, info: ValidationInfo) -> float:
        # The box, one axis at a time: the error then names the field that is wrong.
        x0, y0, x1, y1 = SERVED_AREA
        low, high = (x0, x1) if info.field_name == "longitude" else (y0, y1)
        if not low < value < high:
            raise ValueError(
                f"está fuera del área que atiende el comando ({SERVED_AREA_NAME}: {low} a "
                f"{high}) / is outside the command's served area"
            )
        return value

    @field_validator("external_id", "address", "narrative", "category_label")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        return value or None


class IncidentOut(BaseModel):
    id: int
    source: Source
    external_id: str | None
    category: Category
    category_label: str | None
    priority: int
    status: Status
    occurred_at: str
    received_at: str
    latitude: float
    longitude: float
    h3_cell: str
    district_ubigeo: str | None
    district_name: str | None
    address: str | None
    narrative: str | None
    narrative_withheld: bool = Field(
        False, description="a sensitive narrative exists: send X-Purpose (a case number) to read it"
    )
    owner_agency: str
    classification: int
    import_batch_id: int | None


class IncidentPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[IncidentOut]


class IncidentStats(BaseModel):
    count: int
    bbox: list[float] | None = Field(description="[min_lon, min_lat, max_lon, max_lat]")
    by_category: dict[str, int]
    by_source: dict[str, int]
    first_occurred_at: str | None
    last_occurred_at: str | None


# The map layer (GET /api/incidents/map): ``kind`` says cells or points, ``format`` the encoding.


class _LayerHead(BaseModel):
    total: int | None = Field(description="incidents in view; null when points were capped")
    truncated: bool = Field(description="points were capped at the limit")


class CompactCells(_LayerHead):
    """H3 cell counts as parallel arrays."""

    kind: Literal["cells"]
    resolution: int | None = Field(description="H3 resolution of the cells")
    cells: list[str] = Field(description="H3 cell ids (hex)")
    counts: list[int] = Field(description="incidents per cell, parallel to cells")


class CompactPoints(_LayerHead):
    """Incidents as parallel arrays."""

    kind: Literal["points"]
    ids: list[int]
    lon: list[float]
    lat: list[float]
    category: list[str]
    occurred_utc: list[str] = Field(description="when each occurred (UTC, ISO 8601)")


class CellCount(BaseModel):
    cell: str = Field(description="H3 cell id (hex)")
    count: int


class CellCountFeature(BaseModel):
    type: Literal["Feature"]
    id: str = Field(description="H3 cell id (hex)")
    geometry: PolygonGeometry
    properties: CellCount


class CellsGeoJSON(_LayerHead):
    """H3 cell counts as GeoJSON polygons."""

    type: Literal["FeatureCollection"]
    kind: Literal["cells"]
    resolution: int | None = Field(description="H3 resolution of the cells")
    features: list[CellCountFeature]


class PointProperties(BaseModel):
    id: int
    category: str
    occurred_utc: str = Field(description="when it occurred (UTC, ISO 8601)")


class PointFeature(BaseModel):
    type: Literal["Feature"]
    id: int = Field(description="the incident")
    geometry: PointGeometry
    properties: PointProperties


class PointsGeoJSON(_LayerHead):
    """Incidents as GeoJSON points."""

    type: Literal["FeatureCollection"]
    kind: Literal["points"]
    features: list[PointFeature]


MapLayerOut = CompactCells | CompactPoints | CellsGeoJSON | PointsGeoJSON
