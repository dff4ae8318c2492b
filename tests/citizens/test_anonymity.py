"""Anonymity by construction, through the real server: after a tip and its follow-up sent
over HTTP to uvicorn (access log on, as `kuntur serve` runs it), neither any table of the
store nor any log line holds the client's address, its user agent or the time of the
submission finer than the day."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest
import uvicorn
from sqlalchemy import Engine, inspect, text

from kuntur.app import create_app
from kuntur.citizens import pow
from kuntur.config import Settings
from kuntur.core.timeutil import LIMA, utcnow
from tests.conftest import free_port

AGENT = "Mozilla/5.0 (Linux; Android 8.1; SoplonTest-UA-7731) Chrome/70"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def server(engine: Engine, settings: Settings) -> Iterator[tuple[str, Capture]]:
    capture = Capture()
    capture.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(capture)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, engine),
        host="127.0.0.1",
        port=port,
        log_level="info",  # as `kuntur serve`: the access log is on
        access_log=True,
        server_header=False,
        timeout_graceful_shutdown=1,
    )
    srv = uvicorn.Server(config)
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).addHandler(capture)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started:
        assert time.time() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", capture
    srv.should_exit = True
    thread.join(timeout=10)
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
        logging.getLogger(name).removeHandler(capture)
    root.removeHandler(capture)


def dump(engine: Engine) -> set[str]:
    """Every row of every table, as text."""
    out = set()
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                out.add(table + ": " + " ".join(str(v) for v in row))
    return out


def test_nothing_of_the_tipster_is_kept(server: tuple[str, Capture], engine: Engine) -> None:
    url, capture = server
    before = dump(engine)
    headers = {"User-Agent": AGENT, "X-Request-Id": "req-soplon-4242"}
    with httpx.Client(base_url=url, headers=headers) as c:
        page = c.get("/denuncia")
        assert page.status_code == 200
        token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        ch = re.search(r'name="challenge" id="challenge" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        sent_at = utcnow()
        r = c.post(
            "/denuncia",
            data={
                "form_token": token,
                "challenge": ch,
                "nonce": pow.solve(ch),
                "category": "extortion",
                "summary": "Cobro de cupos en la bodega",
                "narrative": "Llaman del 987 654 321",
            },
            follow_redirects=True,
        )
        assert r.status_code == 200
        receipt = re.search(r'data-testid="receipt">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
        follow = c.post("/api/citizens/public/follow", json={"receipt": receipt})
        assert follow.status_code == 200
        c.post("/api/citizens/public/follow/messages", json={"receipt": receipt, "body": "Hay más"})
        c.get("/login")  # a staff route is still logged: the access log is really on
    time.sleep(0.3)
    logs = "\n".join(capture.lines)
    assert "GET /login" in logs, "the access log was not captured: the test would prove nothing"
    # Nothing of the tip routes in the logs: no address, no agent, no request id, no path.
    assert (
        "/denuncia" not in logs
        and "/seguimiento" not in logs
        and "/api/citizens/public" not in logs
    )
    assert AGENT not in logs and "SoplonTest" not in logs and "req-soplon-4242" not in logs
    # Every table of the store.
    rows = dump(engine)
    store = "\n".join(sorted(rows))
    # What the tip added or changed (other tests' and the server's own rows, such as live
    # unit events, may carry the same minute and say nothing of the tipster).
    added = "\n".join(sorted(rows - before))
    assert "Cobro de cupos" in added  # the tip itself is among them: the diff is real
    assert "127.0.0.1" not in store
    assert "SoplonTest" not in store and "Android 8.1" not in store
    assert "req-soplon-4242" not in store
    assert receipt.replace(" ", "") not in store
    # The submission's time: neither its minute (Lima or UTC) nor its hour of the day.
    for moment in (sent_at, sent_at.astimezone(LIMA)):
        assert moment.strftime("%Y-%m-%d %H:%M") not in added
        assert moment.strftime("%Y-%m-%dT%H:%M") not in added
        assert moment.strftime("%H:%M:") not in added
    # And no audit event at all for a tip or its follow-up.
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
