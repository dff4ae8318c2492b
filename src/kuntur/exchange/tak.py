"""The TAK feed: units, incidents, patrol posts and legal-basis areas streamed as
Cursor-on-Target to TAK devices (ATAK, WinTAK, iTAK) over TCP, or over TLS with client
certificates, which is how TAK users expect to connect.

How it works:

- ``Feed`` keeps the picture in memory: every mark (a unit, an open incident, a post of
  an approved plan on shift now, a legal basis in force) as CoT bytes, with what a reader
  must be allowed to see it (incidents: owner agency and classification; the rest: any
  reader of the joint picture, as on the live map).
- It is loaded from the store at start, kept current by the event bus (the same events
  the live map hears: positions, units, incidents, authorizations) and compared with the
  store every ``resync_s`` (posts approved, areas revoked, anything an event did not
  carry); what vanished is deleted on the devices (CoT ``t-x-d-d``).
- Every ``refresh_s`` the whole picture is sent again with fresh stale times, so that a
  live mark never greys out on a device while the feed runs.
- A device sees what its agency may see, as a user of that agency with the device's
  clearance would on the live map (``identity.authz``: sharing rules, classification).
  Over TLS the device is its client certificate: the subject's organisation (O) is its
  agency code and an organisational unit ``nivel-N`` its clearance (0 without), both set
  by whoever issues the certificates from the command's CA. A plain TCP listener serves
  one agency named when it is started (a gateway on that agency's own network).
- Each subscription and its end are audited (device, agency, address, marks sent), never
  the marks themselves; an unknown agency is refused and the refusal audited.
- A device that cannot keep up (more than ``MAX_BUFFER`` bytes waiting) is disconnected;
  it reconnects and gets the whole picture again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.command.fleet import is_military
from kuntur.command.models import LegalAuthorization, Unit
from kuntur.core import events
from kuntur.core.context import RequestContext
from kuntur.dispatch import lifecycle
from kuntur.exchange import cot_out
from kuntur.exchange.manifest import TAK_REFUSED, TAK_SUBSCRIBED, TAK_UNSUBSCRIBED
from kuntur.identity.actor import Actor
from kuntur.identity.models import Agency
from kuntur.incidents.models import Incident
from kuntur.patrol.models import PatrolPlan, PatrolPost

log = logging.getLogger(__name__)

MAX_BUFFER = 8 * 1024 * 1024  # bytes waiting for one device before it is dropped
CLEARANCE_OU = re.compile(r"^(?:nivel|clearance)-(\d)$", re.IGNORECASE)

# What a reader must be allowed to see a mark: (owner agency, classification), or None
# for what every reader of the joint picture sees.
Need = tuple[str, int] | None


@dataclass(frozen=True)
class View:
    """What one device may see: agencies whose incidents it reads (None = all) and the
    highest classification (None = no limit)."""

    owners: tuple[str, ...] | None
    max_class: int | None

    def sees(self, need: Need) -> bool:
        if need is None:
            return True
        owner, classification = need
        if self.owners is not None and owner not in self.owners:
            return False
        return self.max_class is None or classification <= self.max_class


@dataclass(frozen=True)
class Device:
    name: str
    agency: str
    clearance: int
    address: str
    via: str  # "tcp" or "tls"

    def context(self) -> RequestContext:
        return RequestContext(
            actor=f"tak:{self.name}"[:200],
            agency=self.agency,
            roles=frozenset({"tak_device"}),
            clearance=self.clearance,
        )


@dataclass(eq=False)  # each connection is its own subscriber (hashed by identity)
class Subscriber:
    device: Device
    view: View
    writer: asyncio.StreamWriter
    sent: int = 0
    closed: bool = False

    def send(self, blob: bytes, count: int) -> None:
        if self.closed or not blob:
            return
        transport = self.writer.transport
        if transport.is_closing() or transport.get_write_buffer_size() > MAX_BUFFER:
            self.close()  # too slow or gone: it reconnects and gets the whole picture
            return
        self.writer.write(blob)
        self.sent += count

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.writer.close()


@dataclass
class Picture:
    """Every mark as CoT bytes with what a reader needs to see it, by uid."""

    # uid -> (CoT bytes, what a reader needs, the CoT type a deletion names)
    marks: dict[str, tuple[bytes, Need, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    units: dict[int, cot_out.UnitMark]
    incidents: dict[int, cot_out.IncidentMark]
    labels: dict[int, str]
    posts: dict[int, cot_out.PostMark]
    areas: dict[int, cot_out.AreaMark]


def load_snapshot(db: Session, now: datetime) -> Snapshot:
    """What the devices should show now, read from the store (one statement per kind)."""
    units = {
        u.id: cot_out.UnitMark(
            u.id,
            u.call_sign,
            u.agency_code,
            is_military(u.agency_code),
            u.unit_type,
            u.status,
            float(u.lat or 0.0),  # not None: the query keeps only units with a position
            float(u.lon or 0.0),
            u.position_at,
        )
        for u in db.scalars(select(Unit).where(Unit.lat.is_not(None), Unit.lon.is_not(None)))
    }
    rows = db.execute(
        select(
            Incident.id,
            Incident.category,
            Incident.category_label,
            Incident.priority,
            Incident.status,
            Incident.latitude,
            Incident.longitude,
            Incident.owner_agency,
            Incident.classification,
        ).where(Incident.status.in_(sorted(lifecycle.OPEN)))
    ).all()
    incidents = {
        r.id: cot_out.IncidentMark(
            r.id,
            r.category,
            r.priority,
            r.status,
            r.latitude,
            r.longitude,
            r.owner_agency,
            r.classification,
        )
        for r in rows
    }
    labels = {r.id: r.category_label or r.category for r in rows}
    post_rows = db.execute(
        select(PatrolPost, PatrolPlan.ends_at, Unit.call_sign)
        .join(PatrolPlan, PatrolPlan.id == PatrolPost.plan_id)
        .join(Unit, Unit.id == PatrolPost.unit_id)
        .where(
            PatrolPlan.status == "approved",
            PatrolPlan.starts_at <= now,
            PatrolPlan.ends_at > now,
        )
    ).all()
    posts = {
        p.id: cot_out.PostMark(p.id, p.plan_id, sign, p.lat, p.lon, p.reach_m, ends)
        for p, ends, sign in post_rows
    }
    areas: dict[int, cot_out.AreaMark] = {}
    for a in db.scalars(
        select(LegalAuthorization).where(
            LegalAuthorization.revoked.is_(False),
            LegalAuthorization.starts_at <= now,
            LegalAuthorization.ends_at > now,
        )
    ):
        try:
            ring = cot_out.ring_of(json.loads(a.area_geojson))
        except (ValueError, TypeError):
            ring = []
        if ring:
            areas[a.id] = cot_out.AreaMark(a.id, a.number, a.area_label, ring, a.ends_at)
    return Snapshot(units, incidents, labels, posts, areas)


def view_for(db: Session, device: Device) -> View:
    """What ``device`` may see now: its agency's sharing rules and its clearance, as the
    actor reads them for any reader (``Actor.scope``)."""
    owners, max_class = Actor(db, device.context()).scope()
    return View(tuple(owners) if owners is not None else None, max_class)


class Feed:
    """The picture, its devices, and the loops that keep both current."""

    def __init__(
        self,
        engine: Engine,
        *,
        resync_s: float = 10.0,
        refresh_s: float = 60.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.engine = engine
        self.resync_s = resync_s
        self.refresh_s = refresh_s
        self.clock = clock
        self.picture = Picture()
        self.units: dict[int, cot_out.UnitMark] = {}
        self.labels: dict[int, str] = {}
        self.subscribers: set[Subscriber] = set()
        self.handlers: set[asyncio.Task[Any]] = set()  # one per connection, to end with
        self._resync_soon = asyncio.Event()

    # The picture --------------------------------------------------------------------
    def _unit(self, u: cot_out.UnitMark, now: datetime) -> tuple[str, bytes, Need, str]:
        self.units[u.id] = u
        xml = cot_out.unit_event(u, now)
        return cot_out.unit_uid(u.id), xml, None, cot_out.POLICE_TYPE

    def _incident(self, i: cot_out.IncidentMark, now: datetime) -> tuple[str, bytes, Need, str]:
        label = self.labels.get(i.id, i.category)
        xml = cot_out.incident_event(i, now, label)
        return cot_out.incident_uid(i.id), xml, (i.owner_agency, i.classification), "a-u-G"

    def _marks(self, snap: Snapshot, now: datetime) -> dict[str, tuple[bytes, Need, str]]:
        self.labels = dict(snap.labels)
        out: dict[str, tuple[bytes, Need, str]] = {}
        for u in snap.units.values():
            uid, xml, need, kind = self._unit(u, now)
            out[uid] = (xml, need, kind)
        for i in snap.incidents.values():
            uid, xml, need, kind = self._incident(i, now)
            out[uid] = (xml, need, kind)
        for p in snap.posts.values():
            out[cot_out.post_uid(p.id)] = (cot_out.post_event(p, now), None, cot_out.POST_TYPE)
        for a in snap.areas.values():
            out[cot_out.area_uid(a.id)] = (cot_out.area_event(a, now), None, cot_out.AREA_TYPE)
        return out

    def _snapshot(self) -> Snapshot:
        with Session(self.engine) as db:
            return load_snapshot(db, self.clock())

    async def load(self) -> None:
        snap = await asyncio.to_thread(self._snapshot)
        self.picture.marks = self._marks(snap, self.clock())

    async def resync(self) -> int:
        """Compare with the store: send what changed, delete what is gone. Returns the
        number of marks sent or deleted."""
        snap = await asyncio.to_thread(self._snapshot)
        now = self.clock()
        fresh = self._marks(snap, now)
        old = self.picture.marks
        changed = [
            (xml, need) for uid, (xml, need, _) in fresh.items() if _differs(old.get(uid), xml)
        ]
        gone = [
            (cot_out.delete_event(uid, kind, now), need)
            for uid, (_, need, kind) in old.items()
            if uid not in fresh
        ]
        self.picture.marks = fresh
        self.broadcast(changed + gone)
        return len(changed) + len(gone)

    def refresh(self) -> None:
        """Everything again with fresh stale times."""
        now = self.clock()
        self.picture.marks = {
            uid: (_rebuilt(xml, now), need, kind)
            for uid, (xml, need, kind) in self.picture.marks.items()
        }
        self.broadcast([(xml, need) for xml, need, _ in self.picture.marks.values()])

    def apply(self, batch: Iterable[events.Event]) -> None:
        """Live events from the bus, sent on at once."""
        now = self.clock()
        out: list[tuple[bytes, Need]] = []
        for ev in batch:
            try:
                payload = json.loads(ev.data)
            except ValueError:
                continue
            try:
                marks = self._from_event(ev.kind, payload, now)
            except (KeyError, TypeError, ValueError):  # an event of another shape: skip it
                log.warning("tak: event %s not understood; skipped", ev.kind, exc_info=True)
                continue
            for uid, xml, need, kind in marks:
                if xml is None:
                    old = self.picture.marks.pop(uid, None)
                    if old is not None:
                        out.append((cot_out.delete_event(uid, kind, now), old[1]))
                    continue
                self.picture.marks[uid] = (xml, need, kind)
                out.append((xml, need))
        self.broadcast(out)

    def _from_event(
        self, kind: str, payload: dict[str, Any], now: datetime
    ) -> list[tuple[str, bytes | None, Need, str]]:
        if kind == "positions":
            found = []
            for p in payload.get("positions", []):
                u = self.units.get(int(p.get("id") or 0))
                if u is None:
                    self._resync_soon.set()  # a unit the picture does not know yet
                    continue
                moved = cot_out.UnitMark(
                    u.id,
                    u.call_sign,
                    u.agency,
                    u.military,
                    u.unit_type,
                    str(p.get("status") or u.status),
                    float(p["lat"]),
                    float(p["lon"]),
                    _when(p.get("at")) or now,
                )
                uid, xml, need, t = self._unit(moved, now)
                found.append((uid, xml, need, t))
            return found  # type: ignore[return-value]
        if kind == "unit":
            if payload.get("lat") is None or payload.get("lon") is None:
                return []
            u = cot_out.UnitMark(
                int(payload["id"]),
                str(payload["call_sign"]),
                str(payload["agency"]),
                bool(payload.get("military")),
                str(payload.get("unit_type") or ""),
                str(payload.get("status") or ""),
                float(payload["lat"]),
                float(payload["lon"]),
                _when(payload.get("position_at")),
            )
            return [self._unit(u, now)]
        if kind == "incident":
            iid = int(payload.get("id") or 0)
            uid = cot_out.incident_uid(iid)
            if payload.get("status") not in lifecycle.OPEN:
                return [(uid, None, None, cot_out.INCIDENT_TYPE)]
            if payload.get("lat") is None or payload.get("lon") is None:
                return []
            inc = cot_out.IncidentMark(
                iid,
                str(payload.get("category") or ""),
                int(payload.get("priority") or 3),
                str(payload["status"]),
                float(payload["lat"]),
                float(payload["lon"]),
                str(payload.get("owner_agency") or ""),
                int(payload.get("classification") or 0),
            )
            return [self._incident(inc, now)]
        if kind == "authorization":
            self._resync_soon.set()  # the event names the basis, not its area
        return []

    # The devices --------------------------------------------------------------------
    def broadcast(self, items: list[tuple[bytes, Need]]) -> None:
        """One write per device: the marks it may see, joined. Devices with the same view
        share the joined bytes."""
        if not items or not self.subscribers:
            return
        by_view: dict[View, tuple[bytes, int]] = {}
        for sub in list(self.subscribers):
            if sub.closed:
                self.subscribers.discard(sub)
                continue
            if sub.view not in by_view:
                visible = [xml for xml, need in items if sub.view.sees(need)]
                by_view[sub.view] = (b"".join(visible), len(visible))
            blob, count = by_view[sub.view]
            sub.send(blob, count)

    def initial(self, sub: Subscriber) -> None:
        visible = [xml for xml, need, _ in self.picture.marks.values() if sub.view.sees(need)]
        sub.send(b"".join(visible), len(visible))

    async def run_loops(self, broker: events.Broker) -> None:
        """Follow the bus, resync and refresh until cancelled (after ``load``)."""
        tasks = [
            asyncio.create_task(self._follow(broker)),
            asyncio.create_task(self._resync_loop()),
            asyncio.create_task(self._refresh_loop()),
        ]
        try:
            await asyncio.gather(*tasks)
        finally:
            for t in tasks:
                t.cancel()

    async def _follow(self, broker: events.Broker) -> None:
        while True:  # a subscription that overflowed ends: subscribe again, then resync
            async for batch in broker.subscribe():
                self.apply(batch)
            self._resync_soon.set()

    async def _resync_loop(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._resync_soon.wait(), self.resync_s)
            self._resync_soon.clear()
            try:
                await self.resync()
            except Exception:  # the store away for a moment: the next round tries again
                log.exception("tak: resync failed")

    async def _refresh_loop(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_s)
            self.refresh()

    # One connection -------------------------------------------------------------------
    async def serve_device(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        *,
        tcp_agency: str | None,
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
            task.add_done_callback(self.handlers.discard)
        peer = writer.get_extra_info("peername")
        address = f"{peer[0]}:{peer[1]}" if peer else "unknown"
        device = device_from(writer.get_extra_info("peercert"), address, tcp_agency)
        if device is None:
            writer.close()
            return
        view = await asyncio.to_thread(self._admit, device)
        if view is None:
            writer.close()
            return
        sub = Subscriber(device, view, writer)
        self.subscribers.add(sub)
        started = time.monotonic()
        try:
            self.initial(sub)
            # Devices send their own position and pings; this feed only sends, so what
            # they send is read and dropped (positions come in through the CoT endpoint).
            while not sub.closed and await reader.read(65536):
                pass
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            self.subscribers.discard(sub)
            sub.close()
            await asyncio.to_thread(self._ended, sub, time.monotonic() - started)

    def _admit(self, device: Device) -> View | None:
        with Session(self.engine) as db, db.begin():
            actor = Actor(db, device.context())
            if db.get(Agency, device.agency) is None:
                actor.record(
                    TAK_REFUSED,
                    object_type="tak_device",
                    object_id=device.name[:100],
                    outcome="denied",
                    details={"reason": "unknown agency", "via": device.via},
                )
                return None
            view = view_for(db, device)
            actor.record(
                TAK_SUBSCRIBED,
                object_type="tak_device",
                object_id=device.name[:100],
                details={"via": device.via, "address": device.address},
            )
            return view

    def _ended(self, sub: Subscriber, seconds: float) -> None:
        with Session(self.engine) as db, db.begin():
            Actor(db, sub.device.context()).record(
                TAK_UNSUBSCRIBED,
                object_type="tak_device",
                object_id=sub.device.name[:100],
                details={"marks_sent": sub.sent, "seconds": round(seconds, 1)},
            )


def device_from(cert: Any, address: str, tcp_agency: str | None) -> Device | None:
    """The device behind a connection: its certificate over TLS, else the listener's
    agency over plain TCP (None when neither names one)."""
    if cert:
        fields: dict[str, list[str]] = {}
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                fields.setdefault(key, []).append(value)
        agency = (fields.get("organizationName") or [""])[0].strip().upper()
        name = (fields.get("commonName") or [address])[0]
        clearance = 0
        for ou in fields.get("organizationalUnitName", []):
            m = CLEARANCE_OU.match(ou.strip())
            if m:
                clearance = int(m.group(1))
        return Device(name, agency, clearance, address, "tls") if agency else None
    if tcp_agency:
        return Device(address, tcp_agency, 0, address, "tcp")
    return None


def server_tls_context(cert: Path, key: Path, ca: Path) -> ssl.SSLContext:
    """TLS that requires a client certificate issued by ``ca`` (TAK's usual setup)."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(ca))
    ctx.load_cert_chain(str(cert), str(key))
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def _differs(old: tuple[bytes, Need, str] | None, xml: bytes) -> bool:
    """Whether a mark changed, ignoring its times (rebuilt on every read)."""
    if old is None:
        return True
    return _TIMES.sub(b"", old[0]) != _TIMES.sub(b"", xml)


_TIMES = re.compile(rb' (?:time|start|stale)="[^"]*"')
_STALE = re.compile(rb'stale="([^"]*)"')


def _rebuilt(xml: bytes, now: datetime) -> bytes:
    """``xml`` with its time and start set to now and its stale moved by as much."""
    m = re.search(rb'time="([^"]*)"', xml)
    s = _STALE.search(xml)
    if not m or not s:
        return xml
    then = _when(m.group(1).decode())
    stale = _when(s.group(1).decode())
    if then is None or stale is None:
        return xml
    stamp = cot_out.cot_time(now).encode()
    new_stale = cot_out.cot_time(max(stale, now + (stale - then))).encode()
    xml = re.sub(rb' time="[^"]*"', b' time="' + stamp + b'"', xml, count=1)
    xml = re.sub(rb' start="[^"]*"', b' start="' + stamp + b'"', xml, count=1)
    return _STALE.sub(b'stale="' + new_stale + b'"', xml, count=1)


def _when(text: Any) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def serve(
    engine: Engine,
    *,
    host: str = "127.0.0.1",
    tcp_port: int | None = None,
    tcp_agency: str | None = None,
    tls_port: int | None = None,
    tls: ssl.SSLContext | None = None,
    feed: Feed | None = None,
    started: Callable[[list[int]], None] | None = None,
) -> None:
    """Run the feed and its listeners until cancelled: the event bus followed as a server
    process follows it (PostgreSQL LISTEN, or the SQLite relay)."""
    feed = feed or Feed(engine)
    broker = events.Broker()
    broker.bind(asyncio.get_running_loop())
    tasks: list[asyncio.Task[Any]] = []
    if engine.dialect.name == "postgresql":
        ready = asyncio.Event()
        tasks.append(asyncio.create_task(events.listen_postgres(engine, broker, ready)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), 5.0)
    else:
        events.register(engine, broker)
        tasks.append(asyncio.create_task(events.relay_sqlite(engine, broker)))
    await feed.load()
    servers = []
    if tcp_port is not None:

        async def on_tcp(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await feed.serve_device(r, w, tcp_agency=tcp_agency)

        servers.append(await asyncio.start_server(on_tcp, host, tcp_port))
    if tls_port is not None and tls is not None:

        async def on_tls(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            await feed.serve_device(r, w, tcp_agency=None)

        servers.append(await asyncio.start_server(on_tls, host, tls_port, ssl=tls))
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    if started:
        started(ports)
    tasks.append(asyncio.create_task(feed.run_loops(broker)))
    try:
        await asyncio.gather(*tasks)
    finally:
        for t in tasks:
            t.cancel()
        for s in servers:
            s.close()
        for sub in list(feed.subscribers):
            sub.close()
        if feed.handlers:  # each connection ends itself (and its record) once closed
            await asyncio.wait(set(feed.handlers), timeout=5)
        for s in servers:
            await s.wait_closed()
        if engine.dialect.name != "postgresql":
            events.unregister(engine, broker)
