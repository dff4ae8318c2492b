"""A busy post's queue (issue 17): this shift's screenings at the post with the hits still
waiting for a decision, oldest first, the counts, deciding from the list; another post's
and another shift's screenings stay out; the view is on record."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.border import service
from kuntur.border.models import Screening
from kuntur.core.timeutil import LIMA
from tests.border.conftest import WATCHLIST_CSV

POST = "Tumbes (Aguas Verdes)"


def _screen(officer: TestClient, name: str, post: str = POST, **kw: str) -> dict:
    r = officer.post("/api/border/screenings", json={"post": post, "name": name, **kw})
    assert r.status_code == 201, r.text
    return r.json()


def test_shift_bounds() -> None:
    at = datetime(2026, 12, 1, 23, 30, tzinfo=LIMA)
    assert service.shift_bounds(at) == (
        at.replace(hour=22, minute=0),
        at.replace(hour=22, minute=0) + timedelta(hours=8),
    )
    early = datetime(2026, 12, 2, 5, 59, tzinfo=LIMA)
    assert service.shift_bounds(early)[0] == datetime(2026, 12, 1, 22, 0, tzinfo=LIMA)
    assert service.shift_bounds(datetime(2026, 12, 2, 6, 0, tzinfo=LIMA))[0].hour == 6
    assert service.shift_bounds(datetime(2026, 12, 2, 14, 1, tzinfo=LIMA))[0].hour == 14


def test_queue_oldest_first_counts_and_decide_from_the_list(
    engine: Engine, officer: TestClient, commander: TestClient
) -> None:
    assert commander.post("/api/border/watchlist", json={"csv": WATCHLIST_CSV}).status_code == 201
    first = _screen(officer, "Jose Luis Quispe Mamani", birth_date="1985-03-12")
    second = _screen(
        officer, "Jorbis Hernandes Marcano", birth_date="1990", document_number="18765432"
    )
    _screen(officer, "Ana Nadie Ninguna")  # no hit
    _screen(officer, "Jose Luis Quispe Mamani", post="Desaguadero", birth_date="1985-03-12")
    old = _screen(officer, "Carlos Alberto Perez Garcia", birth_date="1966-07-21")
    with Session(engine) as db, db.begin():  # that one was screened in the shift before
        s = db.get(Screening, old["screening_id"])
        assert s is not None
        start, _ = service.shift_bounds()
        s.created_at = start - timedelta(minutes=5)
    q = officer.get("/api/border/queue", params={"post": POST})
    assert q.status_code == 200, q.text
    body = q.json()
    assert body["counts"] == {
        "screenings": 3,
        "with_hits": 2,
        "pending": 2,
        "cleared": 0,
        "confirmed": 0,
        "referred": 0,
    }
    assert [p["screening_id"] for p in body["pending"]] == [
        first["screening_id"],
        second["screening_id"],
    ]
    assert body["pending"][0]["watchlist_id"] == "W1"
    assert "Jose Luis Quispe Mamani" in body["pending"][0]["subject"]
    assert "apellido paterno igual" in body["pending"][0]["explanation"]
    # decide from the list: the hit leaves the queue, the counts follow
    hit = body["pending"][0]["hit_id"]
    r = officer.post(
        f"/api/border/hits/{hit}/decision", json={"outcome": "confirmed", "reason": "es él"}
    )
    assert r.status_code == 201, r.text
    body = officer.get("/api/border/queue", params={"post": POST}).json()
    assert [p["watchlist_id"] for p in body["pending"]] == ["W2"]
    assert body["counts"]["pending"] == 1 and body["counts"]["confirmed"] == 1
    with Session(engine) as db:
        n = db.scalar(select(func.count()).where(AuditEvent.type == "border.queue"))
        assert n == 2


def test_queue_needs_the_screening_permission(dispatcher: TestClient) -> None:
    assert dispatcher.get("/api/border/queue", params={"post": POST}).status_code == 403
