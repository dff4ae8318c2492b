"""`kuntur patrol ...`: choose posts from files (maximal covering)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import numpy as np
import typer

from kuntur.core.i18n import N_, _, both, render
from kuntur.patrol.coverage import within_radius
from kuntur.patrol.files import PatrolFileError, read_demand, read_sites
from kuntur.patrol.manifest import MANIFEST
from kuntur.patrol.solver import mclp

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
Opt = typer.Option


@app.callback()
def _group() -> None:
    """Patrol: place posts to cover the forecast risk (a group, even with one command)."""


def fail(message: str) -> NoReturn:
    """The error on one line of standard error (never wrapped: scripts read it), exit 2."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


@app.command(
    "solve",
    help=_(
        "Elegir P puestos entre los sitios candidatos para que la mayor parte del riesgo "
        "quede a menos de R metros de uno (cobertura máxima, resuelta con HiGHS)."
    ),
)
def solve_cmd(
    demand: Annotated[
        Path, Opt("--demand", help=_("CSV de la demanda: id,lat,lon,weight (peso = riesgo)"))
    ],
    sites: Annotated[Path, Opt("--sites", help=_("CSV de los sitios candidatos: id,lat,lon"))],
    radius_m: Annotated[
        float, Opt("--radius-m", help=_("alcance en metros (distancia de círculo máximo)"), min=0)
    ],
    p: Annotated[int, Opt("--p", help=_("número de puestos, contando los fijos"), min=0)],
    time_limit: Annotated[
        float, Opt("--time-limit", help=_("segundos como máximo; da el mejor plan hallado"), min=0)
    ] = 60.0,
    fixed: Annotated[
        str, Opt("--fixed", help=_("ids de sitios que se mantienen (comisarías, controles)"))
    ] = "",
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    """Choose P posts among the candidate sites so that most risk lies within R metres."""
    started = time.perf_counter()
    try:
        points = read_demand(demand)
        candidates = read_sites(sites)
    except PatrolFileError as exc:
        fail(str(exc))
    index = {ident: j for j, ident in enumerate(candidates.ids)}
    kept: list[int] = []
    for ident in (part.strip() for part in fixed.split(",")):
        if not ident:
            continue
        if ident not in index:
            fail(
                _(
                    "--fixed: el sitio «{value}» no está en {file} (campo «id»)",
                    value=ident,
                    file=sites,
                )
            )
        if index[ident] not in kept:
            kept.append(index[ident])
    cover = within_radius(points.lat, points.lon, candidates.lat, candidates.lon, radius_m)
    left = max(time_limit - (time.perf_counter() - started), 0.0)
    plan = mclp(cover, points.weight, p, fixed=kept, time_limit=left)
    chosen = [int(j) for j in plan.sites]
    # The objective of exactly the sites returned, from their coverage.
    covered = np.asarray(cover[:, chosen].sum(axis=1)).ravel() > 0 if chosen else None
    objective = float(points.weight[covered].sum()) if covered is not None else 0.0
    bound = max(plan.bound, objective)
    gap = (bound - objective) / bound if bound > 0 else 0.0
    seconds = time.perf_counter() - started
    out = {
        "objective": objective,
        "bound": bound,
        "gap": gap,
        "seconds": round(seconds, 3),
        "sites": [candidates.ids[j] for j in chosen],
        "status": plan.status,
    }
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        _print_summary(out, float(points.weight.sum()), len(points), len(candidates), radius_m)
    if plan.status == "infeasible":
        reason = plan.detail.get("reason", "")
        if not as_json:
            typer.echo(
                _("Sin solución: no se pueden elegir {p} puestos con esos sitios.", p=p)
                + (f" ({reason})" if reason else ""),
                err=True,
            )
        raise typer.Exit(1)


def _print_summary(
    out: dict[str, Any], total: float, n_demand: int, n_sites: int, radius: float
) -> None:
    """Each line in Spanish, then in English."""
    share = 100 * out["objective"] / total if total > 0 else 0.0
    status = {
        "optimal": N_("óptimo demostrado"),
        "time_limit": N_("límite de tiempo: el mejor plan hallado"),
        "infeasible": N_("sin solución"),
    }.get(out["status"], out["status"])
    lines: list[tuple[str, dict[str, Any]]] = [
        (N_("Estado: {status}"), {}),
        (
            N_(
                "Riesgo cubierto: {objective:.4g} de {total:.4g} ({share:.1f} %), "
                "a {radius:g} m o menos"
            ),
            {"objective": out["objective"], "total": total, "share": share, "radius": radius},
        ),
        (
            N_("Cota superior demostrada: {bound:.4g}; brecha: {gap:.4%}"),
            {"bound": out["bound"], "gap": out["gap"]},
        ),
        (
            N_("{n} puestos de {sites} sitios, {demand} puntos de demanda, {seconds:.2f} s"),
            {
                "n": len(out["sites"]),
                "sites": n_sites,
                "demand": n_demand,
                "seconds": out["seconds"],
            },
        ),
        (N_("Puestos: {ids}"), {"ids": ", ".join(out["sites"]) or "-"}),
    ]
    for msg, values in lines:

        def line(lang: str, m: str = msg, v: dict[str, Any] = values) -> str:
            return render(m, lang, status=render(status, lang), **v)

        print(both(line))


from kuntur.patrol import plan_cli as _plan_cli  # noqa: E402,F401  (`kuntur patrol plan`)
