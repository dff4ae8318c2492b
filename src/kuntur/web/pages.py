"""HTML pages: the pages each domain declares (``core.registry.Page``), the logon and the
case report. Data comes from the JSON API; the navigation shows each user only the pages
their roles may use."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Cookie, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kuntur.command.manifest import COMMAND_READ
from kuntur.command.units import UNIT_STATUS_LABELS
from kuntur.core import i18n, registry
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden, TooManyRequests
from kuntur.core.i18n import render
from kuntur.core.web import SESSION_COOKIE, SessionDep, UnitOfWorkRoute, request_id
from kuntur.geography import service as geo
from kuntur.identity.actor import Actor
from kuntur.identity.models import User, UserSession
from kuntur.identity.roles import AGENCIES, CLEARANCE_LABELS, Role
from kuntur.identity.web import ActorDep
from kuntur.incidents.models import ImportBatch
from kuntur.web.i18n import LANGS, labels, message


def _template_folders() -> list[str]:
    """The shared templates (``web/templates``: the layout, partials, the pages of the
    first domains), then each domain's own ``templates`` folder, where a new domain keeps
    its pages."""
    own = sorted(
        str(folder)
        for folder in (
            resources.files(f"kuntur.{m.domain}") / "templates" for m in registry.manifests()
        )
        if folder.is_dir()
    )
    return [str(resources.files("kuntur") / "web" / "templates"), *own]


def templates() -> Jinja2Templates:
    """The page templates of every registered domain (the registry only grows)."""
    return _templates(len(registry.manifests()))


@functools.cache
def _templates(_domains: int) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(_template_folders()),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    i18n.install_gettext(env)
    return Jinja2Templates(env=env)


router = APIRouter(include_in_schema=False, route_class=UnitOfWorkRoute)


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default``: a fresh session is never
    bounced to another site. Browsers read ``/\\host`` as ``//host`` and drop tabs and line
    breaks, so one leading ``/`` followed by anything but ``/`` or ``\\``, and no control
    characters or backslashes anywhere, is the only shape accepted."""
    if not target or target[0] != "/" or target[1:2] == "/" or "\\" in target:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    return target


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
    actor: Actor | None = None,
    failed: bool = False,
    message: str | None = None,
    extra: dict[str, object] | None = None,
) -> Response:
    chosen = _lang(lang, cookie_lang)
    ctx = actor.ctx if actor is not None else None
    if ctx is not None and not ctx.authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    csrf = None
    node = None  # the reader's command node: the orders screen offers answers in its chain
    if ctx is not None and ctx.session_id:
        sess = db.get(UserSession, ctx.session_id)
        csrf = sess.csrf_token if sess else None
    if ctx is not None and ctx.user_id is not None:
        user = db.get(User, ctx.user_id)
        node = user.unit_id if user else None
    synthetic = (
        db.scalar(select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1))
        is not None
    )
    settings = request.app.state.settings
    response = templates().TemplateResponse(
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
            "next": local_path(request.query_params.get("next", "/")),
            "failed": failed,
            "message": message,
            "event_types": {str(t): t.label(chosen) for t in registry.events()},
            "unit_status_labels": {
                s.value: render(label, chosen) for s, label in UNIT_STATUS_LABELS.items()
            },
            "nav": navigation(actor),
            "can": actor.permissions() if actor and actor.authenticated else [],
            "node": node,
            # Reference data of the joint command, for the forms that pick among them.
            "agencies": [(code, name) for code, (name, _kind) in AGENCIES.items()],
            "roles": [r.value for r in Role],
            "clearances": [
                (int(c), render(label, chosen)) for c, label in CLEARANCE_LABELS.items()
            ],
            "can_command": bool(actor and actor.can(COMMAND_READ)),
            # The reader's own clearance: a form offers no level above it.
            "clearance": int(actor.clearance) if actor and actor.authenticated else 0,
            **(extra or {}),
        },
    )
    if lang in LANGS:
        response.set_cookie("lang", chosen, samesite="lax", httponly=True)
    return response


Lang = Annotated[str | None, Query()]
CookieLang = Annotated[str | None, Cookie(alias="lang")]


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    actor: ActorDep,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
) -> Response:
    """The first page this user may use (the map for most); the logon when not logged in."""
    if not actor.authenticated:
        return RedirectResponse("/login", status_code=303)
    allowed = navigation(actor)
    if allowed:
        return RedirectResponse(allowed[0].path, status_code=303)
    chosen = _lang(lang, cookie_lang)
    refusal = _page(
        "forbidden.html",
        request,
        actor.db,
        lang,
        cookie_lang,
        actor,
        message=message("no_pages", chosen),
    )
    refusal.status_code = 403
    return refusal


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, db: SessionDep, lang: Lang = None, cookie_lang: CookieLang = None
) -> Response:
    return _page(
        "login.html",
        request,
        db,
        lang,
        cookie_lang,
        extra={"demo_accounts": _demo_accounts(db, _lang(lang, cookie_lang))},
    )


def _demo_accounts(db: Session, lang: str) -> list[dict[str, object]]:
    """The demo users and what each is for, only on a store holding the synthetic demo
    scenario (never a real one, whatever users it has)."""
    from kuntur.demo import service as demo

    synthetic = (
        db.scalar(select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1))
        is not None
    )
    return demo.demo_accounts(db, lang) if synthetic else []


@router.post("/login", response_class=HTMLResponse)
async def login_form(
    request: Request, lang: Lang = None, cookie_lang: CookieLang = None
) -> Response:
    """The same logon without JavaScript: a plain form post, answered with a redirect."""
    from urllib.parse import parse_qs

    body = (await request.body()).decode("utf-8", "replace")
    form = {k: v[0] for k, v in parse_qs(body, max_num_fields=10).items()}
    # argon2 and the store block: in a worker thread, so the event loop serves others.
    return await run_in_threadpool(_login_form, request, form, _lang(lang, cookie_lang))


def _login_form(request: Request, form: dict[str, str], lang: str) -> Response:
    from kuntur.identity import crypto
    from kuntur.identity import service as identity
    from kuntur.identity.views import check_login_rate, too_long

    engine = request.app.state.engine

    def refused(status: int, text: str | None, headers: dict[str, str] | None = None) -> Response:
        with Session(engine) as db:
            demo: dict[str, object] = {"demo_accounts": _demo_accounts(db, lang)}
            page = _page(
                "login.html", request, db, lang, None, failed=True, message=text, extra=demo
            )
        page.status_code = status
        page.headers.update(headers or {})
        return page

    try:
        check_login_rate(request)
    except TooManyRequests as exc:
        text = message("login_too_many", lang, n=exc.retry_after)
        return refused(429, text, {"Retry-After": str(exc.retry_after)})
    for field in ("username", "password", "totp"):
        if long := too_long(field, form.get(field), lang):  # before any hashing or storing
            return refused(422, long)
    target = local_path(form.get("next", "/"))
    with Session(engine, expire_on_commit=False) as db, db.begin():
        result = identity.authenticate(
            db,
            RequestContext(actor="anonymous", request_id=request_id(request)),
            form.get("username", ""),
            form.get("password", ""),
            form.get("totp") or None,
            crypto.for_settings(request.app.state.settings),
        )
        raw = identity.open_session(db, result.user, "web")[0] if result.user else None
    if raw is None:
        if result.locked_until is not None:
            minutes = identity.minutes_left(result.locked_until)
            return refused(423, message("login_locked", lang, n=minutes))
        if result.needs_second_factor:
            return refused(401, message("login_totp_needed", lang))
        return refused(401, None)
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


def navigation(actor: Actor | None) -> list[registry.Page]:
    """The declared pages in the navigation that ``actor`` may use, in their order."""
    if actor is None or not actor.authenticated:
        return []
    return [
        p for p in registry.pages() if p.nav and (p.permission is None or actor.can(p.permission))
    ]


def _declared(page: registry.Page) -> Callable[..., Response]:
    def view(
        request: Request,
        actor: ActorDep,
        lang: Lang = None,
        cookie_lang: CookieLang = None,
    ) -> Response:
        db = actor.db
        if page.permission is not None and actor.authenticated and not actor.can(page.permission):
            # Said in words, with the pages this user may use (the navigation) to go on.
            chosen = _lang(lang, cookie_lang)
            refusal = _page(
                "forbidden.html",
                request,
                db,
                lang,
                cookie_lang,
                actor,
                message=message("page_forbidden", chosen, permission=page.permission.label(chosen)),
            )
            refusal.status_code = 403
            return refusal
        return _page(page.template, request, db, lang, cookie_lang, actor)

    return view


def add_declared_pages() -> None:
    """A route for every page the domains declare (called once the manifests are loaded)."""
    known = {getattr(r, "path", None) for r in router.routes}
    for page in registry.pages():
        if page.path not in known:
            router.add_api_route(
                page.path, _declared(page), methods=["GET"], response_class=HTMLResponse
            )


@router.get("/uso-fuerza/{report_id}", response_class=HTMLResponse)
def uof_report_page(
    report_id: Annotated[int, Path(ge=1, le=2**53)],
    request: Request,
    actor: ActorDep,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
) -> Response:
    """One use-of-force report in words, for those who may read it (oversight, reviewers,
    the filing unit's chain); the read is on record like the JSON's."""
    from kuntur.oversight import detail

    if not actor.authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    chosen = _lang(lang, cookie_lang)
    try:
        data = detail.report_page(actor, report_id, chosen)
    except Forbidden as exc:  # said in words, with the navigation (the refusal is on record)
        refusal = _page(
            "forbidden.html", request, actor.db, lang, cookie_lang, actor, message=str(exc)
        )
        refusal.status_code = 403
        return refusal
    return _page("uof_report.html", request, actor.db, lang, cookie_lang, actor, extra={"r": data})


@router.get("/casos/{case_id}", response_class=HTMLResponse)
def case_report_page(
    case_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    actor: ActorDep,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
) -> Response:
    """The printable case report, for the case's members (and oversight): the case itself
    is the purpose, so a plain link works (older links' ``?motivo=`` is not needed). In the
    reader's language, as the pages: ``?lang=``, else the cookie, else Spanish."""
    from kuntur.intelligence import cases

    if not actor.authenticated:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    chosen = _lang(lang, cookie_lang)
    response = HTMLResponse(cases.report_html(actor, case_id, chosen))
    if lang in LANGS:
        response.set_cookie("lang", chosen, samesite="lax", httponly=True)
    return response
