"""SQLite writers take turns through the operating system's lock (core.sqlite_turn)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, text

from kuntur.core.db import make_engine


def _store(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'turn.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER UNIQUE)"))
    return engine


def test_a_writer_waits_for_the_turn_another_process_holds(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    fd = os.open(str(tmp_path / "turn.db.writer"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as another server process in its write transaction
    done = threading.Event()

    def write() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        done.set()

    t = threading.Thread(target=write)
    t.start()
    assert not done.wait(0.5)  # waiting for its turn, not writing past the other
    fcntl.flock(fd, fcntl.LOCK_UN)
    assert done.wait(5.0)
    t.join()
    os.close(fd)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 1
    engine.dispose()


def test_the_turn_lasts_to_the_commit_and_comes_back_after_an_error(tmp_path: Path) -> None:
    engine = _store(tmp_path)
    order: list[str] = []
    first_wrote = threading.Event()

    def first() -> None:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            first_wrote.set()
            time.sleep(0.3)  # the rest of its transaction
            order.append("first commits")

    def second() -> None:
        first_wrote.wait(5.0)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
            order.append("second wrote")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10.0)
    assert order == ["first commits", "second wrote"]
    # A write that fails (a duplicate) ends its transaction and gives the turn back: the
    # next writer goes on at once.
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    except Exception as exc:
        assert "UNIQUE" in str(exc)
    t0 = time.monotonic()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (3)"))
    assert time.monotonic() - t0 < 1.0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 3
    engine.dispose()


def test_a_savepoint_that_begins_the_transaction_takes_the_turn(tmp_path: Path) -> None:
    """A savepoint opened outside a transaction begins one in SQLite (pysqlite begins
    only before a write), and its reads take a snapshot: had another writer committed
    after them, the savepoint's first write would fail at once with "database is
    locked" (SQLite cannot retry a stale snapshot). So the savepoint waits for its turn
    and holds it, and the other writer goes after it."""
    engine = _store(tmp_path)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    other_done = threading.Event()

    def other_writer() -> None:
        with engine.begin() as conn:
            conn.execute(text("UPDATE t SET x = x + 10"))
        other_done.set()

    with engine.connect() as conn:
        with conn.begin_nested():  # SAVEPOINT as the transaction's first statement
            assert conn.execute(text("SELECT x FROM t")).scalar_one() == 1
            t = threading.Thread(target=other_writer)
            t.start()
            assert not other_done.wait(0.5)  # queued behind the savepoint's turn
            conn.execute(text("UPDATE t SET x = x + 1"))
        conn.commit()
    assert other_done.wait(5.0)
    t.join()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalar_one() == 12
    engine.dispose()
