"""The backup drill (issue 21): write, back up, write more, restore; exactly what was lost
since the backup is reported (nothing before it), the audit log verifies against its signed
checkpoint afterwards, and a damaged backup or a used store changes nothing."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kuntur.audit import keys
from kuntur.audit import service as audit
from kuntur.audit.models import AuditEvent
from kuntur.cli import app
from kuntur.config import Settings
from kuntur.core.errors import InvalidInput
from kuntur.identity.models import User
from kuntur.incidents.models import Incident
from kuntur.ops import backup as store_backup
from kuntur.ops import service
from tests.command.conftest import SYSTEM
from tests.conftest import make_user
from tests.scenario import incident as make_incident

runner = CliRunner()


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def _write(engine: Engine, n: int) -> list[int]:
    with Session(engine) as db, db.begin():
        return [make_incident(db, days_ago=0.1 + i) for i in range(n)]


def _signed(engine: Engine, tmp_path: Path) -> bytes:
    key = keys.signing_key(tmp_path / "audit.pem", "test")
    with Session(engine) as db, db.begin():
        audit.create_checkpoint(db, SYSTEM, key)
    return keys.public_bytes(key)


def test_the_drill_loses_exactly_what_came_after_the_backup(engine: Engine, tmp_path: Path) -> None:
    make_user(engine, "jefa", roles=["commander"])
    before = _write(engine, 5)
    public = _signed(engine, tmp_path)
    with Session(engine) as db:
        narratives = {i.id: (i.category, i.occurred_at) for i in db.scalars(select(Incident))}
    file = tmp_path / "respaldo.kbk"
    made = service.backup(engine, file)
    assert made["rows"] > 0 and made["checkpoint_size"] == made["audit_size"] - 1
    size_at_backup = made["audit_size"]
    after = _write(engine, 3)  # lost by the restore below
    assert _count(engine, Incident) == 8

    with pytest.raises(InvalidInput, match="no está vacío"):
        service.restore(engine, file, force=False)
    assert _count(engine, Incident) == 8  # refused: nothing changed

    report = service.restore(engine, file, force=True)
    # The backup itself was recorded (ops.backup) after the snapshot: one more lost event.
    assert report["lost_events"] == 3 + 1
    assert report["lost_by_type"] == {"incident.created": 3, "ops.backup": 1}
    assert report["continuation"] is True
    with Session(engine) as db:
        ids = set(db.scalars(select(Incident.id)))
        assert ids == set(before) and not ids & set(after)
        for i in db.scalars(select(Incident)):  # every value back as it was
            assert (i.category, i.occurred_at) == narratives[i.id]
        assert db.scalar(select(func.count()).select_from(User)) == 1
        # The restored log verifies against the signed checkpoint it holds, and its next
        # event is the restore itself.
        result = audit.verify(db, public)
        assert result.ok, result.problems
        assert result.checkpoints_checked == 1 and result.size == size_at_backup + 1
        last = db.scalar(select(AuditEvent).order_by(AuditEvent.idx.desc()).limit(1))
        assert last is not None and last.type == "ops.restored" and last.idx == size_at_backup
    # New records after the restore get fresh ids (sequences moved past the restored rows).
    assert not set(_write(engine, 1)) & set(before)


def test_a_damaged_backup_is_refused_and_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    _write(engine, 2)
    file = tmp_path / "respaldo.kbk"
    service.backup(engine, file)
    _write(engine, 1)
    # Change one row of the incidents table inside the archive, keeping it a valid tar.
    damaged = tmp_path / "dañado.kbk"
    with tarfile.open(file) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "tables/incidents.jsonl.gz":
                import gzip

                rows = gzip.decompress(data).replace(b'"theft"', b'"other"', 1)
                data = gzip.compress(rows, mtime=0)
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(InvalidInput, match="suma de control"):
        service.restore(engine, damaged, force=True)
    assert _count(engine, Incident) == 3
    # A manifest edited to match the change is caught by the manifest's own checksum.
    with tarfile.open(damaged) as src:
        manifest = json.loads(src.extractfile("manifest.json").read())  # type: ignore[union-attr]
    manifest["audit"]["size"] = 0
    forged = tmp_path / "forjado.kbk"
    with tarfile.open(file) as src, tarfile.open(forged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "manifest.json":
                data = json.dumps(manifest).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(InvalidInput, match="manifiesto"):
        service.restore(engine, forged, force=True)
    not_a_backup = tmp_path / "otro.txt"
    not_a_backup.write_text("hola")
    with pytest.raises(InvalidInput, match="no es un respaldo"):
        store_backup.read_manifest(not_a_backup)
    assert _count(engine, Incident) == 3


def test_a_restore_that_fails_midway_leaves_the_store_as_it_was(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(engine, 2)
    file = tmp_path / "respaldo.kbk"
    service.backup(engine, file)
    _write(engine, 2)
    real = store_backup._decode
    calls = {"n": 0}

    def failing(value: object) -> object:
        calls["n"] += 1
        if calls["n"] > 20:  # into the inserts: every table was emptied before the first
            raise RuntimeError("disk full")
        return real(value)

    monkeypatch.setattr(store_backup, "_decode", failing)
    with pytest.raises(RuntimeError):
        service.restore(engine, file, force=True)
    assert _count(engine, Incident) == 4


def test_the_command_line_backs_up_and_restores_into_an_empty_store(
    cli_env: Settings, engine: Engine, tmp_path: Path
) -> None:
    _write(engine, 2)
    file = tmp_path / "respaldo.kbk"
    made = runner.invoke(app, ["backup", str(file), "--json"])
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["sha256"] == service.file_sha256(file)
    refused = runner.invoke(app, ["restore", str(file)])
    assert refused.exit_code == 2 and "--force" in refused.output
    from tests.conftest import clear_store

    clear_store(engine)  # an empty store (as after a fresh install): no --force needed
    done = runner.invoke(app, ["restore", str(file)])
    assert done.exit_code == 0, done.output
    assert "Restaurado" in done.output and _count(engine, Incident) == 2
    missing = runner.invoke(app, ["restore", str(tmp_path / "no-existe.kbk")])
    assert missing.exit_code == 2 and "no existe" in missing.output


def test_a_backup_restores_into_a_new_database_with_no_schema_yet(
    engine: Engine, tmp_path: Path
) -> None:
    """Disaster recovery: a new machine, an empty database, the last backup (a SQLite file
    here: from the PostgreSQL run of this test, a backup of one store restored into the other)."""
    from kuntur.core import migrate
    from kuntur.core.db import make_engine

    ids = _write(engine, 3)
    file = tmp_path / "respaldo.kbk"
    service.backup(engine, file)
    fresh = make_engine(f"sqlite:///{tmp_path / 'nueva.db'}")
    try:
        assert migrate.current_revision(fresh) is None
        report = service.restore(fresh, file, force=False)
        assert report["lost_events"] == 0
        with Session(fresh) as db:
            assert set(db.scalars(select(Incident.id))) == set(ids)
        assert migrate.current_revision(fresh) == migrate.head_revision(fresh)
    finally:
        fresh.dispose()
