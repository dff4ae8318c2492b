"""Database core: one code path for SQLite (embedded default) and PostgreSQL.

``Base`` carries a naming convention so Alembic migrations name constraints the
same way on both backends. ``UTCDateTime`` keeps every stored timestamp in UTC
and hands back aware datetimes, including on SQLite, which has no time zones.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import BigInteger, DateTime, Engine, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from kuntur.core.errors import NotFound
from kuntur.core.i18n import _
from kuntur.core.sqlite_turn import TurnConnection

Row = TypeVar("Row")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# SQLite only gives an auto-incrementing key to INTEGER PRIMARY KEY; PostgreSQL gets BIGINT.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Scoped:
    """Mixin for models whose rows belong to an agency (``owner_agency``) at a
    classification (``classification``): every query in a session bound to an actor sees
    only the rows that actor may read (``identity.actor``)."""

    owner_agency: Any
    classification: Any


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python; naive UTC on SQLite, timestamptz on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; convert with core.timeutil.to_utc")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the web server read while an import writes; NORMAL sync is safe with WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-262144")
    cur.close()


# PostgreSQL: no statement waits on a lock longer than this, and a transaction left open
# by a stuck client is ended; either fails one request with an error instead of letting
# every request behind it queue for good.
LOCK_TIMEOUT_MS = 10_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000
# Server requests only (imports and forecasts from the command line may run longer).
SERVER_STATEMENT_TIMEOUT_MS = 30_000


def _postgres_timeouts(statement_timeout_ms: int) -> Any:
    def apply(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
            cur.execute(
                f"SET idle_in_transaction_session_timeout = {IDLE_IN_TRANSACTION_TIMEOUT_MS}"
            )
            cur.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
        dbapi_conn.commit()

    return apply


def make_engine(url: str, *, statement_timeout_ms: int = 0) -> Engine:
    """An engine for ``url``; ``statement_timeout_ms`` (PostgreSQL, 0 = none) bounds
    every statement, for engines that serve requests."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        args: dict[str, Any] = {"check_same_thread": False}
        if path and path != ":memory:":
            args["factory"] = TurnConnection  # writers queue for their turn (sqlite_turn)
        engine = create_engine(url, connect_args=args)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_size=10, max_overflow=20)
    event.listen(engine, "connect", _postgres_timeouts(statement_timeout_ms))
    _ping_when_idle(engine)
    return engine


# A pooled connection unused this long is tried before it is handed out (SQLAlchemy's
# "pessimistic" disconnect handling, but only for idle connections).
PING_AFTER_IDLE_S = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Try a connection that sat in the pool for ``PING_AFTER_IDLE_S`` before handing it
    out; a dead one is replaced (DisconnectionError makes the pool reconnect). So a
    restarted database costs no request an error, as with ``pool_pre_ping``, which tried
    every connection: two round trips a request, under load about a twentieth of the
    server's time on PostgreSQL. A connection in steady use was alive a moment ago; if the
    database goes away while it is in use, that request fails either way, and the error
    makes the pool drop the connections made before it (SQLAlchemy's invalidation)."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _alive(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_S:
            return  # new, or back in the pool a moment ago
        try:
            engine.dialect.do_ping(dbapi_conn)
            if not dbapi_conn.autocommit:
                dbapi_conn.rollback()  # the ping began a transaction: hand it out clean
        except Exception as exc:
            raise DisconnectionError("a pooled connection to PostgreSQL is gone") from exc


_ENGINES: dict[tuple[str, int], Engine] = {}


def engine_for(url: str, *, statement_timeout_ms: int = 0) -> Engine:
    """One engine (one connection pool) per URL and timeout for the whole process."""
    key = (url, statement_timeout_ms)
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(url, statement_timeout_ms=statement_timeout_ms)
    return _ENGINES[key]


def dispose_engines() -> None:
    """Close every cached engine's connections (tests, and processes that fork)."""
    for key in list(_ENGINES):
        _ENGINES.pop(key).dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits together at the end, or rolls back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session


def get_or_404(db: Session, model: type[Row], key: Any, what: str) -> Row:
    """The row of ``model`` with primary key ``key``, or NotFound("<what> not found")."""
    row = db.get(model, key)
    if row is None:
        raise NotFound(_("{what}: no se encuentra", what=what))
    return row
