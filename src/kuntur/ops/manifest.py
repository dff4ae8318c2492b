"""What the operations domain declares (issue 21): the record of backups and restores.

A restore replaces the whole store, audit log included, with the backup's; the first event
of the restored log afterwards says so (``ops.restored``: from which backup, how many
events of the replaced log were lost), so nobody can restore quietly."""

from __future__ import annotations

from kuntur.core.registry import EventType, Manifest, declare

BACKED_UP = EventType("ops.backup", "Respaldo del almacén")
RESTORED = EventType("ops.restored", "Almacén restaurado desde un respaldo")
PURGED = EventType("ops.purged", "Datos personales depurados al vencer su plazo (Ley 29733)")

MANIFEST = declare(Manifest(domain="ops", events=(BACKED_UP, RESTORED, PURGED)))
