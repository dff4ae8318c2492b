"""HTML pages: the operational map and the incident list. Data comes from the JSON API."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select

from kuntur.core.context import RequestContext
from kuntur.core.web import ContextDep, SessionDep
from kuntur.geography import service as geo
from kuntur.identity.models import UserSession
from kuntur.incidents.models import ImportBatch
from kuntur.web.i18n import LANGS, labels

templates = Jinja2Templates(directory=str(resources.files("kuntur") / "web" / "templates"))
router = APIRouter(include_in_schema=False)


def _lang(query: str | None, cookie: str | None) -> str:
    for cand in (query, cookie):
        if cand in LANGS:
            return cand
    return "es"


def _page(
    name: str,
    request: Request,
    db: SessionDep,
    lang: str | None,
    cookie_lang: str | None,
    ctx: RequestContext | None = None,
) -> Response:
    chosen = _lang(lang, cookie_lang)
    if ctx is not None and not ctx.authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    csrf = None
    if ctx is not None and ctx.session_id:
        sess = db.get(UserSession, ctx.session_id)
        csrf = sess.csrf_token if sess else None
    synthetic = (
        db.scalar(select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1))
        is not None
    )
    settings = request.app.state.settings
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": chosen,
            "other_lang": "en" if chosen == "es" else "es",
            "i18n": labels(chosen),
            "synthetic": synthetic,
            "districts": [
                {"ubigeo": d.ubigeo, "name": d.name, "province": d.province}
                for d in geo.lima_callao_districts()
            ],
            "tile_url": settings.map_tile_url,
            "tile_attribution": settings.map_tile_attribution,
            "csrf_token": csrf,
            "user": ctx.actor.removeprefix("user:") if ctx and ctx.authenticated else None,
            "next": request.query_params.get("next", "/mapa"),
        },
    )
    if lang in LANGS:
        response.set_cookie("lang", chosen, samesite="lax", httponly=True)
    return response


@router.get("/", response_class=HTMLResponse)
def home() -> RedirectResponse:
    return RedirectResponse("/mapa")


Lang = Annotated[str | None, Query()]
CookieLang = Annotated[str | None, Cookie(alias="lang")]


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, db: SessionDep, lang: Lang = None, cookie_lang: CookieLang = None
) -> Response:
    return _page("login.html", request, db, lang, cookie_lang)


@router.get("/mapa", response_class=HTMLResponse)
def map_page(
    request: Request,
    db: SessionDep,
    ctx: ContextDep,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
) -> Response:
    return _page("map.html", request, db, lang, cookie_lang, ctx)


@router.get("/incidentes", response_class=HTMLResponse)
def list_page(
    request: Request,
    db: SessionDep,
    ctx: ContextDep,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
) -> Response:
    return _page("incidents.html", request, db, lang, cookie_lang, ctx)
