"""Liveness and readiness: ready when the store, its migrations, the audit head and the
event bus are; not ready, naming why, when the database goes away; ready again when it
comes back (PostgreSQL behind a TCP relay the test cuts and restores)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditHead
from kuntur.config import Settings
from kuntur.core.db import make_engine
from tests.conftest import free_port
from tests.ops import tcp
from tests.scenario import incident as make_incident


def _ready(client: TestClient, want: int, seconds: float = 8.0) -> dict:  # type: ignore[type-arg]
    """The readiness answer once it has the status ``want`` (the bus connects after start)."""
    deadline = time.monotonic() + seconds
    while True:
        r = client.get("/health/ready")
        if r.status_code == want or time.monotonic() > deadline:
            assert r.status_code == want, r.text
            return r.json()  # type: ignore[no-any-return]
        time.sleep(0.2)


def test_live_and_ready(anonymous_client: TestClient, engine: Engine) -> None:
    assert anonymous_client.get("/health/live").json() == {"status": "live"}
    with Session(engine) as db, db.begin():
        make_incident(db)
    body = _ready(anonymous_client, 200)
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "audit", "events"}
    assert all(c["ok"] for c in body["checks"].values())
    assert anonymous_client.get("/health/ready").headers["cache-control"] == "no-store"


def test_an_audit_head_out_of_step_is_not_ready(
    anonymous_client: TestClient, engine: Engine
) -> None:
    with Session(engine) as db, db.begin():
        make_incident(db)
    _ready(anonymous_client, 200)
    with Session(engine) as db, db.begin():
        db.execute(update(AuditHead).values(size=AuditHead.size + 5))
    body = _ready(anonymous_client, 503)
    assert body["checks"]["audit"]["ok"] is False
    assert "kuntur audit verify" in body["checks"]["audit"]["detail"]
    with Session(engine) as db, db.begin():
        db.execute(update(AuditHead).values(size=AuditHead.size - 5))
    _ready(anonymous_client, 200)


class Relay:
    """A TCP relay to PostgreSQL that the test can cut (every connection dropped, the port
    refused) and restore on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(16)
        self._server = srv
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()

    def _accept(self, srv: socket.socket) -> None:
        while True:
            try:
                client, _ = srv.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._conns += [client, upstream]
            tcp.join(client, upstream)

    def cut(self) -> None:
        if self._server is not None:
            # Shut down, not only closed: a close leaves the accept() blocked in the other
            # thread holding the listening socket, which then takes one more connection and
            # keeps the port, so the relay cannot start on it again.
            with contextlib.suppress(OSError):
                self._server.shutdown(socket.SHUT_RDWR)
            self._server.close()
            self._server = None
        with self._lock:
            for s in self._conns:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._conns = []


@pytest.fixture
def relayed(engine: Engine, settings: Settings) -> Iterator[tuple[TestClient, Relay]]:
    if engine.dialect.name != "postgresql":
        pytest.skip("a database that goes away and comes back: PostgreSQL over the network")
    url = make_url(settings.effective_database_url)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.start()
    far = make_engine(url.set(port=relay.port).render_as_string(hide_password=False))
    try:
        with TestClient(create_app(settings, far)) as client:
            yield client, relay
    finally:
        relay.cut()
        far.dispose()


def test_ready_fails_when_the_database_goes_and_recovers_when_it_returns(
    relayed: tuple[TestClient, Relay],
) -> None:
    client, relay = relayed
    _ready(client, 200)
    relay.cut()
    body = _ready(client, 503)
    assert body["checks"]["database"]["ok"] is False
    assert client.get("/health/live").status_code == 200  # alive: not to be restarted
    relay.start()
    body = _ready(client, 200, seconds=15)
    assert body["checks"]["events"]["ok"] is True  # the LISTEN connection came back too


def _sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text, by name and labels."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, value = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()):
            return float(value)
    raise AssertionError(f"no sample {name} {labels}")


def test_metrics_count_requests_by_route_and_read_the_store(
    client: TestClient, engine: Engine
) -> None:
    with Session(engine) as db, db.begin():
        ids = [make_incident(db) for _ in range(3)]
    before = client.get("/metrics").text
    for i in ids:
        assert client.get(f"/api/incidents/{i}").status_code == 200
    assert client.get("/api/incidents/999999").status_code == 404
    text = client.get("/metrics").text
    route = "/api/incidents/{incident_id}"
    ok = _sample(text, "kuntur_http_requests_total", route=route, status="200")
    try:
        ok_before = _sample(before, "kuntur_http_requests_total", route=route, status="200")
    except AssertionError:
        ok_before = 0.0
    assert ok - ok_before == 3
    assert _sample(text, "kuntur_http_requests_total", route=route, status="404") >= 1
    assert _sample(text, "kuntur_http_request_duration_seconds_count", route=route) >= 4
    assert "/api/incidents/999999" not in text  # templates only: no record id in metrics
    assert _sample(text, "kuntur_dispatch_queue_depth") == 3
    with Session(engine) as db:
        from kuntur.audit import service as audit

        assert _sample(text, "kuntur_audit_events") == audit.size(db)


def test_metrics_need_the_scrapers_token_when_one_is_set(
    engine: Engine, settings: Settings
) -> None:
    guarded = settings.model_copy(update={"metrics_token": "s3creto-del-recolector"})
    with TestClient(create_app(guarded, engine)) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer otro"}).status_code == 401
        good = c.get("/metrics", headers={"Authorization": "Bearer s3creto-del-recolector"})
        assert good.status_code == 200 and "kuntur_audit_events" in good.text


def test_one_scrape_sees_every_server_process(engine: Engine, db_url: str, tmp_path: Path) -> None:
    """Two server processes, as `kuntur serve` runs them: the counts of both in one scrape."""
    import httpx2 as httpx

    from tests.conftest import serve_in_process

    proc, url = serve_in_process(db_url, str(tmp_path / "var"), workers=2)
    try:
        # New connections each time: the kernel hands them to either process.
        for _ in range(40):
            assert httpx.get(f"{url}/health/live", timeout=5).status_code == 200
        text = httpx.get(f"{url}/metrics", timeout=5).text
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if proc.stderr is not None:
            proc.stderr.close()
    assert _sample(text, "kuntur_http_requests_total", route="/health/live", status="200") == 40
    pids = {p.name for p in (tmp_path / "var" / "run").glob("metrics-*/*.db")}
    assert len({n.rsplit("_", 1)[-1] for n in pids}) >= 2  # files of two processes
