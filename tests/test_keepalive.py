"""The server processes share the clients out evenly (core/keepalive.py): only a process
above its fair share closes connections, one per tick, and a lone or balanced one never."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from kuntur.core.keepalive import ConnectionShare, KeepAliveShare


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def share(directory: Path, pid: str, clock: Clock) -> ConnectionShare:
    s = ConnectionShare(directory, clock=clock)
    s.pid = pid  # two processes in one test: their files differ by pid
    return s


def serve(s: ConnectionShare, clients: range) -> list[bool]:
    return [s.should_close(("127.0.0.1", port)) for port in clients]


def test_the_crowded_process_sheds_and_the_other_never(tmp_path: Path) -> None:
    clock = Clock()
    crowded, other = share(tmp_path, "1", clock), share(tmp_path, "2", clock)
    for _ in range(2):  # each publishes its count at its first answer of a tick
        serve(crowded, range(1000, 1030))  # 30 clients
        serve(other, range(2000, 2020))  # 20 clients
        clock.now += 0.6
    for _ in range(3):
        assert serve(other, range(2000, 2020)) == [False] * 20
        closes = serve(crowded, range(1000, 1030))
        assert closes.count(True) == 1 and closes[0]  # one per tick: the first answer
        assert crowded.excess == 30 - 25
        clock.now += 0.1  # within the tick: no more
        assert not any(serve(crowded, range(1001, 1030)))
        clock.now += 0.5


def test_balanced_and_lone_processes_keep_their_connections(tmp_path: Path) -> None:
    clock = Clock()
    a, b = share(tmp_path / "x", "1", clock), share(tmp_path / "x", "2", clock)
    lone = share(tmp_path / "y", "3", clock)
    for rounds in range(6):
        closes = serve(a, range(1000, 1025)) + serve(b, range(2000, 2025))
        assert rounds < 2 or not any(closes)  # once both have published their counts
        assert not any(serve(lone, range(3000, 3050)))
        clock.now += 0.6


def test_clients_gone_quiet_are_not_counted(tmp_path: Path) -> None:
    clock = Clock()
    s = share(tmp_path, "1", clock)
    serve(s, range(1000, 1030))
    clock.now += 5.0
    serve(s, range(1000, 1003))
    assert s.active(clock.now) == 3


def test_the_middleware_closes_only_the_chosen_answer(tmp_path: Path) -> None:
    app = Starlette(routes=[Route("/", lambda _r: PlainTextResponse("ok"))])
    wrapped = KeepAliveShare(app, run_dir=tmp_path)
    with TestClient(wrapped) as c:
        assert "connection" not in c.get("/").headers  # alone: nothing to shed
    port = 80  # the test client's server port
    (tmp_path / f"share-{port}" / "99999").write_text("0")  # an idle peer process
    shared = wrapped._shares[port]
    for i in range(9):  # nine more clients of this process, asking now
        shared._seen[("10.0.0.1", 40000 + i)] = shared.clock()
    shared._next_tick = 0.0
    with TestClient(wrapped) as c:
        assert c.get("/").headers.get("connection") == "close"  # 10 clients against 0
        assert "connection" not in c.get("/").headers  # one per tick
