"""`kuntur demo seed`: fill the store with the synthetic scenario (once)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from kuntur.core.cli_support import console, engine, fail, progress_stages
from kuntur.core.i18n import _
from kuntur.demo import service
from kuntur.demo.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)


@app.command(
    "seed",
    help=_(
        "Generar y guardar el escenario; una segunda ejecución con las mismas opciones lo"
        " reutiliza."
    ),
)
def seed(
    days: Annotated[int, typer.Option(min=1, max=3650)] = 365,
    seed_: Annotated[int, typer.Option("--seed")] = 7,
    region: Annotated[service.Region, typer.Option()] = service.Region.LIMA,
    end: Annotated[
        str | None, typer.Option(help=_("último día, AAAA-MM-DD (por omisión hoy)"))
    ] = None,
    scale: Annotated[float, typer.Option(help=_("multiplicar el volumen"))] = 1.0,
) -> None:
    """Generate and store the scenario; a second run with the same options reuses it."""
    end_day = date.fromisoformat(end) if end else None
    with progress_stages() as stage:
        result = service.seed(
            engine(), days=days, seed=seed_, region=region, end=end_day, scale=scale, stage=stage
        )
    if result.reused:
        console.print(
            f"Escenario ya cargado ({result.incidents} incidentes, lote "
            f"{result.batch_id}); no se repite.",
            highlight=False,
        )
    else:
        console.print(
            f"Escenario sintético cargado: {result.incidents} incidentes (lote {result.batch_id}).",
            highlight=False,
        )


@app.command(
    "users",
    help=_(
        "Crear usuarios de demostración de cada rol (una vez) y los casos del analista de"
        " demostración, y mostrar cómo ingresar. SOLO DEMOSTRACIÓN."
    ),
)
def users() -> None:
    """Create demo users of every role (once), and the demo analyst's cases, and print how
    to log in. DEMO ONLY."""
    import pyotp

    from kuntur.config import get_settings

    settings = get_settings()
    if settings.environment == "production":
        fail("demo users are refused in production")
    rows = service.seed_users(engine(), settings.var_dir / "demo-credentials.json")
    console.print("[bold yellow]USUARIOS DE DEMOSTRACIÓN (solo demo, nunca en producción)[/]")
    console.print(
        "Inicie sesión en /login con uno de ellos; quien tenga código TOTP lo "
        "necesita también (en la demo: `kuntur demo totp USUARIO`).",
        highlight=False,
    )
    for username, password, secret in rows:
        extra = ""
        if secret:
            extra = f"  código TOTP ahora: {pyotp.TOTP(secret).now()} (kuntur demo totp {username})"
        console.print(f"  {username:13s} contraseña: {password}{extra}", highlight=False)
    opened = service.seed_cases(engine())
    if opened:
        console.print(
            f"Casos de demostración de «inteligencia» (su motivo en /inteligencia y para leer "
            f"relatos reservados): {', '.join(opened)}",
            highlight=False,
        )
    console.print(
        "Un despachador lee el relato reservado de un incidente al que despachó una unidad "
        "indicando INC-<nro. del incidente> como motivo.",
        highlight=False,
    )


@app.command(
    "totp",
    help=_(
        "Mostrar el código TOTP actual de un usuario de demostración (en lugar de la "
        "aplicación de autenticación). SOLO DEMOSTRACIÓN."
    ),
)
def totp(username: str) -> None:
    """Print a demo user's current TOTP code (stands in for the authenticator app). DEMO ONLY."""
    import pyotp

    from kuntur.config import get_settings

    settings = get_settings()
    if settings.environment == "production":
        fail("refused in production")
    for name, _password, secret in service.seed_users(
        engine(), settings.var_dir / "demo-credentials.json"
    ):
        if name == username and secret:
            print(pyotp.TOTP(secret).now())
            return
    fail(f"{username} is no demo user with a second factor")


@app.command(
    "command",
    help=_(
        "Crear una vez el comando conjunto de demostración (árbol, unidades, bases "
        "legales). SOLO DEMOSTRACIÓN."
    ),
)
def command_() -> None:
    """Create the demo joint command (tree, units, legal bases) once. DEMO ONLY."""
    from kuntur.demo.command import seed_command

    n = seed_command(engine())
    if n:
        console.print(f"Comando conjunto de demostración: {n} unidades.", highlight=False)
    else:
        console.print("Comando de demostración ya cargado; no se repite.", highlight=False)


@app.command(
    "patrol",
    help=_(
        "Preparar el plan de patrullaje del turno en curso en Lima y Callao (con un "
        "pronóstico sin lo que descubre el patrullaje), para aprobarlo en /patrullaje. "
        "SOLO DEMOSTRACIÓN."
    ),
)
def patrol_() -> None:
    """The current Lima shift's patrol plan (a draft). DEMO ONLY."""
    from kuntur.demo.patrol import seed_patrol_plan

    plan = seed_patrol_plan(engine())
    console.print(f"Plan de patrullaje de demostración: {plan} (borrador).", highlight=False)
