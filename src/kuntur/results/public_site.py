"""The public weekly brief on the public site, ``/estadisticas/informe-semanal?semana=
YYYY-Www`` (the last full week by default): no login, rendered on request from the same
``public_brief.gather`` as the files, so the page and the PDF say the same. It is served
from the results domain (which sits above public) and linked from ``/estadisticas``."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import HTMLResponse, Response

from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import LANGS, _
from kuntur.core.timeutil import utcnow
from kuntur.core.web import SessionDep, UnitOfWorkRoute
from kuntur.public import service as public
from kuntur.results import brief, public_brief, scheduled

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
Week = Annotated[str | None, Query()]
Lang = Annotated[str | None, Query()]
CookieLang = Annotated[str | None, Cookie(alias="lang")]


@router.get("/estadisticas/informe-semanal", response_class=HTMLResponse)
def public_brief_page(
    request: Request,
    db: SessionDep,
    semana: Week = None,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
) -> Response:
    """The public brief of one ISO week, for anyone (public data: nothing to authorise)."""
    chosen = next((c for c in (lang, cookie_lang) if c in LANGS), "es")
    semana = (semana or "").strip()
    if not semana:  # none, or "?semana=" from an emptied form field: the latest
        monday = scheduled.last_full_week(utcnow())
    else:
        try:
            monday = brief.checked_week(semana, utcnow(), chosen)
        except InvalidInput as exc:  # a page for people, not a JSON error
            return _notice(str(exc), chosen)
    policy = public.Policy.of(request.app.state.settings)
    html = public_brief.render(db, monday, policy, chosen, page=True)
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=60"})


def _notice(reason: str, lang: str) -> HTMLResponse:
    """A week that cannot be shown, said on a page with the way to the latest brief."""
    title = _("Informe semanal", lang)
    back = _("Ver el último informe semanal", lang)
    body = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<link rel="icon" href="data:,">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/public/public.css"></head><body><main>'
        f'<h1>{escape(title)}</h1><p role="alert">{escape(reason)}</p>'
        f'<p><a href="/estadisticas/informe-semanal?lang={lang}">{escape(back)}</a></p>'
        "</main></body></html>"
    )
    return HTMLResponse(body, status_code=422)
