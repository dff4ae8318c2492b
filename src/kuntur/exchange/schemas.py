"""API shapes for the exchange: Cursor-on-Target positions, EIDO documents, exports."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CotRejection(BaseModel):
    index: int = Field(description="the event's place in the document, from 0")
    reason: str


class CotAccepted(BaseModel):
    accepted: int = Field(description="events stored as position reports")
    rejected: list[CotRejection] = Field(description="events left out, and why")


class EidoIncident(BaseModel):
    """The incident component (IncidentInformationType); its other properties as NENA names
    them (docs/exchange.md)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(alias="$id")
    lastUpdateTimeStamp: str
    incidentTrackingIdentifier: str | None = None
    incidentTypeCommonRegistryText: str


class EidoDocument(BaseModel):
    """A NENA EIDO document (NENA-STA-021.1a, JSON). Only its top level is named here; the
    whole document is checked against the vendored schema (docs/exchange.md), and every
    component it carries is kept in the answer."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    id: str = Field(alias="$id", description="the document's identifier")
    lastUpdateTimeStamp: str = Field(description="RFC 3339, UTC")
    eidoVersion: str
    issuingElementIdentification: str | None = None
    incidentComponent: list[EidoIncident] = Field(
        description="the incident (IncidentInformationType)"
    )


class EidoImported(BaseModel):
    imported: int = Field(description="incidents stored")
    duplicates: int = Field(description="documents whose incident tracking id was already stored")
    unmapped: list[str] = Field(
        description="JSON paths of what the documents carried that was kept but not mapped"
    )
