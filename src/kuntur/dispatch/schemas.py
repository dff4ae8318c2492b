"""API shapes for dispatch: the queue, recommendations, assignments, timelines and KPIs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kuntur.incidents.schemas import IncidentOut


class QueueItem(IncidentOut):
    """An open incident (never its narrative) and the units on it."""

    units: list[str] = Field(description="call signs of the units assigned to it")


class RankedUnit(BaseModel):
    unit_id: int
    call_sign: str
    agency: str
    unit_type: str
    eta_seconds: float = Field(description="estimated travel time")
    distance_m: int = Field(description="travel distance, metres")
    by_road: bool = Field(description="ETA over the road graph (else straight line and speed)")
    legal_basis_id: int | None = Field(
        description="for armed-forces units, the authorization that allows the deployment"
    )
    reasons: list[str] = Field(description="why it ranks where it does")


class ExcludedUnit(BaseModel):
    unit_id: int
    call_sign: str
    agency: str
    reason: str = Field(description="status, capability, or no legal basis (English)")
    code: str = Field(description="status, no_position, lacks, no_legal_basis or too_far")
    params: dict[str, str] = Field(
        description="the reason's values (status; capabilities; minutes; legal: the legal "
        "refusal's code, with its basis and date)"
    )


class Recommendation(BaseModel):
    incident_id: int
    needs: list[str] = Field(description="capabilities the incident's category needs")
    ranked: list[RankedUnit] = Field(description="eligible units, fastest first")
    excluded: list[ExcludedUnit] = Field(description="the nearest units left out, and why")
    first_response: list[RankedUnit] = Field(
        description="when a capability is needed: the nearest lawful units without it, which "
        "the dispatcher may send first with a reason (override_reason)"
    )


class AssignmentMade(BaseModel):
    assignment_id: int
    incident_id: int
    unit_id: int
    legal_basis_id: int | None
    eta_seconds: float | None


class IncidentTimes(BaseModel):
    """When the incident reached each state; null for those it has not reached."""

    received_at: str | None
    triaged_at: str | None
    dispatched_at: str | None
    en_route_at: str | None
    on_scene_at: str | None
    cleared_at: str | None


class TimelineAssignment(BaseModel):
    unit: str | None = Field(description="call sign")
    dispatched_at: str
    dispatched_by: str
    eta_seconds: float | None
    legal_basis_id: int | None
    released_at: str | None
    override_reason: str | None = Field(
        description="sent without the capability the incident needs: the dispatcher's reason"
    )


class TimelineNote(BaseModel):
    id: int
    text: str
    author: str
    created_at: str


class Timeline(BaseModel):
    incident_id: int
    status: str
    disposition: str | None
    merged_into_id: int | None = Field(description="the incident it was merged into")
    priority: int
    times: IncidentTimes
    assignments: list[TimelineAssignment]
    notes: list[TimelineNote] = Field(description="dispatchers' notes, oldest first")
    allowed_moves: list[str] = Field(
        description="the states it may move to now through .../status (dispatching is "
        "through .../dispatch)"
    )


class Interval(BaseModel):
    """One response interval over a group; target figures only for intervals with a target,
    and only when the group has measurements."""

    n: int = Field(description="incidents measured")
    p50_s: float | None = Field(description="median, seconds")
    p90_s: float | None = Field(description="90th percentile, seconds")
    target_s: float | None = Field(default=None, description="the target, seconds")
    within_target: float | None = Field(default=None, description="share within target, 0-1")


class KpiRow(BaseModel):
    group: str = Field(description='the group\'s key ("-" where it is unknown)')
    label: str | None = Field(default=None, description="district name, when grouped by district")
    call_to_dispatch: Interval
    dispatch_to_arrival: Interval
    on_scene: Interval


class Kpis(BaseModel):
    group_by: str = Field(description="district, agency, priority or month")
    targets_s: dict[str, float] = Field(description="interval -> target, seconds")
    rows: list[KpiRow]
