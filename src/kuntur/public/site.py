"""The public statistics page, ``/estadisticas``: no login, a plain layout of its own (no
staff navigation, no session, no CSRF token), Spanish first with English on request.
It shows only what the public API serves: the releases, the ledger, the results and the
alerts."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Query, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.config import Settings
from kuntur.core.i18n import LANGS, _, install_gettext, render
from kuntur.core.web import SessionDep, UnitOfWorkRoute
from kuntur.incidents.categories import CATEGORY_LABELS, Category
from kuntur.incidents.models import ImportBatch
from kuntur.public import privacy, service

router = APIRouter(route_class=UnitOfWorkRoute, include_in_schema=False)
Lang = Annotated[str | None, Query()]
CookieLang = Annotated[str | None, Cookie(alias="lang")]
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]


@functools.cache
def _env() -> Environment:
    folder = resources.files("kuntur.public") / "templates"
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
    install_gettext(env)  # the page in its reader's language (its ``lang``)
    return env


def _synthetic(db: Session) -> bool:
    return (
        db.scalar(select(ImportBatch.id).where(ImportBatch.dataset.like("demo:%")).limit(1))
        is not None
    )


def context(
    db: Session, policy: service.Policy, settings: Settings, lang: str, period: str | None
) -> dict[str, Any]:
    """What the page shows: the chosen release (the latest by default), the ledger, the
    results and the alerts."""
    published = service.releases(db)
    chosen = next((r for r in published if r.period == period), None)
    if chosen is None and published:
        chosen = published[-1]
    release = service.release_out(chosen, service.cells_of(db, chosen), lang) if chosen else None
    top = max((abs(c["noisy_total"]) for c in release["categories"]), default=1) if release else 1
    mapped = (
        {
            d["district"]: {
                "name": d["district_name"],
                "total": d["noisy_total"],
                "shown": d["shown"],
            }
            for d in release["districts"]
        }
        if release
        else {}
    )
    return {
        "lang": lang,
        "other_lang": "en" if lang == "es" else "es",
        "synthetic": _synthetic(db),
        "policy": policy,
        "periods": [r.period for r in published],
        "release": release,
        "bar_top": max(top, 1),
        "ledger": service.ledger(db, policy),
        "results": service.results(db, policy),
        "alerts": [service.alert_out(a) for a in service.alerts(db, 20)],
        "mechanism": privacy.MECHANISM,
        "map_data": {
            "districts": mapped,
            "tile_url": settings.map_tile_url,
            "tile_attribution": settings.map_tile_attribution,
            "min_count": policy.min_count,
            "less_than": _("menos de {k}", lang, k=policy.min_count),
        },
        "category_labels": {c.value: render(v, lang) for c, v in CATEGORY_LABELS.items()},
        "categories": [c.value for c in Category],
    }


def render_public(
    db: Session, policy: service.Policy, settings: Settings, lang: str, period: str | None
) -> str:
    template = _env().get_template("public_stats.html")
    return template.render(**context(db, policy, settings, lang, period))


@router.get("/estadisticas", response_class=HTMLResponse)
def public_page(
    request: Request,
    db: SessionDep,
    lang: Lang = None,
    cookie_lang: CookieLang = None,
    periodo: Period = None,
) -> Response:
    """The public statistics page, for anyone: Spanish first, English on request."""
    chosen = next((c for c in (lang, cookie_lang) if c in LANGS), "es")
    settings = request.app.state.settings
    html = render_public(db, service.Policy.of(settings), settings, chosen, periodo)
    response = HTMLResponse(html)
    if lang in LANGS:
        response.set_cookie("lang", chosen, samesite="lax", httponly=True)
    return response
