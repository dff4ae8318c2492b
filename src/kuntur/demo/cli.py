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
            _(
                "Escenario ya cargado ({n} incidentes, lote {batch}); no se repite.",
                n=result.incidents,
                batch=result.batch_id,
            ),
            highlight=False,
        )
    else:
        console.print(
            _(
                "Escenario sintético cargado: {n} incidentes (lote {batch}).",
                n=result.incidents,
                batch=result.batch_id,
            ),
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
        fail(_("los usuarios de demostración no se crean en producción"))
    rows = service.seed_users(engine(), settings.var_dir / "demo-credentials.json")
    title = _("USUARIOS DE DEMOSTRACIÓN (solo demo, nunca en producción)")
    console.print(f"[bold yellow]{title}[/]")
    console.print(
        _(
            "Inicie sesión en /login con uno de ellos; quien tenga código TOTP lo "
            "necesita también (en la demo: `kuntur demo totp USUARIO`)."
        ),
        highlight=False,
    )
    for username, password, secret in rows:
        extra = ""
        if secret:
            extra = "  " + _(
                "código TOTP ahora: {code} (kuntur demo totp {username})",
                code=pyotp.TOTP(secret).now(),
                username=username,
            )
        shown = _("contraseña: {password}", password=password)
        console.print(f"  {username:13s} {shown}{extra}", highlight=False)
    opened = service.seed_cases(engine())
    if opened:
        console.print(
            _(
                "Casos de demostración de «inteligencia» (su motivo en /inteligencia y para "
                "leer relatos reservados): {cases}",
                cases=", ".join(opened),
            ),
            highlight=False,
        )
    console.print(
        _(
            "Un despachador lee el relato reservado de un incidente al que despachó una "
            "unidad indicando INC-<nro. del incidente> como motivo."
        ),
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
        fail(_("no se admite en producción"))
    for name, _password, secret in service.seed_users(
        engine(), settings.var_dir / "demo-credentials.json"
    ):
        if name == username and secret:
            print(pyotp.TOTP(secret).now())
            return
    fail(
        _(
            "{username} no es un usuario de demostración con segundo factor",
            username=username,
        )
    )


@app.command(
    "forecasts",
    help=_(
        "Crear una vez los pronósticos semanales de las últimas 8 semanas (lo que habrían "
        "acertado, en /resultados y las estadísticas públicas). SOLO DEMOSTRACIÓN."
    ),
)
def forecasts_() -> None:
    """The weekly forecasts of the last 8 weeks, once. DEMO ONLY."""
    from kuntur.demo.forecasts import seed_past_forecasts

    n = seed_past_forecasts(engine())
    if n:
        console.print(_("Pronósticos semanales de demostración: {n}.", n=n), highlight=False)
    else:
        console.print(_("Ya hay pronósticos; no se agregan los de demostración."), highlight=False)


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
        console.print(_("Comando conjunto de demostración: {n} unidades.", n=n), highlight=False)
    else:
        console.print(_("Comando de demostración ya cargado; no se repite."), highlight=False)
    from kuntur.demo.oversight import seed_oversight

    reports = seed_oversight(engine())
    if reports:
        console.print(
            _(
                "Supervisión de demostración: personal sintético, {reports} informes de uso de "
                "la fuerza (algunos vencidos, una muerte derivada), quejas y alertas."
            ).format(reports=reports),
            highlight=False,
        )
    from kuntur.config import get_settings
    from kuntur.demo.citizens import seed_tips

    tips = seed_tips(engine(), get_settings())
    if tips:
        console.print(
            _("Denuncias ciudadanas de demostración: {n}, para /enlace-ciudadano.", n=tips),
            highlight=False,
        )


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
    console.print(
        _("Plan de patrullaje de demostración: {plan} (borrador).").format(plan=plan),
        highlight=False,
    )


@app.command(
    "border",
    help=_(
        "Sembrar una lista de control ficticia (3.000 personas inventadas, placas y teléfonos) "
        "y algunas consultas en los puestos de frontera, con un falso positivo recordado, "
        "para /frontera. SOLO DEMOSTRACIÓN."
    ),
)
def border_() -> None:
    """A synthetic watchlist and a few screenings at the border posts. DEMO ONLY."""
    from kuntur.demo.border import seed_border

    entries, screenings = seed_border(engine())
    console.print(
        _(
            "Control fronterizo de demostración: {entries} entradas ficticias, {screenings} "
            "consultas."
        ).format(entries=entries, screenings=screenings),
        highlight=False,
    )


@app.command(
    "public",
    help=_(
        "Hacer la primera publicación mensual de estadísticas (ε = 1) y emitir dos alertas "
        "públicas de SIMULACRO, para /estadisticas. SOLO DEMOSTRACIÓN."
    ),
)
def public_() -> None:
    """The first monthly public release and two exercise alerts. DEMO ONLY."""
    from kuntur.demo.public import seed_public

    period, alerts = seed_public(engine())
    if period:
        console.print(
            _("Estadísticas públicas de demostración: {period} publicado con ε = 1.").format(
                period=period
            ),
            highlight=False,
        )
    console.print(
        _("Alertas públicas de SIMULACRO emitidas: {n}.").format(n=alerts), highlight=False
    )


@app.command(
    "results",
    help=_(
        "Registrar las intervenciones de demostración (un plan de patrullaje en San Juan de "
        "Lurigancho y El Agustino con un efecto sintético de cerca de -25 %, una operación "
        "clasificada y una zona dibujada con un efecto de -33 %), para /resultados. "
        "SOLO DEMOSTRACIÓN."
    ),
)
def results_() -> None:
    """A demo intervention with a synthetic effect. DEMO ONLY."""
    from kuntur.demo.results import seed_results

    ident = seed_results(engine())
    if ident is None:
        console.print(_("Intervenciones de demostración ya registradas."), highlight=False)
    else:
        console.print(
            _("Intervenciones de demostración registradas: 3 (la primera, n.º {id}).").format(
                id=ident
            ),
            highlight=False,
        )
