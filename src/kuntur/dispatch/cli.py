"""`kuntur dispatch ...`: recommendations, the queue, road graphs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from kuntur.config import get_settings
from kuntur.core.cli_support import console, engine, fail, stacked
from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _
from kuntur.dispatch import service
from kuntur.dispatch.manifest import MANIFEST
from kuntur.dispatch.routing import RoadGraph
from kuntur.identity.actor import Actor

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
roads_app = typer.Typer(help=_("Red vial para tiempos de viaje."), no_args_is_help=True)
app.add_typer(roads_app, name="roads")
Opt = typer.Option


@app.command(
    "recommend",
    help=_(
        "Ordenar las unidades elegibles para un incidente por tiempo de llegada, con "
        "motivos; y quiénes quedan excluidas."
    ),
)
def recommend_cmd(
    incident: Annotated[int, Opt("--incident", help=_("id del incidente"), min=1)],
    limit: Annotated[int, Opt(min=1, max=50)] = 10,
    as_json: Annotated[bool, Opt("--json")] = False,
) -> None:
    """Rank the eligible units for an incident by ETA, with reasons; and who is excluded."""
    try:
        with Session(engine()) as db:
            rec = service.recommend_for(Actor(db, RequestContext.system("cli")), incident, limit)
    except KunturError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(rec, ensure_ascii=False))
        return
    needs = ", ".join(rec["needs"]) or _("ninguna especial")
    table = Table(
        title=_(
            "Incidente {id}: unidades recomendadas (capacidad: {needs})",
            id=incident,
            needs=needs,
        )
    )
    for col in ("#", _("unidad"), _("agencia"), _("tipo"), "ETA", _("razones")):
        table.add_column(stacked(col))
    for i, r in enumerate(rec["ranked"], 1):
        table.add_row(
            str(i),
            r["call_sign"],
            r["agency"],
            r["unit_type"],
            f"{r['eta_seconds'] / 60:.1f} min",
            "; ".join(r["reasons"]),
        )
    Console().print(table)
    for e in rec["excluded"]:
        console.print(
            "  "
            + _(
                "excluida {unit} ({agency}): {reason}",
                unit=e["call_sign"],
                agency=e["agency"],
                reason=e["reason"],
            ),
            highlight=False,
        )


@app.command("queue", help=_("Incidentes abiertos, los más urgentes primero."))
def queue_cmd(as_json: Annotated[bool, Opt("--json")] = False) -> None:
    """Open incidents, most urgent first."""
    with Session(engine()) as db:
        rows = service.queue(Actor(db, RequestContext.system("cli")))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for r in rows:
        print(
            f"{r['id']}\tP{r['priority']}\t{r['status']}\t{r['category']}\t"
            f"{r.get('district_name') or '-'}\t{','.join(r['units'])}"
        )


@roads_app.command(
    "import",
    help=_(
        "Construir el grafo de tiempos de viaje desde una red vial OSM; se usa desde la "
        "próxima solicitud."
    ),
)
def roads_import(
    nodes: Annotated[Path, typer.Argument(help=_("nodos osmnx en GeoJSON (osmid, x, y)"))],
    edges: Annotated[
        Path, typer.Argument(help=_("aristas osmnx en GeoJSON (u, v, length, highway)"))
    ],
) -> None:
    """Build the travel-time graph from an OSM drive network; used from the next request."""
    try:
        graph = RoadGraph.from_osm_geojson(nodes, edges)
    except (OSError, ValueError, KeyError) as exc:
        fail(str(exc))
    out = get_settings().var_dir / "roads.npz"
    out.parent.mkdir(parents=True, exist_ok=True)
    graph.save(out)
    console.print(
        _(
            "Red vial: {nodes} nodos, {edges} tramos -> {path}",
            nodes=graph.n_nodes,
            edges=graph.seconds.nnz,
            path=out,
        ),
        highlight=False,
    )
