"""A border hit reaches its intelligence network through shared identifiers (issue 17):
an entry's phone (or the traveller's) that intelligence found in reports makes the hit say
that a link exists and whom to call; the network's name only for a reader with
``intel.read``, computed from what that reader may read; every linked hit on record."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from tests.intelligence.support import report, user_client

LIST = """id,name,aliases,birth_date,nationality,document_number,list,kind,value
P1,,,,,,requisitoria,phone,987 654 321
W1,José Luis Quispe Mamani,,1985-03-12,PE,41234567,requisitoria,,
W2,Rosa Calle Mayta,,1990-01-01,PE,40000001,interpol,,
"""


def _linked_events(engine: Engine) -> list[dict]:
    with Session(engine) as db:
        rows = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.type == "border.intel_linked")
            .order_by(AuditEvent.idx)  # the order they were recorded in
        )
        return [json.loads(e.details) for e in rows]


def test_a_hit_links_to_intelligence_through_a_shared_phone(
    engine: Engine, settings: Settings, officer: TestClient, commander: TestClient
) -> None:
    pnp = user_client(engine, settings, "comisario_pnp", ("dispatcher",))
    r1 = report(pnp, "Me llaman del 987 654 321 exigiendo S/ 5,000 por la bodega.")
    assert commander.post("/api/border/watchlist", json={"csv": LIST}).status_code == 201

    # the phone entry hit: linked, whom to call, but no network for a border officer
    r = officer.post(
        "/api/border/things", json={"post": "Desaguadero", "kind": "phone", "value": "987654321"}
    )
    assert r.status_code == 201, r.text
    hit = r.json()["hits"][0]
    assert hit["watchlist_id"] == "P1"
    assert hit["intel"]["linked"] is True and hit["intel"]["via"] == ["phone"]
    assert hit["intel"]["agencies"] == ["PNP"]
    assert "comuníquese con inteligencia de PNP" in hit["intel"]["contact"]
    assert hit["intel"]["networks"] is None
    assert f"N-{r1}" not in r.text

    # a person hit, the traveller carrying that phone: linked too; without it, not
    body = {"post": "Desaguadero", "name": "Jose Luis Quispe Mamani", "birth_date": "1985-03-12"}
    plain = officer.post("/api/border/screenings", json=body).json()["hits"][0]
    assert plain["watchlist_id"] == "W1" and plain["intel"] is None
    carried = officer.post("/api/border/screenings", json={**body, "phone": "+51 987-654-321"})
    assert carried.json()["hits"][0]["intel"]["via"] == ["phone"]

    # an analyst at the post (border officer and intelligence analyst) sees the network
    analyst = user_client(
        engine, settings, "analista_frontera", ("border_officer", "intel_analyst")
    )
    seen = analyst.post("/api/border/screenings", json={**body, "phone": "987654321"}).json()
    assert seen["hits"][0]["intel"]["networks"] == [f"N-{r1}"]

    events = _linked_events(engine)
    assert [e["networks_shown"] for e in events] == [False, False, True]
    assert all(e["via"] == ["phone"] for e in events)


def test_no_link_when_intelligence_does_not_know_the_identifier(
    engine: Engine, settings: Settings, officer: TestClient, commander: TestClient
) -> None:
    pnp = user_client(engine, settings, "comisario_pnp2", ("dispatcher",))
    report(pnp, "Me llaman del 955 111 222 exigiendo dinero.")
    assert commander.post("/api/border/watchlist", json={"csv": LIST}).status_code == 201
    r = officer.post(
        "/api/border/things",
        json={"post": "Tacna (Santa Rosa)", "kind": "phone", "value": "987654321"},
    )
    assert r.json()["hits"][0]["intel"] is None
    assert _linked_events(engine) == []
