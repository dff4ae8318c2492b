"""Root CLI: `kuntur`. Each domain mounts its own commands; nothing domain-specific lives here."""

from __future__ import annotations

import importlib
from typing import Annotated, Any

import typer
import typer._click as click  # typer ships its own click; its groups are built on it
from typer.core import TyperGroup

from kuntur import domains
from kuntur.core.i18n import _


def _declared_groups() -> dict[str, tuple[str, str]]:
    """``{group name: (domain package, help)}`` from each domain's manifest; a manifest
    imports none of its domain's modules (only the kernel's registry and the roles)."""
    return {
        m.cli_group[0]: (m.domain, m.cli_help or "") for m in domains.manifests() if m.cli_group
    }


class DomainGroup(TyperGroup):
    """The root command: each domain's group is loaded only when it is used, so `kuntur
    --help` lists them all without importing numpy, pandas, numba or igraph."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_declared_groups()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        declared = _declared_groups().get(cmd_name)
        if found is not None or declared is None:
            return found
        package, help_text = declared
        if self._listing:  # the help screen needs the name and the line, nothing more
            return TyperGroup(name=cmd_name, help=help_text)
        module: Any = importlib.import_module(f"kuntur.{package}.cli")
        group = typer.main.get_command(module.app)
        group.name = cmd_name
        return group

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    cls=DomainGroup,
    help=_("Kuntur: sistema de información del comando conjunto."),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _load_domains() -> None:
    """Kuntur: sistema de información del comando conjunto."""
    domains.load()  # every command sees the domains' subscriptions


db_app = typer.Typer(help=_("Base de datos: migraciones."), no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command(
    "upgrade",
    help=_("Aplicar cada migración pendiente (SQLite o PostgreSQL, según KUNTUR_DATABASE_URL)."),
)
def db_upgrade() -> None:
    """Apply every pending migration (SQLite or PostgreSQL, per KUNTUR_DATABASE_URL)."""
    from kuntur.config import get_settings
    from kuntur.core import migrate
    from kuntur.core.cli_support import console
    from kuntur.core.db import engine_for

    eng = engine_for(get_settings().effective_database_url)
    migrate.upgrade(eng)
    console.print(
        _(
            "Base de datos al día: {url} (revisión {revision})",
            url=eng.url.render_as_string(hide_password=True),
            revision=migrate.current_revision(eng),
        ),
        highlight=False,
    )


@db_app.command("current", help=_("Mostrar la revisión de migración aplicada."))
def db_current() -> None:
    """Print the applied migration revision."""
    from kuntur.core import migrate
    from kuntur.core.cli_support import engine

    print(migrate.current_revision(engine(auto_migrate=False)) or "none")


@app.command(help=_("Servir la API (/docs) y las páginas."))
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[
        int, typer.Option(help=_("procesos del servidor (0: uno por núcleo, hasta cuatro)"))
    ] = 0,
) -> None:
    """Serve the API (/docs) and the pages."""
    import os

    import uvicorn

    from kuntur.config import get_settings
    from kuntur.core.cli_support import console, engine

    engine()  # migrate the embedded store before the first request
    settings = get_settings()
    workers = workers or settings.effective_server_processes
    os.environ["KUNTUR_SERVER_PROCESSES"] = str(workers)  # read by each process's settings
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
        server_header=False,  # no "Server: uvicorn" banner telling what to attack
    )


def main() -> None:
    app()
