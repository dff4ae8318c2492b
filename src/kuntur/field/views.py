"""The field app's routes: the installable page at /campo (its shell, service worker and
web manifest, served without a login: the app signs in by itself), and the API the phone
speaks with its device token (``X-Device-Key`` on every call) and the dispatcher's view
of the devices and deliveries. Thin: each route calls the service with the actor."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator
from datetime import datetime
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Header, Path, Request, UploadFile, status
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool

from kuntur.core import i18n
from kuntur.core.web import MAX_ID, UnitOfWorkRoute
from kuntur.field import live as hub_live
from kuntur.field import schemas, service
from kuntur.identity import crypto
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.identity.views import check_login_rate, refusal
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, tags=["field"])
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
DeviceKey = Annotated[str, Header(alias="X-Device-Key", max_length=64)]
STATIC = resources.files("kuntur.field") / "static"
# A comment line on an idle stream this often, so that proxies and phones keep it open; a
# revoked device's stream ends within hub_live.RECHECK_S all the same (the hub wakes it).
KEEPALIVE_S = 15.0


@functools.cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(resources.files("kuntur.field") / "templates")),
        autoescape=True,
    )
    i18n.install_gettext(env)
    return env


@router.get("/campo", response_class=HTMLResponse, include_in_schema=False)
def field_page(request: Request) -> Response:
    """The app's shell: no data in it (that comes from the API with the device token), so
    the service worker may keep it for offline use."""
    settings = request.app.state.settings
    html = (
        _env()
        .get_template("campo.html")
        .render(
            lang="es",
            position_interval_s=settings.field_position_interval_s,
            photo_max_bytes=settings.field_photo_max_bytes,
            photo_max_mb=settings.field_photo_max_bytes // (1024 * 1024),
            # The maps' own optional tiles (none by default: then the district outlines
            # Kuntur serves, kept by the service worker for offline use).
            tile_url=settings.map_tile_url,
            tile_attribution=settings.map_tile_attribution,
        )
    )
    return HTMLResponse(html)


@router.get("/campo/sw.js", include_in_schema=False)
def service_worker() -> Response:
    """The service worker, from /campo so that its scope covers the page."""
    body = (STATIC / "sw.js").read_text(encoding="utf-8")
    return Response(
        body,
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/campo", "Cache-Control": "no-cache"},
    )


@router.get("/campo/manifest.webmanifest", include_in_schema=False)
def web_manifest() -> Response:
    body = {
        "name": i18n._("Kuntur Campo"),
        "short_name": i18n._("Campo"),
        "description": i18n._("Despachos, órdenes y estado de la unidad en el teléfono"),
        "lang": "es",
        "start_url": "/campo",
        "scope": "/campo",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#000000",
        "theme_color": "#000000",
        "icons": [
            {"src": "/static/field/icon.svg", "sizes": "any", "type": "image/svg+xml"},
            {"src": "/static/field/icon-192.png", "sizes": "192x192", "type": "image/png"},
        ],
    }
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/manifest+json")


@router.post(
    "/api/field/signin",
    response_model=schemas.SignedIn,
    status_code=201,
    responses={
        401: {"description": "refused"},
        403: {"description": "not a field officer"},
        423: {"description": "account locked"},
    },
    dependencies=[Depends(check_login_rate)],
)
def sign_in(body: schemas.SignInIn, request: Request, actor: ActorDep) -> Any:
    """The officer's username and password (and second factor where the role needs one):
    a device token for the shift, bound to this device and to the officer's unit."""
    key = crypto.for_settings(request.app.state.settings)
    result = identity.authenticate(
        actor.db, actor.ctx, body.username, body.password, body.totp, key
    )
    if result.user is None:
        return refusal(result)  # answered, not raised: the failure count is kept
    officer = Actor(
        actor.db, identity.context_for(result.user, None, request_id=actor.ctx.request_id)
    )
    if not service.may_sign_in(officer):
        return JSONResponse(
            {"detail": i18n._("Su usuario no usa la aplicación de campo (rol oficial de campo).")},
            status_code=status.HTTP_403_FORBIDDEN,
        )
    settings = request.app.state.settings
    raw, dev, unit = service.start_shift(
        officer,
        result.user,
        device_key=body.device_key,
        label=body.label,
        call_sign=body.call_sign,
        hours=min(body.hours, settings.field_shift_hours),
    )
    return schemas.SignedIn(
        token=raw,
        device_id=dev.id,
        unit_id=unit.id,
        call_sign=unit.call_sign,
        expires_at=dev.ends_at.isoformat(),
        position_interval_s=settings.field_position_interval_s,
    )


@router.get("/api/field/state", response_model=schemas.StateOut)
def field_state(request: Request, actor: ActorDep, device: DeviceKey) -> dict[str, Any]:
    """The unit's current dispatch and orders, as this device may see them."""
    bound = service.device_of(actor, device)
    out = service.state(actor, bound)
    out["position_interval_s"] = request.app.state.settings.field_position_interval_s
    return out


@router.post("/api/field/ack", response_model=schemas.DeliveryOut)
def acknowledge(data: schemas.AckIn, actor: ActorDep, device: DeviceKey) -> dict[str, Any]:
    """One tap: the unit acknowledges its dispatch or an order."""
    bound = service.device_of(actor, device)
    return service.acknowledge(actor, bound, data.kind, data.id)


@router.post("/api/field/reports", response_model=schemas.ReportsOut)
def reports(data: schemas.ReportsIn, actor: ActorDep, device: DeviceKey) -> dict[str, Any]:
    """Status changes, positions and notes, in the order made (live or from the offline
    queue); each answered applied, duplicate (sent before), conflict or refused."""
    bound = service.device_of(actor, device)
    items = [service.ReportIn(**item.model_dump()) for item in data.items]
    return {"results": service.apply_reports(actor, bound, items)}


@router.get("/api/field/uof", response_model=list[schemas.ClosedIncidentOut])
def uof_incidents(actor: ActorDep, device: DeviceKey) -> list[dict[str, Any]]:
    """The unit's closed incidents of the last days, each with the use-of-force report
    oversight requires (due, filed or none) and the members on shift it may name."""
    bound = service.device_of(actor, device)
    return service.uof_incidents(actor, bound)


@router.post(
    "/api/field/uof/photos",
    response_model=schemas.ReportResult,
    responses={
        403: {"description": "not the unit's report (answered and on record)"},
        413: {"description": "the photo is too large"},
        422: {"description": "not a photo"},
    },
)
def uof_photo(
    request: Request,
    actor: ActorDep,
    device: DeviceKey,
    photo: UploadFile,
    client_id: Annotated[str, Form(min_length=8, max_length=64)],
    at: Annotated[datetime, Form()],
    report_client_id: Annotated[str | None, Form(max_length=64)] = None,
    report_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
) -> Any:
    """An evidence photo for the unit's use-of-force report (live or from the offline
    queue, after its report), applied once per client id. Its type is judged by its
    content, never its name; its size against ``KUNTUR_FIELD_PHOTO_MAX_BYTES``."""
    bound = service.device_of(actor, device)
    max_bytes = request.app.state.settings.field_photo_max_bytes
    data = photo.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = photo.size if photo.size is not None else len(data)
        return JSONResponse(
            {"detail": service.photo_too_large(size, max_bytes)},
            status_code=status.HTTP_413_CONTENT_TOO_LARGE,
        )
    item = service.PhotoIn(
        client_id=client_id,
        at=at,
        data=data,
        report_client_id=report_client_id or None,
        report_id=report_id,
        lat=lat,
        lon=lon,
    )
    out = service.attach_photo(actor, bound, item, max_bytes)
    if out["outcome"] == "refused":
        return JSONResponse({"detail": out["reason"], **out}, status_code=403)
    return out


def _open_stream(actor: Actor, device: str) -> hub_live.Stream:
    """What the stream listens for, read in one worker-thread call that ends its
    transaction and gives its connection back. Split over several calls, a stream held its
    connection while it waited for a thread: 200 phones opening their streams at once held
    the whole pool while the threads waited for a connection."""
    try:
        bound = service.device_of(actor, device)
        unit = bound.unit
        nodes = service.ancestors(actor, unit.command_unit_id)
        actor.db.commit()  # keep the last contact
        return hub_live.Stream(unit.id, frozenset(nodes), unit.incident_id, actor.ctx.session_id)
    finally:
        actor.db.close()  # a stream lasts the shift: it holds no connection


@router.get(
    "/api/field/live",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "server-sent events"}},
)
async def live(request: Request, actor: ActorDep, device: DeviceKey) -> StreamingResponse:
    """What concerns this device's unit, as it happens: its own changes (a dispatch), its
    incident's, the orders to it or to a node above it. Each event names only its kind and
    id: the phone then reads its state. Ends as soon as the token no longer stands."""
    s = await run_in_threadpool(_open_stream, actor, device)
    hub = hub_live.hub_for(request.app.state, request.app.state.broker, request.app.state.engine)

    async def stream() -> AsyncIterator[str]:
        hub.add(s)
        try:
            yield "retry: 2000\n\n"
            yield 'data: {"kind": "hello"}\n\n'
            while True:
                try:
                    kinds = await asyncio.wait_for(s.next_batch(), KEEPALIVE_S)
                except TimeoutError:
                    yield ": keepalive\n\n"
                    continue
                if hub_live.ENDED in kinds:
                    yield 'event: session_ended\ndata: {"kind": "session_ended"}\n\n'
                    return
                if hub_live.RESTART in kinds:
                    return  # the phone reconnects in 2 s and re-reads its state
                yield "".join(f"data: {json.dumps({'kind': k})}\n\n" for k in kinds)
        finally:
            hub.remove(s)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/api/field/devices", response_model=list[schemas.DeviceOut])
def list_devices(actor: ActorDep) -> list[dict[str, Any]]:
    """The devices signed in now: officer, unit, shift end, last contact."""
    return service.devices(actor)


@router.post(
    "/api/field/devices/{device_id}/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def revoke_device(device_id: Id, actor: ActorDep) -> Response:
    """End a device's token now (a lost or stolen phone)."""
    service.revoke_device(actor, device_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/field/deliveries", response_model=list[schemas.DispatchDeliveryOut])
def list_deliveries(actor: ActorDep) -> list[dict[str, Any]]:
    """Per open dispatch: sent, received or acknowledged on the unit's phone."""
    return service.deliveries(actor)
