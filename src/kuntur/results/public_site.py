"""The public weekly brief on the public site, ``/estadisticas/informe-semanal?semana=
YYYY-Www`` (the last full week by default): no login, rendered on request from the same
``public_brief.gather`` as the files, so the page and the PDF say the same. It is served
from the results domain (which sits above public) and linked from ``/estadisticas``."""

from __future__ import annotations

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
Week = Annotated[str | None, Query(pattern=r"^\d{4}-[Ww]\d{2}$")]
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
    if semana is None:
        monday = scheduled.last_full_week(utcnow())
    else:
        try:
            monday = brief.parse_week(semana)
        except ValueError as exc:
            raise InvalidInput(
                _("semana no válida: «{value}»; use AAAA-Www", value=semana)
            ) from exc
    policy = public.Policy.of(request.app.state.settings)
    html = public_brief.render(db, monday, policy, chosen, page=True)
    return HTMLResponse(html, headers={"Cache-Control": "public, max-age=60"})
