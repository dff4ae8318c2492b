"""Checkpoints at intervals: while the server runs, sign one whenever the log has grown
and the latest checkpoint is older than the interval. Several server processes may
all try; the check on the latest checkpoint keeps duplicates rare and harmless."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.audit import keys, service
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.errors import KunturError, NotFound
from kuntur.core.timeutil import utcnow

log = logging.getLogger(__name__)


def checkpoint_if_due(engine: Engine, settings: Settings) -> bool:
    key = keys.signing_key(settings.effective_audit_key_path, settings.environment)
    interval = timedelta(seconds=settings.audit_checkpoint_interval_s)
    with Session(engine, expire_on_commit=False) as db, db.begin():
        size = service.size(db)
        try:
            latest = service.latest_checkpoint(db)
            if latest.size >= size or utcnow() - latest.at < interval:
                return False
        except NotFound:
            if size == 0:
                return False
        service.create_checkpoint(db, RequestContext.system("audit-scheduler"), key)
        return True


async def run_forever(engine: Engine, settings: Settings) -> None:
    while True:
        await asyncio.sleep(settings.audit_checkpoint_interval_s)
        try:
            await asyncio.to_thread(checkpoint_if_due, engine, settings)
        except KunturError as exc:  # a missing key is reported, the server keeps serving
            log.error("audit checkpoint skipped: %s", exc)
