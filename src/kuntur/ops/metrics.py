"""Prometheus metrics (``GET /metrics``): what the operators watch on the dashboard.

Per request (an ASGI middleware, a few microseconds each): ``kuntur_http_requests_total``
by method, route template and status, and ``kuntur_http_request_duration_seconds`` by method
and route (the template, ``/api/incidents/{incident_id}``, never the filled path: no record
id reaches the metrics). Per process: ``kuntur_live_subscribers`` (open live screens).
Read from the store at each scrape: ``kuntur_audit_events`` (the log's size: its rate is
the audit appends), ``kuntur_dispatch_queue_depth`` (open incidents), and
``kuntur_import_rows_read`` / ``kuntur_imports_running`` (imports in progress).

Several server processes (``kuntur serve`` starts one per core) write their samples to files
in ``PROMETHEUS_MULTIPROC_DIR``, which ``kuntur serve`` sets and empties at start, so one
scrape through the load balancer sees every process's counts; a single process (tests,
``uvicorn`` by hand) keeps them in memory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kuntur.audit.models import AuditHead
from kuntur.dispatch import lifecycle
from kuntur.incidents.models import ImportBatch, Incident
from kuntur.ops import logs

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0)

REQUESTS = Counter(
    "kuntur_http_requests_total", "HTTP requests answered", ("method", "route", "status")
)
DURATION = Histogram(
    "kuntur_http_request_duration_seconds",
    "Time to answer an HTTP request (to the first byte of the body)",
    ("method", "route"),
    buckets=BUCKETS,
)
SUBSCRIBERS = Gauge(
    "kuntur_live_subscribers",
    "Open live screens (server-sent event streams)",
    multiprocess_mode="livesum",
)


class RequestMetrics:
    """ASGI middleware: count and time every HTTP request by its route template."""

    def __init__(self, app: ASGIApp, subscribers: Any = None, access_log: bool = False) -> None:
        self.app = app
        self.subscribers = subscribers  # a callable giving this process's live streams
        self.access_log = access_log  # one JSON line per request (kuntur.ops.logs)
        self._children: dict[tuple[str, str, int], Any] = {}
        self._timers: dict[tuple[str, str], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                self._observe(scope, status, time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            if status == 500:
                self._observe(scope, 500, time.perf_counter() - started)
            raise

    def _observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        method = scope.get("method", "")
        key = (method, route, status)
        counter = self._children.get(key)
        if counter is None:
            counter = self._children[key] = REQUESTS.labels(method, route, str(status))
        counter.inc()
        timer = self._timers.get(key[:2])
        if timer is None:
            timer = self._timers[key[:2]] = DURATION.labels(method, route)
        timer.observe(seconds)
        if self.access_log:
            rid = next((v for k, v in scope.get("headers", []) if k == b"x-request-id"), b"")
            logs.access(method, route, status, seconds, rid.decode("latin-1") or None)
        if self.subscribers is not None:
            SUBSCRIBERS.set(self.subscribers())


class StoreCollector(Collector):
    """Figures read from the store at each scrape (a few indexed counts)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self.engine.connect() as conn:
            size = conn.scalar(select(func.coalesce(func.max(AuditHead.size), 0))) or 0
            queue = conn.scalar(
                select(func.count())
                .select_from(Incident)
                .where(Incident.status.in_(sorted(lifecycle.OPEN)))
            )
            running, rows = conn.execute(
                select(func.count(), func.coalesce(func.sum(ImportBatch.rows_read), 0)).where(
                    ImportBatch.finished_at.is_(None)
                )
            ).one()
        yield GaugeMetricFamily("kuntur_audit_events", "Events in the audit log", value=size)
        yield GaugeMetricFamily(
            "kuntur_dispatch_queue_depth", "Open incidents (the dispatch queue)", value=queue or 0
        )
        yield GaugeMetricFamily(
            "kuntur_imports_running", "Incident imports in progress", value=running
        )
        yield GaugeMetricFamily(
            "kuntur_import_rows_read", "Rows read so far by the imports in progress", value=rows
        )


def exposition(engine: Engine) -> tuple[bytes, str]:
    """The metrics text (every process's samples under ``kuntur serve``) and its type."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in (REQUESTS, DURATION, SUBSCRIBERS):
            registry.register(metric)
    registry.register(StoreCollector(engine))
    return generate_latest(registry), CONTENT_TYPE_LATEST
