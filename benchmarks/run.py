"""Run the benchmarks and write docs/benchmarks.md (``make bench``).

Foundation (``benchmarks/foundation.py``): the CSV import end to end into SQLite and
PostgreSQL next to a raw bulk load of the same rows, and the map layer through the
HTTP API next to the same SQL run bare, paired in one run. Load (``benchmarks/load.py``):
the real server under 50 concurrent clients next to one client. Other suites: audit,
dispatch, intelligence, forecast, patrol, patrol_calibrated, border, results, tak,
field (``benchmarks/field.py``: 2,000 phones on the field app), migrations.

Usage: python -m benchmarks.run [--rows N] [--runs R] [--backends sqlite,postgresql]
       [--suites foundation,load,...] [--json FILE] [--no-doc]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from benchmarks import foundation as fd
from benchmarks.data import write_csv
from kuntur.core import migrate
from kuntur.core.context import RequestContext
from kuntur.core.db import make_engine

OUT = Path(__file__).parent / "out"
DOC = Path(__file__).parent.parent / "docs" / "benchmarks.md"
PG_URL = os.environ.get(
    "KUNTUR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
LIMA_VIEW = fd.LIMA_VIEW
IMPORT_TARGET = 50_000
WIDE_TARGET_MS = 300
ZOOM_TARGET_MS = 100
IMPORT_VS_RAW = 0.5  # the importer at least half as fast as a raw bulk load of its rows
LAYER_VS_BARE = 1.5  # the API at most 1.5x the time of its own SQL


@dataclass
class Result:
    name: str
    value: float
    unit: str
    target: float
    higher_is_better: bool
    detail: str
    key: str = ""  # stable id for bench-compare and --json
    baseline: str | None = None  # what the figure is measured against in the same run
    baseline_value: float | None = None
    vs_baseline: float | None = None  # value / baseline_value (same unit)
    baseline_target: float | None = None
    baseline_detail: str = ""
    median: float | None = None
    median_vs_baseline: float | None = None
    cpu_median: float | None = None  # ms of this process's CPU per request (median)

    @property
    def ratio(self) -> float:
        if self.higher_is_better:
            return self.value / self.target if self.target else math.inf
        return self.target / self.value if self.value else math.inf

    @property
    def verdict(self) -> str:
        return "meets" if self.ratio >= 1 else "MISSES"

    @property
    def baseline_verdict(self) -> str:
        if self.vs_baseline is None or self.baseline_target is None:
            return ""
        ok = (
            self.vs_baseline >= self.baseline_target
            if self.higher_is_better
            else self.vs_baseline <= self.baseline_target
        )
        return "meets" if ok else "MISSES"


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


def run_foundation(backend: str, csv_path: Path, rows: int, runs: int, wide_n: int) -> list[Result]:
    imp, engine, url = fd.bench_import(
        backend, csv_path, rows, runs, fresh_store, drop_store, OUT / "rejects"
    )
    # A dispatcher of the PNP with clearance 1: agency and clearance filters both apply.
    token = bench_token(engine, "bench_dispatcher", ["dispatcher"], clearance=1)
    layers = fd.bench_layers(backend, engine, url, OUT, token, wide_n=wide_n)
    drop_store(engine, url)
    results = [
        Result(
            f"Import {rows:,}-row CSV ({backend})",
            imp.best,
            "rows/s",
            IMPORT_TARGET,
            True,
            f"best of {runs}: " + ", ".join(f"{r:,.0f}" for r in imp.product_rates),
            key=f"import.{backend}",
            baseline="raw bulk load",
            baseline_value=imp.raw_best,
            vs_baseline=imp.ratio,
            baseline_target=IMPORT_VS_RAW,
            baseline_detail="raw best of "
            + f"{runs}: "
            + ", ".join(f"{r:,.0f}" for r in imp.raw_rates)
            + "; paired ratios "
            + ", ".join(f"{x:.2f}" for x in imp.paired),
        )
    ]
    names = {
        "wide": ("Lima-wide H3 layer, all time", WIDE_TARGET_MS),
        "wide_month": ("Lima-wide H3 layer, last month", WIDE_TARGET_MS),
        "wide_geojson": ("Lima-wide H3 layer as GeoJSON", WIDE_TARGET_MS),
        "zoom": ("Zoomed points, 50 places", ZOOM_TARGET_MS),
    }
    for key, t in layers.items():
        title, target = names[key]
        s = t.summary()
        results.append(
            Result(
                f"{title} ({backend})",
                s["p95_ms"],
                "ms p95",
                target,
                False,
                f"median {s['median_ms']:.0f} ms, CPU {s['cpu_median_ms']:.0f} ms, n={s['n']}",
                key=f"{key}.{backend}",
                baseline="bare SQL",
                baseline_value=s["bare_p95_ms"],
                vs_baseline=s["ratio_p95"],
                baseline_target=LAYER_VS_BARE,
                baseline_detail=f"bare median {s['bare_median_ms']:.0f} ms, p95 "
                f"{s['bare_p95_ms']:.0f} ms; median ratio {s['ratio_median']:.2f}",
                median=s["median_ms"],
                median_vs_baseline=s["ratio_median"],
                cpu_median=s["cpu_median_ms"],
            )
        )
    return results


HEADER = [
    "# Benchmarks",
    "",
    "Targets come from the issues; every figure is measured by `make bench` (`python -m",
    "benchmarks.run`; flags choose the suites and sizes, see the README). These 2-core",
    "machines are shared and noisy: one figure moves up to 2x from one run to the next. So",
    "the foundation and load figures each stand next to a baseline measured in the same run",
    "(the store's own limit for the import and the map layer, one client for the load), and",
    "the ratio is what to read; the absolute figures hold for this machine at that hour. Each",
    "section names the commit it measured. In the other suites' tables, ratio = value/target",
    "(higher is better; 1.0 = on target). To see what a change does before it lands: `make",
    "bench-compare REF=<commit>` (below).",
    "",
    "A benchmark written by the same hand as the code is an upper bound: it measures what its",
    "author thought of, on the author's data, warm, from one machine. Read these figures as",
    "the best a user can expect, not as what every user gets.",
    "",
]
WRITE_DOC = True  # --no-doc (bench-compare) leaves docs/benchmarks.md alone


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


def baseline_table(results: list[Result]) -> list[str]:
    """Each figure next to its baseline measured in the same run, and the absolute target."""
    lines = [
        "| benchmark | result | baseline, same run | vs baseline | aim | verdict "
        "| target | verdict | detail |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        cmp = ">=" if r.higher_is_better else "<"
        vs = f"{r.vs_baseline:.2f}" if r.vs_baseline is not None else ""
        aim = (
            f"{'>=' if r.higher_is_better else '<='} {r.baseline_target:.1f}"
            if r.baseline_target is not None
            else ""
        )
        base = f"{r.baseline}: {r.baseline_value:,.1f}" if r.baseline_value is not None else ""
        lines.append(
            f"| {r.name} | {r.value:,.1f} {r.unit} | {base} | {vs} | {aim} | "
            f"{r.baseline_verdict} | {cmp} {r.target:,.0f} | {r.verdict} | "
            f"{r.detail}; {r.baseline_detail} |"
        )
    return lines


_COMMIT: str | None = None


def commit_line() -> str:
    """The commit measured (and whether the tree had changes on top of it), as it was when
    this run started: editing files while it runs does not change what it measured."""
    global _COMMIT
    if _COMMIT is None:
        _COMMIT = _commit_now()
    return _COMMIT


def _commit_now() -> str:
    import subprocess

    root = Path(__file__).parent.parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "src", "benchmarks"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {sha}" + (" with uncommitted changes" if dirty else "")


def machine(started: datetime) -> str:
    return (
        f"- Run: {started:%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}), {commit_line()}"
    )


def write_section(name: str, lines: list[str]) -> None:
    """Replace one suite's section in docs/benchmarks.md, keeping the others."""
    import re

    if not WRITE_DOC:
        return
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


def write_doc(results: list[Result], rows: int, runs: int, wide_n: int, started: datetime) -> None:
    mb = (OUT / f"incidents_{rows}.csv").stat().st_size / 1e6
    write_section(
        "foundation",
        [
            "## Foundation: import and map layer",
            "",
            machine(started),
            f"- Command: `python -m benchmarks.run --suites foundation --rows {rows} "
            f"--runs {runs} --wide-n {wide_n}` (what `make bench` runs)",
            f"- Data: {rows:,} synthetic incidents in Lima (`benchmarks/data.py`, seed 1): "
            f"ISO times, Spanish labels, ids; {mb:.0f} MB CSV",
            "- Import: `import_file` end to end in-process (read, validate, geocode district + "
            "H3, store) into a fresh store; baseline: a raw bulk load of the very rows it "
            "stored (pre-built tuples; `executemany` on SQLite, `COPY` on PostgreSQL) into a "
            "fresh store, same table, same indexes (dropped and rebuilt), statistics refreshed; "
            f"the two alternate, {runs} runs each; best of each, ratio = importer / raw",
            "- Map layer: through the HTTP API in-process (FastAPI TestClient with the app's "
            f"startup, JSON included) with the {rows:,} incidents stored (one year); each "
            "request is followed by its bare SQL: the statements it sent, captured while it "
            "ran, replayed on a DBAPI connection (no HTTP, ORM or JSON). Lima-wide = bbox "
            f"{LIMA_VIEW} (H3 res 8), all time and last month, compact encoding (the map "
            f"page's) and GeoJSON, {wide_n} rounds interleaved; zoomed = 0.04 x 0.03 degree "
            "boxes at 50 random places (at most 2,000 points, the most recent). Ratio = "
            "API p95 / bare p95 (median ratio in the detail)",
            "- Written by the same hand as the code: an upper bound on what a user gets "
            "(a warm server, one client, the author's own data)",
            "",
            *baseline_table(results),
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
                key=f"audit.append.{backend}",
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
                key=f"audit.write_overhead.{backend}",
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
            key="audit.verify.sqlite",
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
            key="audit.proof.sqlite",
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
    global WRITE_DOC
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wide-n", type=int, default=30, help="rounds of the Lima-wide views")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--suites",
        default=(
            "foundation,load,audit,forecast,dispatch,intelligence,patrol,patrol_calibrated,"
            "border,results,tak,field,migrations"
        ),
    )
    parser.add_argument("--proof-leaves", type=int, default=10_000_000)
    parser.add_argument("--verify-events", type=int, default=1_000_000)
    parser.add_argument("--load-clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--load-solo-seconds", type=float, default=20.0)
    parser.add_argument("--load-days", type=int, default=90, help="demo days seeded for load")
    parser.add_argument(
        "--border-entries", type=int, default=1_000_000, help="watchlist size for the API"
    )
    parser.add_argument(
        "--field-phones", default="2000", help="field app phones (sizes, comma-separated)"
    )
    parser.add_argument(
        "--field-streams", type=int, default=2000, help="of them, with the live stream open"
    )
    parser.add_argument("--field-seconds", type=float, default=60.0)
    parser.add_argument("--field-baseline-seconds", type=float, default=20.0)
    parser.add_argument("--json", type=Path, help="also write every figure here (bench-compare)")
    parser.add_argument("--no-doc", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args()
    WRITE_DOC = not args.no_doc
    started = datetime.now(UTC)
    commit_line()  # what is measured: the tree as it is now
    OUT.mkdir(exist_ok=True)
    import kuntur

    print(f"kuntur from {Path(kuntur.__file__).parent}")
    expect = os.environ.get("KUNTUR_BENCH_EXPECT_SRC")
    if expect and not Path(kuntur.__file__).resolve().is_relative_to(Path(expect).resolve()):
        raise SystemExit(f"kuntur imported from {kuntur.__file__}, expected under {expect}")
    results: list[Result] = []
    suites = args.suites.split(",")
    backends = args.backends.split(",")
    if "foundation" in suites:
        csv_path = OUT / f"incidents_{args.rows}.csv"
        if not csv_path.exists():
            write_csv(csv_path, args.rows)
        fd.prewarm_geography()
        foundation: list[Result] = []
        for backend in backends:
            foundation += run_foundation(backend, csv_path, args.rows, args.runs, args.wide_n)
        write_doc(foundation, args.rows, args.runs, args.wide_n, started)
        results += foundation
    if "load" in suites:
        from benchmarks import load

        figures, lines = load.run(
            machine(started),
            backends,
            fresh_store,
            drop_store,
            OUT,
            clients=args.load_clients,
            seconds=args.load_seconds,
            solo_seconds=args.load_solo_seconds,
            days=args.load_days,
        )
        write_section("load", lines)
        print("\n".join(lines))
        results += [Result(**f) for f in figures]
    if "audit" in suites:
        results += run_audit(backends, args.proof_leaves, args.verify_events, started)
    if "dispatch" in suites:
        from benchmarks import dispatch

        lines = dispatch.run(machine(started), backends, fresh_store, drop_store, OUT)
        write_section("dispatch", lines)
        print("\n".join(lines))
    if "intelligence" in suites:
        from benchmarks import intelligence

        lines = intelligence.run(machine(started))
        write_section("intelligence", lines)
        print("\n".join(lines))
    if "patrol" in suites:
        from benchmarks import patrol

        lines = patrol.run(machine(started))
        write_section("patrol", lines)
        print("\n".join(lines))
    if "patrol_calibrated" in suites:
        from benchmarks import patrol

        lines = patrol.run_calibrated(machine(started))
        write_section("patrol_calibrated", lines)
        print("\n".join(lines))
    if "border" in suites:
        from benchmarks import border

        lines = border.run(
            machine(started), fresh_store, drop_store, bench_token, entries=args.border_entries
        )
        write_section("border", lines)
        print("\n".join(lines))
    if "tak" in suites:
        from benchmarks import tak

        lines = tak.run(machine(started), backends, fresh_store, drop_store, OUT)
        write_section("tak", lines)
        print("\n".join(lines))
    if "field" in suites:
        from benchmarks import field

        lines = field.run(
            machine(started),
            backends,
            fresh_store,
            drop_store,
            OUT,
            phones=tuple(int(n) for n in args.field_phones.split(",")),
            streams=args.field_streams,
            baseline_s=args.field_baseline_seconds,
            seconds=args.field_seconds,
        )
        write_section("field", lines)
        print("\n".join(lines))
    if "results" in suites:
        from benchmarks import results as results_bench

        lines = results_bench.run(machine(started))
        write_section("results", lines)
        print("\n".join(lines))
    if "migrations" in suites:
        from benchmarks import migrations

        lines = migrations.run(machine(started), backends, fresh_store, drop_store)
        write_section("migrations", lines)
        print("\n".join(lines))
    if "forecast" in suites:
        from benchmarks import forecast

        lines, _raw = forecast.run(started, machine(started))
        write_section("forecast", lines)
        print("\n".join(lines))
    for r in results:
        vs = (
            f"; {r.vs_baseline:.2f}x {r.baseline} ({r.baseline_verdict} {r.baseline_target})"
            if r.vs_baseline is not None
            else ""
        )
        print(
            f"{r.name}: {r.value:,.1f} {r.unit} (target {r.target:,.0f}; "
            f"ratio {r.ratio:.2f}, {r.verdict}{vs}) — {r.detail}"
        )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1))
    if WRITE_DOC:
        print(f"written {DOC}")


if __name__ == "__main__":
    main()
