"""`kuntur border ...`: import watchlists, screen a passenger manifest, expire an entry,
sweep old traveller data (docs/border.md).

- ``kuntur border watchlist import FILE.csv`` (or FollowTheMoney ``.json``/``.ftm.json``):
  the good rows written in one transaction, each bad row one line on standard error
  naming the file, the row and the field (exit 0: the good rows are kept); exit 2, and
  nothing written, when the file is unusable or no row is good.
- ``kuntur border screen TRAVELLERS.csv [--json]``: a CSV header line
  ``traveller_id,watchlist_id,score,explanation``, then one row per traveller (its best
  hit; an empty ``watchlist_id`` and score 0 when there is none); ``--json``: a JSON array
  of objects with those keys and ``candidates``. A progress bar on standard error.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from kuntur.border.manifest import MANIFEST
from kuntur.core.i18n import _

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
watchlist_app = typer.Typer(
    help=_("Listas de control: importar (CSV o FollowTheMoney JSON) y dar de baja entradas."),
    no_args_is_help=True,
)
app.add_typer(watchlist_app, name="watchlist")
Opt = typer.Option
Arg = typer.Argument


@app.callback()
def _group() -> None:
    """Border control."""


def fail(message: str) -> NoReturn:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(2)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("no se pudo leer {file}: {err}", file=str(path), err=str(exc)))


@watchlist_app.command(
    "import",
    help=_(
        "Importar una lista de control (CSV: id,name,aliases,birth_date,nationality,"
        "document_number,list; o FollowTheMoney JSON). Las filas buenas se guardan; cada "
        "fila mala se informa con su archivo, fila y campo."
    ),
)
def import_cmd(
    file: Annotated[Path, Arg(help=_("el archivo CSV o FollowTheMoney JSON"))],
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    from kuntur.border import files

    text = _read(file)
    try:
        if file.suffix.lower() in (".json", ".jsonl", ".ftm") or text.lstrip()[:1] in ("{", "["):
            rows, errors = files.read_watchlist_ftm(text, file.name)
        else:
            rows, errors = files.read_watchlist_csv(text, file.name)
    except files.Unusable as exc:
        fail(str(exc))
    for e in errors:
        typer.echo(str(e), err=True)
    errors, warnings = files.split_warnings(errors)
    if not rows:
        fail(_("{file}: ninguna fila válida; nada importado", file=file.name))

    from sqlalchemy.orm import Session

    from kuntur.border import service
    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            actor = system(db, "border watchlist import")
            report = service.import_entries(
                actor, rows, source=file.name, bad_rows=len(errors), warnings=len(warnings)
            )
    except KunturError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "added": report.added,
                    "replaced": report.replaced,
                    "bad_rows": len(errors),
                    "version": report.version,
                    "errors": [
                        {"file": e.file, "row": e.row, "field": e.field, "message": e.message}
                        for e in errors
                    ],
                    # rows kept without a field (a bad birth date): not bad rows
                    "warnings": [
                        {"file": e.file, "row": e.row, "field": e.field, "message": e.message}
                        for e in warnings
                    ],
                },
                ensure_ascii=False,
            )
        )
    else:
        line = _(
            "Importadas {n} entradas ({added} nuevas, {replaced} reemplazadas); {bad} filas "
            "con errores; versión de la lista {v}",
            n=report.added + report.replaced,
            added=report.added,
            replaced=report.replaced,
            bad=len(errors),
            v=report.version,
        )
        if warnings:  # the line as it always was, and then what was kept with a warning
            line += _(
                "; {w} entradas guardadas con avisos (sin el dato erróneo: {fields})",
                w=len({e.row for e in warnings}),
                fields=", ".join(sorted({e.field for e in warnings})),
            )
        typer.echo(line)


@watchlist_app.command("expire", help=_("Dar de baja una entrada: deja de coincidir desde hoy."))
def expire_cmd(entry_id: Annotated[str, Arg(help=_("el id de la entrada"))]) -> None:
    from sqlalchemy.orm import Session

    from kuntur.border import service
    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            service.expire(system(db, "border watchlist expire"), entry_id)
    except KunturError as exc:
        fail(str(exc))
    typer.echo(_("Entrada {id} dada de baja", id=entry_id))


def _row_out(r: dict[str, Any]) -> dict[str, Any]:
    best = r["hits"][0] if r["hits"] else None
    return {
        "traveller_id": r["traveller_id"],
        "watchlist_id": best["watchlist_id"] if best else "",
        "score": best["score"] if best else 0,
        "explanation": best["explanation"] if best else "",
        "alarm": bool(best and best["alarm"]),
        "remembered": best["remembered"]["text"] if best and best["remembered"] else None,
        "candidates": [
            {
                "watchlist_id": h["watchlist_id"],
                "score": h["score"],
                "explanation": h["explanation"],
                "list": h["list"],
                "features": h["features"],
                "alarm": h["alarm"],
            }
            for h in r["hits"]
        ],
    }


@app.command(
    "screen",
    help=_(
        "Consultar una lista de pasajeros (CSV: id,name,birth_date,nationality,"
        "document_number) contra las listas de control: una línea por viajero con su mejor "
        "coincidencia (traveller_id,watchlist_id,score,explanation)."
    ),
)
def screen_cmd(
    file: Annotated[Path, Arg(help=_("la lista de pasajeros (CSV)"))],
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
    post: Annotated[str, Opt("--post", help=_("el puesto de frontera"))] = "CLI",
    threshold: Annotated[
        float, Opt("--threshold", min=0.0, max=1.0, help=_("puntaje mínimo de una coincidencia"))
    ] = 0.5,
    progress: Annotated[
        bool, Opt("--progress/--no-progress", help=_("barra de avance en la salida de errores"))
    ] = True,
) -> None:
    from kuntur.border import files

    text = _read(file)
    try:
        travellers, errors = files.read_travellers(text, file.name)
    except files.Unusable as exc:
        fail(str(exc))
    for e in errors:
        typer.echo(str(e), err=True)

    from rich.progress import Progress
    from sqlalchemy.orm import Session

    from kuntur.border import service
    from kuntur.config import get_settings
    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.identity.actor import system

    settings = get_settings()
    service.configure_index_cache(settings.var_dir / "border-index")
    try:
        with Session(engine()) as db, db.begin():
            actor = system(db, "border screen")
            with Progress(
                console=None, transient=True, disable=not progress or not sys.stderr.isatty()
            ) as bar:
                task = bar.add_task(_("Consultando viajeros"), total=len(travellers))
                results = service.screen_manifest(
                    actor,
                    travellers,
                    post=post,
                    threshold=threshold,
                    clearance_days=settings.border_clearance_days,
                    progress=lambda n: bar.advance(task, n),
                )
    except KunturError as exc:
        fail(str(exc))
    rows = [_row_out(r) for r in results]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["traveller_id", "watchlist_id", "score", "explanation"])
    for r in rows:
        out.writerow([r["traveller_id"], r["watchlist_id"], r["score"], r["explanation"]])
    sys.stdout.flush()


@app.command(
    "sweep",
    help=_(
        "Borrar los datos de viajeros más antiguos que el plazo de retención "
        "(KUNTUR_BORDER_RETENTION_DAYS; Ley 29733)."
    ),
)
def sweep_cmd() -> None:
    from sqlalchemy.orm import Session

    from kuntur.border import service
    from kuntur.config import get_settings
    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.identity.actor import system

    s = get_settings()
    try:
        with Session(engine()) as db, db.begin():
            out = service.sweep(
                system(db, "border sweep"),
                retention_days=s.border_retention_days,
                clearance_days=s.border_clearance_days,
            )
    except KunturError as exc:
        fail(str(exc))
    typer.echo(
        _(
            "Borradas {s} consultas ({h} coincidencias) y {d} decisiones vencidas",
            s=out["screenings"],
            h=out["hits"],
            d=out["decisions"],
        )
    )
