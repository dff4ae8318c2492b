"""A pooled PostgreSQL connection that died while idle is replaced, not handed out
(core.db._ping_when_idle), and one in steady use is not tried on every checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from kuntur.core import db as core_db
from tests.conftest import BACKENDS, PG_URL

pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS, reason="PostgreSQL only")


def _backend_pid(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_connection_killed_while_idle_costs_no_request(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = core_db.make_engine(PG_URL)
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        pid = _backend_pid(engine)  # the pool now holds this connection, idle
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(core_db, "PING_AFTER_IDLE_S", 0.0)  # it has been idle "long"
        assert _backend_pid(engine) != pid  # a new connection, and no error
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1  # autocommit still settable
    finally:
        engine.dispose()
        admin.dispose()


def test_a_connection_in_steady_use_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = core_db.make_engine(PG_URL)
    pings = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or True)
    try:
        for _ in range(5):
            _backend_pid(engine)
        assert pings == []  # back in the pool a moment ago each time
        monkeypatch.setattr(core_db, "PING_AFTER_IDLE_S", 0.0)
        _backend_pid(engine)
        assert len(pings) == 1
    finally:
        engine.dispose()
