"""TAK feed benchmark (issue 19): 200 subscribed devices, 2,000 moving units, delivery time
from a position's report to its arrival on the devices (target: p95 under 1 s).

- Store: a fresh one per backend with 2,000 units (inserted in bulk: the set-up, not what
  is measured) and the migration's agencies.
- Feed: ``kuntur exchange tak serve --tcp-port P --tcp-agency PNP`` in its own process,
  as in production; it follows the event bus (PostgreSQL LISTEN, or the SQLite relay).
- Movement: another process reports every unit's position every ``period_s`` through
  ``command.report_positions`` (the API's own service: audited, announced on commit), in
  batches of 50; each report carries no time of its own, so the unit's CoT ``time`` is
  the moment the store took the report.
- Devices: 200 plain TCP connections in this process, reading everything; the delay of a
  unit event is its arrival time minus its CoT ``time`` (same clock), counted for reports
  made after the 10 s warm-up, on every tenth unit.
- Written by the same hand as the feed: an upper bound (loopback, no TLS, devices that
  read as fast as they can).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from benchmarks.data import patrol_car_row

DEVICES = 200
UNITS = 2000
BATCH = 50
TARGET_P95_MS = 1000.0
WARM_UP_S = 10.0
SERVE_ARGS = ("exchange", "tak", "serve", "--tcp-port", "0", "--tcp-agency", "PNP")
# The delay is read off every tenth unit (ids ending in 0): parsing all 80,000 events a
# second in the devices' own process would measure the benchmark's Python, not the feed.
# Every event is still received and counted.
EVENT = re.compile(rb'uid="kuntur-unit-\d*0"[^>]*? time="([0-9T:.\-]+)Z"')


def seed_units(engine: Engine, n: int) -> list[str]:
    """A command node and ``n`` PNP patrol cars around Lima, with positions."""
    from kuntur.command import service as command
    from kuntur.command.models import Unit
    from kuntur.core.context import RequestContext
    from kuntur.core.timeutil import utcnow
    from kuntur.identity import service as identity
    from kuntur.identity.actor import Actor

    signs = [f"PNP-B-{i:04d}" for i in range(n)]
    with Session(engine) as db, db.begin():
        identity.ensure_agencies(db)
        db.flush()
        tree = command.create_tree(
            Actor(db, RequestContext.system("bench")),
            [("lima", "Frente Lima", "PNP", "front", None, None)],
        )
        now = utcnow()
        rows = [patrol_car_row(i, s, tree["lima"].id, now, now) for i, s in enumerate(signs)]
        db.execute(insert(Unit), rows)
    return signs


def _move(url: str, signs: list[str], period_s: float, seconds: float) -> None:
    """Every unit reports a new position every ``period_s``, in batches (own process)."""
    from kuntur import domains
    from kuntur.command import service as command
    from kuntur.core.context import RequestContext
    from kuntur.core.db import make_engine
    from kuntur.identity.actor import Actor

    domains.load()  # a fresh (spawned) process: every domain's tables and wiring
    engine = make_engine(url)
    batches = [signs[i : i + BATCH] for i in range(0, len(signs), BATCH)]
    gap = period_s / len(batches)
    stop = time.monotonic() + seconds
    k = 0
    while time.monotonic() < stop:
        began = time.monotonic()
        batch = batches[k % len(batches)]
        step = (k // len(batches)) % 20 * 0.0001
        with Session(engine) as db, db.begin():
            command.report_positions(
                Actor(db, RequestContext.system("bench movement")),
                [(s, -77.03 + step + j * 1e-5, -12.05 - step, None) for j, s in enumerate(batch)],
            )
        k += 1
        time.sleep(max(0.0, gap - (time.monotonic() - began)))
    engine.dispose()


async def _device(port: int, delays: list[float], counts: list[int], stop_at: float) -> bool:
    """One device: read until ``stop_at``; True if it stayed connected throughout."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    tail = b""
    alive = True
    # The warm-up: 200 devices connecting at once each receive the whole picture (2,000
    # units: about 140 MB in all) before the first report can reach them.
    measure_from = time.time() + WARM_UP_S
    try:
        while (left := stop_at - time.time()) > 0:
            try:
                data = await asyncio.wait_for(reader.read(1 << 17), left)
            except TimeoutError:
                break
            if not data:
                alive = False
                break
            now = time.time()
            buf = tail + data
            cut = buf.rfind(b"</event>") + len(b"</event>")
            tail = buf[cut:] if cut >= len(b"</event>") else buf
            for m in EVENT.finditer(buf, 0, cut):
                sent = datetime.fromisoformat(m.group(1).decode()).replace(tzinfo=UTC)
                t = sent.timestamp()
                if t >= measure_from:
                    delays.append((now - t) * 1000)
            counts[0] += buf.count(b"</event>", 0, cut)
    finally:
        writer.close()
    return alive


async def _devices(port: int, seconds: float) -> tuple[list[float], int, int]:
    delays: list[float] = []
    counts = [0]
    stop_at = time.time() + seconds
    alive = await asyncio.gather(*(_device(port, delays, counts, stop_at) for _ in range(DEVICES)))
    return delays, counts[0], sum(alive)


def _serve(url: str, var: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = {**os.environ, "KUNTUR_DATABASE_URL": url, "KUNTUR_VAR_DIR": str(var)}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "kuntur"), *SERVE_ARGS],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()  # "Canal TAK escuchando en 127.0.0.1: [port] / ..."
    found = re.search(r"\[(\d+)\]", line)
    if not found:
        proc.kill()
        raise RuntimeError(f"the TAK feed did not start: {line!r}")
    return proc, int(found.group(1))


def run_backend(
    backend: str, engine: Engine, url: str, out: Path, seconds: float, period_s: float
) -> dict[str, Any]:
    signs = seed_units(engine, UNITS)
    proc, port = _serve(url, out / f"var-tak-{backend}")
    mover = mp.get_context("spawn").Process(target=_move, args=(url, signs, period_s, seconds + 2))
    try:
        mover.start()
        delays, events, alive = asyncio.run(_devices(port, seconds))
    finally:
        mover.join(timeout=30)
        proc.terminate()
        proc.wait(timeout=15)
    delays.sort()

    def q(p: float) -> float:
        return delays[min(len(delays) - 1, int(p * len(delays)))] if delays else float("nan")

    return {
        "backend": backend,
        "samples": len(delays),
        "events": events,
        "alive": alive,
        "p50": statistics.median(delays) if delays else float("nan"),
        "p95": q(0.95),
        "p99": q(0.99),
        "max": delays[-1] if delays else float("nan"),
        "per_second": events / seconds,
    }


def run(
    machine: str,
    backends: list[str],
    fresh_store: Any,
    drop_store: Any,
    out: Path,
    seconds: float = 40.0,
    period_s: float = 5.0,
) -> list[str]:
    results = []
    load_before = os.getloadavg()[0]
    for backend in backends:
        engine, url = fresh_store(backend)
        try:
            results.append(run_backend(backend, engine, url, out, seconds, period_s))
        finally:
            drop_store(engine, url)
        print(results[-1])
    lines = [
        "## TAK feed: Cursor-on-Target to subscribed devices",
        "",
        machine,
        f"- Command: `python -m benchmarks.run --suites tak` ({seconds:.0f} s per store)",
        f"- {DEVICES} devices on plain TCP (one agency), {UNITS:,} units, each reporting a new "
        f"position every {period_s:.0f} s through `command.report_positions` in batches of "
        f"{BATCH} ({UNITS / period_s:,.0f} positions/s, {DEVICES * UNITS / period_s:,.0f} unit "
        "events/s to deliver); the feed (`kuntur exchange tak serve`), the movement and the "
        "devices each in their own process on the same 2 cores",
        "- Delay: a unit event's arrival on a device minus its CoT time (the moment the store "
        f"took the report), after a {WARM_UP_S:.0f} s warm-up (every device first receives the "
        "whole picture: about 140 MB for 200 devices), read off every tenth unit on every device "
        "(all events are received and counted)",
        "- Written by the same hand as the feed: an upper bound (loopback, no TLS, devices "
        "that read as fast as they can)",
        f"- Load average (1 min) before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f}"
        " (other work on the machine shares the 2 cores)",
        "",
        "| backend | delivered events/s | samples | p50 | p95 | p99 | max | devices connected "
        "at the end | target | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        verdict = "meets" if r["p95"] < TARGET_P95_MS and r["alive"] == DEVICES else "MISSES"
        lines.append(
            f"| {r['backend']} | {r['per_second']:,.0f} | {r['samples']:,} | "
            f"{r['p50']:.0f} ms | {r['p95']:.0f} ms | {r['p99']:.0f} ms | {r['max']:.0f} ms | "
            f"{r['alive']} of {DEVICES} | p95 < {TARGET_P95_MS:.0f} ms | {verdict} |"
        )
    lines += [
        "",
        "SQLite has no notifications: the feed hears other processes' commits by polling the "
        "store's event table every 0.2 s (the same relay the web processes use), which is "
        "part of its delay; PostgreSQL delivers them with LISTEN/NOTIFY.",
    ]
    return lines
