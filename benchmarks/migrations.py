"""Upgrades on a year of data (issue 21): each migration's time on a copy of a store with a
year of the demo's incidents, both stores.

- A fresh store at this release's head, seeded with 365 days of the synthetic Lima scenario
  (``demo.seed``: incidents, units, the audit log of it all).
- Stepped back to ``FROM`` (the downgrades of the newer migrations: their tables go, the
  year of incidents stays), then brought forward one migration at a time, each timed. The
  ones that touch the incidents (indexes, columns) are those a year of data slows down.
- For comparison, the whole chain on an empty store.
- Written by the same hand as the migrations: an upper bound (no concurrent load).
"""

from __future__ import annotations

import os
import time
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuntur.core import migrate

FROM = "0018"
DAYS = 365


def _chain(engine: Any, start: str) -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config(str(engine.url)))
    revs = [r.revision for r in script.walk_revisions(base=start, head="heads")]
    return list(reversed(revs))[1:]  # after ``start``, oldest first


def run_backend(backend: str, fresh_store: Any, drop_store: Any) -> dict[str, Any]:
    from kuntur.demo import service as demo
    from kuntur.incidents.models import Incident

    engine, url = fresh_store(backend)  # at head
    try:
        demo.seed(engine, days=DAYS, seed=7)
        with Session(engine) as db:
            incidents = int(db.scalar(select(func.count()).select_from(Incident)) or 0)
        migrate.downgrade(engine, FROM)
        steps = []
        for rev in _chain(engine, FROM):
            t0 = time.perf_counter()
            migrate.upgrade(engine, rev)
            steps.append((rev, time.perf_counter() - t0))
    finally:
        drop_store(engine, url)
    empty, empty_url = fresh_store(backend)
    try:
        migrate.downgrade(empty, "base")
        t0 = time.perf_counter()
        migrate.upgrade(empty)
        whole = time.perf_counter() - t0
    finally:
        drop_store(empty, empty_url)
    return {"backend": backend, "incidents": incidents, "steps": steps, "empty_chain": whole}


def run(machine: str, backends: list[str], fresh_store: Any, drop_store: Any) -> list[str]:
    results = [run_backend(b, fresh_store, drop_store) for b in backends]
    lines = [
        "## Upgrades: each migration on a year of data",
        "",
        machine,
        "- Command: `python -m benchmarks.run --suites migrations`",
        f"- Store: {DAYS} days of the synthetic Lima scenario (`demo.seed`), stepped back to "
        f"revision {FROM} and brought forward one migration at a time; each in one "
        "transaction (a failure leaves the store as it was: tests/test_migrations.py)",
        "- Written by the same hand as the migrations: an upper bound (no traffic during the "
        f"upgrade; load average {os.getloadavg()[0]:.1f} from other work on the machine)",
        "",
        "| revision | "
        + " | ".join(f"{r['backend']} ({r['incidents']:,} incidents)" for r in results)
        + " |",
        "|---|" + "---|" * len(results),
    ]
    for i, (rev, _) in enumerate(results[0]["steps"]):
        lines.append(
            f"| {rev} | " + " | ".join(f"{r['steps'][i][1]:.2f} s" for r in results) + " |"
        )
    lines.append(
        "| whole chain, empty store | "
        + " | ".join(f"{r['empty_chain']:.2f} s" for r in results)
        + " |"
    )
    return lines
