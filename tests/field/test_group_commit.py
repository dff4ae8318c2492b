"""Group commit of position reports (field/batch.py), on both stores: many requests' reports
in one transaction, each applied and audited as its own officer's; one request that breaks
the shared transaction does not take the others with it; concurrent phones through the
API: every position stored once, every replay answered ``duplicate``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.timeutil import utcnow
from kuntur.field import batch, service
from kuntur.field.models import FieldDevice, FieldReport
from kuntur.identity.models import User, UserSession
from kuntur.identity.service import context_for
from tests.command.conftest import World
from tests.field.test_field_api import app_client, headers, sign_in, world  # noqa: F401


def _position(client_id: str, lon: float = -77.03) -> service.ReportIn:
    return service.ReportIn(client_id=client_id, kind="position", at=utcnow(), lon=lon, lat=-12.05)


def _job_parts(engine: Engine) -> tuple[Any, int, int]:
    """The signed-in phone's context, device and unit, as the request would have them."""
    with Session(engine) as db:
        dev = db.scalars(select(FieldDevice)).one()
        sess = db.get(UserSession, dev.session_id)
        user = db.get(User, sess.user_id) if sess else None
        assert sess is not None and user is not None
        return context_for(user, sess, request_id="prueba"), dev.id, dev.unit_id


def _commits(engine: Engine) -> list[int]:
    seen: list[int] = []
    event.listen(engine, "commit", lambda _conn: seen.append(1))
    return seen


def test_reports_of_several_requests_share_one_transaction(
    engine: Engine,
    world: World,  # noqa: F811
    app_client: TestClient,  # noqa: F811
) -> None:
    sign_in(app_client)
    ctx, device_id, unit_id = _job_parts(engine)
    batcher = batch.PositionBatcher(engine)
    try:
        jobs = [
            batch.Job(ctx, device_id, unit_id, [_position(f"lote-{i}", -77.03 + i / 1000)])
            for i in range(5)
        ]
        jobs.append(batch.Job(ctx, device_id, unit_id, [_position("lote-0")]))  # a replay
        commits = _commits(engine)
        batcher._write(jobs)  # what the worker does with the requests it found waiting
        answers = [j.done.result(timeout=5) for j in jobs]
    finally:
        batcher.close()
    assert len(commits) == 1
    assert [a[0]["outcome"] for a in answers] == ["applied"] * 5 + ["duplicate"]
    with Session(engine) as db:
        stored = db.scalar(select(func.count()).select_from(FieldReport))
        audited = list(
            db.scalars(select(AuditEvent.actor).where(AuditEvent.type == "unit.positions"))
        )
    assert stored == 5
    assert audited == ["user:agente"] * 5  # one event per report, by its officer


def test_one_failing_request_leaves_the_others_applied(
    engine: Engine,
    world: World,  # noqa: F811
    app_client: TestClient,  # noqa: F811
) -> None:
    sign_in(app_client)
    ctx, device_id, unit_id = _job_parts(engine)
    batcher = batch.PositionBatcher(engine)
    try:
        good = batch.Job(ctx, device_id, unit_id, [_position("bien-1")])
        broken = batch.Job(ctx, device_id + 999, unit_id, [_position("mal-1")])  # no device
        later = batch.Job(ctx, device_id, unit_id, [_position("bien-2")])
        batcher._write([good, broken, later])
        assert good.done.result(timeout=5)[0]["outcome"] == "applied"
        assert later.done.result(timeout=5)[0]["outcome"] == "applied"
        assert broken.done.exception(timeout=5) is not None
    finally:
        batcher.close()
    with Session(engine) as db:
        ids = set(db.scalars(select(FieldReport.client_id)))
    assert ids == {"bien-1", "bien-2"}


def test_concurrent_phones_every_position_once(
    engine: Engine,
    world: World,  # noqa: F811
    app_client: TestClient,  # noqa: F811
) -> None:
    signed = sign_in(app_client)
    h = headers(signed["token"])

    def send(i: int) -> str:
        item = {
            "client_id": f"concurrente-{i % 30}",  # 30 positions, 10 of them sent twice at once
            "kind": "position",
            "lon": -77.03 + (i % 30) / 1000,
            "lat": -12.05,
            "at": utcnow().isoformat(),
        }
        r = app_client.post("/api/field/reports", json={"items": [item]}, headers=h)
        assert r.status_code == 200, r.text
        return str(r.json()["results"][0]["outcome"])

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(send, range(40)))
    assert outcomes.count("applied") == 30 and outcomes.count("duplicate") == 10
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(FieldReport)) == 30
        assert db.scalar(select(func.count()).where(AuditEvent.type == "unit.positions")) == 30
