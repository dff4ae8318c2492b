"""`kuntur users ...`: create, disable, grant, revoke, list, API tokens, the identity key.
The first administrator is
created here, from the command line, with a password typed by a person: Kuntur ships
no default account and no default password."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pyotp
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.config import get_settings
from kuntur.core.cli_support import console, engine, fail, stacked
from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _
from kuntur.identity import crypto, service
from kuntur.identity.manifest import MANIFEST
from kuntur.identity.models import User, UserSession

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
CTX = RequestContext.system("users-cli")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt(_("Contraseña"), hide_input=True)
    if typer.prompt(_("Repita la contraseña"), hide_input=True) != first:
        fail(_("las dos contraseñas no coinciden"))
    return str(first)


def show_totp(username: str, secret: str) -> None:
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Kuntur")
    console.print(
        _(
            "Segundo factor (TOTP) obligatorio para {username}. Registre en su app:",
            username=username,
        )
        + "\n  "
        + _("clave: {secret}", secret=secret)
        + f"\n  URI:   {uri}",
        highlight=False,
    )


@app.command("create", help=_("Crear un usuario (también el primer administrador)."))
def create(
    username: str,
    agency: Annotated[str, typer.Option(help=_("PNP, EP, MGP, FAP, SERENAZGO, MP, DP"))],
    role: Annotated[list[str], typer.Option(help=_("repetible: dispatcher, commander, ..."))],
    name: Annotated[str | None, typer.Option(help=_("nombre para mostrar"))] = None,
    clearance: Annotated[int, typer.Option(min=0, max=3)] = 0,
    password_stdin: Annotated[
        bool, typer.Option(help=_("leer la contraseña de la entrada estándar"))
    ] = False,
) -> None:
    """Create a user (the first administrator too)."""
    password = _password(password_stdin)
    try:
        with Session(engine()) as db, db.begin():
            _user, secret = service.create_user(
                db,
                CTX,
                username=username,
                password=password,
                display_name=name or username,
                agency=agency,
                roles=role,
                clearance=clearance,
            )
    except KunturError as exc:
        fail(str(exc))
    console.print(_("Usuario {username} creado.", username=username), highlight=False)
    if secret:
        show_totp(username, secret)


@app.command(
    "keygen",
    help=_(
        "Crear la clave de identidad que sella los segundos factores (una vez; guarde una"
        " copia fuera de línea)."
    ),
)
def keygen(
    path: Annotated[Path | None, typer.Option(help=_("dónde escribir la clave"))] = None,
) -> None:
    """Create the identity key that seals second factors (once; keep a copy offline)."""
    target = path or get_settings().effective_identity_key_path
    if target.exists():
        fail(_("{path} ya existe; no se sobrescribe la clave de identidad", path=target))
    crypto.generate(target)
    console.print(_("Clave de identidad creada en {path}.", path=target), highlight=False)


@app.command(
    "disable",
    help=_("Deshabilitar un usuario y terminar de inmediato todas sus sesiones y tokens."),
)
def disable(username: str) -> None:
    """Disable a user and end all their sessions and tokens at once."""
    try:
        with Session(engine()) as db, db.begin():
            service.disable(db, CTX, username)
    except KunturError as exc:
        fail(str(exc))
    console.print(
        _("Usuario {username} deshabilitado; sus sesiones terminaron.", username=username),
        highlight=False,
    )


@app.command("grant", help=_("Dar un rol (vale desde la próxima solicitud del usuario)."))
def grant(username: str, role: str) -> None:
    """Give a role (effective on the user's next request)."""
    try:
        with Session(engine()) as db, db.begin():
            secret = service.grant(db, CTX, username, role)
    except KunturError as exc:
        fail(str(exc))
    console.print(
        _("{username}: rol {role} otorgado.", username=username, role=role), highlight=False
    )
    if secret:
        show_totp(username, secret)


@app.command("revoke", help=_("Quitar un rol (vale desde la próxima solicitud del usuario)."))
def revoke(username: str, role: str) -> None:
    """Take a role away (effective on the user's next request)."""
    try:
        with Session(engine()) as db, db.begin():
            service.revoke(db, CTX, username, role)
    except KunturError as exc:
        fail(str(exc))
    console.print(
        _("{username}: rol {role} revocado.", username=username, role=role), highlight=False
    )


@app.command(
    "tokens",
    help=_(
        "Los tokens de API vigentes de un usuario: nombre, creación, vencimiento, último "
        "uso (nunca el secreto)."
    ),
)
def tokens(username: str) -> None:
    """A user's live API tokens: name, created, expires, last used (never the secret)."""
    from kuntur.core.timeutil import to_display

    try:
        with Session(engine()) as db:
            rows = service.tokens_of(db, CTX, username)
    except KunturError as exc:
        fail(str(exc))
    table = Table(title=_("Tokens de API de {username}", username=username))
    for col in ("id", _("nombre"), _("creado"), _("vence"), _("último uso")):
        table.add_column(stacked(col))
    for t in rows:
        table.add_row(
            str(t.id),
            t.label or "",
            to_display(t.created_at) or "",
            to_display(t.expires_at) or "",
            to_display(t.last_seen_at) or _("nunca"),
        )
    Console().print(table)


@app.command(
    "revoke-token", help=_("Terminar ahora un token de API (su id, de `kuntur users tokens USER`).")
)
def revoke_token(token_id: int) -> None:
    """End an API token now (its id from `kuntur users tokens USER`)."""
    try:
        with Session(engine()) as db, db.begin():
            service.revoke_token(db, CTX, token_id)
    except KunturError as exc:
        fail(str(exc))
    console.print(_("Token {id} revocado.", id=token_id), highlight=False)


@app.command("list", help=_("Usuarios de la lista, con su agencia, roles, nivel y estado."))
def list_() -> None:
    with Session(engine()) as db:
        users = db.scalars(select(User).order_by(User.username)).all()
    table = Table(title=_("Usuarios"))
    for col in (_("usuario"), _("agencia"), "roles", _("nivel"), _("estado")):
        table.add_column(stacked(col))
    for u in users:
        table.add_row(
            u.username,
            u.agency_code,
            ", ".join(sorted(u.role_set)),
            str(u.clearance),
            _("deshabilitado") if u.disabled else _("activo"),
        )
    Console().print(table)


@app.command(
    "service-account",
    help=_(
        "Crear una cuenta de servicio para el sistema de un integrador (agencia, roles): no "
        "inicia sesión, solo presenta tokens con alcances (`kuntur users service-token`)."
    ),
)
def service_account(
    name: str,
    agency: Annotated[str, typer.Option("--agency", help=_("la agencia por la que actúa"))],
    role: Annotated[list[str], typer.Option("--role", help=_("un rol; repetible"))],
    display_name: Annotated[str, typer.Option("--name", help=_("su nombre visible"))] = "",
    clearance: Annotated[int, typer.Option("--clearance", min=0, max=3)] = 0,
) -> None:
    from kuntur.identity import service_accounts

    try:
        with Session(engine()) as db, db.begin():
            user = service_accounts.create(
                db,
                CTX,
                name=name,
                display_name=display_name,
                agency=agency,
                roles=role,
                clearance=clearance,
            )
            username = user.username
    except KunturError as exc:
        fail(str(exc))
    console.print(_("Cuenta de servicio {name} creada.", name=username), highlight=False)


@app.command(
    "service-token",
    help=_(
        "Emitir un token para una cuenta de servicio, limitado a alcances (--scope, "
        "repetible: eido:read, eido:write, exports:read, positions:write) y con vencimiento "
        "(--days); se muestra una sola vez."
    ),
)
def service_token(
    name: str,
    scope: Annotated[list[str], typer.Option("--scope", help=_("un alcance; repetible"))],
    days: Annotated[int, typer.Option("--days", min=1, max=365, help=_("días de validez"))] = 90,
    label: Annotated[str | None, typer.Option("--label", help=_("nombre del token"))] = None,
) -> None:
    from datetime import timedelta

    from kuntur.core.timeutil import utcnow
    from kuntur.identity import service_accounts

    try:
        with Session(engine()) as db, db.begin():
            raw, tok = service_accounts.mint(
                db,
                CTX,
                name,
                scopes=scope,
                expires_at=utcnow() + timedelta(days=days),
                label=label,
            )
            token_id, until = tok.id, tok.expires_at
    except KunturError as exc:
        fail(str(exc))
    console.print(
        _(
            "Token {id} (vence {until}); guárdelo, no se vuelve a mostrar:",
            id=token_id,
            until=until.isoformat(),
        ),
        highlight=False,
    )
    typer.echo(raw)  # alone on standard output, for a script to capture


@app.command(
    "service-accounts",
    help=_(
        "Las cuentas de servicio y sus tokens (alcances, vencimiento, estado; nunca el secreto)."
    ),
)
def service_accounts_list() -> None:
    from kuntur.core.timeutil import to_display
    from kuntur.identity import service_accounts

    try:
        with Session(engine()) as db:
            found = service_accounts.accounts(db, CTX)
            rows: list[tuple[str, str, str, UserSession | None]] = [
                (u.username, u.agency_code, ",".join(sorted(u.role_set)), t)
                for u, tokens in found
                for t in ([*tokens] if tokens else [None])
            ]
            table = Table(title=_("Cuentas de servicio"))
            for col in (
                _("cuenta"),
                _("agencia"),
                "roles",
                "token",
                _("alcances"),
                _("vence"),
                _("estado"),
            ):
                table.add_column(stacked(col))
            for name, agency, roles, t in rows:
                table.add_row(
                    name,
                    agency,
                    roles,
                    str(t.id) if t else "",
                    t.scopes or "" if t else "",
                    (to_display(t.expires_at) or "") if t else "",
                    service_accounts.token_state(t) if t else "",
                )
    except KunturError as exc:
        fail(str(exc))
    Console().print(table)
