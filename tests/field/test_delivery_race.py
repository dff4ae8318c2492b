"""Two phones of one unit opening the same delivery row at once (issue 20): the second
waits for the first and takes its row, instead of failing on the unique key.

PostgreSQL only: there two transactions really write at once (SQLite lets one writer in
at a time, so the second never inserts before the first has committed)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.field import service
from kuntur.field.models import FieldDelivery
from kuntur.identity.actor import Actor
from tests.command.conftest import build_world

REF = 4242  # an assignment's id: the row names it, no key ties it


def test_two_phones_open_the_same_delivery_row_at_once(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("one writer at a time on SQLite: the race needs two concurrent writers")
    unit = build_world(engine).patrol
    first_inserted = threading.Event()
    errors: list[BaseException] = []
    ids: list[int] = []

    def phone(first: bool) -> None:
        try:
            with Session(engine) as db, db.begin():
                if not first:
                    first_inserted.wait(10)
                actor = Actor(db, RequestContext.system("test phone"))
                d = service._delivery(actor, unit, "dispatch", REF)
                d.received_at = d.received_at or utcnow()
                db.flush()
                ids.append(d.id)
                if first:
                    first_inserted.set()
                    time.sleep(0.5)  # the other phone's insert arrives while this one is open
        except BaseException as exc:  # the thread's failure is the test's
            errors.append(exc)

    threads = [threading.Thread(target=phone, args=(k == 0,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(ids) == 2 and ids[0] == ids[1]  # both phones hold the one row
    with Session(engine) as db:
        n = db.scalar(
            select(func.count()).select_from(FieldDelivery).where(FieldDelivery.ref_id == REF)
        )
    assert n == 1
