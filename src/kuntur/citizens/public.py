"""The tipster's routes: the tip page and the follow-up page (no login, Spanish first, no
JavaScript needed, every asset Kuntur's own), and their JSON twins for a field app.

Nothing here asks who is calling: no session, no token, no audit event, no request id kept;
uvicorn's access log leaves these paths out (``intake.hide_from_access_log``). The forms
carry a token that must match a cookie of their own (or the browser's Origin must be this
site), and the follow-up answers a wrong receipt exactly as an unknown one.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from datetime import date
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Cookie, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from kuntur.citizens import catalogue, intake, receipts, service
from kuntur.citizens.schemas import (
    CellOut,
    ChallengeOut,
    FollowIn,
    FollowMessageIn,
    TipIn,
    TipReceiptOut,
    TipStatusOut,
)
from kuntur.core import i18n
from kuntur.core.errors import NotFound
from kuntur.core.i18n import N_, render
from kuntur.core.web import SessionDep, UnitOfWorkRoute
from kuntur.geography import service as geo
from kuntur.incidents.models import ImportBatch

router = APIRouter(route_class=UnitOfWorkRoute, tags=["citizens (public)"])
LANGS = ("es", "en")
FORM_COOKIE = "kuntur_tip_form"
RECEIPT_COOKIE = "kuntur_tip_receipt"
# Said for a malformed, an unknown and a wrong receipt alike.
NOT_FOUND = N_(
    "No encontramos una denuncia con ese código. Revise que tenga las 20 cifras tal como las "
    "anotó e inténtelo otra vez."
)


@functools.cache
def _env() -> Environment:
    folder = str(resources.files("kuntur.citizens") / "templates")
    env = Environment(loader=FileSystemLoader(folder), autoescape=True)
    i18n.install_gettext(env)
    return env


def _lang(request: Request) -> str:
    for cand in (request.query_params.get("lang"), request.cookies.get("lang")):
        if cand in LANGS:
            return cand
    return "es"


def _synthetic(db: Session) -> bool:
    found = db.scalar(select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1))
    return found is not None


def _page(
    request: Request,
    name: str,
    db: Session,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    lang = _lang(request)
    token = request.cookies.get(FORM_COOKIE) or secrets.token_urlsafe(24)
    settings = request.app.state.settings
    html = (
        _env()
        .get_template(name)
        .render(
            lang=lang,
            other_lang="en" if lang == "es" else "es",
            path=request.url.path,
            form_token=token,
            synthetic=_synthetic(db),
            categories=[(c, render(v[0], lang)) for c, v in catalogue.CATEGORIES.items()],
            day_parts=[(c, render(v, lang)) for c, v in catalogue.DAY_PARTS.items()],
            districts=sorted(
                ((d.ubigeo, d.name, d.province) for d in geo.lima_callao_districts()),
                key=lambda d: d[1],
            ),
            max_photos=settings.tip_max_photos,
            photo_mb=settings.tip_photo_max_bytes // (1024 * 1024),
            tile_url=settings.map_tile_url,
            tile_attribution=settings.map_tile_attribution,
            today=service.today_lima().isoformat(),
            **values,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    secure = settings.environment == "production"
    if request.cookies.get(FORM_COOKIE) != token:
        response.set_cookie(FORM_COOKIE, token, httponly=True, samesite="strict", secure=secure)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, samesite="lax", httponly=True, secure=secure)
    return response


def _same_origin(request: Request, form: dict[str, str]) -> bool:
    """A form post of this site: its Origin is this host, or, from a browser that sends no
    Origin, the form's token matches the form cookie."""
    origin = request.headers.get("origin")
    # "null": a browser hiding the origin (a no-referrer policy, a sandboxed frame): then
    # only the token counts, as when no Origin is sent.
    if origin is not None and origin != "null":
        return urlsplit(origin).netloc == request.headers.get("host", "")
    cookie = request.cookies.get(FORM_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie, form.get("form_token", ""))


FORBIDDEN = N_(
    "Este formulario no vino de esta página (o su navegador bloquea las cookies). Vuelva a "
    "abrir la página y envíelo desde allí."
)


# --- the tip page ------------------------------------------------------------------------
@router.get("/denuncia", response_class=HTMLResponse, include_in_schema=False)
def tip_form(request: Request, db: SessionDep) -> Response:
    return _page(request, "tip_form.html", db, form={}, challenge=intake.of(request).challenge())


def _first(form: Any, key: str, limit: int = 6000) -> str:
    value = form.get(key)
    return value[:limit] if isinstance(value, str) else ""


def _tip_input(form: Any, files: list[bytes]) -> service.TipInput:
    def number(key: str) -> float | None:
        text = _first(form, key, 40).strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise service.Refused(N_("marque el lugar en el mapa otra vez")) from None

    when = _first(form, "occurred_on", 20).strip()
    try:
        occurred = date.fromisoformat(when) if when else None
    except ValueError:
        raise service.Refused(
            N_("escriba la fecha como año-mes-día (por ejemplo 2026-12-01), o déjela en blanco")
        ) from None
    return service.TipInput(
        category=_first(form, "category", 30),
        summary=_first(form, "summary", 400),
        narrative=_first(form, "narrative", 6000),
        danger_now=_first(form, "danger_now", 5) == "1",
        latitude=number("latitude"),
        longitude=number("longitude"),
        district=_first(form, "district", 10).strip() or None,
        occurred_on=occurred,
        occurred_part=_first(form, "occurred_part", 12) or None,
        contact=_first(form, "contact", 400),
        photos=files,
    )


@router.post("/denuncia", response_class=HTMLResponse, include_in_schema=False)
async def tip_post(request: Request) -> Response:
    """The tip form, sent with or without JavaScript (multipart, photos included)."""
    settings = request.app.state.settings
    keep: dict[str, str] = {}
    try:
        form = await request.form(
            max_files=settings.tip_max_photos + 1,
            max_fields=30,
            max_part_size=64 * 1024,
        )
    except Exception:  # starlette's MultiPartException, a broken body
        return await run_in_threadpool(
            _form_again, request, keep, N_("No se pudo leer el formulario: vuelva a enviarlo.")
        )
    keep = {k: v for k, v in form.items() if isinstance(v, str) and k != "form_token"}
    files: list[bytes] = []
    for item in form.getlist("photos"):
        if isinstance(item, UploadFile) and (item.filename or item.size):
            files.append(await item.read(settings.tip_photo_max_bytes + 1))
    await form.close()
    return await run_in_threadpool(_tip_post, request, form, keep, files)


def _form_again(
    request: Request,
    keep: dict[str, str],
    msgid: str | None,
    text: str | None = None,
    status_code: int = 422,
) -> Response:
    lang = _lang(request)
    with Session(request.app.state.engine) as db:
        return _page(
            request,
            "tip_form.html",
            db,
            status_code=status_code,
            form=keep,
            error=text or (render(msgid, lang) if msgid else None),
            challenge=intake.of(request).challenge(),
        )


def _tip_post(request: Request, form: Any, keep: dict[str, str], files: list[bytes]) -> Response:
    settings = request.app.state.settings
    lang = _lang(request)
    if not _same_origin(request, {"form_token": _first(form, "form_token", 100)}):
        return _form_again(request, keep, FORBIDDEN, status_code=403)
    it = intake.of(request)
    try:
        data = _tip_input(form, files)
        service.check(
            data, max_photos=settings.tip_max_photos, photo_max_bytes=settings.tip_photo_max_bytes
        )
        it.admit_tip(_first(form, "challenge", 200) or None, _first(form, "nonce", 40) or None)
        with Session(request.app.state.engine, expire_on_commit=False) as db, db.begin():
            _tip, code = service.submit(
                db,
                it.keys,
                data,
                max_photos=settings.tip_max_photos,
                photo_max_bytes=settings.tip_photo_max_bytes,
            )
    except (service.Refused, intake.Busy) as exc:
        code_ = 429 if isinstance(exc, intake.Busy) else 422
        return _form_again(request, keep, None, exc.text(lang), status_code=code_)
    response = RedirectResponse("/denuncia/recibo", status_code=303)
    response.set_cookie(
        RECEIPT_COOKIE,
        code,
        max_age=3600,
        path="/denuncia",
        httponly=True,
        samesite="strict",
        secure=settings.environment == "production",
    )
    return response


@router.get("/denuncia/recibo", response_class=HTMLResponse, include_in_schema=False)
def receipt_page(
    request: Request,
    db: SessionDep,
    receipt: Annotated[str | None, Cookie(alias=RECEIPT_COOKIE)] = None,
) -> Response:
    """The receipt, shown again on every visit until the tipster says it is written down."""
    code = receipts.normalise(receipt or "")
    if code is None:
        return RedirectResponse("/seguimiento", status_code=303)
    return _page(request, "tip_receipt.html", db, receipt=receipts.grouped(code))


@router.post("/denuncia/recibo", response_class=HTMLResponse, include_in_schema=False)
async def receipt_kept(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_receipt_kept, request, fields)


def _receipt_kept(request: Request, form: dict[str, str]) -> Response:
    code = receipts.normalise(request.cookies.get(RECEIPT_COOKIE, ""))
    with Session(request.app.state.engine) as db:
        if code is None:
            return RedirectResponse("/seguimiento", status_code=303)
        if not _same_origin(request, form):
            return _page(
                request,
                "tip_receipt.html",
                db,
                403,
                receipt=receipts.grouped(code),
                error=render(FORBIDDEN, _lang(request)),
            )
        if form.get("kept") != "1":
            error = render(
                N_("Marque la casilla cuando haya anotado el código: no podremos darlo de nuevo."),
                _lang(request),
            )
            return _page(
                request, "tip_receipt.html", db, 422, receipt=receipts.grouped(code), error=error
            )
    response = RedirectResponse("/seguimiento?anotado=1", status_code=303)
    response.delete_cookie(RECEIPT_COOKIE, path="/denuncia")
    return response


# --- following a tip ---------------------------------------------------------------------
@router.get("/seguimiento", response_class=HTMLResponse, include_in_schema=False)
def follow_form(request: Request, db: SessionDep) -> Response:
    kept = request.query_params.get("anotado") == "1"
    return _page(request, "tip_follow.html", db, tip=None, kept=kept)


@router.post("/seguimiento", response_class=HTMLResponse, include_in_schema=False)
async def follow_post(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_follow, request, fields, False)


@router.post("/seguimiento/mensaje", response_class=HTMLResponse, include_in_schema=False)
async def follow_message(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(_follow, request, fields, True)


def _follow(request: Request, form: dict[str, str], write: bool) -> Response:
    lang = _lang(request)
    it = intake.of(request)
    receipt = form.get("receipt", "")[:60]
    with Session(request.app.state.engine, expire_on_commit=False) as db, db.begin():
        if not _same_origin(request, form):
            return _page(
                request, "tip_follow.html", db, 403, tip=None, error=render(FORBIDDEN, lang)
            )
        try:
            it.admit_lookup()
        except intake.Busy as exc:
            return _page(request, "tip_follow.html", db, 429, tip=None, error=exc.text(lang))
        tip = service.find(db, it.keys, receipt)
        if tip is None:
            return _page(
                request, "tip_follow.html", db, 404, tip=None, error=render(NOT_FOUND, lang)
            )
        error = sent = None
        if write:
            try:
                service.tipster_message(db, tip, form.get("body", "")[:4000])
                sent = render(N_("Mensaje enviado a la mesa de enlace ciudadano."), lang)
            except service.Refused as exc:
                error = exc.text(lang)
        view = service.public_out(db, tip, lang)
        code = receipts.normalise(receipt) or ""
        return _page(
            request,
            "tip_follow.html",
            db,
            422 if error else 200,
            tip=view,
            receipt=receipts.grouped(code),
            error=error,
            sent=sent,
            body=form.get("body", "") if error else "",
        )


# --- the same, as JSON (a field app) -----------------------------------------------------
@router.get("/api/citizens/public/challenge", response_model=ChallengeOut)
def challenge(request: Request) -> dict[str, Any]:
    """A proof-of-work challenge for the next tip (good once, for two hours)."""
    it = intake.of(request)
    return {
        "challenge": it.challenge(),
        "bits": it.settings.tip_pow_bits,
        "expires_in_s": intake.CHALLENGE_MAX_AGE_S,
    }


@router.get("/api/citizens/public/cell", response_model=CellOut)
def cell(
    lat: Annotated[float, Query(ge=-90, le=90)], lon: Annotated[float, Query(ge=-180, le=180)]
) -> dict[str, Any]:
    """The hexagon a point would be kept as (nothing is stored)."""
    found = service.blur(lat, lon)
    district = geo.get_district(found.district) if found.district else None
    return {
        "cell": str(found.cell),
        "boundary": [list(c) for c in found.boundary],
        "district": found.district,
        "district_name": district.name if district else None,
    }


@router.post(
    "/api/citizens/public/tips", response_model=TipReceiptOut, status_code=status.HTTP_201_CREATED
)
def submit(data: TipIn, request: Request, db: SessionDep) -> dict[str, Any]:
    """An anonymous tip; the answer's receipt is shown once (only its keyed hash is kept)."""
    import base64
    import binascii

    settings = request.app.state.settings
    it = intake.of(request)
    try:
        photos = [base64.b64decode(p, validate=True) for p in data.photos]
    except (binascii.Error, ValueError):
        raise service.Refused(N_("las fotos van en base64")) from None
    tip_in = service.TipInput(
        **data.model_dump(exclude={"photos", "challenge", "nonce"}), photos=photos
    )
    service.check(
        tip_in, max_photos=settings.tip_max_photos, photo_max_bytes=settings.tip_photo_max_bytes
    )
    it.admit_tip(data.challenge, data.nonce)
    tip, code = service.submit(
        db,
        it.keys,
        tip_in,
        max_photos=settings.tip_max_photos,
        photo_max_bytes=settings.tip_photo_max_bytes,
    )
    return {
        "receipt": receipts.grouped(code),
        "status": tip.status,
        "status_label": render(catalogue.STATUSES[tip.status], None),
        "cell": str(tip.h3_cell) if tip.h3_cell is not None else None,
    }


def _found(request: Request, db: Session, receipt: str) -> Any:
    it = intake.of(request)
    it.admit_lookup()
    tip = service.find(db, it.keys, receipt)
    if tip is None:
        raise NotFound(render(NOT_FOUND, None))
    return tip


@router.post(
    "/api/citizens/public/follow",
    response_model=TipStatusOut,
    responses={404: {"description": "no tip has this receipt (said the same for any reason)"}},
)
def follow(data: FollowIn, request: Request, db: SessionDep) -> dict[str, Any]:
    """A tip's status and messages, by its receipt (sent in the body, never in the URL)."""
    return service.public_out(db, _found(request, db, data.receipt), None)


@router.post(
    "/api/citizens/public/follow/messages",
    response_model=TipStatusOut,
    responses={404: {"description": "no tip has this receipt (said the same for any reason)"}},
)
def follow_post_message(data: FollowMessageIn, request: Request, db: SessionDep) -> dict[str, Any]:
    tip = _found(request, db, data.receipt)
    service.tipster_message(db, tip, data.body)
    return service.public_out(db, tip, None)
