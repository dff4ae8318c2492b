"""A burst of incident writes from many clients while a server dies, as a dispatch room's
screens and the 105 relay would send them: each client retries the same report (same
``external_id``) until it is taken, so a write is acknowledged once stored, or refused as a
duplicate of one stored already. Used by tests/ops/test_failover.py (server processes) and
scripts/image_check.py (containers behind Caddy)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import httpx2 as httpx


class WriteBurst:
    """``clients`` threads posting incidents to ``base`` for ``seconds``; what was
    acknowledged is in ``acknowledged`` (external ids), tries and transport retries in
    ``attempts`` and ``retried``."""

    def __init__(
        self,
        base: str,
        headers: dict[str, str],
        prefix: str,
        *,
        clients: int = 20,
        seconds: float = 8.0,
        tries: int = 8,
        verify: bool = True,
    ) -> None:
        self.base, self.headers, self.prefix = base, headers, prefix
        self.tries, self.verify = tries, verify
        self.stop = time.monotonic() + seconds
        self.acknowledged: set[str] = set()
        self.attempts = 0
        self.retried = 0
        self._lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(k,)) for k in range(clients)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self, timeout: float = 40) -> None:
        for t in self.threads:
            t.join(timeout=timeout)

    def _client(self, k: int) -> None:
        with httpx.Client(
            base_url=self.base, headers=self.headers, timeout=5, verify=self.verify
        ) as c:
            i = 0
            while time.monotonic() < self.stop:
                ext = f"{self.prefix}-{k}-{i}"
                body = {
                    "source": "emergency_call",
                    "external_id": ext,
                    "category": "theft",
                    "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
                    "latitude": -12.05,
                    "longitude": -77.03,
                }
                for _ in range(self.tries):  # the same report again until it is taken
                    with self._lock:
                        self.attempts += 1
                    try:
                        r = c.post("/api/incidents", json=body)
                    except httpx.TransportError:
                        with self._lock:
                            self.retried += 1
                        time.sleep(0.25)
                        continue
                    if r.status_code in (201, 409):  # stored now, or already (a retry)
                        with self._lock:
                            self.acknowledged.add(ext)
                        break
                    time.sleep(0.25)
                i += 1
