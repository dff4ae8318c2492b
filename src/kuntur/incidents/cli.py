"""`kuntur incidents ...`: import files, list and summarise stored incidents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from kuntur.config import get_settings
from kuntur.core.cli_support import console, engine, fail, progress_stages, stacked
from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _
from kuntur.identity.actor import Actor
from kuntur.incidents import service
from kuntur.incidents.importing import service as importing
from kuntur.incidents.importing.normalise import ColumnMapping
from kuntur.incidents.importing.options import ReadOptions, with_mapping_options
from kuntur.incidents.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)

Opt = typer.Option


@app.command(
    "import",
    help=_(
        "Importar archivos de incidentes. Las filas con errores van a un archivo de "
        "rechazos; las buenas se guardan una sola vez."
    ),
)
@with_mapping_options
def import_(
    files: Annotated[
        list[Path], typer.Argument(help=_("CSV (.csv, .csv.gz), GeoJSON o GeoPackage"))
    ],
    mapping: ColumnMapping,
    read: ReadOptions,
    dataset: Annotated[
        str | None,
        Opt(help=_("nombre que delimita los ids de --id-col (por omisión: el nombre del archivo)")),
    ] = None,
    rejects_dir: Annotated[Path | None, Opt(help=_("carpeta de los archivos de rechazos"))] = None,
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resumen como JSON"))] = False,
) -> None:
    """Import incident files. Bad rows go to a rejects file; good rows are stored once."""
    eng = engine()
    ctx = RequestContext.system("import")
    out_dir = rejects_dir or get_settings().var_dir / "rejects"
    results = []
    failed = False
    for path in files:
        try:
            with progress_stages(enabled=not as_json) as stage:
                result = importing.import_file(
                    eng,
                    path,
                    ctx=ctx,
                    mapping=mapping,
                    dataset=dataset,
                    delimiter=read.delimiter,
                    encoding=read.encoding,
                    layer=read.layer,
                    rejects_dir=out_dir,
                    stage=stage,
                )
        except KunturError as exc:
            failed = True
            refused = _("rechazado.")
            console.print(f"[bold red]{path}: {refused}[/] {exc}", highlight=False)
            results.append({"file": str(path), "error": str(exc)})
            continue
        results.append(result.summary())
        if not as_json:
            warning = _("Aviso:")
            for w in result.warnings:
                console.print(f"[yellow]{warning}[/] {w}", highlight=False)
            n = result.imported, result.rejected, result.duplicates
            summary = (
                _(
                    "{imported} importados, {rejected} rechazados, {duplicates} duplicados; "
                    "rechazos en {file}",
                    imported=n[0],
                    rejected=n[1],
                    duplicates=n[2],
                    file=result.rejects_file,
                )
                if result.rejects_file
                else _(
                    "{imported} importados, {rejected} rechazados, {duplicates} duplicados",
                    imported=n[0],
                    rejected=n[1],
                    duplicates=n[2],
                )
            )
            console.print(f"[green]{path.name}[/]: {summary}", highlight=False)
    if as_json:
        if len(results) == 1:
            print(json.dumps(results[0], ensure_ascii=False))
        else:
            totals = {
                k: sum(int(r.get(k, 0) or 0) for r in results)
                for k in ("imported", "rejected", "duplicates")
            }
            print(
                json.dumps({**totals, "rejects_file": None, "files": results}, ensure_ascii=False)
            )
    if failed:
        raise typer.Exit(1)


@app.command("list", help=_("Los incidentes más recientes primero."))
def list_(
    limit: Annotated[int, Opt(min=1, max=10_000)] = 20,
    offset: Annotated[int, Opt(min=0)] = 0,
    district: Annotated[list[str] | None, Opt(help=_("ubigeo o nombre; repetible"))] = None,
    category: Annotated[list[str] | None, Opt(help=_("código de categoría; repetible"))] = None,
    as_json: Annotated[bool, Opt("--json")] = False,
) -> None:
    """The newest incidents first."""
    try:
        filters = service.IncidentFilter(
            districts=service.resolve_districts(district or []), categories=category or []
        )
    except KunturError as exc:
        fail(str(exc))
    with Session(engine()) as db:
        rows, total = service.list_incidents(
            actor=Actor(db, RequestContext.system("cli")),
            filters=filters,
            limit=limit,
            offset=offset,
        )
        items = [service.incident_out(r) for r in rows]
    if as_json:
        print(
            json.dumps(
                {"total": total, "items": [i.model_dump() for i in items]}, ensure_ascii=False
            )
        )
        return
    table = Table(title=_("Incidentes ({total} en total)", total=total))
    for col in (
        "id",
        _("fecha (Lima)"),
        _("categoría"),
        _("fuente"),
        _("distrito"),
        _("estado"),
    ):
        # The category code is what a reader searches for: never cut; on a narrow (or
        # piped, 80-column) output the others fold onto a second line instead.
        table.add_column(stacked(col), no_wrap=col == _("categoría"), overflow="fold")
    for i in items:
        table.add_row(
            str(i.id), i.occurred_at, i.category, i.source, i.district_name or "-", i.status
        )
    Console().print(table)  # stdout: the listing is the command's output


@app.command("stats", help=_("Cantidad, extensión y composición de los incidentes guardados."))
def stats(as_json: Annotated[bool, Opt("--json")] = False) -> None:
    """Count, extent and mix of the stored incidents."""
    with Session(engine()) as db:
        result = service.stats(
            actor=Actor(db, RequestContext.system("cli")), filters=service.IncidentFilter()
        )
    if as_json:
        print(json.dumps(result.model_dump(), ensure_ascii=False))
        return
    console.print(_("Incidentes: {n}", n=result.count))
    console.print(_("Extensión (lon/lat): {bbox}", bbox=result.bbox))
    console.print(
        _(
            "Periodo: {first} — {last}",
            first=result.first_occurred_at,
            last=result.last_occurred_at,
        )
    )
    for cat, n in result.by_category.items():
        console.print(f"  {cat:20s} {n}")
