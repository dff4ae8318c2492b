"""API shapes for networks, their provenance, and cases."""

from __future__ import annotations

from pydantic import BaseModel, Field


class NetworkSummary(BaseModel):
    """A network as ranked for triage (over the reports the reader may see)."""

    network: str = Field(description='its name: "N-" and its earliest report\'s id')
    reports: int
    growth: int = Field(description="reports in the last 30 days minus the 30 before")
    recent_reports: int = Field(description="reports in the last 30 days")
    violent_reports: int = Field(description="reports of priority 1")
    last_report_at: str | None
    identifiers: int = Field(description="identifiers (phones, accounts, plates) linking it")


class KeyPlayer(BaseModel):
    """An identifier whose removal splits the network."""

    entity: str = Field(description='the identifier\'s key, "kind:value"')
    reports_cut_off: int = Field(description="reports no longer in the largest piece without it")
    pieces: int


class PaymentHub(BaseModel):
    entity: str = Field(description='the payment identifier\'s key, "kind:value"')
    reports: int = Field(description="distinct reports naming it")


class Broker(BaseModel):
    """An identifier linking communities."""

    entity: str
    communities: int = Field(description="communities it touches")
    betweenness: float


class Person(BaseModel):
    """Names in the network resolved into one person by the name matcher."""

    name: str = Field(description="the most frequent variant")
    variants: list[str]
    reports: list[int]


class TimelineEntry(BaseModel):
    incident_id: int
    received_at: str
    category: str
    district: str | None = Field(description="ubigeo")
    district_name: str | None = Field(default=None, description="the district's name")
    priority: int
    amounts: list[str] = Field(description="amounts of money the report mentions")


class LinkOut(BaseModel):
    """Where a report mentions an identifier: the provenance of a link."""

    incident_id: int
    entity: str = Field(description='the identifier\'s key, "kind:value"')
    mention: str = Field(description="the kind of mention (phone, account, plate, name, ...)")
    rule: str = Field(description="the extraction rule that found it")
    confidence: float
    span: list[int] = Field(description="[start, end): where in the narrative")


class EntityOut(BaseModel):
    """An identifier of the network as people write it, and how many reports name it."""

    key: str = Field(description='"kind:value", as in links')
    kind: str = Field(description="phone, payment_account, vehicle, person, alias, ...")
    value: str = Field(description='written for people, e.g. "+51 987 654 321"')
    label: str = Field(description='kind and value in Spanish, e.g. "Teléfono +51 987 654 321"')
    reports: int = Field(description="readable reports that name it")


class NetworkDetail(BaseModel):
    network: str
    reports: int
    communities: dict[str, int] = Field(description="report id -> its community")
    key_players: list[KeyPlayer]
    payment_hubs: list[PaymentHub]
    brokers: list[Broker]
    people: list[Person]
    timeline: list[TimelineEntry]
    entities: list[EntityOut] = Field(default_factory=list)
    links: list[LinkOut]


class CaseSummary(BaseModel):
    id: int
    number: str = Field(description="the case's own number: a purpose for reading its reports")
    investigation: str = Field(description="the investigation it belongs to (shared by cases)")
    title: str
    network: str = Field(description="the network the case was opened from")
    status: str
    owner_agency: str
    created_at: str


class CaseMemberOut(BaseModel):
    username: str
    agency: str


class CaseNoteOut(BaseModel):
    id: int
    author: str
    text: str
    created_at: str


class CaseOut(BaseModel):
    """A case as this reader may see it."""

    id: int
    number: str
    investigation: str
    title: str
    network: str
    status: str
    owner_agency: str
    members: list[CaseMemberOut]
    created_by: str
    created_at: str
    notes: list[CaseNoteOut]
    entities: list[str] = Field(description="identifiers kept on the case that the reader sees")
    entity_labels: dict[str, str] = Field(
        default_factory=dict, description='each of them in words ("Teléfono +51 987 654 321")'
    )
