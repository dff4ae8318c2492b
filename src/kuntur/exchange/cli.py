"""`kuntur exchange ...`: NENA EIDO documents in and out, exports for analysts
(docs/exchange.md).

- ``kuntur exchange eido export --incident ID``: the incident's EIDO document (JSON) on
  standard output.
- ``kuntur exchange eido import FILE [--json]``: stores the incidents of an EIDO document
  (one document, or a JSON array of documents) and prints
  ``{"imported": N, "duplicates": N, "unmapped": [JSON paths kept but not mapped]}``
  (the same JSON with or without ``--json``; without it a summary line also goes to standard
  error). A document that does not validate: the schema's first error (its path and
  message) on standard error, exit 2, nothing written.
- ``kuntur exchange export DATASET --format geojson|gpkg|csv --out FILE``: incidents,
  forecasts, networks (with ``--purpose CASE``: an open case, checked and on record) or
  patrol plans for GIS tools.
- ``kuntur exchange tak serve [--tcp-port P --tcp-agency A] [--tls-port P --certs DIR]``:
  stream units, incidents, patrol posts and legal-basis areas as Cursor-on-Target to TAK
  devices (``kuntur.exchange.tak``, docs/tak.md), until interrupted.
- ``kuntur exchange tak cert DEVICE --agency A [--clearance N] [--certs DIR]``: a
  device's client certificate (PEM and PKCS#12) from the command's TAK CA, made on
  first use together with the feed's server certificate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from kuntur.core.cli_support import fail
from kuntur.core.i18n import _
from kuntur.exchange.manifest import MANIFEST

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
eido_app = typer.Typer(
    help=_("Documentos NENA EIDO (NENA-STA-021.1a, JSON): exportar e importar incidentes."),
    no_args_is_help=True,
)
app.add_typer(eido_app, name="eido")
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


@eido_app.command("export", help=_("Imprimir el documento EIDO (JSON) de un incidente."))
def eido_export(
    incident: Annotated[int, Opt("--incident", help=_("el id del incidente"))],
) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.exchange import eido_service
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            doc = eido_service.export_incident(system(db, "exchange eido export"), incident)
    except KunturError as exc:
        fail(str(exc))
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


@eido_app.command(
    "import",
    help=_(
        "Importar un documento EIDO (o un arreglo JSON de documentos) como incidentes; "
        'imprime {"imported", "duplicates", "unmapped"}. Un documento que no valida se '
        "rechaza con el primer error del esquema y no se guarda nada."
    ),
)
def eido_import(
    file: Annotated[Path, Arg(help=_("el documento EIDO (JSON)"))],
    as_json: Annotated[bool, Opt("--json", help=_("mostrar el resultado como JSON"))] = False,
) -> None:
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("no se pudo leer {file}: {err}", file=str(file), err=str(exc)))
    except json.JSONDecodeError as exc:
        fail(
            _(
                "{file}: no es JSON (línea {line}, columna {col}): {err}",
                file=file.name,
                line=exc.lineno,
                col=exc.colno,
                err=exc.msg,
            )
        )

    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.exchange import eido_service
    from kuntur.identity.actor import system

    try:
        with Session(engine()) as db, db.begin():
            report = eido_service.import_documents(
                system(db, "exchange eido import"), payload, source=file.name
            )
    except KunturError as exc:
        fail(f"{file.name}: {exc}")
    typer.echo(json.dumps(report.out(), ensure_ascii=False))
    if not as_json:
        typer.echo(
            _(
                "{imported} incidentes importados, {duplicates} duplicados, {unmapped} "
                "elementos guardados sin correspondencia",
                imported=report.imported,
                duplicates=report.duplicates,
                unmapped=len(report.unmapped),
            ),
            err=True,
        )


@app.command(
    "export",
    help=_(
        "Exportar un conjunto de datos (incidents, forecasts, networks, patrol_plans) como "
        "GeoJSON, GeoPackage o CSV."
    ),
)
def export_cmd(
    dataset: Annotated[str, Arg(help=_("incidents, forecasts, networks o patrol_plans"))],
    fmt: Annotated[str, Opt("--format", help=_("geojson, gpkg o csv"))] = "geojson",
    out: Annotated[Path | None, Opt("--out", help=_("el archivo a escribir"))] = None,
    start: Annotated[
        datetime | None, Opt("--from", help=_("desde (incidentes; hora de Lima sin zona)"))
    ] = None,
    end: Annotated[datetime | None, Opt("--to", help=_("hasta (excluido)"))] = None,
    district: Annotated[
        list[str] | None, Opt("--district", help=_("distrito (ubigeo o nombre); repetible"))
    ] = None,
    purpose: Annotated[
        str | None,
        Opt("--purpose", help=_("redes: el número de un caso abierto (verificado, auditado)")),
    ] = None,
) -> None:
    from sqlalchemy.orm import Session

    from kuntur.core.cli_support import engine
    from kuntur.core.errors import KunturError
    from kuntur.exchange import exports
    from kuntur.identity.actor import system

    if out is None:
        fail(_("indique el archivo con --out"))
    try:
        with Session(engine()) as db, db.begin():
            result = exports.export(
                system(db, "exchange export", purpose),
                dataset,
                fmt,
                exports.ExportFilter(start=start, end=end, districts=list(district or [])),
            )
    except KunturError as exc:
        fail(str(exc))
    out.write_bytes(result.content)
    typer.echo(
        _(
            "{rows} filas de {dataset} escritas en {file}",
            rows=result.rows,
            dataset=dataset,
            file=str(out),
        ),
        err=True,
    )


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
    from kuntur.core.cli_support import engine
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
