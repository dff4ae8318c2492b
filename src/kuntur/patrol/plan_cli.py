"""`kuntur patrol plan`: the shift's plan on the stored forecast and units, kept as a draft
for a commander to approve (on /patrullaje)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _
from kuntur.patrol.cli import app, fail

Opt = typer.Option


def _when(value: str, name: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        fail(_("{name}: «{value}» no es una fecha ISO 8601", name=name, value=value))
    if at.tzinfo is None:
        fail(
            _(
                "{name}: «{value}» no dice su desfase horario (p. ej. -05:00 para Lima)",
                name=name,
                value=value,
            )
        )
    return at


def plan_json(out: dict[str, Any]) -> dict[str, Any]:
    """What `--json` prints: the posts with unit, site and covered risk; the totals, what is
    left uncovered and where, the current positions' coverage, bound and gap, and the legal
    basis of every armed-forces post."""
    posts = [
        {
            "unit": p["call_sign"],
            "unit_id": p["unit_id"],
            "unit_type": p["unit_type"],
            "agency": p["agency"],
            "site": p["site"],
            "lon": p["lon"],
            "lat": p["lat"],
            "reach_m": p["reach_m"],
            "covered_risk": p["covered_risk"],
            "kind": p["kind"],
            "fixed": p["fixed"],
            "legal_basis": p["legal_basis"]["id"] if p["legal_basis"] else None,
        }
        for p in out["posts"]
    ]
    return {
        "plan_id": out["id"],
        "status": out["status"],
        "starts_at": out["starts_at"],
        "ends_at": out["ends_at"],
        "region": out["region"],
        "forecast_id": out["forecast"]["id"],
        "include_discovered": out["include_discovered"],
        "posts": posts,
        "total": out["objective"],
        "total_risk": out["total"],
        "expected": out["expected"],
        "uncovered": {
            "risk": out["uncovered_risk"],
            "cells": out["uncovered_cells"],
            "top": out["uncovered"],
            "by_district": out["uncovered_by_district"],
        },
        "current": out["current"],
        "bound": out["bound"],
        "gap": out["gap"],
        "solver_status": out["solver_status"],
        "legal_bases": [
            {"unit": p["call_sign"], **p["legal_basis"]} for p in out["posts"] if p["legal_basis"]
        ],
        "reserve": out["reserve"],
        "types": out["types"],
    }


@app.command(
    "plan",
    help=_(
        "Preparar el plan de patrullaje de un turno con el pronóstico guardado y las "
        "unidades disponibles (queda como borrador para que un comandante lo apruebe)."
    ),
)
def plan_cmd(
    start: Annotated[str, Opt("--start", help=_("inicio del turno, ISO 8601 con desfase"))],
    end: Annotated[str, Opt("--end", help=_("fin del turno, ISO 8601 con desfase"))],
    region: Annotated[
        str | None,
        Opt("--region", help=_("prefijos de ubigeo separados por comas (1501 Lima, 0701 Callao)")),
    ] = None,
    include_discovered: Annotated[
        bool,
        Opt(
            "--include-discovered",
            help=_("usar un pronóstico que cuenta lo que descubre el propio patrullaje"),
        ),
    ] = False,
    reach_min: Annotated[
        float, Opt("--reach-min", help=_("alcance de cada puesto en minutos"), min=1, max=30)
    ] = 4.0,
    time_limit: Annotated[
        float, Opt("--time-limit", help=_("segundos como máximo para el optimizador"), min=0.1)
    ] = 5.0,
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    """Build the shift's patrol plan on the stored forecast and units (a draft)."""
    from kuntur.core.cli_support import engine
    from kuntur.identity.actor import Actor
    from kuntur.patrol import service

    starts_at, ends_at = _when(start, "--start"), _when(end, "--end")
    try:
        with Session(engine(), expire_on_commit=False) as db, db.begin():
            actor = Actor(db, RequestContext.system("patrol"))
            plan = service.build_plan(
                actor,
                starts_at=starts_at,
                ends_at=ends_at,
                region=region,
                include_discovered=include_discovered,
                reach_minutes=reach_min,
                time_limit=time_limit,
            )
            out = plan_json(service.plan_out(actor, plan))
    except KunturError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    share = 100 * out["total"] / out["total_risk"] if out["total_risk"] else 0.0
    now = 100 * out["current"]["covered"] / out["total_risk"] if out["total_risk"] else 0.0
    print(
        _(
            "Plan {id}: {n} puestos; riesgo cubierto {covered:.3g} de {total:.3g} ({share:.1f} %)"
            "; con las unidades donde están: {now:.1f} %; brecha {gap:.2%}",
            id=out["plan_id"],
            n=len(out["posts"]),
            covered=out["total"],
            total=out["total_risk"],
            share=share,
            now=now,
            gap=out["gap"],
        )
    )
    for p in out["posts"]:
        basis = f" [{p['legal_basis']}]" if p["legal_basis"] else ""
        print(f"  {p['unit']:22s} {p['lat']:.5f},{p['lon']:.5f}  {p['covered_risk']:.3g}{basis}")
