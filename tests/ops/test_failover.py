"""Two Kuntur server processes behind a balancer, one killed in the middle of a burst of
writes from 20 clients: every write that was acknowledged is in the store afterwards, none
twice; a live screen on the killed process reconnects to the survivor and hears on."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import threading
import time
import uuid
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.incidents.models import Incident
from tests.conftest import free_port, make_user, serve_in_process
from tests.ops import tcp
from tests.ops.burst import WriteBurst


class Balancer:
    """Round-robin TCP balancer over the upstreams that accept a connection (what the
    proxy does with a dead server: the next one)."""

    def __init__(self, upstreams: list[tuple[str, int]]) -> None:
        self.upstreams = upstreams
        self.port = free_port()
        self._next = 0
        self._srv = socket.socket()
        self._srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._srv.bind(("127.0.0.1", self.port))
        self._srv.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    def _upstream(self) -> socket.socket | None:
        for _ in range(len(self.upstreams)):
            target = self.upstreams[self._next % len(self.upstreams)]
            self._next += 1
            try:
                return socket.create_connection(target, timeout=2)
            except OSError:
                continue
        return None

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._srv.accept()
            except OSError:
                return
            up = self._upstream()
            if up is None:
                client.close()
                continue
            if self._srv.fileno() < 0:  # closed meanwhile
                client.close()
                up.close()
                return
            up.settimeout(None)
            tcp.join(client, up)

    def close(self) -> None:
        self._srv.close()


def test_a_server_killed_mid_burst_loses_no_acknowledged_write(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    token, _ = make_user(engine, "carga_fallo", ["dispatcher"])
    a, url_a = serve_in_process(db_url, str(tmp_path / "a"))
    b, url_b = serve_in_process(db_url, str(tmp_path / "b"))
    ports = [int(u.rsplit(":", 1)[1]) for u in (url_a, url_b)]
    lb = Balancer([("127.0.0.1", p) for p in ports])
    base = f"http://127.0.0.1:{lb.port}"
    headers = {"Authorization": f"Bearer {token}"}
    run = uuid.uuid4().hex[:6]
    burst = WriteBurst(base, headers, f"fallo-{run}")
    stop = burst.stop

    # A live screen through the balancer, to be cut when its process dies.
    events: list[dict[str, object]] = []

    def screen() -> None:
        deadline = stop + 6
        while time.monotonic() < deadline:
            try:
                with httpx.stream(
                    "GET", f"{base}/api/dispatch/live", headers=headers, timeout=3
                ) as r:
                    for line in r.iter_lines():
                        if line.startswith("data: "):
                            events.append({**json.loads(line[6:]), "_at": time.monotonic()})
                        if time.monotonic() > deadline:
                            return
            except (httpx.TransportError, httpx.HTTPError):
                time.sleep(0.3)  # reconnect, as a browser's EventSource does

    watcher = threading.Thread(target=screen, daemon=True)
    try:
        watcher.start()
        burst.start()
        time.sleep(3.0)
        a.send_signal(signal.SIGKILL)  # no goodbye: in-flight requests just die
        killed_at = time.monotonic()
        burst.join(timeout=30)
        watcher.join(timeout=15)
    finally:
        lb.close()
        for p in (a, b):
            with contextlib.suppress(ProcessLookupError):
                p.terminate()
            p.wait(timeout=15)
            if p.stderr:
                p.stderr.close()
    with Session(engine) as db:
        stored = dict(
            db.execute(
                select(Incident.external_id, func.count())
                .where(Incident.external_id.like(f"fallo-{run}-%"))
                .group_by(Incident.external_id)
            ).all()
        )
    acknowledged = burst.acknowledged
    assert len(acknowledged) > 50, (burst.attempts, burst.retried)
    missing = acknowledged - set(stored)
    assert not missing, f"acknowledged but not stored: {sorted(missing)[:5]}"
    assert all(n == 1 for n in stored.values()), "a report stored twice"
    # The screen heard incidents created after the kill: it reconnected to the survivor.
    assert any(e.get("kind") == "incident" and float(e["_at"]) > killed_at + 1 for e in events)  # type: ignore[arg-type]
