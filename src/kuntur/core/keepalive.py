"""The server processes share the clients out evenly.

``kuntur serve`` starts one process per core on one listening socket. A client that keeps
its connection alive stays with whichever process accepted it, and the kernel hands new
connections to the processes unevenly: under 50 clients one process held 30 to 32 of
them and the other 18 to 20, and the crowded one's answers, half as slow again, set the
p95. Closing connections at random does not help: the crowded process accepted the new
ones as often as not.

So each process counts the clients it served in the last ``window_s`` and writes that
count, every ``tick_s``, to a file of its own (``<var>/run/share-<port>/<pid>``); it reads
the others' there. A process with more than its fair share (the total over the live
processes, rounded up) closes one connection per tick after its next answer
(``Connection: close``, as nginx's ``keepalive_requests`` does): the client reconnects,
and only the crowded side ever sheds, so the split walks to even within seconds. A
reconnect costs far less than one request; idle connections are not counted.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TRACKED = 10_000  # connections remembered at most (closed ones age out)
STALE_S = 5.0  # a process whose file is older than this is gone


class ConnectionShare:
    """This process's clients against the other server processes' (see the module)."""

    def __init__(
        self,
        directory: Path,
        *,
        window_s: float = 2.0,
        tick_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self.window_s, self.tick_s, self.clock = window_s, tick_s, clock
        self.pid = str(os.getpid())
        # (client host, client port) -> when it last asked; the port tells connections apart.
        self._seen: OrderedDict[tuple[str, int], float] = OrderedDict()
        self._next_tick = 0.0
        self.excess = 0  # clients above the fair share, as of the last tick

    def active(self, now: float) -> int:
        while self._seen and next(iter(self._seen.values())) < now - self.window_s:
            self._seen.popitem(last=False)
        return len(self._seen)

    def should_close(self, client: tuple[str, int]) -> bool:
        """Note a request on ``client``'s connection; True if this answer should end it."""
        now = self.clock()
        self._seen.pop(client, None)
        self._seen[client] = now
        while len(self._seen) > TRACKED:
            self._seen.popitem(last=False)
        if now < self._next_tick:
            return False
        self._next_tick = now + self.tick_s
        self.excess = self._tick(self.active(now))
        if self.excess <= 0:
            return False
        self._seen.pop(client, None)  # gone once answered
        return True

    def _tick(self, mine: int) -> int:
        """Publish this process's count, read the others'; the excess over a fair share."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            own = self.directory / self.pid
            own.write_text(str(mine))
            counts, wall = [], time.time()
            for f in self.directory.iterdir():
                with contextlib.suppress(OSError, ValueError):
                    if f.name == self.pid or wall - f.stat().st_mtime < STALE_S:
                        counts.append(mine if f.name == self.pid else int(f.read_text()))
        except OSError:  # an unwritable var dir: no sharing, never a failed request
            return 0
        return mine - math.ceil(sum(counts) / max(1, len(counts)))


class KeepAliveShare:
    """ASGI middleware: ``Connection: close`` on the answers ``ConnectionShare`` picks."""

    def __init__(self, app: ASGIApp, run_dir: Path) -> None:
        self.app = app
        self.run_dir = run_dir
        self._shares: dict[int, ConnectionShare] = {}  # by listening port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client, server = scope.get("client"), scope.get("server")
        if scope["type"] != "http" or not client or not server:
            await self.app(scope, receive, send)
            return
        port = int(server[1] or 0)
        share = self._shares.get(port)
        if share is None:
            share = self._shares[port] = ConnectionShare(self.run_dir / f"share-{port}")
        if not share.should_close((client[0], client[1])):
            await self.app(scope, receive, send)
            return

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)
