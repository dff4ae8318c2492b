"""Root CLI: `kuntur`. Each domain mounts its own commands; nothing domain-specific lives here."""

from __future__ import annotations

from typing import Annotated

import typer

from kuntur import domains
from kuntur.audit.cli import app as audit_app
from kuntur.core.cli_support import console, engine
from kuntur.demo.cli import app as demo_app
from kuntur.dispatch.cli import app as dispatch_app
from kuntur.forecasting.cli import app as forecast_app
from kuntur.geography.cli import app as geo_app
from kuntur.identity.cli import app as users_app
from kuntur.incidents.cli import app as incidents_app
from kuntur.intelligence.cli import app as intel_app

app = typer.Typer(
    help="Kuntur: sistema de información del comando conjunto.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _load_domains() -> None:
    """Kuntur: sistema de información del comando conjunto."""
    domains.load()  # every command sees the domains' subscriptions


db_app = typer.Typer(help="Base de datos: migraciones.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(incidents_app, name="incidents")
app.add_typer(geo_app, name="geo")
app.add_typer(demo_app, name="demo")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(forecast_app, name="forecast")
app.add_typer(dispatch_app, name="dispatch")
app.add_typer(intel_app, name="intel")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (SQLite or PostgreSQL, per KUNTUR_DATABASE_URL)."""
    from kuntur.config import get_settings
    from kuntur.core import migrate
    from kuntur.core.db import engine_for

    eng = engine_for(get_settings().effective_database_url)
    migrate.upgrade(eng)
    console.print(
        f"Base de datos al día: {eng.url.render_as_string(hide_password=True)} "
        f"(revisión {migrate.current_revision(eng)})",
        highlight=False,
    )


@db_app.command("current")
def db_current() -> None:
    """Print the applied migration revision."""
    from kuntur.core import migrate

    print(migrate.current_revision(engine(auto_migrate=False)) or "none")


@app.command()
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option(help="processes (PostgreSQL only)")] = 1,
) -> None:
    """Serve the API (/docs) and the pages."""
    import uvicorn

    engine()  # migrate the embedded store before the first request
    console.print(
        f"Kuntur en http://{host}:{port}/  (API: http://{host}:{port}/docs)", highlight=False
    )
    uvicorn.run(
        "kuntur.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # Live maps hold server-sent-event streams open; a restart closes them after 5 s
        # (browsers reconnect on their own) instead of waiting for them forever.
        timeout_graceful_shutdown=5,
    )


def main() -> None:
    app()
