"""Operations through the record: each backup and restore is an audit event.

A backup holds every personal record the store does, so who took one, when, and of what is
on record (``ops.backup``). A restore replaces the audit log with the backup's; the first
event appended to the restored log is the restore itself (``ops.restored``), with what the
replaced log lost."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.identity.actor import Actor
from kuntur.ops import backup as store_backup
from kuntur.ops.manifest import BACKED_UP, RESTORED


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup(engine: Engine, path: Path, *, who: str = "backup") -> dict[str, Any]:
    report = store_backup.make_backup(engine, path)
    sha = file_sha256(path)
    with Session(engine) as db, db.begin():
        Actor(db, RequestContext.system(who)).record(
            BACKED_UP,
            object_type="store",
            object_id=path.name[:200],
            details={
                "rows": report.rows,
                "audit_size": report.audit_size,
                "revision": report.revision,
                "sha256": sha,
            },
        )
    out = dataclasses.asdict(report)
    out["path"] = str(report.path)
    out["sha256"] = sha
    return out


def restore(engine: Engine, path: Path, *, force: bool, who: str = "restore") -> dict[str, Any]:
    sha = file_sha256(path)
    report = store_backup.restore(engine, path, force=force)
    with Session(engine) as db, db.begin():
        Actor(db, RequestContext.system(who)).record(
            RESTORED,
            object_type="store",
            object_id=path.name[:200],
            details={
                "sha256": sha,
                "rows": report.rows,
                "audit_size": report.audit_size,
                "lost_events": report.lost_events,
                "continuation": report.continuation,
            },
        )
    return dataclasses.asdict(report)
