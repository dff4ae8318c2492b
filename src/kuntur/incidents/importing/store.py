"""Write one import batch in one transaction: all of it, or none of it.

SQLite gets a single ``executemany`` of ``INSERT ... ON CONFLICT DO NOTHING``;
PostgreSQL gets ``COPY`` into a temporary table and one ``INSERT ... SELECT ...
ON CONFLICT DO NOTHING``. The unique ``dedup_key`` makes a second import of the
same rows add nothing; the difference between rows offered and rows stored is
the duplicate count.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, func, insert, select, update

from kuntur.audit import service as audit
from kuntur.core.context import RequestContext
from kuntur.core.registry import EventType
from kuntur.core.timeutil import utcnow
from kuntur.incidents.manifest import INCIDENTS_IMPORTED
from kuntur.incidents.models import ImportBatch, Incident

COLUMNS = [
    "source",
    "external_id",
    "dedup_key",
    "category",
    "category_label",
    "priority",
    "status",
    "occurred_at",
    "received_at",
    "latitude",
    "longitude",
    "h3_cell",
    "h3_r9",
    "district_ubigeo",
    "address",
    "narrative",
    "import_batch_id",
    "created_by",
]
CHUNK = 50_000
BULK_REBUILD_MIN = 100_000  # below this, rebuilding indexes costs more than it saves

Progress = Callable[[int], None]


def _timestamps(values: pd.Series, dialect: str) -> np.ndarray:
    """Text timestamps in the exact form each backend stores (UTC)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    text = np.datetime_as_string(values.to_numpy(dtype="datetime64[us]"), unit="us").astype("S26")
    # SQLAlchemy's SQLite DATETIME stores "YYYY-MM-DD HH:MM:SS.ffffff" and ranges compare
    # as text, so the ISO "T" must become a space: set byte 10 of every value in place.
    text.view(np.uint8).reshape(-1, 26)[:, 10] = ord(" ")
    if dialect == "postgresql":
        text = np.char.add(text, b"+00")
    return text.astype("U26" if dialect != "postgresql" else "U29").astype(object)


def build_rows(frame: pd.DataFrame, dialect: str) -> list[tuple[Any, ...]]:
    """Row tuples in COLUMNS order; constant columns are converted once, not per row."""
    cols: list[Any] = []
    for name in COLUMNS:
        series = frame[name]
        first = series.iloc[0] if len(series) else None
        constant = len(series) > 1 and name in _OFTEN_CONSTANT and bool((series == first).all())
        if constant:
            value = (
                _timestamps(series.iloc[:1], dialect)[0] if name == "received_at" else _plain(first)
            )
            cols.append(itertools.repeat(value, len(series)))
        elif name in ("occurred_at", "received_at"):
            cols.append(_timestamps(series, dialect).tolist())
        else:
            cols.append(series.tolist())
    return list(zip(*cols, strict=False))


_OFTEN_CONSTANT = {"source", "status", "received_at", "import_batch_id", "created_by"}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def create_batch(
    conn: Connection,
    *,
    file_name: str,
    file_sha256: str,
    dataset: str,
    options: dict[str, Any],
    actor: str,
) -> int:
    result = conn.execute(
        insert(ImportBatch)
        .values(
            file_name=file_name,
            file_sha256=file_sha256,
            dataset=dataset,
            options=json.dumps(options, sort_keys=True, default=str),
            started_at=utcnow(),
            actor=actor,
        )
        .returning(ImportBatch.id)
    )
    return int(result.scalar_one())


def finish_batch(
    conn: Connection,
    batch_id: int,
    *,
    rows_read: int,
    imported: int,
    rejected: int,
    duplicates: int,
) -> None:
    conn.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(
            finished_at=utcnow(),
            rows_read=rows_read,
            imported=imported,
            rejected=rejected,
            duplicates=duplicates,
        )
    )


def insert_incidents(
    conn: Connection, frame: pd.DataFrame, *, batch_id: int | None, progress: Progress | None = None
) -> int:
    """Insert ``frame`` (COLUMNS) as batch ``batch_id``, skipping known dedup keys.

    Returns how many rows were stored. A batch at least as large as the table
    is loaded the way databases prefer: secondary indexes dropped, rows
    appended, indexes rebuilt by sorting (DDL is transactional in both SQLite
    and PostgreSQL, so a failure restores them with everything else).
    """
    dialect = conn.dialect.name
    # Repeats inside the file never reach the database.
    frame = frame.loc[~frame["dedup_key"].duplicated()].assign(import_batch_id=batch_id)
    existing = int(conn.execute(select(func.count()).select_from(Incident)).scalar_one())
    if existing and dialect == "postgresql":
        frame = _drop_known_keys(conn, frame)
    rebuild = len(frame) >= max(BULK_REBUILD_MIN, existing)
    table = cast(Table, Incident.__table__)
    secondary = [ix for ix in table.indexes if not ix.unique]
    if rebuild:
        for ix in secondary:
            ix.drop(conn)
    stored = 0
    for start in range(0, len(frame), CHUNK):
        chunk = frame.iloc[start : start + CHUNK]
        rows = build_rows(chunk, dialect)
        stored += (
            _copy_postgres(conn, rows) if dialect == "postgresql" else _insert_sqlite(conn, rows)
        )
        if progress:
            progress(len(chunk))
    if rebuild:
        for ix in secondary:
            ix.create(conn)
        if dialect == "sqlite":
            conn.exec_driver_sql("ANALYZE incidents")  # fresh statistics for the planner
    return stored


def _insert_sqlite(conn: Connection, rows: list[tuple[Any, ...]]) -> int:
    raw = conn.connection.driver_connection
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.executemany(
            f"INSERT INTO incidents ({','.join(COLUMNS)}) VALUES ({','.join('?' * len(COLUMNS))}) "  # noqa: S608
            "ON CONFLICT (dedup_key) DO NOTHING",
            rows,
        )
        return int(cur.rowcount)  # rows actually inserted, conflicts excluded
    finally:
        cur.close()


def _drop_known_keys(conn: Connection, frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose dedup key is not stored yet (PostgreSQL: one COPY and one join)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS incoming_keys (k text) ON COMMIT DROP")
        cur.execute("TRUNCATE incoming_keys")
        with cur.copy("COPY incoming_keys (k) FROM STDIN") as copy:
            for key in frame["dedup_key"].tolist():
                copy.write_row((key,))
        cur.execute("SELECT k FROM incoming_keys JOIN incidents ON incidents.dedup_key = k")
        known = {row[0] for row in cur.fetchall()}
    return frame.loc[~frame["dedup_key"].isin(known)] if known else frame


def _copy_postgres(conn: Connection, rows: list[tuple[Any, ...]]) -> int:
    """COPY straight into the table: known keys were filtered out beforehand.

    If a concurrent import stored one of the same keys in the meantime, the
    unique index stops the COPY; that chunk then goes through a staging table
    and ``INSERT ... ON CONFLICT DO NOTHING`` instead (the slower, safe path).
    """
    import psycopg

    raw = conn.connection.driver_connection
    assert raw is not None
    cols = ",".join(COLUMNS)
    try:
        with raw.transaction(), raw.cursor() as cur:  # a savepoint inside our transaction
            with cur.copy(f"COPY incidents ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
    except psycopg.errors.UniqueViolation:
        pass
    with raw.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS incidents_stage "
            "(LIKE incidents INCLUDING DEFAULTS) ON COMMIT DROP"
        )
        cur.execute("TRUNCATE incidents_stage")
        with cur.copy(f"COPY incidents_stage ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(
            f"INSERT INTO incidents ({cols}) SELECT {cols} FROM incidents_stage "  # noqa: S608
            "ON CONFLICT (dedup_key) DO NOTHING"
        )
        return int(cur.rowcount)


def write_batch(
    engine: Engine,
    *,
    frame: pd.DataFrame,
    meta: dict[str, Any],
    rows_read: int,
    rejected: int,
    ctx: RequestContext,
    progress: Progress | None = None,
    event: EventType = INCIDENTS_IMPORTED,
) -> tuple[int, int, int]:
    """Store a validated frame as one batch; returns (batch_id, imported, duplicates).

    Everything happens in one transaction, the batch's audit event included: an
    error or an interruption (Ctrl-C) anywhere leaves neither the batch nor any of
    its incidents nor its audit event behind.
    """
    with engine.begin() as conn:
        batch_id = create_batch(conn, **meta)
        before = int(conn.execute(select(func.count()).select_from(Incident)).scalar_one())
        imported = insert_incidents(conn, frame, batch_id=batch_id, progress=progress)
        duplicates = len(frame) - imported
        finish_batch(
            conn,
            batch_id,
            rows_read=rows_read,
            imported=imported,
            rejected=rejected,
            duplicates=duplicates,
        )
        # One event per batch, not per row: it names the batch, whose rows are traceable.
        audit.append(
            conn,
            [
                audit.entry_for(
                    ctx,  # who, for which agency, under which request and purpose
                    event,
                    object_type="import_batch",
                    object_id=str(batch_id),
                    details={
                        "dataset": meta["dataset"],
                        "file_sha256": meta["file_sha256"],
                        "rows_read": rows_read,
                        "imported": imported,
                        "rejected": rejected,
                        "duplicates": duplicates,
                    },
                )
            ],
        )
    if engine.dialect.name == "postgresql" and imported >= max(BULK_REBUILD_MIN, before):
        # After a bulk load: statistics for the planner, and the visibility map that
        # lets the map layer's index-only scans skip the table. Cannot run in a transaction.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE incidents")
    return batch_id, imported, duplicates
