"""API shapes for the command tree, units, legal authorizations and orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from kuntur.geography.schemas import Area


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


# Answers.


class NodeOut(BaseModel):
    """A command node as created."""

    id: int
    name: str
    level: str = Field(description="joint_command, front, division or station")
    parent_id: int | None = Field(description="null for the root")


class TreeNodeOut(NodeOut):
    """A node of the command tree."""

    agency: str = Field(description="agency code (PNP, EP, MGP, FAP, ...)")
    district: str | None = Field(description="ubigeo of the district it sits in")


class UnitOut(BaseModel):
    id: int
    call_sign: str
    agency: str = Field(description="agency code")
    military: bool = Field(description="of the armed forces: deploys only under a legal basis")
    unit_type: str
    capabilities: list[str]
    personnel: int
    command_unit_id: int = Field(description="the command node it belongs to")
    shift: str
    status: str = Field(description="available, dispatched, en_route, on_scene, returning, ...")
    lon: float | None = Field(description="last known position; null before any report")
    lat: float | None
    position_at: str | None = Field(description="when the last position was reported")
    incident_id: int | None = Field(description="the incident it is assigned to, if any")


class PositionsAccepted(BaseModel):
    accepted: int = Field(description="position reports stored")


# status -> units
StatusCounts = dict[str, int]


class NodeReadiness(BaseModel):
    id: int
    name: str
    by_agency: dict[str, StatusCounts] = Field(
        description="agency code -> status -> units, over the node's whole subtree"
    )


class DistrictReadiness(BaseModel):
    ubigeo: str = Field(description='"-" for units outside every district')
    name: str
    by_agency: dict[str, StatusCounts] = Field(description="agency code -> status -> units")


class ReadinessOut(BaseModel):
    nodes: list[NodeReadiness]
    districts: list[DistrictReadiness]


class AuthorizationOut(BaseModel):
    """A legal basis for the armed forces' part: a state of emergency or a Resolución
    Suprema."""

    id: int
    kind: str = Field(description="state_of_emergency or resolucion_suprema")
    number: str
    area_label: str
    area: Area = Field(description="where it applies (lon/lat)")
    starts_at: str
    ends_at: str
    forces_role: str = Field(description="none, support or control")
    restricted_rights: list[str]
    purpose: str | None
    revoked: bool
    active: bool = Field(description="in force now: not revoked and within its term")
    expires_soon: bool = Field(description="active and ending within three days")


class OrderOut(BaseModel):
    id: int
    issuer_node_id: int
    target_node_id: int | None
    target_unit_id: int | None
    kind: str
    text: str
    lon: float | None
    lat: float | None
    starts_at: str
    ends_at: str
    legal_basis_id: int | None = Field(description="the authorization it relies on, if any")
    status: str = Field(description="issued, acknowledged or completed")
    issued_by: str
    issued_at: str
    acknowledged_by: str | None
    acknowledged_at: str | None
    completed_at: str | None
