"""Health of one server process, for the load balancer and the operators.

- Liveness: the process answers (nothing else is asked: a live process with its store away
  must not be restarted in a loop, only taken out of rotation).
- Readiness: the store answers within ``TIMEOUT_S``, its migrations are this code's, the
  audit log's head agrees with its last event (the append that keeps the chain was not cut
  in half), and the event bus is connected (PostgreSQL LISTEN, or the SQLite relay), so live
  screens served here hear every other process's changes.

Nothing here names a record or a person: the answers are safe to show without a login.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text

from kuntur.audit.models import AuditEvent, AuditHead
from kuntur.core import migrate
from kuntur.core.i18n import _

TIMEOUT_S = 3.0


@functools.cache
def _head(url: str) -> str | None:
    """This code's newest migration (read from the migration files once per process)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _store_checks(engine: Engine) -> list[Check]:
    """Database, migrations, audit head: one connection, three cheap statements."""
    checks: list[Check] = []
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        checks.append(Check("database", True, _("el almacén responde")))
        current = migrate.current_revision(engine)
        head = _head(str(engine.url))
        checks.append(
            Check(
                "migrations",
                current == head,
                _("revisión {cur}", cur=current)
                if current == head
                else _(
                    "revisión {cur}, se espera {head}: ejecute 'kuntur db upgrade'",
                    cur=current,
                    head=head,
                ),
            )
        )
        size = conn.scalar(select(func.coalesce(func.max(AuditHead.size), 0))) or 0
        last = conn.scalar(select(func.max(AuditEvent.idx)))
        events = 0 if last is None else int(last) + 1
        checks.append(
            Check(
                "audit",
                int(size) == events,
                _("{n} eventos", n=events)
                if int(size) == events
                else _(
                    "la cabeza del registro dice {size} eventos y hay {n}: ejecute "
                    "'kuntur audit verify'",
                    size=size,
                    n=events,
                ),
            )
        )
    return checks


async def readiness(engine: Engine, bus_connected: bool) -> list[Check]:
    """Every check; a store that does not answer in time is one failed check."""
    try:
        checks = await asyncio.wait_for(asyncio.to_thread(_store_checks, engine), TIMEOUT_S)
    except TimeoutError:
        checks = [Check("database", False, _("el almacén no respondió en {s} s", s=TIMEOUT_S))]
    except Exception as exc:  # the store is away: say so, do not fail the probe itself
        reason = type(exc).__name__
        checks = [Check("database", False, _("el almacén no responde ({err})", err=reason))]
    checks.append(
        Check(
            "events",
            bus_connected,
            _("conectado") if bus_connected else _("sin conexión al bus de eventos"),
        )
    )
    return checks
