"""The missed-deadline sweep at intervals: while the server runs, each newly missed
deadline of a use-of-force report is put on record (``uof.overdue``) without waiting for
someone to run ``kuntur oversight sweep`` (which stays, for a store without a server).

Several server processes may all sweep: ``service.flag_overdue`` writes the keys it flags
by compare-and-set, so each missed deadline is on record once whoever sweeps first."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kuntur.config import Settings
from kuntur.core.errors import KunturError
from kuntur.identity.actor import system
from kuntur.oversight import service

log = logging.getLogger(__name__)


def sweep(engine: Engine, at: datetime | None = None, who: str = "oversight") -> list[int]:
    """One sweep in its own transaction; the reports flagged now."""
    with Session(engine) as db, db.begin():
        return service.flag_overdue(system(db, who), at)


async def run_forever(engine: Engine, settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.uof_sweep_interval_s)
        try:
            flagged = await asyncio.to_thread(sweep, engine, None, "oversight-scheduler")
        except (KunturError, SQLAlchemyError) as exc:  # the server keeps serving
            log.error("use-of-force deadline sweep skipped: %s", exc)
        else:
            if flagged:
                log.info("missed use-of-force deadlines flagged: reports %s", flagged)
