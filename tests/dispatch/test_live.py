"""Live events over server-sent events: in-process on SQLite, LISTEN/NOTIFY across processes
on PostgreSQL."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import Engine

from kuntur.config import Settings
from tests.command.conftest import World, build_world
from tests.conftest import make_user, serve_in_process


def listen(url: str, token: str, into: queue.Queue[dict[str, Any]], stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with (
            httpx.Client(timeout=httpx.Timeout(10.0, read=30.0)) as c,
            c.stream("GET", f"{url}/api/dispatch/live", headers=headers) as r,
        ):
            into.put({"kind": "_connected", "status": r.status_code})
            for line in r.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("data: "):
                    into.put(json.loads(line[6:]))
    except httpx.TransportError:
        return  # the test server shut down under the open stream


def wait_for(q: queue.Queue[dict[str, Any]], kind: str, timeout: float = 3.0) -> dict[str, Any]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            ev = q.get(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if ev.get("kind") == kind:
            return ev
    raise AssertionError(f"no {kind} event within {timeout} s")


@pytest.fixture
def subscriber() -> Iterator[tuple[queue.Queue[dict[str, Any]], Any]]:
    q: queue.Queue[dict[str, Any]] = queue.Queue()
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def start(url: str, token: str) -> None:
        t = threading.Thread(target=listen, args=(url, token, q, stop), daemon=True)
        t.start()
        threads.append(t)
        assert wait_for(q, "_connected")["status"] == 200

    yield q, start
    stop.set()


def test_position_reaches_a_live_map_within_a_second(
    engine: Engine, live_url: str, subscriber: Any
) -> None:
    build_world(engine)
    token, _ = make_user(engine, "mapa", ["dispatcher"])
    q, start = subscriber
    start(live_url, token)
    t0 = time.time()
    r = httpx.post(
        f"{live_url}/api/command/positions",
        headers={"Authorization": f"Bearer {token}"},
        json={"positions": [{"call_sign": "PNP-A-P1", "lon": -77.05, "lat": -12.06}]},
    )
    assert r.status_code == 200
    ev = wait_for(q, "positions", timeout=1.0)["positions"][0]
    assert ev["call_sign"] == "PNP-A-P1" and ev["lon"] == -77.05
    assert time.time() - t0 < 1.0


def test_a_quiet_stream_stays_open(
    engine: Engine, live_url: str, subscriber: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first quiet re-check (5 s without events) used to close the subscription: every
    live map dropped and reconnected, and missed what happened in between."""
    from kuntur.dispatch import views

    monkeypatch.setattr(views, "SESSION_RECHECK_S", 0.2)
    build_world(engine)
    token, _ = make_user(engine, "mapa_quieto", ["dispatcher"])
    q, start = subscriber
    start(live_url, token)
    time.sleep(1.0)  # several quiet re-checks
    r = httpx.post(
        f"{live_url}/api/command/positions",
        headers={"Authorization": f"Bearer {token}"},
        json={"positions": [{"call_sign": "PNP-A-P1", "lon": -77.05, "lat": -12.06}]},
    )
    assert r.status_code == 200
    assert wait_for(q, "positions", timeout=2.0)["positions"][0]["call_sign"] == "PNP-A-P1"


def test_positions_of_several_commits_are_announced_together_after_commit(
    engine: Engine, live_url: str, subscriber: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two reports' positions, each committed on its own, reach the map in one event, only
    once announced (here on demand: the window held open), and without a status: a
    position changes none, and the status read with it could be older than a dispatch
    committed since."""
    from kuntur.core import events

    build_world(engine)
    token, _ = make_user(engine, "mapa_junto", ["dispatcher"])
    q, start = subscriber
    start(live_url, token)
    monkeypatch.setattr(events, "MERGE_S", 30.0)
    for sign, lon in (("PNP-A-P1", -77.05), ("PNP-B-M1", -77.06)):
        r = httpx.post(
            f"{live_url}/api/command/positions",
            headers={"Authorization": f"Bearer {token}"},
            json={"positions": [{"call_sign": sign, "lon": lon, "lat": -12.06}]},
        )
        assert r.status_code == 200, r.text
    with pytest.raises(AssertionError):
        wait_for(q, "positions", timeout=0.5)  # committed, waiting for the others
    events.flush_merged()
    ev = wait_for(q, "positions", timeout=2.0)
    assert [(p["call_sign"], p["lon"]) for p in ev["positions"]] == [
        ("PNP-A-P1", -77.05),
        ("PNP-B-M1", -77.06),
    ]
    assert all("status" not in p for p in ev["positions"])


def test_refused_requests_announce_nothing(engine: Engine, live_url: str, subscriber: Any) -> None:
    build_world(engine)
    token, _ = make_user(engine, "mapa2", ["dispatcher"])
    q, start = subscriber
    start(live_url, token)
    bad = httpx.post(
        f"{live_url}/api/command/positions",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "positions": [
                {"call_sign": "PNP-A-P1", "lon": -77.05, "lat": -12.06},
                {"call_sign": "GHOST", "lon": 1.0, "lat": 1.0},
            ]
        },
    )
    assert bad.status_code == 422
    with pytest.raises(AssertionError):
        wait_for(q, "positions", timeout=0.5)  # rolled back: never announced


def test_two_server_processes_stay_in_step(
    engine: Engine, settings: Settings, subscriber: Any, tmp_path: Any
) -> None:
    """A change committed through one server process reaches a screen on another within a
    second: LISTEN/NOTIFY on PostgreSQL, the live_events relay on one SQLite file (which
    `kuntur serve --workers` runs on the embedded store)."""
    world: World = build_world(engine)
    token, _ = make_user(engine, "mapa_2p", ["dispatcher"])
    url = settings.effective_database_url
    a, url_a = serve_in_process(url, str(tmp_path / "a"))
    b, url_b = serve_in_process(url, str(tmp_path / "b"))
    try:
        q, start = subscriber
        start(url_b, token)
        time.sleep(0.5)  # B's LISTEN (or first relay poll) is up; margin for the stream
        t0 = time.time()
        r = httpx.post(
            f"{url_a}/api/command/units/{world.moto}/status",
            headers={"Authorization": f"Bearer {token}"},
            json={"status": "out_of_service"},
        )
        assert r.status_code == 200, r.text
        ev = wait_for(q, "unit", timeout=2.0)
        assert ev["id"] == world.moto and ev["status"] == "out_of_service"
        assert time.time() - t0 < 1.0
        # Refused changes announce nothing across processes either: the row rolled back.
        r = httpx.post(
            f"{url_a}/api/command/units/{world.moto}/status",
            headers={"Authorization": f"Bearer {token}"},
            json={"status": "no_such_status"},
        )
        assert r.status_code == 422
        with pytest.raises(AssertionError):
            wait_for(q, "unit", timeout=0.6)
    finally:
        for p in (a, b):
            p.terminate()
            p.wait(timeout=10)
            if p.stderr:
                p.stderr.close()


@pytest.mark.parametrize("how", ["disabled", "logged_out"])
def test_a_stream_ends_when_its_user_is_disabled_or_logs_out(
    engine: Engine, live_url: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disabled user's open stream kept delivering events."""
    from sqlalchemy.orm import Session

    from kuntur.core.context import RequestContext
    from kuntur.dispatch import views
    from kuntur.identity import service as identity

    # the server runs in this process: its recheck every half second instead of every
    # five (the same code path, a tenth of the wait)
    monkeypatch.setattr(views, "SESSION_RECHECK_S", 0.5)

    build_world(engine)
    token, _ = make_user(engine, "saliente", ["dispatcher"])
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        with (
            httpx.Client(timeout=httpx.Timeout(10.0, read=30.0)) as c,
            c.stream("GET", f"{live_url}/api/dispatch/live", headers=headers) as r,
        ):
            for line in r.iter_lines():
                lines.put(line)
        lines.put("<closed>")

    threading.Thread(target=read, daemon=True).start()
    assert lines.get(timeout=5) == "retry: 2000"
    with Session(engine) as db, db.begin():
        if how == "disabled":
            identity.disable(db, RequestContext.system("test"), "saliente")
        else:
            found = identity.resolve(db, token)
            assert found.sess is not None
            identity.end_session(db, RequestContext.system("test"), found.sess)
    seen: list[str] = []
    deadline = time.time() + 12
    while time.time() < deadline and "<closed>" not in seen:
        try:
            seen.append(lines.get(timeout=1))
        except queue.Empty:
            continue
    assert "event: session_ended" in seen and seen[-1] == "<closed>", seen


def test_orders_reach_live_streams(engine: Engine, live_url: str, subscriber: Any) -> None:
    """An order issued, acknowledged and completed reaches open screens (the orders screen
    reloads its table on these)."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from kuntur.identity.models import User

    world: World = build_world(engine)
    token, _ = make_user(engine, "mando_live", ["commander"])
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.username == "mando_live").values(unit_id=world.front))
    q, start = subscriber
    start(live_url, token)
    now = datetime.now(UTC)
    r = httpx.post(
        f"{live_url}/api/command/orders",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "issuer_node_id": world.front,
            "target_node_id": world.station_a,
            "kind": "patrol",
            "text": "Patrullaje",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
        },
    )
    assert r.status_code in (200, 201), r.text
    ev = wait_for(q, "order")
    assert ev["id"] == r.json()["id"] and ev["status"] == "issued"
    assert ev["order_kind"] == "patrol"  # the order's own kind, beside the event's


def test_the_relay_never_reuses_an_id_after_pruning(engine: Engine) -> None:
    """SQLite gives a new row max(id) + 1: pruning every row would restart ids at 1 and
    the other processes, waiting for ids above the last they saw, would drop what follows."""
    from sqlalchemy import insert

    from kuntur.core import events

    if engine.dialect.name != "sqlite":
        pytest.skip("the live_events relay runs on SQLite (PostgreSQL uses LISTEN/NOTIFY)")
    old = datetime.now(UTC) - timedelta(hours=1)
    with engine.begin() as conn:
        for k in range(3):
            conn.execute(insert(events.LIVE_EVENTS).values(origin="other", at=old, data=f"{k}"))
    last, _ = events._relay_since(engine, None, prune=False)
    events._relay_since(engine, last, prune=True)  # everything is old: all but the newest go
    with engine.begin() as conn:
        conn.execute(insert(events.LIVE_EVENTS).values(origin="other", at=old, data="new"))
    after, found = events._relay_since(engine, last, prune=False)
    assert found == ["new"] and after > last
