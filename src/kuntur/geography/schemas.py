"""API shapes for districts and boundaries, and the GeoJSON (RFC 7946) pieces other domains'
answers are made of. Coordinates are [longitude, latitude] in WGS 84."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

Position = Annotated[list[float], Field(description="[longitude, latitude]")]


class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: Position


class PolygonGeometry(BaseModel):
    type: Literal["Polygon"]
    coordinates: list[list[Position]] = Field(
        description="rings: the outer one first, then any holes; each closed"
    )


class MultiPolygonGeometry(BaseModel):
    type: Literal["MultiPolygon"]
    coordinates: list[list[list[Position]]]


Area = Annotated[PolygonGeometry | MultiPolygonGeometry, Field(discriminator="type")]


class DistrictOut(BaseModel):
    """One INEI district."""

    ubigeo: str = Field(description="INEI code, six digits")
    name: str
    province: str
    department: str
    capital: str
    latitude: float | None = Field(description="of the capital")
    longitude: float | None = Field(description="of the capital")
    area_km2: float | None
    population_2017: int | None = Field(description="census 2017")
    idh_2019: float | None = Field(description="human development index (PNUD, 2019), 0-1")
    poverty_pct: float | None = Field(description="monetary poverty, a percentage (0-100)")
    lima_callao: bool = Field(description="in Lima Metropolitana or Callao")


class Located(BaseModel):
    ubigeo: str | None = Field(description="the district at the point; null outside Peru")
    district: DistrictOut | None


class LimaDistrictProperties(BaseModel):
    ubigeo: str
    district: str
    province: str
    department: str
    capital: str
    area_km2: float
    population_2017: int
    households_2017: int
    idh_2019: float = Field(description="human development index (PNUD, 2019), 0-1")
    poverty_pct: float = Field(description="monetary poverty, a fraction of 100 (0-100)")


class LimaDistrictFeature(BaseModel):
    type: Literal["Feature"]
    geometry: Area
    properties: LimaDistrictProperties


class LimaCallaoBoundaries(BaseModel):
    """District outlines of Lima Metropolitana and Callao, with census figures."""

    type: Literal["FeatureCollection"]
    features: list[LimaDistrictFeature]


class CrsName(BaseModel):
    name: str


class Crs(BaseModel):
    """The named CRS of the source files (GeoJSON 2008): CRS84, that is lon/lat WGS 84."""

    type: Literal["name"]
    properties: CrsName


class DepartmentProperties(BaseModel):
    """As the INEI source file names them."""

    NOMBDEP: str = Field(description="department name")
    COUNT: int = Field(description="districts in the department")
    FIRST_IDDP: str = Field(description="department code, two digits")
    HECTARES: float


class ProvinceProperties(BaseModel):
    """As the INEI source file names them."""

    COUNT: int = Field(description="districts in the province")
    FIRST_IDPR: str = Field(description="province code, four digits")
    NOMBPROV: str = Field(description="province name")
    FIRST_NOMB: str = Field(description="department name")
    LAST_DCTO: str = Field(description="kind of the last legal instrument (LEY, ...)")
    LAST_LEY: str = Field(description="number of the last law")
    FIRST_FECH: str = Field(description="date of creation, dd/mm/yyyy")
    LAST_FECHA: str = Field(description="date of the last law, dd/mm/yyyy")
    MIN_SHAPE_: float = Field(description="area, hectares")
    ha: float = Field(description="area, hectares")


class DepartmentFeature(BaseModel):
    type: Literal["Feature"]
    geometry: Area
    properties: DepartmentProperties


class ProvinceFeature(BaseModel):
    type: Literal["Feature"]
    geometry: Area
    properties: ProvinceProperties


class DepartmentBoundaries(BaseModel):
    type: Literal["FeatureCollection"]
    crs: Crs | None = None
    features: list[DepartmentFeature]


class ProvinceBoundaries(BaseModel):
    type: Literal["FeatureCollection"]
    crs: Crs | None = None
    features: list[ProvinceFeature]
