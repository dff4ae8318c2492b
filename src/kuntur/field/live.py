"""The field app's live streams in one server process: one subscription to the event bus and
one session check a second for all of them.

Why: each stream once subscribed by itself and checked its own session every second. With
2,000 phones on the app that was 2,000 queries a second, each in a worker thread and on a
pooled connection (100 streams already emptied SQLite's pool), and every stream woke on
every event of the command (every position of every unit: hundreds a second) to find it was
not its own. Here the events are read once, sorted by what they concern (the unit, its
incident, the nodes an order reaches) into the queues of the streams they concern, and the
sessions of every open stream are checked in one query; a revoked device's stream still
ends within ``RECHECK_S``."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kuntur.core import events
from kuntur.identity import service as identity

log = logging.getLogger(__name__)
RECHECK_S = 1.0  # a revoked device's stream ends within this many seconds
ENDED = "session_ended"  # put in a stream's queue when its session no longer stands
RESTART = "restart"  # the bus dropped this process's subscription: the phone reconnects
QUEUE_MAX = 100  # the phone re-reads its whole state on any event: more are of no use


@dataclass(eq=False)
class Stream:
    """One phone's open stream: what it listens for, and the kinds of events for it."""

    unit_id: int
    nodes: frozenset[int]
    incident_id: int | None
    session_id: int | None
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)

    def put(self, kind: str) -> None:
        if kind in (ENDED, RESTART) or self.queue.qsize() < QUEUE_MAX:
            self.queue.put_nowait(kind)

    async def next_batch(self) -> list[str]:
        batch = [await self.queue.get()]
        while not self.queue.empty():
            batch.append(self.queue.get_nowait())
        return batch


class Hub:
    """The field streams of this process, indexed by unit, incident and command node."""

    def __init__(self, broker: events.Broker, engine: Engine) -> None:
        self.broker, self.engine = broker, engine
        self.streams: set[Stream] = set()
        self.by_unit: dict[int, set[Stream]] = {}
        self.by_incident: dict[int, set[Stream]] = {}
        self.by_node: dict[int, set[Stream]] = {}
        self._router: asyncio.Task[None] | None = None
        self._checker: asyncio.Task[None] | None = None

    # --- registration -----------------------------------------------------------------
    def add(self, s: Stream) -> None:
        self.streams.add(s)
        self.by_unit.setdefault(s.unit_id, set()).add(s)
        if s.incident_id is not None:
            self.by_incident.setdefault(s.incident_id, set()).add(s)
        for n in s.nodes:
            self.by_node.setdefault(n, set()).add(s)
        if self._router is None or self._router.done():
            self._router = asyncio.ensure_future(self._route())
        if self._checker is None or self._checker.done():
            self._checker = asyncio.ensure_future(self._check())

    def remove(self, s: Stream) -> None:
        self.streams.discard(s)
        _drop(self.by_unit, s.unit_id, s)
        if s.incident_id is not None:
            _drop(self.by_incident, s.incident_id, s)
        for n in s.nodes:
            _drop(self.by_node, n, s)

    def _move(self, s: Stream, incident_id: int | None) -> None:
        if s.incident_id == incident_id:
            return
        if s.incident_id is not None:
            _drop(self.by_incident, s.incident_id, s)
        s.incident_id = incident_id
        if incident_id is not None:
            self.by_incident.setdefault(incident_id, set()).add(s)

    # --- the events -------------------------------------------------------------------
    def deliver(self, ev: events.Event) -> None:
        """Put ``ev`` in the queues of the streams it concerns (the checks the single
        stream made: its unit's changes, its incident's, orders to it or above it)."""
        if ev.kind not in ("unit", "incident", "order"):
            return  # positions and the rest: read by no phone, not even parsed
        try:
            obj = json.loads(ev.data)
        except ValueError:
            return
        targets: Iterable[Stream] = ()
        if ev.kind == "unit":
            targets = list(self.by_unit.get(obj.get("id"), ()))
            for s in targets:
                self._move(s, obj.get("incident_id"))
        elif ev.kind == "incident":
            targets = self.by_incident.get(obj.get("id"), ())
        else:
            targets = set(self.by_unit.get(obj.get("target_unit_id"), ())) | set(
                self.by_node.get(obj.get("target_node_id"), ())
            )
        for s in targets:
            s.put(ev.kind)

    async def _route(self) -> None:
        while self.streams:
            try:
                async for batch in self.broker.subscribe():
                    for ev in batch:
                        self.deliver(ev)
                    if not self.streams:
                        return
            except Exception:  # a bug here must not leave the phones deaf without a word
                log.exception("field live: routing failed")
            # The bus dropped us (this process fell behind): every phone reconnects and
            # re-reads its state, so that nothing missed meanwhile stays missed.
            log.warning("field live: subscription dropped, %d streams restart", len(self.streams))
            for s in list(self.streams):
                s.put(RESTART)
            await asyncio.sleep(0.1)

    async def _check(self) -> None:
        while self.streams:
            await asyncio.sleep(RECHECK_S)
            streams = list(self.streams)
            ids = {s.session_id for s in streams if s.session_id is not None}
            try:
                live = await run_in_threadpool(identity.live_sessions, self.engine, ids)
            except Exception:  # the store unreachable: try again, end no stream for it
                log.exception("field live: session check failed")
                continue
            for s in streams:
                if s.session_id not in live:
                    s.put(ENDED)


def _drop(index: dict[int, set[Stream]], key: int, s: Stream) -> None:
    found = index.get(key)
    if found is not None:
        found.discard(s)
        if not found:
            del index[key]


def hub_for(state: object, broker: events.Broker, engine: Engine) -> Hub:
    """This process's hub (one per app), made on the first stream."""
    hub = getattr(state, "field_hub", None)
    if not isinstance(hub, Hub):
        hub = Hub(broker, engine)
        setattr(state, "field_hub", hub)  # noqa: B010 (starlette's State takes any name)
    return hub
