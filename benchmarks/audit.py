"""Audit log benchmarks (the accountability issue's targets).

* bulk append: events/s through ``audit.service.append`` in batches of 1,000;
  target at least 10,000/s.
* audited vs unaudited API writes: POST /api/incidents side by side in one run,
  alternating; target at most 2 ms more at p95.
* inclusion proof on a 10,000,000-event log: p95 of ``inclusion_proof`` at random
  indices; target under 10 ms. The tree's nodes are written straight into the
  store (20 million rows), since appending ten million events through the API is
  not what is being measured.
* ``audit verify`` over 1,000,000 events; target under 30 s.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, text, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit import keys, merkle, service
from kuntur.audit.models import AuditHead, AuditNode
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.db import make_engine
from kuntur.incidents.manifest import INCIDENT_CREATED

CTX = RequestContext(actor="user:bench", agency="PNP", request_id="bench")


def p95(xs: list[float]) -> float:
    return float(np.percentile(xs, 95))


def bulk_append(engine: Engine, total: int, batch: int = 1000) -> float:
    start = time.perf_counter()
    for first in range(0, total, batch):
        with Session(engine) as db, db.begin():
            service.append(
                db,
                [
                    service.entry_for(
                        CTX,
                        INCIDENT_CREATED,
                        object_type="incident",
                        object_id=str(first + i),
                        details={"category": "theft"},
                    )
                    for i in range(batch)
                ],
            )
    return total / (time.perf_counter() - start)


def verify_seconds(engine: Engine, key_path: Path) -> tuple[float, dict[str, Any]]:
    key = keys.signing_key(key_path, "test")
    with Session(engine) as db, db.begin():
        service.create_checkpoint(db, CTX, key)
    start = time.perf_counter()
    with Session(engine) as db:
        result = service.verify(db, keys.public_bytes(key))
    return time.perf_counter() - start, result.as_dict()


def audited_write_overhead(
    engine: Engine, url: str, var: Path, n: int = 600
) -> tuple[list[float], list[float]]:
    """p95 of POST /api/incidents with the audit record and with it switched off,
    alternating request by request so both see the same machine."""
    from benchmarks.run import bench_token

    token = bench_token(engine, "bench_writer", ["dispatcher"])
    client = TestClient(
        create_app(Settings(var_dir=var, database_url=url, environment="test"), engine),
        headers={"Authorization": f"Bearer {token}"},
    )
    body = {
        "source": "emergency_call",
        "category": "theft",
        "occurred_at": "2026-11-20T21:15:00",
        "latitude": -12.0464,
        "longitude": -77.03,
    }
    real_record = service.record
    audited: list[float] = []
    plain: list[float] = []
    for i in range(n * 2):
        with_audit = i % 2 == 0
        service.record = real_record if with_audit else (lambda *a, **k: None)
        start = time.perf_counter()
        r = client.post("/api/incidents", json=body)
        (audited if with_audit else plain).append((time.perf_counter() - start) * 1000)
        assert r.status_code == 201, r.text
    service.record = real_record
    client.close()
    return audited[10:], plain[10:]  # the first requests warm caches


def build_big_tree(engine: Engine, leaves: int, chunk: int = 200_000) -> None:
    """Write the nodes of a ``leaves``-leaf tree straight into the store."""
    level_hashes: list[bytes] = []
    with engine.begin() as conn:
        for first in range(0, leaves, chunk):
            hashes = [
                hashlib.sha256(b"\x00" + i.to_bytes(8, "big")).digest()
                for i in range(first, min(first + chunk, leaves))
            ]
            conn.execute(
                insert(AuditNode),
                [{"level": 0, "idx": first + k, "hash": h} for k, h in enumerate(hashes)],
            )
            level_hashes.extend(hashes)
        level, current = 0, level_hashes
        while len(current) > 1:
            parents = [
                merkle.node_hash(current[i], current[i + 1]) for i in range(0, len(current) - 1, 2)
            ]
            level += 1
            for first in range(0, len(parents), chunk):
                conn.execute(
                    insert(AuditNode),
                    [
                        {"level": level, "idx": first + k, "hash": h}
                        for k, h in enumerate(parents[first : first + chunk])
                    ],
                )
            current = parents
        conn.execute(update(AuditHead).where(AuditHead.id == 1).values(size=leaves))


def proof_times(engine: Engine, leaves: int, n: int = 200) -> list[float]:
    rng = np.random.default_rng(3)
    times = []
    with Session(engine) as db:
        _, root = service.root(db, leaves)
        for index in rng.integers(0, leaves, n).tolist():
            start = time.perf_counter()
            size, leaf, proof = service.inclusion_proof(db, index, leaves)
            times.append((time.perf_counter() - start) * 1000)
            merkle.verify_inclusion(index, size, leaf, proof, root)  # outside the timing
    return times


def sqlite_engine(path: Path) -> tuple[Engine, str]:
    from kuntur.core import migrate

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine, url


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in (
            "audit_countersignatures",
            "audit_checkpoints",
            "audit_nodes",
            "audit_events",
        ):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("UPDATE audit_head SET size = 0"))
