"""HTML pages: map, incident list, forecast, audit. Data comes from the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Cookie, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.audit.catalogue import TITLES, EventType
from kuntur.core.context import RequestContext
from kuntur.core.web import SESSION_COOKIE, ContextDep, SessionDep, UnitOfWorkRoute
from kuntur.dispatch.lifecycle import UNIT_STATUS_LABELS
from kuntur.geography import service as geo
from kuntur.identity.authz import Permission, can
from kuntur.identity.models import UserSession
from kuntur.incidents.models import ImportBatch
from kuntur.web.i18n import LANGS, labels

templates = Jinja2Templates(directory=str(resources.files("kuntur") / "web" / "templates"))
router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)


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
    failed: bool = False,
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
            "failed": failed,
            "event_types": {t.value: TITLES[t][0 if chosen == "es" else 1] for t in EventType},
            "unit_status_labels": {
                s.value: label[0 if chosen == "es" else 1]
                for s, label in UNIT_STATUS_LABELS.items()
            },
            "can_audit": bool(ctx and can(ctx, Permission.AUDIT_READ)),
            "can_command": bool(ctx and can(ctx, Permission.COMMAND_READ)),
            "can_intel": bool(ctx and can(ctx, Permission.INTEL_READ)),
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


@router.post("/login", response_class=HTMLResponse)
async def login_form(request: Request, cookie_lang: CookieLang = None) -> Response:
    """The same logon without JavaScript: a plain form post, answered with a redirect."""
    from urllib.parse import parse_qs

    from kuntur.identity import service as identity

    body = (await request.body()).decode("utf-8", "replace")
    form = {k: v[0] for k, v in parse_qs(body, max_num_fields=10).items()}
    target = form.get("next", "/mapa")
    if not target.startswith("/") or target.startswith("//"):
        target = "/mapa"  # only local paths: never bounce a fresh session to another site
    engine = request.app.state.engine
    with Session(engine, expire_on_commit=False) as db, db.begin():
        result = identity.authenticate(
            db,
            RequestContext(actor="anonymous"),
            form.get("username", ""),
            form.get("password", ""),
            form.get("totp") or None,
        )
        raw = identity.open_session(db, result.user, "web")[0] if result.user else None
    if raw is None:
        with Session(engine) as db:
            page = _page("login.html", request, db, None, cookie_lang, failed=True)
        page.status_code = 401
        return page
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        samesite="strict",
        secure=request.app.state.settings.environment == "production",
        max_age=int(identity.WEB_SESSION.total_seconds()),
        path="/",
    )
    return response


# Pages: path -> template (each page's data comes from the API, which checks permissions
# itself). A page that names a permission sends those without it to the map.
PLAIN_PAGES: dict[str, str | tuple[str, Permission]] = {
    "/auditoria": ("audit.html", Permission.AUDIT_READ),  # oversight auditors only
    "/mapa": "map.html",  # the operational map
    "/incidentes": "incidents.html",  # the incident list
    "/pronostico": "forecast.html",  # the latest forecast, why cells were flagged, fairness
    "/despacho": "dispatch.html",  # queue, recommendation, one-click dispatch, live units
    "/indicadores": "kpis.html",  # response KPIs against targets
    "/inteligencia": "intel.html",  # extortion networks: ranked list and link chart
}


def _plain(template: str, needs: Permission | None = None) -> Callable[..., Response]:
    def page(
        request: Request,
        db: SessionDep,
        ctx: ContextDep,
        lang: Lang = None,
        cookie_lang: CookieLang = None,
    ) -> Response:
        if needs is not None and ctx.authenticated and not can(ctx, needs):
            return RedirectResponse("/mapa", status_code=303)
        return _page(template, request, db, lang, cookie_lang, ctx)

    return page


for _path, _spec in PLAIN_PAGES.items():
    _template, _needs = _spec if isinstance(_spec, tuple) else (_spec, None)
    router.add_api_route(
        _path, _plain(_template, _needs), methods=["GET"], response_class=HTMLResponse
    )


@router.get("/casos/{case_id}", response_class=HTMLResponse)
def case_report_page(
    case_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    db: SessionDep,
    ctx: ContextDep,
    motivo: Annotated[str, Query(min_length=1, max_length=100)],
) -> Response:
    """The printable case report; a link cannot send X-Purpose, so the case number comes in
    ``?motivo=`` and is logged as the purpose like any other."""
    import dataclasses

    from kuntur.intelligence import cases

    if not ctx.authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return HTMLResponse(cases.report_html(db, dataclasses.replace(ctx, purpose=motivo), case_id))
