"""Foundation benchmarks, each figure next to the store's own limit measured in the same run.

* Import: ``import_file`` end to end (read, validate, geocode district + H3, store) into a
  fresh store, against a raw bulk load of the very rows it stored (pre-built tuples:
  ``executemany`` on SQLite, ``COPY`` on PostgreSQL) into the same table with the same
  indexes (dropped, loaded, rebuilt; statistics refreshed, as the importer does). The
  two alternate run by run.
* Map layer: each request through the HTTP API (in-process, JSON included) against the
  same SQL run directly on a DBAPI connection right after it (every statement the request
  issued, captured while it ran: token lookup, sharing rules, the aggregate; no HTTP, no
  ORM, no JSON). The ratio is what the product adds to its own queries.

The machine is noisy (2 shared cores): ratios are paired within one run; best-of for
throughput, median and p95 for latency. A benchmark written by the hand that wrote the
code is an upper bound on what a user sees: it measures what its author thought of.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, event

LIMA_VIEW = "-77.40,-12.52,-76.62,-11.56"  # the whole metropolis at zoom 11


@dataclass
class Timings:
    """Latencies in ms of a product path and of its bare baseline, paired."""

    product: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    # CPU time of this process during each request (all its threads): steadier than wall
    # time on a shared machine; on PostgreSQL the server's own CPU is not in it.
    product_cpu: list[float] = field(default_factory=list)

    @staticmethod
    def p95(xs: list[float]) -> float:
        return float(np.percentile(xs, 95))

    def summary(self) -> dict[str, float]:
        return {
            "median_ms": statistics.median(self.product),
            "p95_ms": self.p95(self.product),
            "bare_median_ms": statistics.median(self.bare),
            "bare_p95_ms": self.p95(self.bare),
            "ratio_median": statistics.median(self.product) / statistics.median(self.bare),
            "ratio_p95": self.p95(self.product) / self.p95(self.bare),
            "cpu_median_ms": statistics.median(self.product_cpu),
            "n": len(self.product),
        }


# --- import -----------------------------------------------------------------------------


def prewarm_geography() -> None:
    """Build both point-in-polygon indexes once, as a running server has them.

    The benchmark's points fall in Lima/Callao and, a few, elsewhere in Peru (which
    needs the national index: about 1 s to build, once per process; a one-off
    ``kuntur incidents import`` pays it)."""
    from kuntur.geography import service as geo

    geo.locate([-77.03, -75.0], [-12.05, -10.0])


def product_import(engine: Engine, csv_path: Path, rejects: Path) -> tuple[float, int]:
    """Seconds and rows stored for ``import_file`` into ``engine``."""
    from kuntur.core.context import RequestContext
    from kuntur.incidents.importing.normalise import ColumnMapping
    from kuntur.incidents.importing.service import import_file

    start = time.perf_counter()
    result = import_file(
        engine,
        csv_path,
        ctx=RequestContext.system("bench"),
        mapping=ColumnMapping(),
        rejects_dir=rejects,
    )
    return time.perf_counter() - start, result.imported


@dataclass
class StoredRows:
    """What an import stored, as the driver hands it back: the raw load's input."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    batch_columns: list[str]
    batches: list[tuple[Any, ...]]


def dump_rows(engine: Engine) -> StoredRows:
    from kuntur.incidents.importing.store import COLUMNS

    with engine.connect() as conn:
        rows = [
            tuple(r)
            for r in conn.exec_driver_sql(f"SELECT {','.join(COLUMNS)} FROM incidents ORDER BY id")
        ]
        result = conn.exec_driver_sql("SELECT * FROM import_batches")
        batch_columns = list(result.keys())
        batches = [tuple(r) for r in result]
    return StoredRows(list(COLUMNS), rows, batch_columns, batches)


def raw_load(engine: Engine, data: StoredRows) -> float:
    """Seconds to bulk-load ``data`` the plainest way the store allows, ending where the
    importer ends: same table, same indexes (secondary ones dropped and rebuilt, as the
    importer does for large batches), fresh planner statistics."""
    from sqlalchemy import Table

    from kuntur.incidents.models import Incident

    dialect = engine.dialect.name
    table: Table = Incident.__table__  # type: ignore[assignment]
    secondary = [ix for ix in table.indexes if not ix.unique]
    cols = ",".join(data.columns)
    with engine.begin() as conn:  # the batch rows the incidents point at (not timed)
        marks = ",".join(["?" if dialect == "sqlite" else "%s"] * len(data.batch_columns))
        raw = conn.connection.driver_connection
        assert raw is not None
        cur = raw.cursor()
        cur.executemany(
            f"INSERT INTO import_batches ({','.join(data.batch_columns)}) VALUES ({marks})",
            data.batches,
        )
        cur.close()
    start = time.perf_counter()
    with engine.begin() as conn:
        for ix in secondary:
            ix.drop(conn)
        raw = conn.connection.driver_connection
        assert raw is not None
        if dialect == "sqlite":
            cur = raw.cursor()
            cur.executemany(
                f"INSERT INTO incidents ({cols}) VALUES ({','.join('?' * len(data.columns))})",
                data.rows,
            )
            cur.close()
        else:
            with raw.cursor() as pcur, pcur.copy(f"COPY incidents ({cols}) FROM STDIN") as copy:
                for row in data.rows:
                    copy.write_row(row)
        for ix in secondary:
            ix.create(conn)
        if dialect == "sqlite":
            conn.exec_driver_sql("ANALYZE incidents")
    if dialect == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE incidents")
    return time.perf_counter() - start


@dataclass
class ImportFigures:
    product_rates: list[float]
    raw_rates: list[float]

    @property
    def best(self) -> float:
        return max(self.product_rates)

    @property
    def raw_best(self) -> float:
        return max(self.raw_rates)

    @property
    def ratio(self) -> float:
        return self.best / self.raw_best

    @property
    def paired(self) -> list[float]:
        return [p / r for p, r in zip(self.product_rates, self.raw_rates, strict=True)]


def bench_import(
    backend: str,
    csv_path: Path,
    rows: int,
    runs: int,
    fresh_store: Callable[[str], tuple[Engine, str]],
    drop_store: Callable[[Engine, str], None],
    rejects: Path,
) -> tuple[ImportFigures, Engine, str]:
    """Product import and raw load alternating (P R, R P, P R, ...); keeps the last
    product store for the queries."""
    figures = ImportFigures([], [])
    data: StoredRows | None = None
    kept: tuple[Engine, str] | None = None
    for i in range(runs):
        order = ["product", "raw"] if i % 2 == 0 or data is None else ["raw", "product"]
        for what in order:
            engine, url = fresh_store(backend)
            if what == "product":
                seconds, stored = product_import(engine, csv_path, rejects)
                assert stored == rows, f"stored {stored} of {rows}"
                figures.product_rates.append(rows / seconds)
                if data is None:
                    data = dump_rows(engine)
                if kept:
                    drop_store(*kept)
                kept = (engine, url)
            else:
                assert data is not None
                figures.raw_rates.append(rows / raw_load(engine, data))
                drop_store(engine, url)
        print(
            f"  {backend} import run {i + 1}: product {figures.product_rates[-1]:,.0f} rows/s, "
            f"raw load {figures.raw_rates[-1]:,.0f} rows/s"
        )
    assert kept is not None
    return figures, kept[0], kept[1]


# --- map layer --------------------------------------------------------------------------


class StatementTap:
    """Records every statement (with its parameters) sent on ``engine`` while active."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[tuple[str, Any]] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._before)

    def _before(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if self.active:
            self.statements.append((statement, params))

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, Any]]]:
        self.statements = []
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)


class BareRunner:
    """Replays captured statements on one DBAPI connection: the database's own time."""

    def __init__(self, engine: Engine) -> None:
        self.conn = engine.raw_connection()

    def run(self, statements: list[tuple[str, Any]]) -> float:
        start = time.perf_counter()
        cur = self.conn.cursor()
        for sql, params in statements:
            if sql.strip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT")):
                continue
            cur.execute(sql, params)
            if cur.description is not None:
                cur.fetchall()
        cur.close()
        self.conn.rollback()  # read-only work: nothing to keep
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.conn.close()


def bench_layers(
    backend: str, engine: Engine, url: str, out: Path, token: str, wide_n: int = 30
) -> dict[str, Timings]:
    """Wide layers and zoomed points through the API, each paired with its bare SQL."""
    from fastapi.testclient import TestClient

    from kuntur.app import create_app
    from kuntur.config import Settings

    # The layer's own work against its bare SQL: the server's one-second cache of wide
    # layers (incidents/layer_cache.py) off, or a repeat within the second would be
    # answered without any SQL to compare it with.
    settings = Settings(var_dir=out, database_url=url, environment="test", map_cells_cache_s=0)
    tap = StatementTap(engine)
    bare = BareRunner(engine)
    results: dict[str, Timings] = {}
    # As a context manager the client runs the app's startup, as a served app does.
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as client:

        def pair(path: str, into: Timings) -> None:
            with tap.recording() as statements:
                cpu, start = time.process_time(), time.perf_counter()
                r = client.get(path)
                into.product.append((time.perf_counter() - start) * 1000)
                into.product_cpu.append((time.process_time() - cpu) * 1000)
            assert r.status_code == 200, r.text
            into.bare.append(bare.run(statements))

        layer = "/api/incidents/map?format=compact&bbox="
        views = {
            "wide": layer + LIMA_VIEW,
            "wide_month": layer + LIMA_VIEW + "&start=2025-12-01",
            "wide_geojson": f"/api/incidents/map?bbox={LIMA_VIEW}",
        }
        for path in views.values():  # warm caches once, as a running server would be
            pair(path, Timings())
        for name in views:
            results[name] = Timings()
        for _ in range(wide_n):  # interleaved, so that a noisy moment hits all three
            for name, path in views.items():
                pair(path, results[name])
        rng = np.random.default_rng(1)
        lats = rng.normal(-12.05, 0.09, 50)
        lons = rng.normal(-77.03, 0.06, 50)
        zoom = results["zoom"] = Timings()
        for la, lo in zip(lats, lons, strict=True):
            pair(f"{layer}{lo - 0.02:.5f},{la - 0.015:.5f},{lo + 0.02:.5f},{la + 0.015:.5f}", zoom)
    bare.close()
    tap.close()
    for name, t in results.items():
        s = t.summary()
        print(
            f"  {backend} {name}: median {s['median_ms']:.0f} ms (bare {s['bare_median_ms']:.0f}), "
            f"p95 {s['p95_ms']:.0f} ms (bare {s['bare_p95_ms']:.0f})"
        )
    return results
