"""Load: the real server under many concurrent clients, next to the same run with one.

The server as ``kuntur serve`` runs it (its processes: one per core, at most four; each
with its default thread pool) on loopback over a fresh store seeded with the synthetic
scenario. Each client has its own user and bearer token (made through the identity
service, as the tests' make_user does) and one keep-alive connection, and sends its next
request as soon as the last one is answered (a closed loop, no think time: the hardest
case for a given client count).
The mix: 80 % reads (incident list, map layer, /api/auth/me, dispatch queue, 20 % each)
and 20 % audited writes (POST /api/incidents). Bounded in time and in count; a request
that takes longer than the timeout counts as an error.

The clients speak plain HTTP/1.1 over asyncio streams in the benchmark's own process,
so that they cost little of the two cores the server shares with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import uvloop
from sqlalchemy import Engine
from sqlalchemy import text as sql

from kuntur.core.cli_support import metrics_dir, server_process_args

LIMA_VIEW = "-77.40,-12.52,-76.62,-11.56"
P95_GOAL_MS = 200.0
MIX = (("list", 20), ("map", 20), ("me", 20), ("queue", 20), ("create", 20))
CATEGORIES = ("theft", "theft", "aggravated_robbery", "extortion", "homicide", "other")


@dataclass
class Outcome:
    latencies: dict[str, list[float]] = field(default_factory=dict)  # op -> ms, successes only
    errors: Counter[str] = field(default_factory=Counter)  # "503", "timeout", ...
    seconds: float = 0.0

    @property
    def ok(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def all_ms(self) -> np.ndarray:
        return np.array([x for v in self.latencies.values() for x in v])

    def summary(self) -> dict[str, Any]:
        ms = self.all_ms()
        pct = (lambda q: float(np.percentile(ms, q))) if len(ms) else (lambda _q: float("nan"))
        return {
            "requests": self.ok + sum(self.errors.values()),
            "ok": self.ok,
            "errors": dict(self.errors),
            "rps": self.ok / self.seconds if self.seconds else 0.0,
            "p50_ms": pct(50),
            "p95_ms": pct(95),
            "p99_ms": pct(99),
            "by_op_p95_ms": {
                op: float(np.percentile(v, 95)) for op, v in sorted(self.latencies.items()) if v
            },
        }


class Http:
    """One keep-alive HTTP/1.1 connection with a bearer token (no redirects, no TLS)."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.auth = f"Authorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> int:
        if self.writer is None:
            await self._connect()
        assert self.reader is not None and self.writer is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.auth}"
            "Accept: application/json\r\n"
        )
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        # The whole head at once: parsing it line by line was most of the client's own
        # time, and the client shares the two cores with the server it measures.
        head_in = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *lines = head_in.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        length, chunked, close = 0, False, False
        for line in lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "connection":
                close = value == "close"
        if chunked:
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        if close:
            await self.close()
        return status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    db_url: str, var: Path, log: Path, workers: int = 1
) -> tuple[subprocess.Popen[bytes], int]:
    """``kuntur serve`` as a subprocess (same uvicorn call), on a free loopback port."""
    port = free_port()
    env = {
        **os.environ,
        "KUNTUR_DATABASE_URL": db_url,
        "KUNTUR_VAR_DIR": str(var),
        "KUNTUR_ENVIRONMENT": "test",  # no scheduled checkpoints, no production key checks
        "KUNTUR_SERVER_PROCESSES": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir(var, port)),  # as `kuntur serve` does
    }
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            server_process_args(port, workers=workers),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=fh,
        )
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


def make_tokens(engine: Engine, n: int, prefix: str) -> list[str]:
    """``n`` dispatchers of the PNP (clearance 1), each with an API token."""
    from sqlalchemy.orm import Session

    from kuntur.core.context import RequestContext
    from kuntur.identity import service as identity

    tokens = []
    with Session(engine, expire_on_commit=False) as db, db.begin():
        for i in range(n):
            user, _ = identity.create_user(
                db,
                RequestContext.system("bench"),
                username=f"{prefix}{i:03d}",
                password="bench-password-123456",
                display_name=f"Carga {i}",
                agency="PNP",
                roles=["dispatcher"],
                clearance=1,
            )
            token, _ = identity.open_session(db, user, "api", label="load")
            tokens.append(token)
    return tokens


def _request_for(rng: random.Random, districts: list[str]) -> tuple[str, str, str, bytes | None]:
    """(op, method, path, body) drawn from the mix."""
    op = rng.choices([m for m, _ in MIX], weights=[w for _, w in MIX])[0]
    if op == "list":
        extra = f"&district={rng.choice(districts)}" if rng.random() < 0.5 else ""
        return op, "GET", f"/api/incidents?limit=50{extra}", None
    if op == "map":
        if rng.random() < 0.5:  # the page's opening view: Lima, the last 30 days
            start = (datetime.now(UTC) - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%S")
            path = f"/api/incidents/map?format=compact&bbox={LIMA_VIEW}&start={start}"
            return op, "GET", path, None
        lat, lon = rng.gauss(-12.05, 0.06), rng.gauss(-77.03, 0.04)
        bbox = f"{lon - 0.02:.5f},{lat - 0.015:.5f},{lon + 0.02:.5f},{lat + 0.015:.5f}"
        return op, "GET", f"/api/incidents/map?format=compact&bbox={bbox}", None
    if op == "me":
        return op, "GET", "/api/auth/me", None
    if op == "queue":
        return op, "GET", "/api/dispatch/queue", None
    now_lima = datetime.now(UTC) - timedelta(hours=5, minutes=rng.randint(1, 600))
    body = {
        "source": "emergency_call",
        "category": rng.choice(CATEGORIES),
        "occurred_at": now_lima.strftime("%Y-%m-%dT%H:%M:%S"),
        "latitude": round(rng.gauss(-12.05, 0.06), 6),
        "longitude": round(rng.gauss(-77.03, 0.04), 6),
    }
    return op, "POST", "/api/incidents", json.dumps(body).encode()


async def _drive(
    port: int,
    tokens: list[str],
    seconds: float,
    max_requests: int,
    timeout_s: float,
    districts: list[str],
) -> Outcome:
    out = Outcome(latencies={op: [] for op, _ in MIX})
    sent = 0
    stop_at = time.perf_counter() + seconds

    async def client(k: int, token: str) -> None:
        nonlocal sent
        rng = random.Random(1000 + k)
        http = Http("127.0.0.1", port, token)
        try:
            while time.perf_counter() < stop_at and sent < max_requests:
                sent += 1
                op, method, path, body = _request_for(rng, districts)
                expect = 201 if method == "POST" else 200
                start = time.perf_counter()
                try:
                    status = await asyncio.wait_for(http.request(method, path, body), timeout_s)
                except TimeoutError:
                    out.errors["timeout"] += 1
                    await http.close()
                    continue
                except (OSError, ConnectionError, ValueError, asyncio.IncompleteReadError) as exc:
                    out.errors[type(exc).__name__] += 1
                    await http.close()
                    continue
                if status == expect:
                    out.latencies[op].append((time.perf_counter() - start) * 1000)
                else:
                    out.errors[f"{status} ({op})"] += 1
        finally:
            await http.close()

    begun = time.perf_counter()
    await asyncio.gather(*(client(k, t) for k, t in enumerate(tokens)))
    out.seconds = time.perf_counter() - begun
    return out


def drive(
    port: int,
    tokens: list[str],
    seconds: float,
    max_requests: int = 200_000,
    timeout_s: float = 10.0,
) -> Outcome:
    from kuntur.geography import service as geo

    districts = [d.ubigeo for d in geo.lima_callao_districts()]
    # uvloop, as the server runs: the load generator should cost the shared cores as little
    # as it can, so that what is measured is the server.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(_drive(port, tokens, seconds, max_requests, timeout_s, districts))


def run_backend(
    backend: str,
    engine: Engine,
    url: str,
    var: Path,
    *,
    clients: int,
    seconds: float,
    solo_seconds: float,
    days: int,
) -> dict[str, Any]:
    from kuntur.config import Settings
    from kuntur.demo import service as demo

    seeded = demo.seed(engine, days=days, seed=5)
    tokens = make_tokens(engine, clients + 1, "carga")
    if engine.dialect.name == "postgresql":
        # What autovacuum does within a minute of a bulk load (statistics, visibility map):
        # without it the first minute's counts read the heap instead of the index alone.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sql("VACUUM ANALYZE"))
    var.mkdir(parents=True, exist_ok=True)
    log = var / f"load-server-{backend}.log"
    workers = Settings().effective_server_processes  # what `kuntur serve` starts here
    proc, port = start_server(url, var, log, workers)
    try:
        # Warm every process: every endpoint once or more, caches filled.
        drive(port, tokens[: 2 * workers], 3.0)
        solo = drive(port, tokens[-1:], solo_seconds)
        many = drive(port, tokens[:clients], seconds)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    text = log.read_text(errors="replace")
    return {
        "backend": backend,
        "incidents": seeded.incidents,
        "processes": workers,
        "clients": clients,
        "seconds": seconds,
        "solo_seconds": solo_seconds,
        "solo": solo.summary(),
        "many": many.summary(),
        "server_tracebacks": text.count("Traceback"),
        "server_locked": text.count("database is locked"),
    }


def _ms(x: float) -> str:
    return "n/a" if x != x else f"{x:.0f} ms"  # NaN: no request succeeded


def _errors(e: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(e.items())) or "none"


def section(results: list[dict[str, Any]], machine: str) -> list[str]:
    r0 = results[0] if results else {}
    lines = [
        "## Load: the server under concurrent clients",
        "",
        machine,
        "- Command: `python -m benchmarks.run --suites load --load-clients "
        f"{r0.get('clients')} --load-seconds {r0.get('seconds'):.0f} --load-solo-seconds "
        f"{r0.get('solo_seconds'):.0f}` (what `make bench` runs)",
        f"- Server: `kuntur serve`'s {r0.get('processes', 1)} processes (one per core) on "
        "127.0.0.1 (the same uvicorn call), fresh store "
        "with the synthetic scenario (incidents below); clients: closed loop, no think time, "
        "each with its own user and bearer token and one keep-alive connection, plain "
        "HTTP/1.1 from the benchmark's process (the same 2 cores as the server)",
        "- Mix: 80 % reads (incident list of 50, half in one district; map layer, half the "
        "page's opening view (Lima, last 30 days), half a zoomed box; `/api/auth/me`; the "
        "dispatch queue), 20 % audited writes (`POST /api/incidents`); 10 s timeout",
        "- Baseline: the same mix from 1 client against the same server, just before",
        "- PostgreSQL: `VACUUM ANALYZE` after the seed, as autovacuum does within a minute of "
        "a bulk load",
        "- Written by the same hand as the server: an upper bound (loopback, no TLS, no "
        "proxy, synthetic users who never think)",
        "",
        "| backend | clients | requests | throughput | p50 | p95 | p99 | errors | p95 vs 1 "
        "client | goal | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        s, m = r["solo"], r["many"]
        ok = not m["errors"] and m["p95_ms"] < P95_GOAL_MS
        for label, x in (("1", s), (str(r["clients"]), m)):
            lines.append(
                f"| {r['backend']} ({r['incidents']:,} incidents) | {label} | "
                f"{x['requests']:,} | {x['rps']:.0f}/s | {_ms(x['p50_ms'])} | "
                f"{_ms(x['p95_ms'])} | {_ms(x['p99_ms'])} | {_errors(x['errors'])} | "
                + (
                    f"{m['p95_ms'] / s['p95_ms']:.1f}x | 0 errors, p95 < {P95_GOAL_MS:.0f} ms | "
                    f"{'meets' if ok else 'MISSES'} |"
                    if x is m
                    else "| | |"
                )
            )
    lines += ["", "p95 by request type under load (ms):", ""]
    ops = [op for op, _ in MIX]
    lines += ["| backend | " + " | ".join(ops) + " |", "|---" * (len(ops) + 1) + "|"]
    for r in results:
        by = r["many"]["by_op_p95_ms"]
        cells = " | ".join(f"{by.get(op, float('nan')):.0f}" for op in ops)
        lines.append(f"| {r['backend']} | {cells} |")
    notes = [
        f"{r['backend']}: {r['server_tracebacks']} tracebacks in the server log"
        + (f", {r['server_locked']} 'database is locked'" if r["server_locked"] else "")
        for r in results
    ]
    scale = [
        f"{r['backend']} {r['many']['rps'] / r['solo']['rps']:.2f}x"
        for r in results
        if r["solo"]["rps"]
    ]
    lines += [
        "",
        f"Throughput with {r0.get('clients')} clients against 1 client: "
        + ", ".join(scale)
        + ". In a closed loop the median wait is about clients / throughput (Little's law): "
        "once the server is saturated, more clients only lengthen the queue.",
        "",
        "Server log: " + "; ".join(notes) + ".",
        "",
    ]
    return lines


def figures(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The load figures as run.Result fields (for --json and bench-compare)."""
    out: list[dict[str, Any]] = []
    for r in results:
        s, m, b = r["solo"], r["many"], r["backend"]
        n = r["clients"]
        out += [
            {
                "name": f"Load p95, {n} clients ({b})",
                "value": m["p95_ms"],
                "unit": "ms p95",
                "target": P95_GOAL_MS,
                "higher_is_better": False,
                "detail": f"p50 {m['p50_ms']:.0f}, p99 {m['p99_ms']:.0f}; errors: "
                f"{_errors(m['errors'])}",
                "key": f"load.p95.{b}",
                "baseline": "1 client",
                "baseline_value": s["p95_ms"],
                "vs_baseline": m["p95_ms"] / s["p95_ms"] if s["p95_ms"] else None,
            },
            {
                "name": f"Load throughput, {n} clients ({b})",
                "value": m["rps"],
                "unit": "requests/s",
                "target": 0,
                "higher_is_better": True,
                "detail": f"{m['requests']:,} requests",
                "key": f"load.rps.{b}",
                "baseline": "1 client",
                "baseline_value": s["rps"],
                "vs_baseline": m["rps"] / s["rps"] if s["rps"] else None,
            },
            {
                "name": f"Load errors, {n} clients ({b})",
                "value": float(sum(m["errors"].values())),
                "unit": "errors",
                "target": 0,
                "higher_is_better": False,
                "detail": _errors(m["errors"]),
                "key": f"load.errors.{b}",
            },
        ]
    return out


def run(
    machine: str,
    backends: list[str],
    fresh_store: Any,
    drop_store: Any,
    out: Path,
    *,
    clients: int = 50,
    seconds: float = 60.0,
    solo_seconds: float = 20.0,
    days: int = 90,
) -> tuple[list[dict[str, Any]], list[str]]:
    results = []
    for backend in backends:
        engine, url = fresh_store(backend)
        try:
            r = run_backend(
                backend,
                engine,
                url,
                out / f"var-load-{backend}",
                clients=clients,
                seconds=seconds,
                solo_seconds=solo_seconds,
                days=days,
            )
        finally:
            drop_store(engine, url)
        print(json.dumps(r))
        results.append(r)
    return figures(results), section(results, machine)
