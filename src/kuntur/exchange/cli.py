"""`kuntur exchange ...`: NENA EIDO documents in and out, exports for analysts
(docs/exchange.md).

- ``kuntur exchange eido export --incident ID``: the incident's EIDO document (JSON) on
  standard output.
- ``kuntur exchange eido import FILE [--json]``: stores the incidents of an EIDO document
  (one document, or a JSON array of documents) and prints
  ``{"imported": N, "duplicates": N, "unmapped": [JSON paths kept but not mapped]}``
  (the same JSON with or without ``--json``; without it a summary line also goes to standard
  error). A document that does not validate: the schema's first error (its path and
  message) on standard error, exit 2, nothing written.
- ``kuntur exchange export DATASET --format geojson|gpkg|csv --out FILE``: incidents,
  forecasts, networks (with ``--purpose CASE``: an open case, checked and on record) or
  patrol plans for GIS tools.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kuntur.core.i18n import _
from kuntur.exchange.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
eido_app = typer.Typer(
    help=_("Documentos NENA EIDO (NENA-STA-021.1a, JSON): exportar e importar incidentes."),
    no_args_is_help=True,
)
app.add_typer(eido_app, name="eido")
Opt = typer.Option
Arg = typer.Argument


@app.callback()
def _group() -> None:
    """Data exchange."""


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


@eido_app.command("export", help=_("Imprimir el documento EIDO (JSON) de un incidente."))
def eido_export(
    incident: Annotated[int, Opt("--incident", help=_("el id del incidente"))],
) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.exchange import eido_service
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            doc = eido_service.export_incident(system(db, "exchange eido export"), incident)
    except KunturError as exc:
        fail(str(exc))
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


@eido_app.command(
    "import",
    help=_(
        "Importar un documento EIDO (o un arreglo JSON de documentos) como incidentes; "
        'imprime {"imported", "duplicates", "unmapped"}. Un documento que no valida se '
        "rechaza con el primer error del esquema y no se guarda nada."
    ),
)
def eido_import(
    file: Annotated[Path, Arg(help=_("el documento EIDO (JSON)"))],
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("no se pudo leer {file}: {err}", file=str(file), err=str(exc)))
    except json.JSONDecodeError as exc:
        fail(
            _(
                "{file}: no es JSON (línea {line}, columna {col}): {err}",
                file=file.name,
                line=exc.lineno,
                col=exc.colno,
                err=exc.msg,
            )
        )

    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.exchange import eido_service
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            report = eido_service.import_documents(
                system(db, "exchange eido import"), payload, source=file.name
            )
    except KunturError as exc:
        fail(f"{file.name}: {exc}")
    typer.echo(json.dumps(report.out(), ensure_ascii=False))
    if not as_json:
        typer.echo(
            _(
                "{imported} incidentes importados, {duplicates} duplicados, {unmapped} "
                "elementos guardados sin correspondencia",
                imported=report.imported,
                duplicates=report.duplicates,
                unmapped=len(report.unmapped),
            ),
            err=True,
        )


@app.command(
    "export",
    help=_(
        "Exportar un conjunto de datos (incidents, forecasts, networks, patrol_plans) como "
        "GeoJSON, GeoPackage o CSV."
    ),
)
def export_cmd(
    dataset: Annotated[str, Arg(help=_("incidents, forecasts, networks o patrol_plans"))],
    fmt: Annotated[str, Opt("--format", help=_("geojson, gpkg o csv"))] = "geojson",
    out: Annotated[Path | None, Opt("--out", help=_("el archivo a escribir"))] = None,
    start: Annotated[
        datetime | None, Opt("--from", help=_("desde (incidentes; hora de Lima sin zona)"))
    ] = None,
    end: Annotated[datetime | None, Opt("--to", help=_("hasta (excluido)"))] = None,
    district: Annotated[
        list[str] | None, Opt("--district", help=_("distrito (ubigeo o nombre); repetible"))
    ] = None,
    purpose: Annotated[
        str | None,
        Opt("--purpose", help=_("redes: el número de un caso abierto (verificado, auditado)")),
    ] = None,
) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.exchange import exports
    from kuntur.identity.actor import system

    if out is None:
        fail(_("indique el archivo con --out"))
    try:
        with Session(engine()) as db, db.begin():
            result = exports.export(
                system(db, "exchange export", purpose),
                dataset,
                fmt,
                exports.ExportFilter(start=start, end=end, districts=list(district or [])),
            )
    except KunturError as exc:
        fail(str(exc))
    out.write_bytes(result.content)
    typer.echo(
        _(
            "{rows} filas de {dataset} escritas en {file}",
            rows=result.rows,
            dataset=dataset,
            file=str(out),
        ),
        err=True,
    )
