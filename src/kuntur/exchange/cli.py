"""`kuntur exchange ...`: the feeds to the systems around the joint command.

- ``kuntur exchange tak serve [--tcp-port P --tcp-agency A] [--tls-port P --certs DIR]``:
  stream units, incidents, patrol posts and legal-basis areas as Cursor-on-Target to TAK
  devices (``kuntur.exchange.tak``), until interrupted.
- ``kuntur exchange tak cert DEVICE --agency A [--clearance N] [--certs DIR]``: a
  device's client certificate (PEM and PKCS#12) from the command's TAK CA, made on
  first use together with the feed's server certificate.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Annotated

import typer

from kuntur.core.i18n import _
from kuntur.exchange.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
tak_app = typer.Typer(
    help=_("Cursor-on-Target hacia dispositivos TAK (ATAK, WinTAK, iTAK)."),
    no_args_is_help=True,
)
app.add_typer(tak_app, name="tak")
Opt = typer.Option
Arg = typer.Argument


@app.callback()
def _group() -> None:
    """Data exchange."""


def _default_certs() -> Path:
    from kuntur.config import Settings

    return Settings().var_dir / "tak"


@tak_app.command(
    "cert",
    help=_(
        "Emitir el certificado de un dispositivo TAK (PEM y PKCS#12) con la autoridad "
        "certificadora del comando; la agencia y el nivel de acceso van en el certificado."
    ),
)
def cert_cmd(
    device: Annotated[str, Arg(help=_("nombre del dispositivo (CN)"))],
    agency: Annotated[str, Opt("--agency", help=_("código de la agencia (O), p. ej. PNP"))],
    clearance: Annotated[int, Opt("--clearance", min=0, max=4, help=_("nivel de acceso"))] = 0,
    certs: Annotated[Path | None, Opt("--certs", help=_("carpeta de certificados"))] = None,
    host: Annotated[str, Opt("--host", help=_("nombre o dirección del servidor"))] = "127.0.0.1",
    password: Annotated[str, Opt("--password", help=_("clave del archivo .p12"))] = "",
) -> None:
    from kuntur.exchange import certs as tls

    folder = certs or _default_certs()
    if not (folder / "server.pem").exists():
        tls.issue_server(folder, host)
    issued = tls.issue_device(folder, device, agency, clearance, password)
    typer.echo(
        _(
            "Certificado de {device} ({agency}, nivel {level}): {cert}, clave {key}, "
            "paquete {p12}; CA: {ca}",
            device=device,
            agency=agency.upper(),
            level=clearance,
            cert=str(issued.cert),
            key=str(issued.key),
            p12=str(issued.p12),
            ca=str(folder / "ca.pem"),
        )
    )


@tak_app.command(
    "serve",
    help=_(
        "Enviar unidades, incidentes, puestos de patrullaje y áreas con base legal a los "
        "dispositivos TAK por TCP (una agencia por puerto) o por TLS con certificado de "
        "cliente."
    ),
)
def serve_cmd(
    host: Annotated[str, Opt("--host", help=_("dirección en la que escuchar"))] = "127.0.0.1",
    tcp_port: Annotated[int | None, Opt("--tcp-port", help=_("puerto TCP sin cifrar"))] = None,
    tcp_agency: Annotated[
        str | None, Opt("--tcp-agency", help=_("agencia de los dispositivos del puerto TCP"))
    ] = None,
    tls_port: Annotated[int | None, Opt("--tls-port", help=_("puerto TLS"))] = None,
    certs: Annotated[Path | None, Opt("--certs", help=_("carpeta de certificados"))] = None,
) -> None:
    from kuntur.config import Settings
    from kuntur.core.cli_support import engine, fail
    from kuntur.exchange import tak

    if tcp_port is None and tls_port is None:
        fail(_("indique --tcp-port o --tls-port (o ambos)"))
    if tcp_port is not None and not tcp_agency:
        fail(_("--tcp-port necesita --tcp-agency: los dispositivos TCP no se identifican"))
    if tcp_port is not None and Settings().environment == "production" and tls_port is None:
        fail(_("en producción los dispositivos se conectan por TLS: indique --tls-port"))
    context = None
    if tls_port is not None:
        folder = certs or _default_certs()
        needed = [folder / n for n in ("server.pem", "server.key", "ca.pem")]
        missing = [str(p) for p in needed if not p.exists()]
        if missing:
            fail(
                _(
                    "faltan certificados: {files}; emítalos con 'kuntur exchange tak cert'",
                    files=", ".join(missing),
                )
            )
        context = tak.server_tls_context(*needed)
    eng = engine()
    if tcp_agency:
        from sqlalchemy.orm import Session

        from kuntur.identity.models import Agency

        with Session(eng) as db:
            if db.get(Agency, tcp_agency.upper()) is None:
                fail(_("agencia desconocida: {code}", code=tcp_agency))

    def started(ports: list[int]) -> None:
        typer.echo(_("Canal TAK escuchando en {host}: {ports}", host=host, ports=ports))

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            tak.serve(
                eng,
                host=host,
                tcp_port=tcp_port,
                tcp_agency=tcp_agency.upper() if tcp_agency else None,
                tls_port=tls_port,
                tls=context,
                started=started,
            )
        )
