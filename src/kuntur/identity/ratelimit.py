"""In-process sliding windows: logon attempts per client and in all, and how often one
client may write security events to the audit log.

The per-account lockout (identity.service) lives in the database and holds across
processes; these limits live in memory, per server process. With several processes
(``kuntur serve --workers N``) each keeps its own windows, so a client may make up to N
times the limit, and a restart forgets them. They exist to keep one client (or a flood
from many) from spending every core on argon2 or filling the audit log, not to count
exactly.

The client is the address the server sees (``request.client``). Behind a reverse proxy
that is the proxy's, unless uvicorn is told to trust its ``X-Forwarded-For``
(``--forwarded-allow-ips``); Kuntur itself never reads that header, since any client can
write it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass


class SlidingWindow:
    """At most ``limit`` accepted events per ``window_s`` seconds for each key.

    Refused events are not counted, so a client that keeps knocking is let in again as
    soon as its window has room. Memory is bounded: at most ``max_keys`` keys are kept
    (the longest idle go first), each with at most ``limit`` timestamps."""

    def __init__(self, limit: int, window_s: float, max_keys: int = 50_000) -> None:
        self.limit = limit
        self.window_s = window_s
        self.max_keys = max_keys
        self._seen: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until ``key`` may have one more event (0: now). Not thread-safe alone."""
        times = self._seen.get(key)
        if times is None:
            return 0.0
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) < self.limit:
            return 0.0
        return times[0] + self.window_s - now

    def record(self, key: str, now: float) -> None:
        times = self._seen.pop(key, None)
        if times is None:
            times = deque(maxlen=max(self.limit, 1))
            if len(self._seen) >= self.max_keys:  # dicts keep order: the first is the idlest
                del self._seen[next(iter(self._seen))]
        times.append(now)
        self._seen[key] = times  # re-inserted last: most recently used


@dataclass(frozen=True)
class Refusal:
    scope: str  # "client" (this address) or "global" (the whole server)
    retry_after: int  # whole seconds
    first: bool  # the first refusal since this client was last let in: worth logging


class LoginThrottle:
    """Logon attempts: at most ``per_client`` per client and ``total`` in all per window."""

    def __init__(self, per_client: int, total: int, window_s: float) -> None:
        self._client = SlidingWindow(per_client, window_s)
        self._total = SlidingWindow(total, window_s)
        self._refusing: set[str] = set()
        self._lock = threading.Lock()

    def check(self, client: str, now: float | None = None) -> Refusal | None:
        """Count one attempt from ``client``, or say why not and for how long."""
        now = time.monotonic() if now is None else now
        with self._lock:
            for scope, window, key in (
                ("client", self._client, client),
                ("global", self._total, "*"),
            ):
                wait = window.wait(key, now)
                if wait > 0:
                    first = client not in self._refusing
                    if len(self._refusing) >= self._client.max_keys:
                        self._refusing.clear()
                    self._refusing.add(client)
                    return Refusal(scope, max(1, math.ceil(wait)), first)
            self._client.record(client, now)
            self._total.record("*", now)
            self._refusing.discard(client)
            return None


class EventThrottle:
    """How many security events (rejected tokens, CSRF failures, throttled logons) one
    client may write to the audit log per window, and all clients together. Events beyond
    are counted, not written; the next one written says how many were left out, so the
    log stays bounded under a flood and still shows its size."""

    def __init__(self, per_client: int, total: int, window_s: float) -> None:
        self._client = SlidingWindow(per_client, window_s)
        self._total = SlidingWindow(total, window_s)
        self._skipped: dict[str, int] = {}
        self._lock = threading.Lock()

    def admit(self, client: str, now: float | None = None) -> int | None:
        """None: leave this event out. Otherwise write it, noting the returned number of
        this client's events left out since its last one written."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._client.wait(client, now) > 0 or self._total.wait("*", now) > 0:
                if client in self._skipped or len(self._skipped) < self._client.max_keys:
                    self._skipped[client] = self._skipped.get(client, 0) + 1
                return None
            self._client.record(client, now)
            self._total.record("*", now)
            return self._skipped.pop(client, 0)
