"""`kuntur oversight ...`: check a use-of-force report document against the rules (no
store needed, nothing changed), and flag missed deadlines on the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from kuntur.core.cli_support import console, fail
from kuntur.core.i18n import _
from kuntur.oversight import rules
from kuntur.oversight.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)


def _bad(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(2)


@app.command(
    "check",
    help=_(
        "Aplicar las reglas del uso de la fuerza a un informe: qué falta, qué plazo venció, "
        "a quién debe remitirse. No cambia nada; no necesita base de datos."
    ),
)
def check(
    report: Annotated[Path, typer.Argument(help=_("el informe (JSON)"))],
    at: Annotated[
        str | None,
        typer.Option("--at", help=_("a esta hora, ISO 8601 con desfase (por omisión, ahora)")),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=_("imprimir exactamente la respuesta JSON"))
    ] = False,
) -> None:
    """Apply the use-of-force rules to one report document: what is missing, which
    deadline passed, where it must be referred. Changes nothing; needs no database."""
    try:
        text = report.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _bad(f"No se pudo leer {report}: {exc} / Could not read {report}")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        _bad(f"Documento no válido: no es JSON ({exc}) / Invalid document: not JSON")
    try:
        when = rules.parse_time(at, "--at") if at is not None else datetime.now(UTC)
        from kuntur.config import get_settings

        days = get_settings().uof_review_days
        result = rules.check_document(doc, when, days)
    except rules.DocumentError as exc:
        _bad(
            f"Documento no válido: {exc.field}: {exc.es} / Invalid document: {exc.field}: {exc.en}"
        )
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(rules.summary(result))


@app.command(
    "sweep",
    help=_(
        "Dejar constancia de cada plazo recién vencido (las listas del comandante y de control)."
    ),
)
def sweep(
    at: Annotated[str | None, typer.Option("--at", help=_("ISO 8601 con desfase"))] = None,
) -> None:
    """Put each newly missed deadline on record (the commander's and oversight's lists)."""
    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.oversight import scheduled

    try:
        when = rules.parse_time(at, "--at") if at is not None else None
    except rules.DocumentError as exc:
        fail(f"{exc.field}: {exc.es} / {exc.en}")
    try:
        flagged = scheduled.sweep(engine(), when)
    except KunturError as exc:
        fail(str(exc))
    console.print(
        f"Plazos vencidos señalados: {len(flagged)} informes / Missed deadlines flagged: "
        f"{len(flagged)} reports",
        highlight=False,
    )
