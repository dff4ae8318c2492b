"""Run the foundation benchmarks and write docs/benchmarks.md.

* Import a 1,000,000-row CSV end to end (read, validate, geocode to district and
  H3, store) into SQLite and into PostgreSQL: rows/s, median of ``--runs`` runs,
  each into a fresh store. Target: 50,000 rows/s.
* With those 1,000,000 incidents stored, through the HTTP API (in-process
  client, JSON included): the Lima-wide H3 map layer (target p95 < 300 ms) and
  zoomed point queries at 50 random places (target p95 < 100 ms).

Usage: python -m benchmarks.run [--rows N] [--runs R] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from benchmarks.data import write_csv
from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.core import migrate
from kuntur.core.context import RequestContext
from kuntur.core.db import make_engine
from kuntur.geography import service as geo
from kuntur.incidents.importing.normalise import ColumnMapping
from kuntur.incidents.importing.service import import_file

OUT = Path(__file__).parent / "out"
DOC = Path(__file__).parent.parent / "docs" / "benchmarks.md"
PG_URL = os.environ.get(
    "KUNTUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LIMA_VIEW = "-77.40,-12.52,-76.62,-11.56"  # the whole metropolis at zoom 11
IMPORT_TARGET = 50_000
WIDE_TARGET_MS = 300
ZOOM_TARGET_MS = 100


@dataclass
class Result:
    name: str
    value: float
    unit: str
    target: float
    higher_is_better: bool
    detail: str

    @property
    def ratio(self) -> float:
        return self.value / self.target if self.higher_is_better else self.target / self.value

    @property
    def verdict(self) -> str:
        return "meets" if self.ratio >= 1 else "MISSES"


def fresh_store(backend: str) -> tuple[Engine, str]:
    if backend == "sqlite":
        path = OUT / f"bench-{uuid.uuid4().hex[:6]}.db"
        url = f"sqlite:///{path}"
    else:
        schema = f"kuntur_bench_{uuid.uuid4().hex[:6]}"
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        admin.dispose()
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    return engine, url


def drop_store(engine: Engine, url: str) -> None:
    engine.dispose()
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.split("///", 1)[1] + suffix).unlink(missing_ok=True)
    else:
        schema = url.rsplit("%3D", 1)[1]
        admin = make_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_import(backend: str, csv_path: Path, rows: int, runs: int) -> tuple[Result, Engine, str]:
    rates = []
    kept: tuple[Engine, str] | None = None
    for i in range(runs):
        engine, url = fresh_store(backend)
        start = time.perf_counter()
        result = import_file(
            engine,
            csv_path,
            ctx=RequestContext.system("bench"),
            mapping=ColumnMapping(),
            rejects_dir=OUT / "rejects",
        )
        seconds = time.perf_counter() - start
        assert result.imported == rows, result.summary()
        rates.append(rows / seconds)
        print(f"  {backend} import run {i + 1}: {seconds:.1f} s, {rows / seconds:,.0f} rows/s")
        if i == runs - 1:
            kept = (engine, url)
        else:
            drop_store(engine, url)
    assert kept is not None
    return (
        Result(
            f"Import 1M-row CSV into {backend}",
            statistics.median(rates),
            "rows/s",
            IMPORT_TARGET,
            True,
            f"median of {runs} runs: " + ", ".join(f"{r:,.0f}" for r in rates),
        ),
        kept[0],
        kept[1],
    )


def bench_token(engine: Engine, username: str, roles: list[str], clearance: int = 0) -> str:
    """A user and API token for measuring the API as a real caller would (authz included)."""
    from sqlalchemy.orm import Session

    from kuntur.identity import service as identity

    with Session(engine, expire_on_commit=False) as db, db.begin():
        user, _ = identity.create_user(
            db,
            RequestContext.system("bench"),
            username=username,
            password="bench-password-1",
            display_name=username,
            agency="PNP",
            roles=roles,
            clearance=clearance,
        )
        token, _ = identity.open_session(db, user, "api")
    return token


def bench_queries(backend: str, engine: Engine, url: str) -> list[Result]:
    settings = Settings(var_dir=OUT, database_url=url, environment="test")
    # A dispatcher of the PNP with clearance 1: agency and clearance filters both apply.
    token = bench_token(engine, "bench_dispatcher", ["dispatcher"], clearance=1)
    client = TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})

    def timed(path: str) -> float:
        start = time.perf_counter()
        r = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        assert r.status_code == 200, r.text
        return elapsed

    # The map page asks for the compact encoding; GIS clients for GeoJSON (measured too).
    layer = "/api/incidents/map?format=compact&bbox="
    timed(layer + LIMA_VIEW)  # warm caches once, as a running server would be
    wide = [timed(layer + LIMA_VIEW) for _ in range(20)]
    wide_month = [timed(layer + LIMA_VIEW + "&start=2025-12-01") for _ in range(20)]
    wide_geojson = [timed(f"/api/incidents/map?bbox={LIMA_VIEW}") for _ in range(10)]
    rng = np.random.default_rng(1)
    lats = rng.normal(-12.05, 0.09, 50)
    lons = rng.normal(-77.03, 0.06, 50)
    zoom = [
        timed(f"{layer}{lo - 0.02:.5f},{la - 0.015:.5f},{lo + 0.02:.5f},{la + 0.015:.5f}")
        for la, lo in zip(lats, lons, strict=True)
    ]
    client.close()

    def p95(xs: list[float]) -> float:
        return float(np.percentile(xs, 95))

    def describe(xs: list[float]) -> str:
        return f"median {statistics.median(xs):.0f} ms, p95 {p95(xs):.0f} ms, n={len(xs)}"

    return [
        Result(
            f"Lima-wide H3 layer, all time ({backend})",
            p95(wide),
            "ms p95",
            WIDE_TARGET_MS,
            False,
            describe(wide),
        ),
        Result(
            f"Lima-wide H3 layer, last month ({backend})",
            p95(wide_month),
            "ms p95",
            WIDE_TARGET_MS,
            False,
            describe(wide_month),
        ),
        Result(
            f"Lima-wide H3 layer as GeoJSON ({backend})",
            p95(wide_geojson),
            "ms p95",
            WIDE_TARGET_MS,
            False,
            describe(wide_geojson),
        ),
        Result(
            f"Zoomed points, 50 places ({backend})",
            p95(zoom),
            "ms p95",
            ZOOM_TARGET_MS,
            False,
            describe(zoom),
        ),
    ]


HEADER = [
    "# Benchmarks",
    "",
    "Targets come from the issues; each figure is measured by `make bench`",
    "(`python -m benchmarks.run`) and the ratio is value/target (higher is better;",
    "1.0 = exactly on target). These 2-core machines are noisy: medians and p95s.",
    "",
]


def table(results: list[Result]) -> list[str]:
    lines = [
        "| benchmark | result | target | ratio | verdict | detail |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        cmp = ">=" if r.higher_is_better else "<"
        lines.append(
            f"| {r.name} | {r.value:,.1f} {r.unit} | {cmp} {r.target:,.0f} | "
            f"{r.ratio:.2f} | {r.verdict} | {r.detail} |"
        )
    return lines


def machine(started: datetime) -> str:
    return (
        f"- Run: {started:%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()})"
    )


def write_section(name: str, lines: list[str]) -> None:
    """Replace one suite's section in docs/benchmarks.md, keeping the others."""
    import re

    start, end = f"<!-- suite:{name} -->", f"<!-- /suite:{name} -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "\n".join(HEADER) + "\n"
    block = "\n".join([start, *lines, end])
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        notes_at = text.find("## How the numbers were reached")
        text = (
            text[:notes_at] + block + "\n\n" + text[notes_at:]
            if notes_at >= 0
            else text.rstrip("\n") + "\n\n" + block + "\n"
        )
    if "## How the numbers were reached" not in text:
        text = text.rstrip("\n") + "\n" + _notes()
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def write_doc(results: list[Result], rows: int, runs: int, started: datetime) -> None:
    write_section(
        "foundation",
        [
            "## Foundation: import and map layer",
            "",
            machine(started),
            f"- Data: {rows:,} synthetic incidents in Lima (`benchmarks/data.py`, seed 1): "
            "ISO times, Spanish labels, ids; 60 MB CSV",
            "- Import: end to end in-process (read, validate, geocode district + H3, store), "
            f"fresh store per run, {runs} runs",
            "- Queries: through the HTTP API in-process (FastAPI TestClient, JSON included), "
            f"with the {rows:,} incidents stored (one year); Lima-wide = bbox {LIMA_VIEW} "
            "(H3 res 8), all time and last month, in the compact encoding the map page uses and "
            "as GeoJSON; zoomed = 0.04 x 0.03 degree boxes at 50 random places (points, at most "
            "2,000, the most recent, all time)",
            "",
            *table(results),
            "",
        ],
    )


def run_audit(
    backends: list[str], proof_leaves: int, verify_events: int, started: datetime
) -> list[Result]:
    from benchmarks import audit as ab

    results: list[Result] = []
    for backend in backends:
        engine, url = fresh_store(backend)
        rate = ab.bulk_append(engine, 100_000)
        results.append(
            Result(
                f"Audit bulk append ({backend})",
                rate,
                "events/s",
                10_000,
                True,
                "100,000 events in batches of 1,000",
            )
        )
        ab.clear(engine)
        audited, plain = ab.audited_write_overhead(engine, url, OUT)
        extra = ab.p95(audited) - ab.p95(plain)
        results.append(
            Result(
                f"Audited API write overhead ({backend})",
                max(extra, 0.01),
                "ms at p95",
                2,
                False,
                f"POST /api/incidents p95 {ab.p95(audited):.1f} ms audited vs "
                f"{ab.p95(plain):.1f} ms unaudited, alternating, n={len(audited)} each",
            )
        )
        drop_store(engine, url)
    # The two big ones on the embedded store (they need minutes and gigabytes, not two servers).
    engine, url = fresh_store("sqlite")
    ab.bulk_append(engine, verify_events, batch=10_000)
    seconds, report = ab.verify_seconds(engine, OUT / "bench-audit.key")
    assert report["ok"], report
    results.append(
        Result(
            f"audit verify over {verify_events:,} events (sqlite)",
            seconds,
            "s",
            30,
            False,
            f"size {report['size']:,}, ok",
        )
    )
    drop_store(engine, url)
    engine, url = fresh_store("sqlite")
    ab.build_big_tree(engine, proof_leaves)
    times = ab.proof_times(engine, proof_leaves)
    results.append(
        Result(
            f"Inclusion proof, {proof_leaves:,}-event log (sqlite)",
            ab.p95(times),
            "ms p95",
            10,
            False,
            f"median {ab.median(times):.2f} ms, n={len(times)}, verified",
        )
    )
    drop_store(engine, url)
    (OUT / "bench-audit.key").unlink(missing_ok=True)
    write_section(
        "audit",
        [
            "## Accountability: audit log",
            "",
            machine(started),
            "- Append: `audit.service.append` in batches; write overhead: POST /api/incidents "
            "through the API with and without its audit record, alternating in one run",
            "- Proof: the nodes of a synthetic tree written straight into SQLite, then "
            "`inclusion_proof` at 200 random indices (each proof verified outside the timing)",
            "",
            *table(results),
            "",
        ],
    )
    return results


def _notes() -> str:
    notes = DOC.parent / "benchmarks-notes.md"
    return "\n" + notes.read_text(encoding="utf-8") if notes.exists() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--suites", default="foundation,audit,forecast,dispatch,intelligence")
    parser.add_argument("--proof-leaves", type=int, default=10_000_000)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    args = parser.parse_args()
    started = datetime.now(UTC)
    OUT.mkdir(exist_ok=True)
    results: list[Result] = []
    suites = args.suites.split(",")
    if "foundation" in suites:
        csv_path = OUT / f"incidents_{args.rows}.csv"
        if not csv_path.exists():
            write_csv(csv_path, args.rows)
        geo.locate([-77.0], [-12.0])  # build the point index once, as a running server has
        foundation: list[Result] = []
        for backend in args.backends.split(","):
            result, engine, url = bench_import(backend, csv_path, args.rows, args.runs)
            foundation.append(result)
            foundation += bench_queries(backend, engine, url)
            drop_store(engine, url)
        write_doc(foundation, args.rows, args.runs, started)
        results += foundation
    if "audit" in suites:
        results += run_audit(
            args.backends.split(","), args.proof_leaves, args.verify_events, started
        )
    if "dispatch" in suites:
        from benchmarks import dispatch

        lines = dispatch.run(
            machine(started), args.backends.split(","), fresh_store, drop_store, OUT
        )
        write_section("dispatch", lines)
        print("\n".join(lines))
    if "intelligence" in suites:
        from benchmarks import intelligence

        lines = intelligence.run(machine(started))
        write_section("intelligence", lines)
        print("\n".join(lines))
    if "forecast" in suites:
        from benchmarks import forecast

        lines, _raw = forecast.run(started, machine(started))
        write_section("forecast", lines)
        print("\n".join(lines))
    for r in results:
        print(
            f"{r.name}: {r.value:,.1f} {r.unit} (target {r.target:,.0f}; "
            f"ratio {r.ratio:.2f}, {r.verdict}) — {r.detail}"
        )
    print(f"written {DOC}")


if __name__ == "__main__":
    main()
