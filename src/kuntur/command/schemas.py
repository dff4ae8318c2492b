"""API shapes for the command tree, units, legal authorizations and orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class NodeIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    agency: str = Field(max_length=16)
    level: Literal["joint_command", "front", "division", "station"]
    parent_id: int | None = Field(default=None, ge=1, le=2**53)
    district: str | None = Field(default=None, pattern=r"^\d{6}$")


class UnitIn(BaseModel):
    call_sign: str = Field(min_length=1, max_length=40, pattern=r"^[\w\- ]+$")
    agency: str = Field(max_length=16)
    unit_type: str = Field(max_length=30)
    command_unit_id: int = Field(ge=1, le=2**53)
    home_lon: float = Field(ge=-180, le=180)
    home_lat: float = Field(ge=-90, le=90)
    capabilities: list[str] = Field(default_factory=list, max_length=10)
    personnel: int = Field(default=2, ge=1, le=500)
    shift: str = Field(default="24h", max_length=20)


class PositionIn(BaseModel):
    call_sign: str = Field(min_length=1, max_length=40)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    at: datetime | None = None


class PositionsIn(BaseModel):
    positions: list[PositionIn] = Field(min_length=1, max_length=1000)


class StatusIn(BaseModel):
    status: Literal[
        "available",
        "dispatched",
        "en_route",
        "on_scene",
        "returning",
        "out_of_service",
        "off_duty",
    ]


class AuthorizationIn(BaseModel):
    kind: Literal["state_of_emergency", "resolucion_suprema"]
    number: str = Field(min_length=1, max_length=80)
    starts_at: datetime
    ends_at: datetime
    forces_role: Literal["none", "support", "control"]
    districts: list[str] = Field(default_factory=list, max_length=2000)
    polygon: dict[str, Any] | None = None
    area_label: str | None = Field(default=None, max_length=300)
    restricted_rights: list[str] = Field(default_factory=list, max_length=10)
    purpose: str | None = Field(default=None, max_length=60)


class OrderIn(BaseModel):
    issuer_node_id: int = Field(ge=1, le=2**53)
    kind: str = Field(min_length=1, max_length=30)
    text: str = Field(min_length=1, max_length=5000)
    starts_at: datetime
    ends_at: datetime
    target_node_id: int | None = Field(default=None, ge=1, le=2**53)
    target_unit_id: int | None = Field(default=None, ge=1, le=2**53)
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
