"""The citizen liaison desk's API: the queue, one tip, its photos, the contact (a
sensitive read with a reason), messages to the tipster, conversion into an incident and
closing. Every route acts through the actor; every act is on record."""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from kuntur.citizens import catalogue, intake, service
from kuntur.citizens.schemas import (
    CatalogueOut,
    CloseIn,
    ContactIn,
    ContactOut,
    ConvertIn,
    DeskKeyOut,
    ReplyIn,
    TipBrief,
    TipDetail,
)
from kuntur.core.i18n import render
from kuntur.core.web import UnitOfWorkRoute
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/citizens", tags=["citizens"])
TipId = Annotated[int, Path(ge=1, le=2**53)]
Lang = Annotated[Literal["es", "en"], Query()]


@router.get("/catalogue", response_model=CatalogueOut)
def get_catalogue(lang: Lang = "es") -> dict[str, Any]:
    """The fixed lists (categories, parts of the day, reasons to close, reasons to read a
    contact), with their labels: public reference data."""
    from kuntur.core.i18n import _

    contact = {
        "call_back": _("Llamar al denunciante (pidió que lo contacten)", lang=lang),
        "clarify": _("Aclarar lo denunciado", lang=lang),
        "protect": _("Proteger al denunciante o a la víctima", lang=lang),
    }
    return {
        "categories": [
            {"code": c, "label": render(v[0], lang)} for c, v in catalogue.CATEGORIES.items()
        ],
        "day_parts": [
            {"code": c, "label": render(v, lang)} for c, v in catalogue.DAY_PARTS.items()
        ],
        "close_reasons": [
            {"code": c, "label": render(v[0], lang)} for c, v in catalogue.CLOSE_REASONS.items()
        ],
        "contact_reasons": [{"code": c, "label": t} for c, t in contact.items()],
    }


@router.get("/desk-key", response_model=DeskKeyOut)
def desk_key(request: Request) -> dict[str, Any]:
    """The desk's public key: a field app may seal contact details before sending them."""
    public = intake.of(request).keys.desk.public
    return {"public_key": base64.b64encode(bytes(public)).decode()}


@router.get("/tips", response_model=list[TipBrief])
def list_tips(
    actor: ActorDep,
    status: Annotated[
        Literal["open", "all", "received", "reviewing", "converted", "closed"], Query()
    ] = "open",
    lang: Lang = "es",
) -> list[dict[str, Any]]:
    """The queue: life at risk first, then by category's urgency, the oldest first."""
    tips = service.queue(actor, status=status)
    counts = service.photo_counts(actor, [t.id for t in tips])
    return [service.brief_out(t, counts.get(t.id, 0), lang) for t in tips]


@router.get("/tips/{tip_id}", response_model=TipDetail)
def get_tip(tip_id: TipId, actor: ActorDep, lang: Lang = "es") -> dict[str, Any]:
    return service.detail_out(actor, service.open_tip(actor, tip_id), lang)


@router.get(
    "/tips/{tip_id}/photos/{photo_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "the photo, re-encoded"}},
)
def get_photo(
    tip_id: TipId, photo_id: Annotated[int, Path(ge=1, le=2**53)], actor: ActorDep
) -> Response:
    data = service.photo(actor, tip_id, photo_id)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post("/tips/{tip_id}/contact", response_model=ContactOut)
def read_contact(
    tip_id: TipId, data: ContactIn, request: Request, actor: ActorDep
) -> dict[str, Any]:
    """The tipster's contact details, opened on the server for a citizen liaison with a
    reason: a sensitive read on record."""
    keys = intake.of(request).keys
    return {"contact": service.contact(actor, keys, tip_id, data.reason)}


@router.post("/tips/{tip_id}/messages", response_model=TipDetail)
def reply(tip_id: TipId, data: ReplyIn, actor: ActorDep, lang: Lang = "es") -> dict[str, Any]:
    """A message to the tipster (who reads it with the receipt), signed by the desk."""
    service.reply(actor, tip_id, data.body)
    return service.detail_out(actor, service._tip(actor, tip_id), lang)


@router.post("/tips/{tip_id}/convert", response_model=TipDetail)
def convert(tip_id: TipId, data: ConvertIn, actor: ActorDep, lang: Lang = "es") -> dict[str, Any]:
    """Turn the tip into an incident (incidents.write too), linked both ways; its phones
    and accounts join intelligence's networks."""
    tip = service.convert(actor, tip_id, **data.model_dump())
    return service.detail_out(actor, tip, lang)


@router.post("/tips/{tip_id}/close", response_model=TipDetail)
def close(tip_id: TipId, data: CloseIn, actor: ActorDep, lang: Lang = "es") -> dict[str, Any]:
    return service.detail_out(actor, service.close(actor, tip_id, data.reason), lang)
