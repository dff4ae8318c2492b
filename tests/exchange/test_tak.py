"""The TAK feed, as a TAK device sees it: pytak (the TAK ecosystem's Python client) as the
subscriber over TCP and over TLS with a client certificate; the received CoT read back
by Kuntur's own CoT reader; what each agency and clearance may see; deletions; audit."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from configparser import ConfigParser
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, fromstring

import pytak  # type: ignore[import-untyped]
import pytest
from sqlalchemy import Engine, delete, text, update
from sqlalchemy.orm import Session

from kuntur.command import service as command
from kuntur.core.timeutil import utcnow
from kuntur.exchange import certs, cot, cot_out, tak
from kuntur.identity.actor import Actor
from kuntur.identity.models import SharingRule
from kuntur.incidents import service as incidents
from kuntur.incidents.models import Incident
from tests.command.conftest import SYSTEM, World, build_world
from tests.scenario import incident as make_incident

Seen = dict[str, Element]


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


def _run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))  # type: ignore[arg-type]


async def _with_feed(
    engine: Engine,
    body: Callable[[list[int]], Awaitable[Any]],
    tls: Any = None,
) -> Any:
    feed = tak.Feed(engine, resync_s=0.3, refresh_s=3600)
    ports: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        tak.serve(
            engine,
            tcp_port=0,
            tcp_agency="PNP",
            tls_port=0 if tls else None,
            tls=tls,
            feed=feed,
            started=ports.set_result,
        )
    )
    try:
        return await body(await ports)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _connect(url: str, **tls: str) -> tuple[Any, Any, Any]:
    cp = ConfigParser()
    cp["tak"] = {"COT_URL": url, **tls}
    reader, writer = await pytak.protocol_factory(cp["tak"])
    return reader, writer, cp["tak"]


async def _collect(
    reader: Any, config: Any, until: Callable[[Seen], bool], seen: Seen | None = None
) -> Seen:
    """CoT events read with pytak's own reader, by uid, until ``until`` holds (10 s)."""
    rx = pytak.RXWorker(asyncio.Queue(), config, reader)
    seen = {} if seen is None else seen
    deadline = asyncio.get_running_loop().time() + 10
    while not until(seen):
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise AssertionError(f"timed out; saw {sorted(seen)}")
        data = await asyncio.wait_for(rx.readcot(), left)
        if not data:
            raise AssertionError(f"stream ended; saw {sorted(seen)}")
        ev = fromstring(data)
        seen[ev.get("uid", "")] = ev
    return seen


async def _drain(reader: Any, config: Any, seen: Seen, seconds: float) -> None:
    """Whatever else arrives within ``seconds``, into ``seen``."""
    rx = pytak.RXWorker(asyncio.Queue(), config, reader)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while data := await rx.readcot():
                ev = fromstring(data)
                seen[ev.get("uid", "")] = ev


def _has(*uids: str) -> Callable[[Seen], bool]:
    return lambda seen: all(u in seen for u in uids)


async def _closed(writer: Any) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError):
        await writer.wait_closed()


def test_the_picture_reaches_a_pytak_client_and_reads_back(engine: Engine, world: World) -> None:
    with Session(engine) as db, db.begin():
        inc = make_incident(db, days_ago=0.01)
    units = {world.patrol: "PNP-A-P1", world.moto: "PNP-B-M1", world.platoon: "EP-PEL-1"}
    wanted = [cot_out.unit_uid(u) for u in units] + [
        cot_out.incident_uid(inc),
        cot_out.area_uid(world.emergency),
    ]

    async def body(ports: list[int]) -> Seen:
        reader, writer, cfg = await _connect(f"tcp://127.0.0.1:{ports[0]}")
        try:
            return await _collect(reader, cfg, _has(*wanted))
        finally:
            await _closed(writer)

    seen = _run(_with_feed(engine, body))
    police = seen[cot_out.unit_uid(world.patrol)]
    assert police.get("type") == cot_out.POLICE_TYPE
    assert seen[cot_out.unit_uid(world.platoon)].get("type") == cot_out.MILITARY_TYPE
    assert seen[cot_out.incident_uid(inc)].get("type") == "a-u-G"
    area = seen[cot_out.area_uid(world.emergency)]
    assert area.get("type") == "u-d-f" and len(area.findall("detail/link")) >= 4
    # Kuntur's own CoT reader takes back what the feed sent: call sign and position.
    from xml.etree.ElementTree import tostring

    with Session(engine) as db:
        from kuntur.command.models import Unit

        for uid, sign in units.items():
            reports, errors = cot.parse(tostring(seen[cot_out.unit_uid(uid)]))
            unit = db.get(Unit, uid)
            assert errors == [] and unit is not None
            assert reports[0].call_sign == sign
            assert reports[0].lat == pytest.approx(unit.lat, abs=1e-6)
            assert reports[0].lon == pytest.approx(unit.lon, abs=1e-6)
    # stale after the time: a device greys out a unit it no longer hears of
    assert police.get("stale", "") > police.get("time", "")


def test_moves_and_closures_reach_the_device_live(engine: Engine, world: World) -> None:
    with Session(engine) as db, db.begin():
        inc = make_incident(db, days_ago=0.01)
    uid_unit, uid_inc = cot_out.unit_uid(world.patrol), cot_out.incident_uid(inc)

    def move_and_close() -> None:
        with Session(engine) as db, db.begin():
            command.report_positions(Actor(db, SYSTEM), [("PNP-A-P1", -77.05, -12.06, None)])
        with Session(engine) as db, db.begin():
            row = db.get(Incident, inc)
            assert row is not None
            row.status = "closed"
            incidents.announce(db, row)

    async def body(ports: list[int]) -> tuple[Seen, Seen]:
        reader, writer, cfg = await _connect(f"tcp://127.0.0.1:{ports[0]}")
        try:
            first = dict(await _collect(reader, cfg, _has(uid_unit, uid_inc)))
            await asyncio.to_thread(move_and_close)
            later: Seen = {}

            def moved(seen: Seen) -> bool:
                ev = seen.get(uid_unit)
                point = ev.find("point") if ev is not None else None
                return (
                    point is not None
                    and point.get("lat") == "-12.060000"
                    and f"{uid_inc}-delete" in seen
                )

            return first, await _collect(reader, cfg, moved, later)
        finally:
            await _closed(writer)

    first, later = _run(_with_feed(engine, body))
    assert first[uid_unit].find("point").get("lat") != "-12.060000"  # type: ignore[union-attr]
    gone = later[f"{uid_inc}-delete"]
    assert gone.get("type") == "t-x-d-d"
    link = gone.find("detail/link")
    assert link is not None and link.get("uid") == uid_inc
    assert gone.find("detail/__forcedelete") is not None


def _incidents_seen(seen: Seen) -> set[str]:
    return {uid for uid in seen if uid.startswith("kuntur-incident-")}


def test_each_device_gets_only_what_its_agency_and_clearance_may_see(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    with Session(engine) as db, db.begin():
        police = make_incident(db, days_ago=0.01)
        army = make_incident(db, days_ago=0.01, lon=-77.02)
        secret = make_incident(db, days_ago=0.01, lon=-77.04)
        db.execute(update(Incident).where(Incident.id == army).values(owner_agency="EP"))
        db.execute(update(Incident).where(Incident.id == secret).values(classification=3))
        # The army's incidents are no longer shared with everyone.
        db.execute(delete(SharingRule).where(SharingRule.owner_agency == "EP"))
    folder = tmp_path / "tak"
    server = certs.issue_server(folder, "127.0.0.1")
    ep = certs.issue_device(folder, "tablet-ep-1", "EP", clearance=4)
    unknown = certs.issue_device(folder, "tablet-x", "XYZ", clearance=4)
    ctx = tak.server_tls_context(server.cert, server.key, folder / "ca.pem")
    everything = {cot_out.incident_uid(i) for i in (police, army, secret)}
    unit = cot_out.unit_uid(world.platoon)

    def tls_options(issued: certs.Issued) -> dict[str, str]:
        return {
            "PYTAK_TLS_CLIENT_CERT": str(issued.cert),
            "PYTAK_TLS_CLIENT_KEY": str(issued.key),
            "PYTAK_TLS_CLIENT_CAFILE": str(folder / "ca.pem"),
        }

    async def body(ports: list[int]) -> tuple[Seen, Seen, bytes]:
        tcp, tls_port = ports
        r1, w1, c1 = await _connect(f"tcp://127.0.0.1:{tcp}")
        r2, w2, c2 = await _connect(f"tls://127.0.0.1:{tls_port}", **tls_options(ep))
        r3, w3, _ = await _connect(f"tls://127.0.0.1:{tls_port}", **tls_options(unknown))
        try:
            # Every mark is sent at once on connecting: once the units are there, so is
            # every incident the device may see.
            police_view = await _collect(r1, c1, _has(unit))
            army_view = await _collect(
                r2, c2, lambda s: unit in s and everything <= _incidents_seen(s)
            )
            # Two more resync rounds: nothing the PNP may not see arrives later either.
            await _drain(r1, c1, police_view, 0.8)
            refused = await asyncio.wait_for(r3.read(), 10)  # closed at once, nothing sent
            return police_view, army_view, refused
        finally:
            for w in (w1, w2, w3):
                await _closed(w)

    police_view, army_view, refused = _run(_with_feed(engine, body, tls=ctx))
    # The PNP gateway (clearance 0) sees its own open incident, not the army's (no sharing
    # rule) nor the secret one (classification 3); the army's tablet (clearance 4) sees all.
    assert _incidents_seen(police_view) == {cot_out.incident_uid(police)}
    assert _incidents_seen(army_view) == everything
    assert refused == b""
    with Session(engine) as db:
        rows = db.execute(
            text(
                "SELECT type, actor, agency, object_id, outcome FROM audit_events "
                "WHERE type LIKE 'exchange.tak.%' ORDER BY idx"
            )
        ).all()
    kinds = {(r.type, r.object_id, r.outcome) for r in rows}
    assert ("exchange.tak.subscribed", "tablet-ep-1", "success") in kinds
    assert ("exchange.tak.refused", "tablet-x", "denied") in kinds
    assert any(r.type == "exchange.tak.subscribed" and r.agency == "PNP" for r in rows)


def test_a_tls_client_without_a_certificate_is_refused(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    folder = tmp_path / "tak"
    server = certs.issue_server(folder, "127.0.0.1")
    ctx = tak.server_tls_context(server.cert, server.key, folder / "ca.pem")

    async def body(ports: list[int]) -> bytes:
        import ssl

        client = ssl.create_default_context(cafile=str(folder / "ca.pem"))
        reader, writer = await asyncio.open_connection("127.0.0.1", ports[1], ssl=client)
        try:
            return await asyncio.wait_for(reader.read(), 10)
        except (ssl.SSLError, ConnectionError):
            return b""
        finally:
            await _closed(writer)

    assert _run(_with_feed(engine, body, tls=ctx)) == b""


def test_a_legal_basis_revoked_is_deleted_on_the_devices(engine: Engine, world: World) -> None:
    uid = cot_out.area_uid(world.emergency)

    def revoke() -> None:
        with Session(engine) as db, db.begin():
            command.revoke_authorization(Actor(db, SYSTEM), world.emergency)

    async def body(ports: list[int]) -> Seen:
        reader, writer, cfg = await _connect(f"tcp://127.0.0.1:{ports[0]}")
        try:
            await _collect(reader, cfg, _has(uid))
            await asyncio.to_thread(revoke)
            return await _collect(reader, cfg, _has(f"{uid}-delete"))
        finally:
            await _closed(writer)

    seen = _run(_with_feed(engine, body))
    link = seen[f"{uid}-delete"].find("detail/link")
    assert link is not None and link.get("uid") == uid


def test_stale_times_move_on_refresh() -> None:
    now = utcnow()
    mark = cot_out.UnitMark(1, "PNP-1", "PNP", False, "patrol_car", "available", -12, -77, now)
    xml = cot_out.unit_event(mark, now)
    later = now + timedelta(minutes=4)
    again = fromstring(tak._rebuilt(xml, later))
    assert again.get("time") == cot_out.cot_time(later)
    assert again.get("stale") == cot_out.cot_time(later + cot_out.UNIT_STALE)
    assert not tak._differs((xml, None, ""), tak._rebuilt(xml, later))


def test_device_identity_from_the_certificate() -> None:
    cert = {
        "subject": (
            (("commonName", "tablet-7"),),
            (("organizationName", "mgp"),),
            (("organizationalUnitName", "nivel-2"),),
        )
    }
    d = tak.device_from(cert, "10.0.0.5:4000", None)
    assert d is not None and (d.name, d.agency, d.clearance, d.via) == ("tablet-7", "MGP", 2, "tls")
    assert tak.device_from({"subject": ((("commonName", "x"),),)}, "a", None) is None  # no O
    assert tak.device_from(None, "10.0.0.5:4000", None) is None  # TCP without an agency
    assert tak.device_from(None, "10.0.0.5:4000", "PNP").agency == "PNP"  # type: ignore[union-attr]


def test_xml_is_escaped() -> None:
    now = utcnow()
    inc = cot_out.IncidentMark(5, "theft", 2, "received", -12.0, -77.0, "PNP", 0)
    xml = cot_out.incident_event(inc, now, 'Robo "<script>" & más')
    ev = fromstring(xml)
    assert ev.find("detail/contact").get("callsign") == 'P2 Robo "<script>" & más #5'  # type: ignore[union-attr]
    assert b"<script>" not in xml


def _approved_plan(engine: Engine, world: World, status: str = "approved") -> int:
    """A plan on shift now with one post for the PNP patrol car (rows as the planner
    writes them; the planner itself is tested in tests/patrol)."""
    from kuntur.forecasting.models import Forecast
    from kuntur.patrol.models import PatrolPlan, PatrolPost

    now = utcnow()
    with Session(engine) as db, db.begin():
        f = Forecast(
            created_at=now, created_by="test", method="auto", chosen="kde", data_version="x",
            events_used=0, cell_size=250.0, crs="EPSG:32718", x0=0.0, y0=0.0, nx=1, ny=1,
            area_cells=1, horizon_days=7.0, valid_from=now, valid_until=now + timedelta(days=7),
        )  # fmt: skip
        db.add(f)
        db.flush()
        plan = PatrolPlan(
            created_at=now, created_by="test", forecast_id=f.id, node_id=world.front,
            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7), status=status,
        )  # fmt: skip
        db.add(plan)
        db.flush()
        post = PatrolPost(
            plan_id=plan.id, unit_id=world.patrol, site="cell:1", lon=-77.031, lat=-12.047,
            reach_m=800.0, covered_risk=1.5, kind="patrol",
        )  # fmt: skip
        db.add(post)
        db.flush()
        return post.id


def test_posts_of_an_approved_plan_on_shift_are_sent_and_drafts_are_not(
    engine: Engine, world: World
) -> None:
    approved = _approved_plan(engine, world)
    draft = _approved_plan(engine, world, status="draft")

    async def body(ports: list[int]) -> Seen:
        reader, writer, cfg = await _connect(f"tcp://127.0.0.1:{ports[0]}")
        try:
            seen = await _collect(reader, cfg, _has(cot_out.post_uid(approved)))
            await _drain(reader, cfg, seen, 0.8)
            return seen
        finally:
            await _closed(writer)

    seen = _run(_with_feed(engine, body))
    post = seen[cot_out.post_uid(approved)]
    assert post.get("type") == cot_out.POST_TYPE
    assert post.find("detail/contact").get("callsign") == "Puesto PNP-A-P1"  # type: ignore[union-attr]
    assert cot_out.post_uid(draft) not in seen


def test_an_event_of_another_shape_does_not_stop_the_feed(engine: Engine) -> None:
    from kuntur.core import events

    feed = tak.Feed(engine)
    mark = cot_out.UnitMark(7, "PNP-7", "PNP", False, "patrol_car", "available", -12.0, -77.0, None)
    feed._unit(mark, utcnow())
    feed.apply(
        [
            events.Event('{"kind": "positions", "positions": [{"id": 7}]}', "positions"),
            events.Event('{"kind": "incident", "id": "x", "status": "received"}', "incident"),
            events.Event(
                '{"kind": "positions", "positions": [{"id": 7, "lat": -12.1, "lon": -77.1}]}',
                "positions",
            ),
        ]
    )
    assert feed.units[7].lat == -12.1  # the good event after the bad ones still applied
