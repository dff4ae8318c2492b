"""Intelligence API: networks and their provenance, for analysts with a stated purpose."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Cookie, Path, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from kuntur.core.i18n import LANGS, SOURCE
from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.identity.web import ActorDep
from kuntur.intelligence import cases, service
from kuntur.intelligence.schemas import CaseOut, CaseSummary, NetworkDetail, NetworkSummary

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/intel", tags=["intelligence"])


@router.get("/networks", response_model=list[NetworkSummary])
def list_networks(
    actor: ActorDep,
    min_reports: Annotated[int, Query(ge=1, le=10_000)] = 2,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """Networks ranked by size, growth, violence and recency. Send ``X-Purpose``."""
    return service.list_networks(actor, min_reports=min_reports, limit=limit)


@router.get("/networks/{name}", response_model=NetworkDetail)
def get_network(
    name: Annotated[str, Path(pattern=r"^N-\d{1,19}$")], actor: ActorDep
) -> dict[str, Any]:
    """Communities, key players, payment hubs, brokers, timeline, and every link's provenance."""
    return service.network(actor, name)


@router.get("/reports/{incident_id}/network", response_model=NetworkDetail)
def report_network(
    incident_id: Annotated[int, Path(ge=1, le=MAX_ID)], actor: ActorDep
) -> dict[str, Any]:
    """From a report to its network."""
    return service.network_of(actor, incident_id)


class CaseIn(BaseModel):
    number: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the case's own number; without one, <investigation>/<id>",
    )
    investigation: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="the investigation it belongs to (default: number); cases may share one",
    )
    title: str = Field(min_length=1, max_length=300)
    network: str = Field(pattern=r"^N-\d{1,19}$")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class EntityIn(BaseModel):
    key: str = Field(min_length=3, max_length=240)


class MemberIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)


CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/cases", response_model=list[CaseSummary])
def list_cases(actor: ActorDep) -> list[dict[str, Any]]:
    """The cases the reader is a member of (oversight: every case)."""
    return cases.list_cases(actor)


@router.post("/cases", response_model=CaseOut, status_code=201)
def open_case(data: CaseIn, actor: ActorDep) -> dict[str, Any]:
    """Open a case from a network (audited with the stated purpose)."""
    c = cases.open_case(
        actor,
        number=data.number,
        title=data.title,
        network=data.network,
        investigation=data.investigation,
    )
    return cases.get_case(actor, c.id)


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(case_id: CaseId, actor: ActorDep) -> dict[str, Any]:
    """Members (and oversight) only; anyone else gets 404, and the attempt is audited."""
    return cases.get_case(actor, case_id)


@router.post("/cases/{case_id}/notes", response_model=CaseOut, status_code=201)
def add_note(case_id: CaseId, data: NoteIn, actor: ActorDep) -> dict[str, Any]:
    """Members only; the case as it stands after the note."""
    return cases.add_note(actor, case_id, data.text)


@router.post("/cases/{case_id}/entities", response_model=CaseOut, status_code=201)
def add_entity(case_id: CaseId, data: EntityIn, actor: ActorDep) -> dict[str, Any]:
    """Members only; an identifier the member sees in some report they may read."""
    return cases.add_entity(actor, case_id, data.key)


@router.post("/cases/{case_id}/members", response_model=CaseOut, status_code=201)
def add_member(case_id: CaseId, data: MemberIn, actor: ActorDep) -> dict[str, Any]:
    """Members add intelligence analysts of the case's agency, or of an agency it shares
    its records with."""
    return cases.add_member(actor, case_id, data.username)


@router.get("/cases/{case_id}/report", response_class=HTMLResponse)
def case_report(
    case_id: CaseId,
    actor: ActorDep,
    lang: Annotated[Literal["es", "en"] | None, Query()] = None,
    cookie_lang: Annotated[str | None, Cookie(alias="lang", include_in_schema=False)] = None,
) -> HTMLResponse:
    """The case report as HTML: chart, key players, timeline, provenance of every link. In
    ``lang`` (else the page language's cookie, else Spanish)."""
    chosen = lang or (cookie_lang if cookie_lang in LANGS else SOURCE)
    return HTMLResponse(cases.report_html(actor, case_id, chosen))
