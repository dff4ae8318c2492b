"""SQLite writers take turns through a lock of the operating system, not SQLite's sleeps.

SQLite lets one writer at a time into a file. A writer that finds the lock taken sleeps
and tries again (1, 2, 5, 10 ... 100 ms), and one that has slept a while keeps losing the
lock to writers that have just arrived: with `kuntur serve`'s two processes taking 200
position reports a second from the field app, most reports waited a few milliseconds and
a few waited seconds (report p95 1.6 s with a median of 30 ms). Here each connection
takes its turn before its transaction's first write: a lock on ``<file>.writer`` (an
``flock``, which the processes and threads of this machine queue for) held until the
commit or rollback, when SQLite's own lock is released too. Only the waiting changes:
SQLite still decides, and a writer that cannot have its turn within ``busy_timeout``
goes on without it, as before.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from typing import Any

WRITES = ("insert", "update", "delete", "replace")  # what makes pysqlite begin a transaction
# A savepoint outside a transaction begins one in SQLite itself, and the reads after it
# hold a snapshot: a write of another connection committed meanwhile would make this
# transaction's first write fail at once ("database is locked": SQLite cannot retry a
# stale snapshot, so busy_timeout does not help). Savepoints are how Kuntur writes part of
# a batch, so the savepoint takes the turn, and holds it to the end of the transaction.
BEGINS = ("savepoint",)
POLL_S = 0.0005  # between tries for another process's turn
TIMEOUT_S = 30.0  # as the connection's busy_timeout

# One turn per file in this process, so that its threads wait in line on a lock of their
# own, and one flock per file shared with the other processes.
_PROCESS_TURN: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def _turn_for(path: str) -> threading.Lock:
    with _GUARD:
        return _PROCESS_TURN.setdefault(path, threading.Lock())


class TurnConnection(sqlite3.Connection):
    """A pysqlite connection that takes the file's write turn (see the module)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._path = os.path.abspath(database)
        self._fd: int | None = None
        self._holding = False

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory or TurnCursor)

    def take_turn(self) -> None:
        if self._holding:
            return
        turn = _turn_for(self._path)
        if not turn.acquire(timeout=TIMEOUT_S):
            return  # no turn in time: SQLite's own waiting decides, as before
        if self._fd is None:
            self._fd = os.open(self._path + ".writer", os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    turn.release()
                    return
                time.sleep(POLL_S)
        self._holding = True

    def end_turn(self) -> None:
        if not self._holding:
            return
        self._holding = False
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        _turn_for(self._path).release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.end_turn()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_turn()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.end_turn()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None


def _writes(sql: str) -> bool:
    head = sql.lstrip()[:9].lower()
    if head.startswith(WRITES + BEGINS):
        return True
    # A common table expression that writes (``WITH ... INSERT``).
    return head.startswith("with") and any(f" {w} " in sql.lower() for w in WRITES)


class TurnCursor(sqlite3.Cursor):
    """Takes its connection's turn before the statement that begins a write (or a
    savepoint: see ``BEGINS``)."""

    def _before(self, sql: str) -> None:
        conn = self.connection
        if isinstance(conn, TurnConnection) and not conn.in_transaction and _writes(sql):
            conn.take_turn()

    def _after(self) -> None:
        conn = self.connection
        if isinstance(conn, TurnConnection) and not conn.in_transaction:
            conn.end_turn()  # nothing began (an error, or autocommit): nothing to hold

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:  # type: ignore[override]
        self._before(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self._after()

    def executemany(self, sql: str, seq: Any, /) -> sqlite3.Cursor:  # type: ignore[override]
        self._before(sql)
        try:
            return super().executemany(sql, seq)
        finally:
            self._after()
