"""`kuntur citizens ...`: make the desk's key pair and the receipts' secret."""

from __future__ import annotations

from typing import Annotated

import typer

from kuntur.citizens import keys
from kuntur.citizens.manifest import MANIFEST
from kuntur.core.cli_support import console, fail
from kuntur.core.i18n import _

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)


@app.command(
    "keygen",
    help=_(
        "Crear el par de claves de la mesa de denuncias y el secreto de los comprobantes "
        "(nunca reemplaza uno existente)."
    ),
)
def keygen(
    public_only: Annotated[
        bool,
        typer.Option(
            "--remove-private",
            help=_("dejar en este servidor solo la clave pública (la privada se muestra una vez)"),
        ),
    ] = False,
) -> None:
    """Create the desk key pair and the secret (never overwrites an existing one)."""
    from kuntur.config import get_settings

    settings = get_settings()
    desk = settings.effective_citizens_desk_key_path
    secret = settings.effective_citizens_secret_key_path
    made = []
    if not desk.exists() and not keys.public_path(desk).exists():
        keys.generate_desk(desk)
        made.append(str(desk))
    if not secret.exists():
        keys.generate_secret(secret)
        made.append(str(secret))
    if public_only and desk.exists():
        console.print(desk.read_text().strip(), highlight=False)
        desk.unlink()
        console.print(
            _("Guarde esa clave privada fuera de este servidor: aquí solo queda la pública."),
            highlight=False,
        )
    if not made and not public_only:
        fail(_("las claves ya existen; no se sobrescriben"), code=1)
    for path in made:
        console.print(_("Creada: {path}", path=path), highlight=False)
