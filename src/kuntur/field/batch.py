"""Group commit of the phones' position reports: one transaction for all the reports that
arrived while the last one was being written, each still applied by its own officer.

Why: 2,000 phones reporting every 10 s are 200 reports a second, and one transaction per
report (its lock on SQLite's one writer or on the audit log's head, its commit) made the
server answer about as many as it could commit one after another, while its processes sat
half idle waiting on those locks (docs/benchmarks.md, Field app). Here a worker thread per
process takes every report waiting (at most ``MAX_REPORTS``) and applies them in order in
one unit of work, each through an ``Actor`` of the request that sent it (the same rules
and answers as one at a time: ``service.apply_reports``), its audit events appended
together at the commit; a request is answered only after that commit, so an answered
report is stored. No timer: a report that finds the worker free is written at once, so a
quiet night waits for nothing.

If the shared unit of work fails (a replay racing its first sending in the other process
breaks the unique client id), each request's reports are applied again in a transaction
of its own, so that one request's failure is not the others'.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.command.models import Unit
from kuntur.core.context import RequestContext
from kuntur.field.models import FieldDevice
from kuntur.identity.actor import EVERY_RECORD, Actor

MAX_REPORTS = 400  # in one transaction: a batch's audit events and rows stay small


@dataclass
class Job:
    """One request's reports, already checked against its device and token."""

    ctx: RequestContext
    device_id: int
    unit_id: int
    items: list[Any]  # service.ReportIn
    done: Future[list[dict[str, Any]]] = field(default_factory=Future)


class PositionBatcher:
    """One per process (``for_app``); ``submit`` from the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="field-positions", daemon=True)
        self._thread.start()
        self.batches = 0  # for the tests and the benchmark's reading
        self.largest = 0

    async def submit(
        self, ctx: RequestContext, device_id: int, unit_id: int, items: list[Any]
    ) -> list[dict[str, Any]]:
        job = Job(ctx, device_id, unit_id, items)
        self._queue.put(job)
        return await asyncio.wrap_future(job.done)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs, stop = [first], False
            n = len(first.items)
            while n < MAX_REPORTS:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                jobs.append(nxt)
                n += len(nxt.items)
            self._write(jobs)
            if stop:
                return

    def _write(self, jobs: list[Job]) -> None:
        self.batches += 1
        self.largest = max(self.largest, len(jobs))
        try:
            answers = self._apply(jobs)
        except Exception:
            for job in jobs:
                self._alone(job)
            return
        for job, answer in zip(jobs, answers, strict=True):
            job.done.set_result(answer)

    def _apply(self, jobs: list[Job]) -> list[list[dict[str, Any]]]:
        from kuntur.field import service

        with Session(self.engine, expire_on_commit=False) as db, db.begin():
            devices, units = _bound(db, jobs)
            answers = []
            for job in jobs:
                actor = Actor(db, job.ctx)  # the officer who sent it: scope and audit
                bound = service.Bound(devices[job.device_id], units[job.unit_id])
                answers.append(service.apply_reports(actor, bound, job.items))
        return answers

    def _alone(self, job: Job) -> None:
        try:
            job.done.set_result(self._apply([job])[0])
        except Exception as exc:
            job.done.set_exception(exc)
            return


def _bound(db: Session, jobs: list[Job]) -> tuple[dict[int, FieldDevice], dict[int, Unit]]:
    """The batch's devices and units, two statements for all (not records of an agency)."""
    every = {EVERY_RECORD: True}
    dev_ids = {j.device_id for j in jobs}
    unit_ids = {j.unit_id for j in jobs}
    devices = db.scalars(
        select(FieldDevice).where(FieldDevice.id.in_(dev_ids)).execution_options(**every)
    )
    units = db.scalars(select(Unit).where(Unit.id.in_(unit_ids)).execution_options(**every))
    return {d.id: d for d in devices}, {u.id: u for u in units}


_LOCK = threading.Lock()


def for_app(state: Any) -> PositionBatcher:
    """The process's batcher (made on first use, for the app's store)."""
    with _LOCK:
        found = getattr(state, "field_batcher", None)
        if found is None:
            found = state.field_batcher = PositionBatcher(state.engine)
        return found
