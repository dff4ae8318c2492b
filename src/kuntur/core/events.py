"""The event bus: changes announced by any domain, delivered after commit to every open
screen (unit positions and statuses, incidents, orders, authorizations).

A service announces a change with ``emit(db, kind, payload)`` inside its
transaction; clients receive it only if that transaction commits. It is part of the
kernel so that every domain can publish (incidents included) without importing another.

- PostgreSQL (production, several server processes behind a load balancer):
  ``emit`` runs ``pg_notify`` in the transaction; PostgreSQL delivers it on commit
  to every process LISTENing on the store's channel, including the sender. Each
  process fans it out to its own clients. No broker of our own.
- SQLite (the embedded default): ``emit`` publishes to this process's brokers after
  commit, and writes the event to the ``live_events`` table in the transaction, so that
  the other server processes on the same file (``kuntur serve --workers``) pick it up:
  each polls the table a few times a second (``relay_sqlite``) for events of other
  processes. SQLite commits one writer at a time, so ids grow in commit order and a
  poll that has seen id N has seen every event before it. Rows older than a few minutes
  are pruned: screens that were away reconnect and reload.

Clients subscribe with server-sent events (``GET /api/dispatch/live``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    String,
    Table,
    Text,
    delete,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.orm import Session

from kuntur.core.db import Base, BigId, UTCDateTime
from kuntur.core.timeutil import utcnow

log = logging.getLogger(__name__)

# --- domain events: in the publisher's transaction ---------------------------------------
# A domain reacts to another's change without being called by it: the publisher announces
# ``publish(db, topic, obj)`` and every handler subscribed to the topic runs at once, in the
# same transaction (so its writes commit or roll back with the change). Handlers register
# when their domain is loaded (``kuntur.domains``).
DomainHandler = Callable[[Session, Any], None]
_HANDLERS: dict[str, list[DomainHandler]] = {}


def subscribe(topic: str, handler: DomainHandler) -> None:
    """Run ``handler(db, obj)`` on every ``publish(db, topic, obj)`` (once per handler)."""
    handlers = _HANDLERS.setdefault(topic, [])
    if handler not in handlers:
        handlers.append(handler)


def publish(db: Session, topic: str, obj: Any) -> None:
    for handler in list(_HANDLERS.get(topic, ())):
        handler(db, obj)


# --- live events: to open screens, after commit -----------------------------------------
QUEUE_LIMIT = 1000  # a client this far behind is dropped, not allowed to grow memory


@dataclass(frozen=True)
class Event:
    """An event as sent (``data``, JSON) with what visibility checks need, parsed once."""

    data: str
    kind: str
    owner_agency: str | None = None
    classification: int = 0

    @classmethod
    def parse(cls, data: str) -> Event:
        try:
            obj = json.loads(data)
        except ValueError:
            return cls(data, "invalid")
        return cls(
            data,
            str(obj.get("kind", "")),
            obj.get("owner_agency"),
            int(obj.get("classification") or 0),
        )


OVERFLOW = Event("", "__overflow__")


class Broker:
    """Fan-out to this process's subscribers; ``publish`` is safe from any thread."""

    def __init__(self) -> None:
        self._subs: set[asyncio.Queue[Event]] = set()
        self._listeners: list[Callable[[Event], None]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        # Whether this process hears the other processes' changes now (PostgreSQL: its
        # LISTEN connection is up; SQLite: the relay's last poll worked): readiness reads it.
        self.connected = False

    @property
    def subscribers(self) -> int:
        return len(self._subs)

    def add_listener(self, fn: Callable[[Event], None]) -> None:
        """Call ``fn`` (on the event loop) with every event, before the subscribers."""
        self._listeners.append(fn)

    def _deliver(self, data: str) -> None:
        ev = Event.parse(data)
        for fn in self._listeners:
            try:
                fn(ev)
            except Exception:  # a listener's bug must not stop the live picture
                log.exception("live: listener failed on %s", ev.kind)
        for q in list(self._subs):
            if q.qsize() >= QUEUE_LIMIT:
                self._subs.discard(q)  # too slow: it reconnects and reloads
                q.put_nowait(OVERFLOW)
            else:
                q.put_nowait(ev)

    def publish(self, data: str) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(data)
        else:
            loop.call_soon_threadsafe(self._deliver, data)

    async def subscribe(self) -> AsyncIterator[list[Event]]:
        """Batches of events: whatever queued up while the last batch was being written."""
        with self._lock:
            self._loop = asyncio.get_running_loop()
        q: asyncio.Queue[Event] = asyncio.Queue()
        self._subs.add(q)
        try:
            while True:
                batch = [await q.get()]
                while not q.empty():
                    batch.append(q.get_nowait())
                if any(e is OVERFLOW for e in batch):
                    return
                yield batch
        finally:
            self._subs.discard(q)

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop


# Brokers of the apps in this process, by store: SQLite commits publish to these.
_LOCAL: dict[str, list[Broker]] = {}

# SQLite: events on their way to the other server processes on the same file.
LIVE_EVENTS = Table(
    "live_events",
    Base.metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("origin", String(32), nullable=False),  # the process that emitted it
    Column("at", UTCDateTime(), nullable=False),
    Column("data", Text, nullable=False),
)
ORIGIN = uuid.uuid4().hex  # this process (server workers are started, not forked)
RELAY_INTERVAL_S = 0.2
RELAY_KEEP = timedelta(minutes=2)


def channel_for(engine: Engine) -> str:
    """One channel per store (URL incl. schema), so test stores never hear each other."""
    url = engine.url.render_as_string(hide_password=False)
    return "kuntur_live_" + hashlib.sha256(url.encode()).hexdigest()[:12]


def register(engine: Engine, broker: Broker) -> None:
    _LOCAL.setdefault(channel_for(engine), []).append(broker)


def unregister(engine: Engine, broker: Broker) -> None:
    with contextlib.suppress(KeyError, ValueError):
        _LOCAL[channel_for(engine)].remove(broker)


def emit(db: Session, kind: str, payload: dict[str, Any]) -> None:
    """Announce a change; delivered when ``db``'s transaction commits, never before.

    ``kind`` names the event; the payload may not carry a ``kind`` of its own (an order's
    kind once replaced the event's, and no screen recognised order events)."""
    if "kind" in payload:
        raise ValueError(f"live event {kind!r}: the payload's own 'kind' would replace it")
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    data = json.dumps({"kind": kind, **payload}, default=str, separators=(",", ":"))
    if engine.dialect.name == "postgresql":
        db.execute(text("SELECT pg_notify(:c, :d)"), {"c": channel_for(engine), "d": data})
        return
    db.execute(insert(LIVE_EVENTS).values(origin=ORIGIN, at=utcnow(), data=data))
    brokers = list(_LOCAL.get(channel_for(engine), []))

    def after_commit(_session: Session) -> None:
        for b in brokers:
            b.publish(data)

    event.listen(db, "after_commit", after_commit, once=True)


# --- many small changes of one kind, announced together ---------------------------------
# A unit's position is announced once per report: with 2,000 phones every 10 s that was 200
# events a second, each a ``pg_notify`` in its report's transaction, where PostgreSQL's
# commits queue on the one notification lock, and each a ``live_events`` row on SQLite.
# ``emit_merged`` collects the items of this process's commits and announces them together,
# at most ``MERGE_S`` after the first commit: still only what committed, in commit order
# within the process. A process that stops announces what waits (``flush_merged``); one
# that is killed does not (the changes are stored; a screen reads them when it loads).
MERGE_S = 0.2


class _Merger:
    """The items of one kind of event waiting in this process for one store."""

    def __init__(self, engine: Engine, kind: str, key: str, per_event: int) -> None:
        self.engine, self.kind, self.key, self.per_event = engine, kind, key, per_event
        self.items: list[dict[str, Any]] = []
        self.cond = threading.Condition()
        self.writing = threading.Lock()  # held while a batch is written (``flush_merged``)
        self.thread: threading.Thread | None = None

    def add(self, items: list[dict[str, Any]]) -> None:
        with self.cond:
            self.items.extend(items)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name=f"live-merge-{self.kind}", daemon=True
                )
                self.thread.start()
            self.cond.notify()

    def _run(self) -> None:
        while True:
            with self.cond:
                while not self.items:
                    self.cond.wait()
            time.sleep(MERGE_S)  # what else commits meanwhile goes in the same event
            self.flush()

    def flush(self) -> None:
        with self.writing:
            with self.cond:
                items, self.items = self.items, []
            if not items:
                return
            try:
                with Session(self.engine) as db, db.begin():
                    for i in range(0, len(items), self.per_event):
                        emit(db, self.kind, {self.key: items[i : i + self.per_event]})
            except Exception:  # the store unreachable for a moment: these go unannounced
                log.warning("live: %d %s items not announced", len(items), self.kind, exc_info=True)


_MERGERS: dict[tuple[str, str], _Merger] = {}
_MERGERS_LOCK = threading.Lock()


def emit_merged(
    db: Session, kind: str, key: str, items: list[dict[str, Any]], per_event: int
) -> None:
    """Announce ``items`` after ``db``'s transaction commits, within ``MERGE_S``, in one
    event ``{kind, key: [items of this process's commits meanwhile]}`` per ``per_event``
    items (see above). For frequent changes whose order against other kinds of event does
    not matter: a position, never a status."""
    if not items:
        return
    bind = db.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _MERGERS_LOCK:
        merger = _MERGERS.get((channel_for(engine), kind))
        if merger is None or merger.engine is not engine:
            merger = _MERGERS[(channel_for(engine), kind)] = _Merger(engine, kind, key, per_event)

    def after_commit(_session: Session) -> None:
        merger.add(items)

    event.listen(db, "after_commit", after_commit, once=True)


def flush_merged() -> None:
    """Announce every waiting item now, and wait for a batch being written (a process
    about to stop; tests, before the store is emptied for the next)."""
    with _MERGERS_LOCK:
        mergers = list(_MERGERS.values())
    for m in mergers:
        m.flush()


async def listen_postgres(engine: Engine, broker: Broker, ready: asyncio.Event) -> None:
    """LISTEN on the store's channel and hand every notification to ``broker``; reconnects."""
    import psycopg

    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    channel = channel_for(engine)
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(f'LISTEN "{channel}"')  # a hex name we built: not user input
                ready.set()
                broker.connected = True
                async for note in conn.notifies():
                    broker.publish(note.payload)
            broker.connected = False
        except asyncio.CancelledError:
            broker.connected = False
            raise
        except Exception:  # the store restarted or the network blinked: retry
            broker.connected = False
            log.warning("live: lost the LISTEN connection; retrying in 1 s", exc_info=True)
            await asyncio.sleep(1.0)


def _relay_since(engine: Engine, last: int | None, prune: bool) -> tuple[int, list[str]]:
    """Events of other processes after id ``last`` (``None``: start from now)."""
    with engine.begin() as conn:
        if prune:
            # The newest row always stays: SQLite gives a new row max(id) + 1, so an empty
            # table would start ids again at 1 and every other process, waiting for ids
            # above the last it saw, would drop the events that follow.
            newest = select(func.max(LIVE_EVENTS.c.id)).scalar_subquery()
            conn.execute(
                delete(LIVE_EVENTS).where(
                    LIVE_EVENTS.c.at < utcnow() - RELAY_KEEP, LIVE_EVENTS.c.id < newest
                )
            )
        if last is None:
            return int(
                conn.execute(select(func.coalesce(func.max(LIVE_EVENTS.c.id), 0))).scalar_one()
            ), []
        rows = conn.execute(
            select(LIVE_EVENTS.c.id, LIVE_EVENTS.c.origin, LIVE_EVENTS.c.data)
            .where(LIVE_EVENTS.c.id > last)
            .order_by(LIVE_EVENTS.c.id)
        ).all()
    if not rows:
        return last, []
    return int(rows[-1][0]), [r[2] for r in rows if r[1] != ORIGIN]


async def relay_sqlite(
    engine: Engine, broker: Broker, interval_s: float = RELAY_INTERVAL_S
) -> None:
    """Hand ``broker`` the events that other processes on this SQLite file commit."""
    last: int | None = None
    polls = 0
    while True:
        try:
            prune = polls % int(30 / interval_s) == 1  # about twice a minute
            last, found = await asyncio.to_thread(_relay_since, engine, last, prune)
            broker.connected = True
            for data in found:
                broker.publish(data)
        except asyncio.CancelledError:
            broker.connected = False
            raise
        except Exception:  # a locked or busy store: try again at the next poll
            broker.connected = False
            log.warning("live: relay poll failed; retrying", exc_info=True)
        polls += 1
        await asyncio.sleep(interval_s)
