"""Under load: 20 clients writing audited incidents and reading, through the real server.

The server runs in a process of its own, as in production, over the test store (SQLite
and PostgreSQL). Every request must answer without a 5xx and within 2 s, and the audit
log must verify afterwards: appends from concurrent transactions keep one consistent tree.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.audit import keys
from kuntur.audit import service as audit
from kuntur.config import Settings
from tests.conftest import INCIDENT, make_user, serve_in_process

CLIENTS = 20
SECONDS = float(os.environ.get("KUNTUR_TEST_LOAD_SECONDS", "10"))
MAX_LATENCY_S = 2.0


def _client_loop(
    url: str, token: str, n: int, stop: threading.Event, out: list[tuple[str, int, float, float]]
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    k = 0
    with httpx.Client(base_url=url, headers=headers, timeout=10.0) as c:
        while not stop.is_set():
            k += 1
            body = {**INCIDENT, "external_id": f"carga-{n}-{k}", "narrative": "prueba de carga"}
            for method, path in (
                ("POST", "/api/incidents"),
                ("GET", "/api/auth/me"),
                ("GET", "/api/incidents?limit=20"),
            ):
                t0 = time.perf_counter()
                try:
                    if method == "POST":
                        r = c.post(path, json={**body, "source": "emergency_call"})
                    else:
                        r = c.get(path)
                    status = r.status_code
                except httpx.TransportError:
                    status = 599  # no answer at all counts as a server failure
                out.append((f"{method} {path}", status, time.perf_counter() - t0, t0))


def test_twenty_writers_and_readers_do_not_lock_up(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    tokens = [make_user(engine, f"carga{n}", ["dispatcher"])[0] for n in range(CLIENTS)]
    proc, url = serve_in_process(settings.effective_database_url, str(tmp_path / "var"))
    results: list[list[tuple[str, int, float, float]]] = [[] for _ in range(CLIENTS)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=_client_loop, args=(url, tokens[n], n, stop, results[n]))
        for n in range(CLIENTS)
    ]
    t_start = time.perf_counter()
    try:
        for t in threads:
            t.start()
        time.sleep(SECONDS)
        stop.set()
        for t in threads:
            t.join(timeout=60)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a server that hangs on shutdown is a failure too
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    calls = [r for rs in results for r in rs]
    print(Counter((w, st) for w, st, _, _ in calls))
    statuses = Counter(status for _, status, _, _ in calls)
    slow = sorted(
        (round(s, 2), what, round(t - t_start, 1)) for what, _, s, t in calls if s > MAX_LATENCY_S
    )
    writes = sum(1 for what, status, _, _ in calls if what.startswith("POST") and status == 201)
    assert calls, "no request was made"
    assert not [s for s in statuses if s >= 500], f"server errors: {statuses}"
    assert set(statuses) <= {200, 201}, f"unexpected answers: {statuses}"
    assert not slow, f"{len(slow)} of {len(calls)} requests took over 2 s: {slow[-5:]}"
    assert writes >= CLIENTS, f"only {writes} incidents written in {SECONDS} s"
    with Session(engine) as db:
        key = keys.generate(tmp_path / "verify.key")  # no checkpoint: any key will do
        result = audit.verify(db, keys.public_bytes(key))
        assert result.ok, result.problems
        assert result.size >= writes  # one creation event per incident, and the tokens'


def test_every_route_ends_its_transaction_in_its_own_call(settings: Settings) -> None:
    """A route that commits at its dependency's exit holds its locks across a thread
    hand-off (what locked the server up): every API route must be a UnitOfWorkRoute."""
    from fastapi.routing import APIRoute

    from kuntur.app import create_app
    from kuntur.core.web import UnitOfWorkRoute

    def walk(routes: list[Any]) -> Iterator[APIRoute]:
        for r in routes:
            if isinstance(r, APIRoute):
                yield r
            inner = getattr(r, "original_router", None)  # an included router
            if inner is not None:
                yield from walk(inner.routes)

    routes = list(walk(create_app(settings).routes))
    assert len(routes) > 50
    assert [r.path for r in routes if not isinstance(r, UnitOfWorkRoute)] == []
    # ... and each one that uses the request's session hands it to the view, as such or held
    # by the actor, so that the view's own call can end its transaction (an actor the route
    # could not see through is what brought the lock-up back once).
    from kuntur.core.web import get_db
    from kuntur.identity.web import get_actor

    def uses_db(dep: Any) -> bool:
        return dep.call is get_db or any(uses_db(d) for d in dep.dependencies)

    unended = [
        (sorted(r.methods), r.path)
        for r in routes
        if uses_db(r.dependant)
        and not any(d.call in (get_db, get_actor) for d in r.dependant.dependencies)
    ]
    assert unended == []
