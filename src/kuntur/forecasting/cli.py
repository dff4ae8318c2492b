"""`kuntur forecast ...`: evaluate methods on a file, run and list stored forecasts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from kuntur.core.cli_support import console, engine, fail, progress_bar, stacked
from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _
from kuntur.forecasting import service
from kuntur.forecasting.auto import METHODS
from kuntur.forecasting.files import evaluate_file
from kuntur.forecasting.manifest import MANIFEST
from kuntur.identity.actor import Actor
from kuntur.incidents.categories import Category
from kuntur.incidents.importing.normalise import ColumnMapping
from kuntur.incidents.importing.options import ReadOptions, with_mapping_options

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
Opt = typer.Option


def _parse_list(text: str, what: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()] or fail(
        _("{what}: lista vacía", what=what)
    )


@app.command(
    "evaluate",
    help=_("Evaluación con origen móvil: tasa de acierto, PAI y PEI por método y cobertura."),
)
@with_mapping_options
def evaluate_cmd(
    file: Annotated[Path, typer.Argument(help=_("CSV (.csv, .csv.gz), GeoJSON o GeoPackage"))],
    mapping: ColumnMapping,
    read: ReadOptions,
    methods: Annotated[
        str, Opt(help=_("separados por comas, entre {methods}", methods=",".join(METHODS)))
    ] = ",".join(METHODS),
    cell_size: Annotated[float, Opt(help=_("lado de la celda cuadrada en metros"), min=10)] = 250.0,
    horizon: Annotated[float, Opt(help=_("días que cubre cada pronóstico"), min=1)] = 7.0,
    test_days: Annotated[
        float | None,
        Opt(help=_("últimos días evaluados, orígenes semanales (por omisión 365)"), min=7),
    ] = None,
    coverage: Annotated[str, Opt(help=_("porcentajes del área marcada"))] = "0.5,1,5",
    boundary: Annotated[
        Path | None,
        Opt(help=_("polígonos GeoJSON: el área de estudio (por omisión: celdas con eventos)")),
    ] = None,
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el informe como JSON"))] = False,
) -> None:
    """Rolling-origin evaluation: hit rate, PAI and PEI per method and coverage."""
    chosen = _parse_list(methods, "--methods")
    unknown = [m for m in chosen if m not in METHODS]
    if unknown:
        fail(
            _(
                "--methods: desconocidos {unknown}; elija entre {methods}",
                unknown=", ".join(unknown),
                methods=", ".join(METHODS),
            )
        )
    try:
        coverages = tuple(float(c) for c in _parse_list(coverage, "--coverage"))
    except ValueError:
        fail(_("--coverage: números separados por comas, p. ej. 0.5,1,5"))
    if any(not 0 < c <= 100 for c in coverages):
        fail(_("--coverage: cada porcentaje debe ser mayor que 0 y a lo sumo 100"))
    with progress_bar(enabled=not as_json) as bar:
        task = bar.add_task(_("Leyendo y validando"), total=None)

        def ready(total: int) -> None:
            bar.update(task, description=_("Evaluando"), total=total, completed=0)

        def step(name: str) -> None:
            bar.update(task, advance=1, description=_("Evaluando: {name}", name=name))

        try:
            result = evaluate_file(
                file,
                mapping=mapping,
                read=read,
                methods=chosen,
                cell_size=cell_size,
                horizon_days=horizon,
                test_days=test_days,
                coverages=coverages,
                boundary=boundary,
                on_ready=ready,
                on_window=step,
            )
        except KunturError as exc:
            bar.stop()
            fail(str(exc) if str(file) in str(exc) else f"{file}: {exc}")
    out = result.to_json()
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    warning = _("Aviso:")
    for w in result.warnings:
        console.print(f"[yellow]{warning}[/] {w}", highlight=False)
    _print_report(out)


def _print_report(out: dict[str, Any]) -> None:
    title = _(
        "Celdas de {cell:g} m, área A = {cells} celdas ({km2} km², celdas con al menos un "
        "evento), {windows} ventanas de {days:g} días, {events} eventos evaluados",
        cell=out["cell_size"],
        cells=out["area_cells"],
        km2=out["area_km2"],
        windows=out["windows"],
        days=out["horizon_days"],
        events=out["test_events"],
    )
    table = Table(title=title)
    naive = out["methods"].get("naive")
    cols = [_("método"), _("área"), _("acierto"), "PAI", "PEI", "PAI p10-p90", "s"]
    if naive:
        cols.insert(4, "PAI / naive")  # the comparison every method must win
    for i, col in enumerate(cols):
        table.add_column(stacked(col), justify="left" if i == 0 else "right")
    for name, per in out["methods"].items():
        for i, (c, m) in enumerate(per.items()):
            spread = m["pai_windows"] or {}
            row = [
                name if i == 0 else "",
                f"{c}%",
                f"{100 * m['hit_rate']:.1f}%",
                f"{m['pai']:.2f}",
                f"{m['pei']:.2f}",
                f"{spread.get('p10', 0):.1f}-{spread.get('p90', 0):.1f}",
                f"{out['seconds'][name]:.1f}" if i == 0 else "",
            ]
            if naive:
                base = naive[c]["pai"]
                row.insert(4, f"{m['pai'] / base:.3f}" if base else "-")
            table.add_row(*row, end_section=i == len(per) - 1)
    Console().print(table)
    for name, choices in out.get("choices", {}).items():
        top = ", ".join(f"{label} x{n}" for label, n in list(choices.items())[:3])
        console.print(_("{name} eligió: {top}", name=name, top=top), highlight=False)


@app.command(
    "run",
    help=_(
        "Pronosticar sobre los incidentes guardados y conservar el pronóstico "
        "(parámetros, versión de datos, celdas)."
    ),
)
def run_cmd(
    method: Annotated[str, Opt(help=_("uno de {methods}", methods=",".join(METHODS)))] = "auto",
    category: Annotated[list[Category] | None, Opt(help=_("repetible; por omisión todos"))] = None,
    region: Annotated[
        str | None,
        Opt(help=_("prefijo de ubigeo: 15 dpto. de Lima, 1501 prov. de Lima, 0701 Callao")),
    ] = None,
    cell_size: Annotated[float, Opt(min=50, max=2000)] = 250.0,
    horizon: Annotated[float, Opt(min=1, max=90)] = 7.0,
    at: Annotated[
        datetime | None,
        Opt(
            help=_("inicio del pronóstico (UTC); por omisión el día siguiente al último incidente")
        ),
    ] = None,
    exclude_discovered: Annotated[
        bool,
        Opt(help=_("dejar fuera los incidentes que descubre el propio patrullaje (drogas, armas)")),
    ] = False,
    as_json: Annotated[bool, Opt("--json")] = False,
) -> None:
    """Forecast on the stored incidents and keep it (parameters, data version, cells)."""
    req = service.RunRequest(
        method=method,
        categories=tuple(c.value for c in category or []),
        region=region,
        cell_size=cell_size,
        horizon_days=horizon,
        exclude_discovered=exclude_discovered,
        at=at,
    )
    eng = engine()
    try:
        with Session(eng, expire_on_commit=False) as db, db.begin():
            f = service.run(actor=Actor(db, RequestContext.system("forecast")), req=req)
            out = service.summary(f)
    except KunturError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(out, ensure_ascii=False))
        return
    flagged = out["fairness"]["flagged_cells"]
    console.print(
        _(
            "Pronóstico {id}: {chosen}; {flagged} celdas marcadas de {cells}, {start} a {end}",
            id=out["id"],
            chosen=out["chosen"],
            flagged=flagged,
            cells=out["area_cells"],
            start=out["valid_from"][:10],
            end=out["valid_until"][:10],
        ),
        highlight=False,
    )
    for row in out["fairness"]["districts"][:10]:
        shares = _(
            "área {area:5.1f}%  población {people:5.1f}%  denuncias {reports:5.1f}%",
            area=100 * row["flagged_share"],
            people=100 * row["population_share"],
            reports=100 * row["victim_report_share"],
        )
        console.print(f"  {row['name']:28s} {shares}", highlight=False)


@app.command("list", help=_("Pronósticos guardados, los más recientes primero."))
def list_cmd(as_json: Annotated[bool, Opt("--json")] = False) -> None:
    """Stored forecasts, newest first."""
    with Session(engine()) as db:
        rows = [
            service.summary(f)
            for f in service.list_forecasts(actor=Actor(db, RequestContext.system("cli")))
        ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    for r in rows:
        print(f"{r['id']}\t{r['valid_from'][:10]}\t{r['method']}\t{r['chosen']}")
