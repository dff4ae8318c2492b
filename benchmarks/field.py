"""Field app benchmark (issue 20): 2,000 phones reporting their position every 10 s while a
dispatcher sends 200 dispatches a minute; goal: a dispatch on its phone within 1 s at p95,
no position lost or applied twice, every dispatch delivered once.

- Server: ``kuntur serve``'s processes (``server_process_args``, one per core) on loopback,
  over a fresh store per backend.
- Set-up (not measured): one station per 50 units, 2,000 PNP patrol cars (inserted in bulk),
  2,000 officers of role ``field_officer`` (inserted in bulk with one password hash: the
  hash is the logon's cost, not the field app's), and each officer's shift opened through
  ``field.service.start_shift`` (what ``POST /api/field/signin`` does once the password is
  checked): a field session bound to the unit and to the phone's own device key. 250
  incidents are stored through ``incidents.service.create``.
- Phones (this process, plain HTTP/1.1 over asyncio): each holds the live stream the app
  holds (``GET /api/field/live``, server-sent events) and does what ``campo.js`` does: on
  every event it reads its state (``GET /api/field/state``: the delivery); it posts its
  position every 10 s (``POST /api/field/reports``, one item with a client id made on the
  phone; the phones spread in phase over the 10 s; positions alone are not followed by a
  state read, as in ``campo.js``); a report whose answer did not come back stays queued and is sent
  again (one in 20 is also sent twice on purpose, as after a lost answer); on a new dispatch
  it acknowledges it (``POST /api/field/ack``).
- Dispatcher: its own API token and connection; ``POST /api/dispatch/incidents/{id}/dispatch``
  of a random available unit, 200 a minute, evenly spaced.
- Delivery: the moment the dispatcher's request was sent to the moment the unit's phone had
  read a state that shows the dispatch (the dispatch request's own time included: an upper
  bound on commit to phone).
- Baseline in the same run: the same dispatches with the streams open and no position
  traffic, just before.
- Check in the store at the end: each position's client id stored once, every dispatch's
  delivery row there once, received and acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import uvloop
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from benchmarks.data import patrol_car_row
from benchmarks.load import start_server
from kuntur.core.cli_support import KEEP_ALIVE_S

PHONES = 2000
PERIOD_S = 10.0
DISPATCHES_PER_MIN = 200
UNITS_PER_STATION = 50
TARGET_P95_MS = 1000.0
REPLAY_EVERY = 20  # one position in 20 is sent twice (an answer lost on the way back)
# The app's fetch has no timeout: a phone waits for its answer (one request at a time) and
# queues what it makes meanwhile. A client that gave up after 15 s and sent its queue again
# made the server do each batch twice, then thrice: a retry storm the app never makes.
TIMEOUT_S = 120.0
# A connection idle this long is opened again, a little before the server's keep-alive
# (``KEEP_ALIVE_S``) runs out, as a browser does with a connection the server will close.
IDLE_S = KEEP_ALIVE_S - 5.0
PASSWORD = "campo-bench-password-1"


def say(what: str) -> None:
    """Progress on stderr: a run lasts minutes."""
    print(f"{datetime.now(UTC):%H:%M:%S} field: {what}", file=sys.stderr, flush=True)


@dataclass
class Phone:
    k: int
    unit_id: int
    token: str
    device_key: str
    queue: list[dict[str, Any]] = field(default_factory=list)  # positions not yet answered
    seq: int = 0
    seen: set[int] = field(default_factory=set)  # assignments shown on this phone
    # Two lanes, as the app's fetches run side by side: its reports (one at a time, the
    # queue's flush) and its state reads and acknowledgements.
    locks: tuple[asyncio.Lock, asyncio.Lock] = field(
        default_factory=lambda: (asyncio.Lock(), asyncio.Lock())
    )
    conns: list[Conn | None] = field(default_factory=lambda: [None, None])
    streaming: bool = False


@dataclass
class Tally:
    """Everything the phones and the dispatcher saw, for the figures and the checks."""

    # By unit: each unit is dispatched once at most, so a dispatch whose answer never came
    # back (a timeout) is still matched to its assignment in the store and to its phone.
    sent_at: dict[int, float] = field(default_factory=dict)  # unit -> dispatch request sent
    answered_at: dict[int, float] = field(default_factory=dict)  # unit -> 201 back
    phase_of: dict[int, str] = field(default_factory=dict)
    shown_at: dict[int, float] = field(default_factory=dict)  # unit -> its phone showed it
    shown_aid: dict[int, int] = field(default_factory=dict)  # unit -> assignment shown
    shown_by: dict[int, str] = field(default_factory=dict)  # "live" or "report" refresh
    shown_twice: int = 0
    wrong_unit: int = 0
    acked: set[int] = field(default_factory=set)
    dispatch_errors: dict[str, int] = field(default_factory=dict)
    positions: dict[str, str] = field(default_factory=dict)  # client id -> first outcome
    duplicates: int = 0  # replays answered "duplicate"
    replays: int = 0
    report_ms: list[float] = field(default_factory=list)
    state_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    streams_open: int = 0
    streams_failed: int = 0  # answered other than 200
    streams_dropped: int = 0  # ended by the server or the network, then reopened
    streaming_at_end: int = 0

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class Conn:
    """One keep-alive HTTP/1.1 connection with fixed headers; answers (status, body)."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0.0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        # Reconnect as a browser does: after the server's "Connection: close" (it evens the
        # clients out over its processes) and after uvicorn's 5 s keep-alive has run out.
        if self.writer is not None and time.monotonic() - self.used > IDLE_S:
            await self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None and self.writer is not None
        raw = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{self.head}"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + raw)
        line = await self.reader.readline()
        if not line:
            raise ConnectionError("closed")
        status = int(line.split()[1])
        length, chunked, close = 0, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.strip().lower() == "close"
        out = b""
        if chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                out += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readline()
        elif length:
            out = await self.reader.readexactly(length)
        self.used = time.monotonic()
        if close:
            await self.close()
        return status, out


# --- set-up ------------------------------------------------------------------------------


def seed(engine: Engine, phones: int, incidents: int) -> tuple[list[Phone], list[int], str]:
    """Stations, units, officers and their shifts; incidents; a dispatcher's token."""
    from argon2 import PasswordHasher

    from kuntur.command import service as command
    from kuntur.command.models import Unit
    from kuntur.core.context import RequestContext
    from kuntur.core.timeutil import utcnow
    from kuntur.field import service as field_service
    from kuntur.identity import service as identity
    from kuntur.identity.actor import Actor
    from kuntur.identity.models import User
    from kuntur.incidents import service as incident_service
    from kuntur.incidents.schemas import IncidentCreate

    system = RequestContext.system("bench")
    stations = max(1, -(-phones // UNITS_PER_STATION))
    with Session(engine) as db, db.begin():
        identity.ensure_agencies(db)
        db.flush()
        tree = command.create_tree(
            Actor(db, system),
            [("lima", "Frente Lima", "PNP", "front", None, None)]
            + [
                (f"s{i}", f"Comisaría {i}", "PNP", "station", "lima", None) for i in range(stations)
            ],
        )
        front_id = tree["lima"].id
        now = utcnow()
        db.execute(
            insert(Unit),
            [
                patrol_car_row(
                    i,
                    f"PNP-C-{i:04d}",
                    tree[f"s{i // UNITS_PER_STATION}"].id,
                    now - timedelta(minutes=1),
                    now,
                )
                for i in range(phones)
            ],
        )
        pw_hash = PasswordHasher().hash(PASSWORD)
        db.execute(
            insert(User),
            [
                {
                    "username": f"agente{i:04d}",
                    "display_name": f"Agente {i}",
                    "agency_code": "PNP",
                    "unit_id": tree[f"s{i // UNITS_PER_STATION}"].id,
                    "roles": "field_officer",
                    "clearance": 0,
                    "password_hash": pw_hash,
                    "created_at": now,
                }
                for i in range(phones)
            ],
        )
    out: list[Phone] = []
    for start in range(0, phones, 200):  # a few hundred shifts per transaction
        with Session(engine, expire_on_commit=False) as db, db.begin():
            users = db.scalars(
                select(User)
                .where(User.username.in_([f"agente{i:04d}" for i in range(start, start + 200)]))
                .order_by(User.username)
            ).all()
            for user in users:
                i = int(user.username.removeprefix("agente"))
                officer = Actor(db, identity.context_for(user, None, request_id=f"bench-{i}"))
                key = f"{i:04d}".ljust(32, "f")
                raw, _dev, unit = field_service.start_shift(
                    officer,
                    user,
                    device_key=key,
                    label=f"Pixel {i}",
                    call_sign=f"PNP-C-{i:04d}",
                    hours=12,
                )
                out.append(Phone(i, unit.id, raw, key))
    rng = random.Random(7)
    ids: list[int] = []
    with Session(engine) as db, db.begin():
        user, _ = identity.create_user(
            db,
            system,
            username="despachador_campo",
            password=PASSWORD,
            display_name="Despacho",
            agency="PNP",
            roles=["dispatcher"],
            clearance=1,
        )
        user.unit_id = front_id
        token, _ = identity.open_session(db, user, "api", label="field bench")
        actor = Actor(db, identity.context_for(user, None, request_id="bench-incidents"))
        for n in range(incidents):
            inc = incident_service.create(
                actor=actor,
                data=IncidentCreate(
                    source="emergency_call",
                    category="theft",
                    occurred_at=datetime.now(UTC) - timedelta(minutes=5),
                    latitude=round(-12.05 + rng.uniform(-0.05, 0.05), 6),
                    longitude=round(-77.03 + rng.uniform(-0.04, 0.04), 6),
                    address=f"Av. Prueba {n}",
                ),
            )
            ids.append(inc.id)
    return out, ids, token


# --- the phones --------------------------------------------------------------------------


class Run:
    def __init__(self, port: int, phones: list[Phone], tally: Tally) -> None:
        self.port, self.phones, self.t = port, phones, tally
        self.positions_on = False
        self.stop = False
        self.pending: set[asyncio.Task[None]] = set()

    def headers(self, p: Phone) -> dict[str, str]:
        return {"Authorization": f"Bearer {p.token}", "X-Device-Key": p.device_key}

    async def call(
        self, p: Phone, method: str, path: str, body: Any = None, lane: int = 1
    ) -> tuple[int, bytes]:
        """One request on one of the phone's two connections (lane 0: reports)."""
        async with p.locks[lane]:
            conn = p.conns[lane]
            if conn is None:
                conn = p.conns[lane] = Conn(self.port, self.headers(p))
            try:
                return await asyncio.wait_for(conn.request(method, path, body), TIMEOUT_S)
            except (
                OSError,
                ConnectionError,
                TimeoutError,
                ValueError,
                asyncio.IncompleteReadError,
            ):
                await conn.close()
                p.conns[lane] = None
                raise

    async def refresh(self, p: Phone, why: str) -> None:
        t0 = time.perf_counter()
        try:
            status, body = await self.call(p, "GET", "/api/field/state")
        except (OSError, ConnectionError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            self.t.error("state: no answer")
            return
        now = time.perf_counter()
        if status != 200:
            self.t.error(f"state: {status}")
            return
        self.t.state_ms.append((now - t0) * 1000)
        d = json.loads(body).get("dispatch")
        if not d:
            return
        aid = int(d["assignment_id"])
        if aid in p.seen:
            return
        p.seen.add(aid)
        if p.unit_id in self.t.shown_at:
            self.t.shown_twice += 1  # a second dispatch of one unit: the benchmark never does
            return
        self.t.shown_at[p.unit_id], self.t.shown_by[p.unit_id] = now, why
        self.t.shown_aid[p.unit_id] = aid
        await self.ack(p, aid)

    async def ack(self, p: Phone, aid: int) -> None:
        try:
            status, _ = await self.call(
                p, "POST", "/api/field/ack", {"kind": "dispatch", "id": aid}
            )
        except (OSError, ConnectionError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            self.t.error("ack: no answer")
            return
        if status == 200:
            self.t.acked.add(aid)
        else:
            self.t.error(f"ack: {status}")

    async def live(self, p: Phone) -> None:
        """The app's stream, reopened 2 s after it drops (as ``campo.js`` does); every
        event block but the keep-alives makes the phone read its state."""
        opened = False
        while not self.stop:
            try:
                await self._live_once(p, opened)
                opened = True
            except (OSError, ConnectionError, ValueError, asyncio.IncompleteReadError):
                pass
            finally:
                p.streaming = False
            if self.stop:
                break
            self.t.streams_dropped += 1
            await asyncio.sleep(2.0)

    async def _live_once(self, p: Phone, opened: bool) -> None:
        conn = Conn(self.port, {**self.headers(p), "Accept": "text/event-stream"})
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            conn.reader, conn.writer = reader, writer
            writer.write(
                (f"GET /api/field/live HTTP/1.1\r\nHost: 127.0.0.1\r\n{conn.head}\r\n").encode()
            )
            status = int((await reader.readline()).split()[1])
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass
            if status != 200:
                self.t.streams_failed += 1
                return
            if not opened:
                self.t.streams_open += 1
            p.streaming = True
            buf = b""
            while not self.stop:
                size = int((await reader.readline()).split(b";")[0], 16)
                if size == 0:
                    break
                buf += (await reader.readexactly(size + 2))[:-2]
                while (cut := buf.find(b"\n\n")) >= 0:
                    block, buf = buf[:cut], buf[cut + 2 :]
                    if b"data: " in block:
                        task = asyncio.ensure_future(self.refresh(p, "live"))
                        self.pending.add(task)  # held until done: a task nobody holds may vanish
                        task.add_done_callback(self.pending.discard)
        finally:
            await conn.close()

    async def positions(self, p: Phone, begin: float) -> None:
        """Every PERIOD_S from its own phase: the queued positions (a replay now and then)."""
        rng = random.Random(p.k)
        next_at = begin + PERIOD_S * p.k / len(self.phones)
        while not self.stop:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += PERIOD_S
            if self.stop:
                break
            if not self.positions_on:
                continue
            p.seq += 1
            item = {
                "client_id": f"pos-{p.k:04d}-{p.seq:06d}",
                "kind": "position",
                "at": datetime.now(UTC).isoformat(),
                "lon": round(-77.03 + rng.uniform(-0.05, 0.05), 6),
                "lat": round(-12.05 + rng.uniform(-0.05, 0.05), 6),
            }
            p.queue.append(item)
            replay = p.seq % REPLAY_EVERY == p.k % REPLAY_EVERY
            await self.flush(p)
            if replay:
                self.t.replays += 1
                await self.flush(p, again=item)
            # No state read after positions alone (campo.js reads it after a status, a
            # note or a stop: positions change nothing the phone shows).

    async def flush(self, p: Phone, again: dict[str, Any] | None = None) -> None:
        batch = [again] if again else list(p.queue)
        if not batch:
            return
        t0 = time.perf_counter()
        try:
            status, body = await self.call(
                p, "POST", "/api/field/reports", {"items": batch}, lane=0
            )
        except (OSError, ConnectionError, TimeoutError, ValueError, asyncio.IncompleteReadError):
            self.t.error("reports: no answer")
            return  # kept in the queue, sent again next time
        if status != 200:
            self.t.error(f"reports: {status}")
            return
        self.t.report_ms.append((time.perf_counter() - t0) * 1000)
        for r in json.loads(body)["results"]:
            cid = r["client_id"]
            if r["outcome"] == "duplicate":
                if again is not None:
                    self.t.duplicates += 1
                else:  # a resend after a lost answer: it had been applied
                    self.t.positions.setdefault(cid, r["first_outcome"])
            else:
                self.t.positions.setdefault(cid, r["outcome"])
        if again is None:
            done = {r["client_id"] for r in json.loads(body)["results"]}
            p.queue = [i for i in p.queue if i["client_id"] not in done]


async def dispatcher(
    port: int, token: str, run: Run, incidents: list[int], units: list[int], phase: str, n: int
) -> None:
    """``n`` dispatches at DISPATCHES_PER_MIN, evenly spaced and open loop (a desk of several
    dispatchers: the next one goes on time even while the last is unanswered), each a new
    incident and a random unit that has had none yet."""
    t = run.t
    free: list[Conn] = []
    gap = 60.0 / DISPATCHES_PER_MIN
    rng = random.Random(len(incidents))

    async def one(inc: int, unit: int) -> None:
        conn = free.pop() if free else Conn(port, {"Authorization": f"Bearer {token}"})
        t.sent_at[unit], t.phase_of[unit] = time.perf_counter(), phase
        path = f"/api/dispatch/incidents/{inc}/dispatch"
        try:
            status, body = await asyncio.wait_for(
                conn.request("POST", path, {"unit_id": unit}), TIMEOUT_S
            )
        except (OSError, ConnectionError, TimeoutError, ValueError) as exc:
            key = type(exc).__name__
            t.dispatch_errors[key] = t.dispatch_errors.get(key, 0) + 1
            await conn.close()
            return
        free.append(conn)
        if status != 201:
            key = f"{status}: {body[:120]!r}"
            t.dispatch_errors[key] = t.dispatch_errors.get(key, 0) + 1
            return
        t.answered_at[unit] = time.perf_counter()

    tasks = []
    next_at = time.perf_counter()
    for _ in range(n):
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        next_at += gap
        if not incidents or not units:
            t.dispatch_errors["out of units or incidents"] = 1
            break
        tasks.append(
            asyncio.ensure_future(one(incidents.pop(), units.pop(rng.randrange(len(units)))))
        )
    await asyncio.gather(*tasks)
    for conn in free:
        await conn.close()


async def drive(
    port: int,
    phones: list[Phone],
    token: str,
    incidents: list[int],
    *,
    streams: int,
    baseline_s: float,
    seconds: float,
) -> Tally:
    tally = Tally()
    run = Run(port, phones, tally)
    units = [p.unit_id for p in phones[:streams]]  # dispatched units: their phones listen
    say(f"opening {streams} streams")
    tasks = []
    for i, p in enumerate(phones[:streams]):
        tasks.append(asyncio.ensure_future(run.live(p)))
        if i % 100 == 99:
            await asyncio.sleep(0.5)  # phones come online over a few seconds, not at once
    deadline = time.perf_counter() + 120
    while tally.streams_open + tally.streams_failed < streams and time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
    begin = time.perf_counter()
    tasks += [asyncio.ensure_future(run.positions(p, begin)) for p in phones]
    await asyncio.sleep(PERIOD_S)  # every phone's first state read (the stream's hello)
    say(f"{tally.streams_open} streams open; baseline")
    per_s = DISPATCHES_PER_MIN / 60
    await dispatcher(port, token, run, incidents, units, "baseline", int(baseline_s * per_s))
    await asyncio.sleep(3)
    run.positions_on = True
    await asyncio.sleep(PERIOD_S)  # every phone has reported once: the load is on
    say("positions on; load")
    await dispatcher(port, token, run, incidents, units, "load", int(seconds * per_s))
    await asyncio.sleep(5)  # the last dispatches reach their phones
    say("stopping")
    run.positions_on = False
    tally.streaming_at_end = sum(p.streaming for p in phones)
    run.stop = True
    await asyncio.sleep(1)
    # What is still queued (an answer lost, or late) goes now, as the app would.
    await asyncio.gather(*(run.flush(p) for p in phones if p.queue))
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for p in phones:
        for conn in p.conns:
            if conn is not None:
                await conn.close()
    return tally


# --- the figures and the checks ----------------------------------------------------------


def _pct(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) if xs else float("nan")


def check_store(engine: Engine, tally: Tally, phones: list[Phone]) -> dict[str, Any]:
    from kuntur.dispatch.models import Assignment
    from kuntur.field.models import FieldDelivery, FieldReport

    made = {f"pos-{p.k:04d}-{s:06d}" for p in phones for s in range(1, p.seq + 1)}
    with Session(engine) as db:
        counts = dict(
            db.execute(
                select(FieldReport.client_id, func.count())
                .where(FieldReport.kind == "position")
                .group_by(FieldReport.client_id)
            ).all()
        )
        applied = db.scalar(
            select(func.count())
            .select_from(FieldReport)
            .where(FieldReport.kind == "position", FieldReport.outcome == "applied")
        )
        made_for = dict(
            db.execute(
                select(Assignment.unit_id, Assignment.id).where(
                    Assignment.unit_id.in_(list(tally.sent_at))
                )
            ).all()
        )
        rows = db.execute(
            select(
                FieldDelivery.ref_id,
                func.count(),
                func.count(FieldDelivery.received_at),
                func.count(FieldDelivery.acknowledged_at),
            )
            .where(FieldDelivery.kind == "dispatch")
            .group_by(FieldDelivery.ref_id)
        ).all()
    by_ref = {ref: (n, rec, ack) for ref, n, rec, ack in rows}
    issued = set(made_for.values())
    wrong = sum(1 for u, a in tally.shown_aid.items() if made_for.get(u) != a)
    return {
        "positions_made": len(made),
        "positions_stored": sum(counts.get(c, 0) for c in made),
        "positions_lost": sum(1 for c in made if c not in counts),
        "positions_doubled": sum(1 for c in made if counts.get(c, 0) > 1),
        "positions_applied": applied,
        "units_dispatched": list(made_for),
        "dispatches": len(tally.sent_at),
        "assignments_in_store": len(issued),
        "shown_wrong_assignment": wrong,
        "deliveries_missing": sum(1 for a in issued if a not in by_ref),
        "deliveries_doubled": sum(1 for a in issued if by_ref.get(a, (0, 0, 0))[0] > 1),
        "not_received": sum(1 for a in issued if by_ref.get(a, (0, 0, 0))[1] == 0),
        "not_acknowledged": sum(1 for a in issued if by_ref.get(a, (0, 0, 0))[2] == 0),
    }


def summary(tally: Tally, phase: str, made: set[int]) -> dict[str, Any]:
    """Delivery in one phase; ``made``: the units whose dispatch is in the store (a dispatch
    that failed is a dispatch error, not a lost delivery)."""
    ids = [u for u, ph in tally.phase_of.items() if ph == phase]
    ms = [(tally.shown_at[u] - tally.sent_at[u]) * 1000 for u in ids if u in tally.shown_at]
    api = [(tally.answered_at[u] - tally.sent_at[u]) * 1000 for u in ids if u in tally.answered_at]
    return {
        "dispatches": len(ids),
        "delivered": len(ms),
        "made": sum(1 for u in ids if u in made),
        # Not on its phone when the run ended (5 s after the last dispatch).
        "lost": sum(1 for u in ids if u in made and u not in tally.shown_at),
        "p50": _pct(ms, 50),
        "p95": _pct(ms, 95),
        "p99": _pct(ms, 99),
        "max": max(ms) if ms else float("nan"),
        "api_p95": _pct(api, 95),
        "answered": len(api),
        "by_live": sum(1 for u in ids if tally.shown_by.get(u) == "live"),
    }


def run_backend(
    backend: str,
    engine: Engine,
    url: str,
    var: Path,
    *,
    phones: int,
    streams: int,
    baseline_s: float,
    seconds: float,
    workers: int,
) -> dict[str, Any]:
    from sqlalchemy import text as sql

    per_s = DISPATCHES_PER_MIN / 60
    t0 = time.perf_counter()
    devices, incidents, token = seed(engine, phones, int((baseline_s + seconds) * per_s) + 10)
    setup_s = time.perf_counter() - t0
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sql("VACUUM ANALYZE"))
    var.mkdir(parents=True, exist_ok=True)
    log = var / f"field-server-{backend}.log"
    say(f"{backend}: set-up {setup_s:.0f} s; starting the server")
    proc, port = start_server(url, var, log, workers)
    load_before = os.getloadavg()[0]
    try:
        # uvloop, as the server runs: the phones should cost the shared cores as little as
        # they can.
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            tally = runner.run(
                drive(
                    port,
                    devices,
                    token,
                    incidents,
                    streams=min(streams, phones),
                    baseline_s=baseline_s,
                    seconds=seconds,
                )
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    say("server stopped; checking the store")
    store = check_store(engine, tally, devices)
    made = set(store.pop("units_dispatched"))
    text = log.read_text(errors="replace")
    return {
        "backend": backend,
        "phones": phones,
        "streams": min(streams, phones),
        "streams_open": tally.streams_open,
        "streams_failed": tally.streams_failed,
        "streams_dropped": tally.streams_dropped,
        "streaming_at_end": tally.streaming_at_end,
        "workers": workers,
        "setup_s": setup_s,
        "baseline_s": baseline_s,
        "seconds": seconds,
        "baseline": summary(tally, "baseline", made),
        "load": summary(tally, "load", made),
        "report_p50": _pct(tally.report_ms, 50),
        "report_p95": _pct(tally.report_ms, 95),
        "reports": len(tally.report_ms),
        "state_p95": _pct(tally.state_ms, 95),
        "states": len(tally.state_ms),
        "replays": tally.replays,
        "duplicates": tally.duplicates,
        "shown_twice": tally.shown_twice,
        "acked": len(tally.acked),
        "errors": tally.errors,
        "dispatch_errors": tally.dispatch_errors,
        "store": store,
        "server_tracebacks": text.count("Traceback"),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }


def _ms(x: float) -> str:
    return "n/a" if x != x else f"{x:,.0f} ms"


def verdict(r: dict[str, Any]) -> bool:
    s, m = r["store"], r["load"]
    return (
        m["p95"] < TARGET_P95_MS
        and m["lost"] == 0
        and r["baseline"]["lost"] == 0
        and s["positions_lost"] == 0
        and s["positions_doubled"] == 0
        and s["deliveries_missing"] == 0
        and s["deliveries_doubled"] == 0
        and s["not_received"] == 0
        and r["duplicates"] == r["replays"]
        and r["streams_open"] == r["streams"]
    )


def reading(results: list[dict[str, Any]]) -> list[str]:
    """What the figures say, in words: whether the server kept up with the positions."""
    out = []
    for r in results:
        asked = r["phones"] / PERIOD_S
        median_s = r["report_p50"] / 1000
        kept = median_s < 1.0
        # One report outstanding per phone: once saturated, the wait is phones / throughput.
        sustained = r["phones"] / median_s if median_s >= PERIOD_S / 2 else asked
        out.append(
            f"- {r['backend']}, {r['phones']:,} phones: "
            + (
                f"the server kept up with the {asked:.0f} reports a second (report median "
                f"{_ms(r['report_p50'])})"
                if kept
                else f"saturated: report median {_ms(r['report_p50'])}, so about "
                f"{sustained:.0f} reports a second answered of the {asked:.0f} asked for "
                "(one request outstanding per phone: the wait is phones / throughput); "
                "the phones' queues grew and every position still arrived once, late"
            )
            + f"; deliveries p95 {_ms(r['load']['p95'])} against "
            f"{_ms(r['baseline']['p95'])} without positions; "
            + (
                f"{r['load']['made']} of {r['load']['dispatches']} dispatches under load "
                "reached the store; "
                if r["load"]["made"] < r["load"]["dispatches"]
                else ""
            )
            + (
                f"{r.get('streams_dropped', 0):,} streams ended by the server and reopened; "
                if r.get("streams_dropped", 0) or r["streams_failed"]
                else ""
            )
            + f"{'meets' if verdict(r) else 'misses'} the goal."
        )
    return [
        "Reading:",
        "",
        *out,
        "- Where a report's time goes: 7 statements (the session, the device with its unit, "
        "the replay check, the unit's move, the report row, and the audit event with its "
        "tree node and head), each report in a transaction of its own; on SQLite the two "
        "server processes take turns at the one write lock, queued on an `flock` "
        "(`core/sqlite_turn.py`). One report, one commit: 200 "
        "commits a second is what 2,000 phones every 10 s ask for. The positions are "
        "announced apart, each process's of 0.2 s in one live event (`events.emit_merged`): "
        "a `NOTIFY` in each report's commit had queued the commits on PostgreSQL's "
        "notification lock.",
        "- The server's work per phone that this run took out: one hub per process for the "
        "live streams (one subscription and one session query a second for all of them, "
        "instead of one per stream: 2,000 queries a second), the stream opened in one "
        "worker-thread call (200 phones opening at once had held the whole connection "
        "pool), no state read after positions alone (half the phone's requests), and no "
        "sharing-rules query for the device, unit and replay lookups (no agency's records). "
        "Replays not answered `duplicate` are those still unanswered when the run stopped.",
    ]


def section(results: list[dict[str, Any]], machine: str) -> list[str]:
    r0 = results[0]
    lines = [
        "## Field app: 2,000 phones and 200 dispatches a minute",
        "",
        machine,
        "- Command: `python -m benchmarks.run --suites field --field-phones "
        + ",".join(sorted({str(r["phones"]) for r in results}, key=int))
        + " "
        f"--field-seconds {r0['seconds']:.0f} --field-baseline-seconds "
        f"{r0['baseline_s']:.0f}` (what `make bench` runs)",
        f"- Server: `kuntur serve`'s {r0['workers']} processes on 127.0.0.1, fresh store per "
        "backend and size: as many units and officers as phones, each officer's shift "
        "opened through "
        "`field.service.start_shift` (a field session bound to the unit and to the phone's "
        "device key; the password check of `POST /api/field/signin` is left out of the set-up)",
        "- Phones: each with its live stream open (`GET /api/field/live`, what the app "
        "holds) and doing what `campo.js` does: a "
        f"position every {PERIOD_S:.0f} s (`POST /api/field/reports`, one item with the "
        "phone's own client id; the phones spread in phase; no state read after positions "
        "alone, as in the app); its state on every live event; a new dispatch "
        "acknowledged. One position in "
        f"{REPLAY_EVERY} is sent twice (an answer lost on the way back): the second must be "
        "answered `duplicate`. Plain HTTP/1.1 from the benchmark's own process (uvloop), "
        f"each connection kept while idle up to {IDLE_S:.0f} s (the server's keep-alive is "
        f"{KEEP_ALIVE_S} s), on the same 2 cores as the server",
        f"- Dispatcher: {DISPATCHES_PER_MIN} dispatches a minute through "
        "`POST /api/dispatch/incidents/{id}/dispatch`, each to a random unit not dispatched "
        "yet; delivery = the dispatch request sent to the unit's phone holding a state that "
        "shows it (the dispatch request's own time included: an upper bound on commit to "
        "phone)",
        f"- Baseline, same run: the same dispatches for {r0['baseline_s']:.0f} s with the "
        "streams open and no position traffic; then the load for "
        f"{r0['seconds']:.0f} s",
        "- Checked in the store afterwards: every position's client id stored exactly once; "
        "every dispatch's delivery row there once, received and acknowledged",
        "- Written by the same hand as the server: an upper bound (loopback, no TLS, no "
        "mobile network, phones that never lose coverage)",
        "",
        "| backend, phones | phase | dispatches sent / in store / answered | delivered "
        "(via live stream) | not on the phone at the end | p50 | p95 | p99 | max | "
        "dispatch API p95 | p95 vs baseline | goal | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        b, m = r["baseline"], r["load"]
        for label, x in (("baseline (no positions)", b), ("load", m)):
            tail = (
                f"{m['p95'] / b['p95']:.1f}x | p95 < {TARGET_P95_MS:.0f} ms, none lost "
                f"or doubled | {'meets' if verdict(r) else 'MISSES'} |"
                if x is m and b["p95"] == b["p95"] and b["p95"]
                else "| | |"
            )
            lines.append(
                f"| {r['backend']}, {r['phones']:,} | {label} | {x['dispatches']} / "
                f"{x['made']} / {x['answered']} | {x['delivered']} ({x['by_live']}) | "
                f"{x['lost']} | {_ms(x['p50'])} | {_ms(x['p95'])} | {_ms(x['p99'])} | "
                f"{_ms(x['max'])} | {_ms(x['api_p95'])} | {tail}"
            )
    lines += [
        "",
        "| backend, phones | position reports | report p50 | report p95 | state reads | "
        "state p95 | replays answered duplicate | positions made / stored / lost / doubled | "
        "deliveries missing / doubled / not received / not acknowledged | streams | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s = r["store"]
        errors = {**r["errors"], **r["dispatch_errors"]}
        lines.append(
            f"| {r['backend']}, {r['phones']:,} | {r['reports']:,} requests "
            f"| {_ms(r['report_p50'])} | {_ms(r['report_p95'])} | {r['states']:,} | "
            f"{_ms(r['state_p95'])} | {r['duplicates']} of {r['replays']} | "
            f"{s['positions_made']:,} / {s['positions_stored']:,} / {s['positions_lost']} / "
            f"{s['positions_doubled']} | {s['deliveries_missing']} / {s['deliveries_doubled']} / "
            f"{s['not_received']} / {s['not_acknowledged']} | {r['streams_open']:,} of "
            f"{r['streams']:,}; {r.get('streams_dropped', 0):,} drops, reopened; "
            f"{r.get('streaming_at_end', 0):,} open at the end | "
            + (", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none")
            + " |"
        )
    lines += ["", *reading(results)]
    lines += [
        "",
        "Load average (1 min) before and after: "
        + "; ".join(
            f"{r['backend']} {r['phones']:,} {r['load_before']:.1f} / {r['load_after']:.1f}"
            for r in results
        )
        + ". Server log tracebacks: "
        + "; ".join(f"{r['backend']} {r['phones']:,} {r['server_tracebacks']}" for r in results)
        + ".",
        "",
    ]
    return lines


def run(
    machine: str,
    backends: list[str],
    fresh_store: Any,
    drop_store: Any,
    out: Path,
    *,
    phones: tuple[int, ...] = (PHONES,),
    streams: int = PHONES,
    baseline_s: float = 20.0,
    seconds: float = 60.0,
) -> list[str]:
    from kuntur.config import Settings

    workers = Settings().effective_server_processes  # what `kuntur serve` starts here
    results = []
    for backend in backends:
        for n in phones:
            engine, url = fresh_store(backend)
            try:
                r = run_backend(
                    backend,
                    engine,
                    url,
                    out / f"var-field-{backend}",
                    phones=n,
                    streams=streams,
                    baseline_s=baseline_s,
                    seconds=seconds,
                    workers=workers,
                )
            finally:
                drop_store(engine, url)
            print(json.dumps(r))
            results.append(r)
    return section(results, machine)
