"""`kuntur audit ...`: checkpoints, proofs, verification, witnesses."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from kuntur.audit import commitments, keys, service, witness
from kuntur.audit.manifest import MANIFEST
from kuntur.config import get_settings
from kuntur.core.cli_support import console, engine, fail
from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _

app = typer.Typer(help=MANIFEST.cli_help, no_args_is_help=True)
proof_app = typer.Typer(help=_("Pruebas de inclusión y consistencia."), no_args_is_help=True)
witness_app = typer.Typer(help=_("Testigos externos que contrafirman."), no_args_is_help=True)
app.add_typer(proof_app, name="proof")
app.add_typer(witness_app, name="witness")


def _signing_key() -> keys.Ed25519PrivateKey:
    settings = get_settings()
    try:
        return keys.signing_key(settings.effective_audit_key_path, settings.environment)
    except KunturError as exc:
        fail(str(exc))


@app.command(
    "keygen",
    help=_(
        "Crear la clave con que Kuntur firma los puntos de control (una vez; guarde una "
        "copia fuera de línea)."
    ),
)
def keygen(
    path: Annotated[Path | None, typer.Option(help=_("dónde escribir la clave"))] = None,
) -> None:
    """Create Kuntur's checkpoint signing key (once; keep a copy offline)."""
    target = path or get_settings().effective_audit_key_path
    if target.exists():
        fail(_("{path} ya existe; no se sobrescribe una clave de firma", path=target))
    key = keys.generate(target)
    print(
        json.dumps(
            {
                "path": str(target),
                "public_key": base64.b64encode(keys.public_bytes(key)).decode(),
                "key_id": keys.key_id(keys.public_bytes(key)),
            }
        )
    )


@app.command(
    "commitment-keygen",
    help=_(
        "Crear la clave de los compromisos del registro (una vez; guarde una copia fuera "
        "de línea: sin ella ningún valor registrado puede probarse, y así el registro "
        "olvida)."
    ),
)
def commitment_keygen(
    path: Annotated[Path | None, typer.Option(help=_("dónde escribir la clave"))] = None,
) -> None:
    """Create the key of the log's keyed commitments (once; keep a copy offline: without it
    no logged value can be proven, which is also how the log forgets)."""
    target = path or get_settings().effective_audit_commitment_key_path
    if target.exists():
        fail(_("{path} ya existe; no se sobrescribe una clave de compromisos", path=target))
    key = commitments.generate(target)
    print(json.dumps({"path": str(target), "key_id": commitments.key_id(key)}))


@app.command(
    "commit", help=_("Mostrar el compromiso con VALUE: igual al de un evento, prueba el valor.")
)
def commit_cmd(
    value: Annotated[str, typer.Argument(help=_("el valor a probar (p. ej. phone:+51987654321)"))],
    label: Annotated[
        str, typer.Option(help=_("entity | note | purpose | case-title (como el campo del evento)"))
    ],
) -> None:
    """Print the commitment to VALUE: equal to the one in an event, it proves the value."""
    if label not in commitments.LABELS:
        fail(_("--label: uno de {labels}", labels=", ".join(sorted(commitments.LABELS))))
    try:
        print(commitments.commit(label, value))
    except KunturError as exc:
        fail(str(exc))


@app.command(
    "checkpoint", help=_("Firmar ahora un punto de control (tamaño del árbol + raíz + hora).")
)
def checkpoint(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Sign a checkpoint (tree size + root + time) now."""
    key = _signing_key()
    with Session(engine()) as db, db.begin():
        cp = service.create_checkpoint(db, RequestContext.system("audit"), key)
        out = {
            "id": cp.id,
            "size": cp.size,
            "root": cp.root.hex(),
            "key_id": cp.key_id,
            "at": cp.at.isoformat(),
        }
    print(
        json.dumps(out)
        if as_json
        else _(
            "Punto de control {id}: {size} eventos, raíz {root}",
            id=out["id"],
            size=out["size"],
            root=out["root"],
        )
    )


@app.command(
    "verify",
    help=_(
        "Recalcular todo el árbol desde los eventos guardados y verificar los puntos de "
        "control firmados."
    ),
)
def verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Recompute the whole tree from the stored events and check the signed checkpoints."""
    key = _signing_key()
    with Session(engine()) as db:
        result = service.verify(db, keys.public_bytes(key))
    if as_json:
        print(json.dumps(result.as_dict()))
    else:
        word = _("ÍNTEGRO") if result.ok else _("ALTERADO")
        state = f"[green]{word}[/]" if result.ok else f"[bold red]{word}[/]"
        summary = _(
            "{size} eventos, raíz {root}, {checked} puntos de control verificados",
            size=result.size,
            root=result.root,
            checked=result.checkpoints_checked,
        )
        console.print(f"{state}: {summary}")
        for problem in result.problems:
            console.print(f"  - {problem}", highlight=False)
        if result.first_bad_index is not None:
            console.print(_("Primer índice dañado: {index}", index=result.first_bad_index))
    if not result.ok:
        raise typer.Exit(1)


@proof_app.command(
    "inclusion",
    help=_(
        "Prueba de inclusión del evento INDEX en el árbol del tamaño dado (por omisión: el actual)."
    ),
)
def proof_inclusion(index: int, size: Annotated[int | None, typer.Option()] = None) -> None:
    """Inclusion proof of event INDEX in the tree of the given size (default: now)."""
    with Session(engine()) as db:
        try:
            n, leaf, proof = service.inclusion_proof(db, index, size)
            root = service.root(db, n)[1]
        except KunturError as exc:
            fail(str(exc))
    print(
        json.dumps(
            {
                "index": index,
                "size": n,
                "leaf_hash": leaf.hex(),
                "root": root.hex(),
                "proof": [p.hex() for p in proof],
            }
        )
    )


@proof_app.command(
    "consistency",
    help=_("Prueba de consistencia: el árbol de tamaño FIRST es prefijo del de tamaño SECOND."),
)
def proof_consistency(first: int, second: int) -> None:
    """Consistency proof that the tree of size FIRST is a prefix of size SECOND."""
    with Session(engine()) as db:
        try:
            proof = service.consistency_proof(db, first, second)
            r1, r2 = service.root(db, first)[1], service.root(db, second)[1]
        except KunturError as exc:
            fail(str(exc))
    print(
        json.dumps(
            {
                "first": first,
                "second": second,
                "first_root": r1.hex(),
                "second_root": r2.hex(),
                "proof": [p.hex() for p in proof],
            }
        )
    )


@witness_app.command(
    "add",
    help=_(
        "Registrar la clave pública de un testigo externo (lo hacen los administradores "
        "del registro)."
    ),
)
def witness_add(
    name: str,
    public_key: Annotated[str, typer.Argument(help=_("base64, Ed25519 sin formato"))],
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency",
            help=_(
                "la institución del testigo (código: DP, MP, PNP...): solo sus usuarios "
                "contrafirman por él con sesión iniciada"
            ),
        ),
    ] = None,
) -> None:
    """Register an outside witness's public key (done by the log's administrators)."""
    try:
        raw = base64.b64decode(public_key, validate=True)
        with Session(engine()) as db, db.begin():
            service.add_witness(db, RequestContext.system("audit"), name, raw, agency)
    except (KunturError, ValueError) as exc:
        fail(str(exc))
    console.print(_("Testigo {name!r} registrado.", name=name))


@witness_app.command(
    "keygen", help=_("Crear una clave de testigo (la ejecuta el testigo, en su propia máquina).")
)
def witness_keygen(
    key: Annotated[Path, typer.Option(help=_("el archivo de la clave privada del testigo"))],
) -> None:
    """Create a witness key (run by the witness, on its own machine)."""
    if key.exists():
        fail(_("{path} ya existe", path=key))
    private = keys.generate(key)
    print(json.dumps({"public_key": base64.b64encode(keys.public_bytes(private)).decode()}))


@witness_app.command(
    "countersign",
    help=_(
        "Traer el último punto de control, verificar que extiende el último "
        "contrafirmado, y firmarlo."
    ),
)
def witness_countersign(
    url: Annotated[str, typer.Option(help=_("la URL base de Kuntur"))],
    name: Annotated[str, typer.Option(help=_("el nombre registrado del testigo"))],
    key: Annotated[Path, typer.Option(help=_("el archivo de la clave privada del testigo"))],
    state: Annotated[Path, typer.Option(help=_("dónde recuerda el testigo lo que firmó"))],
) -> None:
    """Fetch the latest checkpoint, check it extends the last one countersigned, sign it."""
    try:
        result = witness.countersign(url, name, key, state)
    except witness.WitnessRefusal as exc:
        refused = _("NO SE CONTRAFIRMA:")
        console.print(f"[bold red]{refused}[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    except (KunturError, OSError) as exc:
        fail(str(exc))
    print(json.dumps(result))
