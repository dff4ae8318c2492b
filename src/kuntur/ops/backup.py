"""Backups that restore: ``kuntur backup FILE`` and ``kuntur restore FILE``.

A backup is a tar file holding ``manifest.json`` and one gzip'd JSON-lines file per table,
read in ONE transaction (a consistent snapshot: REPEATABLE READ on PostgreSQL, a read
transaction on SQLite's WAL), so no table can be newer than another. The manifest names the
store's migration revision, the audit log's size and Merkle root at that moment and its last
signed checkpoint, and the SHA-256 of every table file; its own checksum covers all of that.

The same format serves both stores (a SQLite backup restores into PostgreSQL and back):
values are written as JSON, with bytes, times and dates tagged so they come back exactly
(the audit log's leaves are recomputed from them by ``kuntur audit verify``).

Restoring checks everything before it changes anything: the manifest's checksum, every
table file's hash, the revision (a backup restores into the revision it was taken at, then
the store is upgraded), and that the store is empty unless ``force``. With ``force`` it first
works out what the restore will lose: the audit events recorded after the backup, when the
store's log continues the backup's (same leaves up to the backup's size). The store is then
emptied and refilled in one transaction: a failure leaves it as it was.

Point-in-time recovery on PostgreSQL (base backups and WAL archiving) is the database's own;
docs/operations.md says how. This backup is the one any operator can take, check and restore
with Kuntur alone.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, Table, func, select, text

from kuntur.audit import service as audit
from kuntur.audit.models import AuditEvent, Checkpoint
from kuntur.core import migrate
from kuntur.core.db import Base
from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _
from kuntur.core.timeutil import utcnow

FORMAT = "kuntur-backup/1"
SKIPPED = frozenset({"live_events"})  # screens' transient relay (pruned within minutes)
BATCH = 5_000


@dataclass(frozen=True)
class BackupReport:
    path: Path
    revision: str
    tables: int
    rows: int
    audit_size: int
    checkpoint_size: int | None


@dataclass
class RestoreReport:
    revision: str
    rows: int
    audit_size: int
    lost_events: int = 0
    lost_by_type: dict[str, int] = field(default_factory=dict)
    lost_from: str | None = None
    lost_to: str | None = None
    continuation: bool | None = None  # whether the replaced log continued the backup's


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag == "$b":
            return base64.b64decode(raw)
        if tag == "$t":
            return datetime.fromisoformat(raw)
        if tag == "$d":
            return date.fromisoformat(raw)
        if tag == "$n":
            return Decimal(raw)
    return value


def tables() -> list[Table]:
    """Every table of every domain, parents before children (the entry point has loaded
    every domain's models: ``kuntur.domains.load``; ``_check_tables`` makes sure)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED]


def _check_tables(conn: Connection) -> None:
    """Refuse to work on a store with tables the loaded models do not know: a backup
    that silently left one out would not restore what it claims."""
    from sqlalchemy import inspect

    known = {t.name for t in tables()} | SKIPPED | {"alembic_version"}
    extra = sorted(set(inspect(conn).get_table_names()) - known)
    if extra:
        raise InvalidInput(
            _("tablas del almacén que este proceso no conoce: {names}", names=", ".join(extra))
        )


def _checksum(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _snapshot(engine: Engine) -> Connection:
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def _rows(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)[:1]
    result = conn.execute(select(table).order_by(*order).execution_options(yield_per=BATCH))
    for row in result.mappings():
        yield {k: _encode(v) for k, v in row.items()}


def make_backup(engine: Engine, path: Path) -> BackupReport:
    """Write a consistent backup of the store to ``path`` (replaced atomically)."""
    revision = migrate.current_revision(engine)
    if revision is None:
        raise InvalidInput(_("el almacén no tiene migraciones aplicadas: nada que respaldar"))
    tmp = path.with_name(path.name + ".partial")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(),
        "store": engine.dialect.name,
        "revision": revision,
        "tables": {},
    }
    total = 0
    with _snapshot(engine) as conn, conn.begin(), tarfile.open(tmp, "w") as tar:
        _check_tables(conn)
        if engine.dialect.name == "sqlite":
            # The driver opens a transaction only before a write: without this each SELECT
            # would read the store as it is at that moment, not one snapshot for all.
            conn.exec_driver_sql("BEGIN")
        for table in tables():
            buf = io.BytesIO()
            n = 0
            with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
                for row in _rows(conn, table):
                    gz.write(json.dumps(row, separators=(",", ":")).encode() + b"\n")
                    n += 1
            data = buf.getvalue()
            _add(tar, f"tables/{table.name}.jsonl.gz", data)
            manifest["tables"][table.name] = {
                "rows": n,
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            total += n
        size = audit.size(conn)
        manifest["audit"] = {"size": size, "root": _root_hex(conn, size)}
        cp = conn.execute(
            select(Checkpoint).where(Checkpoint.size <= size).order_by(Checkpoint.size.desc())
        ).first()
        manifest["audit"]["checkpoint"] = (
            {
                "size": cp.size,
                "root": bytes(cp.root).hex(),
                "at": cp.at.isoformat(),
                "key_id": cp.key_id,
            }
            if cp is not None
            else None
        )
        manifest["checksum"] = _checksum(manifest)
        _add(tar, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
    tmp.replace(path)
    checkpoint = manifest["audit"]["checkpoint"]
    return BackupReport(
        path, revision, len(manifest["tables"]), total, size, checkpoint and checkpoint["size"]
    )


def _root_hex(conn: Connection, size: int) -> str | None:
    if size == 0:
        return None
    from sqlalchemy.orm import Session

    with Session(bind=conn) as db:
        return audit.root(db, size)[1].hex()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# Restore ------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest, after checking its checksum and every table file's hash."""
    try:
        tar = tarfile.open(path, "r")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise InvalidInput(
            _("{file}: no es un respaldo de Kuntur ({err})", file=path, err=exc)
        ) from exc
    with tar:
        manifest = _manifest(tar, path)
        for name, meta in manifest["tables"].items():
            data = _member(tar, f"tables/{name}.jsonl.gz", path)
            if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                raise InvalidInput(
                    _(
                        "{file}: la tabla {table} no coincide con su suma de control: el "
                        "respaldo está dañado; no se cambió nada",
                        file=path,
                        table=name,
                    )
                )
    return manifest


def _manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(_member(tar, "manifest.json", path))
    except ValueError as exc:
        raise InvalidInput(_("{file}: manifiesto ilegible ({err})", file=path, err=exc)) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InvalidInput(_("{file}: no es un respaldo de Kuntur", file=path))
    if manifest.get("checksum") != _checksum(manifest):
        raise InvalidInput(
            _(
                "{file}: el manifiesto no coincide con su suma de control: el respaldo está "
                "dañado o fue alterado; no se cambió nada",
                file=path,
            )
        )
    return manifest


def _member(tar: tarfile.TarFile, name: str, path: Path) -> bytes:
    try:
        fh: IO[bytes] | None = tar.extractfile(name)
    except KeyError:
        fh = None
    if fh is None:
        raise InvalidInput(_("{file}: falta {member} en el respaldo", file=path, member=name))
    return fh.read()


def is_empty(conn: Connection) -> bool:
    """No audit event and no user: a store nobody has used (migrations' own rows aside)."""
    from kuntur.identity.models import User

    users = conn.scalar(select(func.count()).select_from(User))
    return audit.size(conn) == 0 and not users


def _lost(conn: Connection, manifest: dict[str, Any], report: RestoreReport) -> None:
    """What restoring ``manifest`` over this store loses: its audit events after the
    backup's size, if its log continues the backup's."""
    size = int(manifest["audit"]["size"])
    current = audit.size(conn)
    if current <= size:
        report.continuation = current == size and _same_root(conn, manifest, size)
        return
    report.continuation = _same_root(conn, manifest, size)
    rows = conn.execute(
        select(AuditEvent.type, func.count(), func.min(AuditEvent.at), func.max(AuditEvent.at))
        .where(AuditEvent.idx >= size)
        .group_by(AuditEvent.type)
    ).all()
    report.lost_events = current - size
    report.lost_by_type = {r[0]: int(r[1]) for r in rows}
    report.lost_from = min(r[2] for r in rows).isoformat() if rows else None
    report.lost_to = max(r[3] for r in rows).isoformat() if rows else None


def _same_root(conn: Connection, manifest: dict[str, Any], size: int) -> bool:
    if size == 0:
        return True
    return _root_hex(conn, size) == manifest["audit"]["root"]


def restore(engine: Engine, path: Path, *, force: bool = False) -> RestoreReport:
    """Replace the store's contents with the backup at ``path`` (see the module doc)."""
    manifest = read_manifest(path)
    revision = str(manifest["revision"])
    known = {t.name: t for t in tables()}
    unknown = sorted(set(manifest["tables"]) - set(known))
    current = migrate.current_revision(engine)
    if current is None and _known(engine, revision):
        migrate.upgrade(engine, revision)  # a new, empty database: the backup's schema first
        current = revision
    if revision != current and not _at_revision(engine, revision):
        raise InvalidInput(
            _(
                "{file}: respaldo de la revisión {rev}, que esta versión de Kuntur no conoce; "
                "restáurelo con la versión que lo hizo",
                file=path,
                rev=revision,
            )
        )
    if unknown:
        raise InvalidInput(
            _("{file}: tablas desconocidas en el respaldo: {names}", file=path, names=unknown)
        )
    report = RestoreReport(revision, 0, int(manifest["audit"]["size"]))
    with engine.connect() as conn:
        if not is_empty(conn):
            if not force:
                raise InvalidInput(
                    _(
                        "el almacén no está vacío: restaurar lo reemplazaría por completo; "
                        "use --force para hacerlo (se informará lo que se pierde)"
                    )
                )
            _lost(conn, manifest, report)
    with engine.begin() as conn, tarfile.open(path, "r") as tar:
        for table in reversed(tables()):  # children first
            conn.execute(table.delete())
        for table in tables():
            meta = manifest["tables"].get(table.name)
            if meta is None:
                continue
            data = gzip.decompress(_member(tar, f"tables/{table.name}.jsonl.gz", path))
            batch: list[dict[str, Any]] = []
            for line in data.splitlines():
                batch.append({k: _decode(v) for k, v in json.loads(line).items()})
                if len(batch) >= BATCH:
                    conn.execute(table.insert(), batch)
                    report.rows += len(batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
                report.rows += len(batch)
        if engine.dialect.name == "postgresql":
            _reset_sequences(conn)
    migrate.upgrade(engine)  # a backup of an older revision is brought up to this one
    return report


def _known(engine: Engine, revision: str) -> bool:
    """Whether this code has the migration ``revision``."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(str(engine.url)))
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for an unknown revision
        return False


def _at_revision(engine: Engine, revision: str) -> bool:
    """Bring an EMPTY store to ``revision`` (an older backup's), if this code knows it."""
    if not _known(engine, revision):
        return False
    with engine.connect() as conn:
        if not is_empty(conn):
            return False
    migrate.downgrade(engine, revision)
    return True


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: each identity column's sequence past the restored rows."""
    for table in tables():
        for col in table.primary_key.columns:
            if col.autoincrement is True or (
                col.autoincrement == "auto" and len(table.primary_key.columns) == 1
            ):
                seq = conn.scalar(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": table.name, "c": col.name},
                )
                if seq:
                    top = conn.scalar(select(func.max(col)))
                    conn.execute(
                        text("SELECT setval(:s, :v, false)"), {"s": seq, "v": int(top or 0) + 1}
                    )
