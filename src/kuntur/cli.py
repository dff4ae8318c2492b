"""Root CLI: `kuntur`. Each domain mounts its own commands; only the store-wide ones (db,
serve, backup, restore) live here."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
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
        # get_group, not get_command: a domain with a single command (citizens keygen)
        # keeps it as a subcommand instead of becoming that command.
        group = typer.main.get_group(module.app)
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
    from uvicorn.config import LOGGING_CONFIG

    from kuntur.app import check_production_secrets
    from kuntur.config import get_settings
    from kuntur.core.cli_support import KEEP_ALIVE_S, console, engine, fail, metrics_dir
    from kuntur.core.errors import KunturError

    settings = get_settings()
    try:
        check_production_secrets(settings)
    except KunturError as exc:
        fail(str(exc))
    engine()  # migrate the embedded store before the first request
    workers = workers or settings.effective_server_processes
    os.environ["KUNTUR_SERVER_PROCESSES"] = str(workers)  # read by each process's settings
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir(settings.var_dir, port)))
    console.print(
        f"Kuntur en http://{host}:{port}/  (API: http://{host}:{port}/docs)", highlight=False
    )
    from kuntur.ops import logs

    uvicorn.run(
        "kuntur.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        log_config=logs.uvicorn_config() if settings.log_format == "json" else LOGGING_CONFIG,
        # Live maps hold server-sent-event streams open; a restart closes them after 5 s
        # (browsers reconnect on their own) instead of waiting for them forever.
        timeout_graceful_shutdown=5,
        server_header=False,  # no "Server: uvicorn" banner telling what to attack
        timeout_keep_alive=KEEP_ALIVE_S,
    )


@app.command(
    "backup",
    help=_(
        "Respaldar el almacén en FILE: una instantánea coherente de todas las tablas, con el "
        "tamaño y la raíz del registro de auditoría y su último punto de control firmado."
    ),
)
def backup(
    file: Annotated[Path, typer.Argument(help=_("el archivo de respaldo que se escribe"))],
    as_json: Annotated[bool, typer.Option("--json", help=_("el resultado como JSON"))] = False,
) -> None:
    """Back the store up into FILE (kuntur.ops.backup)."""
    from kuntur.core.cli_support import engine, fail
    from kuntur.core.errors import KunturError
    from kuntur.ops import service

    try:
        report = service.backup(engine(), file)
    except (KunturError, OSError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report))
        return
    print(
        _(
            "Respaldo {file}: {rows} filas de {tables} tablas, revisión {rev}; registro de "
            "auditoría con {size} eventos (último punto de control firmado: {cp}); SHA-256 "
            "{sha}",
            file=str(file),
            rows=report["rows"],
            tables=report["tables"],
            rev=report["revision"],
            size=report["audit_size"],
            cp=report["checkpoint_size"] if report["checkpoint_size"] is not None else "-",
            sha=report["sha256"],
        )
    )


@app.command(
    "restore",
    help=_(
        "Restaurar el almacén desde un respaldo: comprueba las sumas de control antes de "
        "cambiar nada; un almacén que no está vacío solo con --force, diciendo lo que se pierde."
    ),
)
def restore(
    file: Annotated[Path, typer.Argument(help=_("el archivo de respaldo"))],
    force: Annotated[
        bool, typer.Option("--force", help=_("reemplazar un almacén que no está vacío"))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("el resultado como JSON"))] = False,
) -> None:
    """Restore the store from FILE (kuntur.ops.backup)."""
    from kuntur.core.cli_support import engine, fail
    from kuntur.core.errors import KunturError
    from kuntur.ops import service

    if not file.exists():
        fail(_("no existe el archivo {file}", file=str(file)))
    try:
        report = service.restore(engine(auto_migrate=False), file, force=force)
    except (KunturError, OSError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(report))
        return
    print(
        _(
            "Restaurado {file}: {rows} filas, revisión {rev}; registro de auditoría con {size} "
            "eventos.",
            file=str(file),
            rows=report["rows"],
            rev=report["revision"],
            size=report["audit_size"],
        )
    )
    if report["lost_events"]:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(report["lost_by_type"].items()))
        print(
            _(
                "Perdidos desde el respaldo: {n} eventos de auditoría, del {first} al {last} "
                "({kinds}).",
                n=report["lost_events"],
                first=report["lost_from"],
                last=report["lost_to"],
                kinds=kinds,
            )
        )
    elif report["continuation"] is False:
        print(_("El almacén reemplazado no continuaba el registro de este respaldo."))


@app.command(
    "purge",
    help=_(
        "Depurar los datos personales vencidos (Ley 29733): relatos de incidentes cerrados, "
        "contactos y denuncias cerradas, posiciones de la aplicación de campo, viajeros; "
        "los plazos son los KUNTUR_RETENTION_*."
    ),
)
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("contar lo que se depuraría, sin cambiar nada"))
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help=_("el resultado como JSON"))] = False,
) -> None:
    """Apply the retention rules (kuntur.ops.retention)."""
    from sqlalchemy.orm import Session

    from kuntur.config import get_settings
    from kuntur.core.cli_support import engine
    from kuntur.identity.actor import system
    from kuntur.ops import retention

    with Session(engine()) as db, db.begin():
        done = retention.purge(system(db, "purge"), get_settings(), dry_run=dry_run)
    if as_json:
        print(json.dumps({p.rule: {"rows": p.rows, "before": p.before} for p in done}))
        return
    for p in done:
        print(
            _("{rule}: {rows} (anteriores al {before})", rule=p.rule, rows=p.rows, before=p.before)
        )


def main() -> None:
    from kuntur.config import SettingsUnreadable

    try:
        app()
    except SettingsUnreadable as exc:  # before any command could say it: no trace, the fix
        from kuntur.core.cli_support import console

        console.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise SystemExit(2) from None
