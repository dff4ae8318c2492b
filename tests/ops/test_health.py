"""Liveness and readiness: ready when the store, its migrations, the audit head and the
event bus are; not ready, naming why, when the database goes away; ready again when it
comes back (PostgreSQL behind a TCP relay the test cuts and restores)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

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
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        with self._lock:
            for s in self._conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
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
