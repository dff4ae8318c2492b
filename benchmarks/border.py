"""Border benchmarks (issue 17): screening quality and speed, Kuntur next to the baseline
in the same run.

* Quality: the labelled set of the tests (``kuntur.border.bench``: 2,000 travellers, 20,000
  listed persons), precision / recall / F1 at the best threshold and at the default 0.5,
  for Kuntur and for the baseline (rapidfuzz token-set on names + a bonus for an agreeing
  birth date and document).
* Manifest: the 2,000 travellers against 20,000 entries through the service (index built
  from the store, every screening and hit written, the manifest audited), and through the
  command line end to end (``kuntur border screen``, a fresh process: start-up included).
  Travellers per second per core: one process on one core.
* API: ``POST /api/border/screenings`` against a list of ``entries`` (1,000,000 by
  default) in SQLite, one caller with a border officer's token, in process (ASGI): p50 and
  p95 per traveller, after the index is built (its build time reported apart).

OpenSanctions yente publishes about 4 matching requests per second per vCPU with its
logic-v2 algorithm; that figure is theirs, quoted, not measured here.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from kuntur.border import bench
from kuntur.border.matching import THRESHOLD, PersonIndex, Traveller

YENTE_PER_VCPU = 4.0  # OpenSanctions yente, logic-v2 (their published figure)
LATENCY_TARGET_MS = 50.0
MANIFEST_TARGET_S = 5.0


def _kuntur(idx: PersonIndex):  # type: ignore[no-untyped-def]
    def best(t: Traveller) -> tuple[str | None, float]:
        hits = idx.screen(t, threshold=0.0, limit=1)
        return (hits[0].entry_id, hits[0].score) if hits else (None, 0.0)

    return best


def quality() -> tuple[list[str], dict[str, float]]:
    people, idents = bench.watchlist(20_000)
    cases = bench.travellers(people, idents, 2_000)
    truths = [c.truth for c in cases]
    idx = PersonIndex(people)
    t0 = time.perf_counter()
    ours = bench.run(_kuntur(idx), cases)
    k_s = time.perf_counter() - t0
    base = bench.Baseline(people)
    t0 = time.perf_counter()
    theirs = bench.run(base.best, cases)
    b_s = time.perf_counter() - t0
    k, b = bench.best_threshold(ours, truths), bench.best_threshold(theirs, truths)
    k5 = bench.at_threshold(ours, truths, THRESHOLD)
    lines = [
        "| matcher | precision | recall | F1 | at threshold | travellers/s, 1 core, matching |",
        "|---|---|---|---|---|---|",
        f"| Kuntur (best threshold) | {k['precision']:.4f} | {k['recall']:.4f} | {k['f1']:.4f} | "
        f"{k['threshold']:.3f} | {len(cases) / k_s:,.0f} |",
        f"| Kuntur (default {THRESHOLD}) | {k5['precision']:.4f} | {k5['recall']:.4f} | "
        f"{k5['f1']:.4f} | {THRESHOLD} | |",
        f"| baseline: token-set + date/document bonus | {b['precision']:.4f} | "
        f"{b['recall']:.4f} | {b['f1']:.4f} | {b['threshold']:.3f} | {len(cases) / b_s:,.0f} |",
    ]
    return lines, {"kuntur_per_s": len(cases) / k_s, "baseline_per_s": len(cases) / b_s}


def _write_csvs(folder: Path, people: list[Any], cases: list[bench.Case]) -> tuple[Path, Path]:
    w, t = folder / "lista.csv", folder / "viajeros.csv"
    with w.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            ["id", "name", "aliases", "birth_date", "nationality", "document_number", "list"]
        )
        for p in people:
            out.writerow(
                [
                    p.id,
                    p.name,
                    ";".join(p.aliases),
                    p.birth.iso() if p.birth else "",
                    p.nationality or "",
                    p.document or "",
                    p.list,
                ]
            )
    with t.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "name", "birth_date", "nationality", "document_number"])
        for c in cases:
            x = c.traveller
            out.writerow(
                [
                    x.id,
                    x.name,
                    x.birth.iso() if x.birth else "",
                    x.nationality or "",
                    x.document or "",
                ]
            )
    return w, t


def _rows(people: list[Any]) -> list[dict[str, Any]]:
    from kuntur.core.timeutil import utcnow

    now = utcnow()
    return [
        {
            "entry_id": p.id,
            "kind": "person",
            "name": p.name,
            "aliases": ";".join(p.aliases),
            "birth_date": p.birth.iso() if p.birth else None,
            "nationality": p.nationality,
            "document_number": p.document,
            "source_list": p.list,
            "reason": "",
            "owner_agency": "PNP",
            "classification": 0,
            "imported_at": now,
            "imported_by": "bench",
        }
        for p in people
    ]


def _load(engine: Any, people: list[Any]) -> None:
    from kuntur.border.models import WatchlistEntry, WatchlistVersion
    from kuntur.core.timeutil import utcnow

    with Session(engine) as db, db.begin():
        for i in range(0, len(people), 20_000):
            db.execute(insert(WatchlistEntry), _rows(people[i : i + 20_000]))
        db.add(WatchlistVersion(id=1, version=1, changed_at=utcnow()))


def manifest(fresh_store: Any, drop_store: Any) -> list[str]:
    from kuntur.border import service
    from kuntur.identity.actor import system

    people, idents = bench.watchlist(20_000)
    cases = bench.travellers(people, idents, 2_000)
    engine, url = fresh_store("sqlite")
    try:
        _load(engine, people)
        service._INDEXES.clear()
        t0 = time.perf_counter()
        with Session(engine) as db, db.begin():
            service.screen_manifest(system(db, "bench"), [c.traveller for c in cases], post="bench")
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        with Session(engine) as db, db.begin():
            service.screen_manifest(system(db, "bench"), [c.traveller for c in cases], post="bench")
        warm = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            _w, t = _write_csvs(Path(tmp), people, cases)
            env = {**os.environ, "KUNTUR_DATABASE_URL": url, "KUNTUR_VAR_DIR": tmp}
            cmd = [
                sys.executable,
                "-c",
                "import sys; from kuntur.cli import main; sys.argv[0]='kuntur'; main()",
            ]
            t0 = time.perf_counter()
            subprocess.run(
                [*cmd, "border", "screen", str(t)], env=env, check=True, capture_output=True
            )
            cli = time.perf_counter() - t0
            t0 = time.perf_counter()
            subprocess.run([*cmd, "border", "--help"], env=env, check=True, capture_output=True)
            startup = time.perf_counter() - t0
    finally:
        drop_store(engine, url)
    n = len(cases)
    verdict = "meets" if cli < MANIFEST_TARGET_S else "misses"
    return [
        f"- Manifest, {n:,} travellers x 20,000 entries, SQLite, one process (one core):",
        f"  - service, index built from the store: {cold:.2f} s ({n / cold:,.0f} travellers/s); "
        f"index already built: {warm:.2f} s ({n / warm:,.0f} travellers/s)",
        f"  - `kuntur border screen` end to end in a fresh process: {cli:.2f} s "
        f"({n / cli:,.0f} travellers/s; {verdict} the {MANIFEST_TARGET_S:.0f} s target), of "
        f"which {startup:.2f} s is the command line's start-up (`kuntur border --help`)",
    ]


def api(
    fresh_store: Any, drop_store: Any, bench_token: Any, entries: int, samples: int
) -> list[str]:
    from fastapi.testclient import TestClient

    from kuntur.app import create_app
    from kuntur.border import service
    from kuntur.config import Settings

    t0 = time.perf_counter()
    people, idents = bench.watchlist(entries)
    cases = bench.travellers(people, idents, samples, seed=31)
    gen = time.perf_counter() - t0
    engine, url = fresh_store("sqlite")
    try:
        _load(engine, people)
        del people, idents
        token = bench_token(engine, "frontera_bench", ["border_officer"])
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(var_dir=Path(tmp), database_url=url, environment="test")
            service._INDEXES.clear()
            with TestClient(
                create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
            ) as c:
                t0 = time.perf_counter()
                r = c.post("/api/border/screenings", json={"post": "bench", "name": "Ana Poma"})
                assert r.status_code == 201, r.text
                build = time.perf_counter() - t0
                times = []
                for case in cases:
                    x = case.traveller
                    body = {
                        "post": "Desaguadero",
                        "name": x.name,
                        "birth_date": x.birth.iso() if x.birth else None,
                        "nationality": x.nationality,
                        "document_number": x.document,
                    }
                    t0 = time.perf_counter()
                    r = c.post("/api/border/screenings", json=body)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 201, r.text
    finally:
        drop_store(engine, url)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    verdict = "meets" if p95 < LATENCY_TARGET_MS else "misses"
    return [
        f"- API, `POST /api/border/screenings`, {entries:,} entries in SQLite, one caller in "
        f"process (ASGI, a border officer's token, authorization and audit included), "
        f"{samples} travellers (half listed):",
        f"  - p50 {p50:.1f} ms, p95 {p95:.1f} ms per traveller ({verdict} the "
        f"{LATENCY_TARGET_MS:.0f} ms target); {1000 / statistics.mean(times):,.0f} requests/s "
        f"on one core, against yente's published ~{YENTE_PER_VCPU:.0f}/s per vCPU",
        f"  - the index built on the first screening in {build:.1f} s "
        f"(list generated in {gen:.1f} s)",
    ]


def run(
    machine: str,
    fresh_store: Any,
    drop_store: Any,
    bench_token: Any,
    entries: int = 1_000_000,
    samples: int = 500,
) -> list[str]:
    q, speed = quality()
    lines = [
        "## Border: screening travellers against watchlists",
        "",
        machine,
        "- Labelled set: `kuntur.border.bench` (the tests' set): 2,000 travellers (1,000 listed,"
        " changed by format, order, dropped surname, nickname, spelling, date swapped or only"
        " the year, document typo or missing; 1,000 not: strangers, namesakes, relatives,"
        " swapped surnames) against 20,000 listed persons",
        "",
        *q,
        "",
        f"- Matching alone: Kuntur {speed['kuntur_per_s']:,.0f} travellers/s on one core, the "
        f"baseline {speed['baseline_per_s']:,.0f}/s; OpenSanctions yente publishes about "
        f"{YENTE_PER_VCPU:.0f} requests/s per vCPU with logic-v2 (quoted, not measured here)",
        *manifest(fresh_store, drop_store),
        *api(fresh_store, drop_store, bench_token, entries, samples),
        "",
    ]
    return lines
