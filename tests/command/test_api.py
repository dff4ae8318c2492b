"""Command and dispatch through the API on both stores: legal checks, lifecycle, orders."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.command import service as command
from kuntur.command.models import Unit
from kuntur.config import Settings
from kuntur.core.context import RequestContext
from kuntur.core.errors import InvalidInput
from kuntur.core.timeutil import utcnow
from kuntur.dispatch.models import Assignment
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from tests.command.conftest import LIMA_POINT, TRUJILLO, World, client_for


def incident(c: TestClient, where: tuple[float, float], **kw: Any) -> int:
    body = {
        "source": "emergency_call",
        "category": "homicide",
        "occurred_at": utcnow().isoformat(),
        "longitude": where[0],
        "latitude": where[1],
        **kw,
    }
    r = c.post("/api/incidents", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def events(engine: Engine, kind: str) -> list[AuditEvent]:
    with Session(engine) as db:
        return list(
            db.scalars(select(AuditEvent).where(AuditEvent.type == kind).order_by(AuditEvent.idx))
        )


def test_military_dispatch_needs_a_basis_for_the_place(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    lima = incident(dispatcher, LIMA_POINT)
    north = incident(dispatcher, TRUJILLO)
    rec = dispatcher.get(f"/api/dispatch/incidents/{north}/recommendation").json()
    excluded = {e["call_sign"]: e["reason"] for e in rec["excluded"]}
    # Spanish first, then English (the catalogue's words for the API's reason)
    assert excluded["EP-PEL-1"].startswith("sin base legal: ningún estado de emergencia")
    assert " / no legal basis: no state of emergency" in excluded["EP-PEL-1"]
    refused = dispatcher.post(
        f"/api/dispatch/incidents/{north}/dispatch", json={"unit_id": world.platoon}
    )
    assert refused.status_code == 403 and "no state of emergency" in refused.text
    logged = events(engine, "legal.military.refused")
    assert len(logged) == 1 and json.loads(logged[0].details)["call_sign"] == "EP-PEL-1"
    rec = dispatcher.get(f"/api/dispatch/incidents/{lima}/recommendation").json()
    platoon = next(r for r in rec["ranked"] if r["call_sign"] == "EP-PEL-1")
    assert platoon["legal_basis_id"] == world.emergency
    ok = dispatcher.post(
        f"/api/dispatch/incidents/{lima}/dispatch", json={"unit_id": world.platoon}
    )
    assert ok.status_code == 201 and ok.json()["legal_basis_id"] == world.emergency


def test_lifecycle_with_timestamps_and_units_following(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    iid = incident(dispatcher, LIMA_POINT, category="aggravated_robbery")
    r = dispatcher.post(
        f"/api/dispatch/incidents/{iid}/status", json={"status": "triaged", "priority": 1}
    )
    assert r.status_code == 200 and r.json()["times"]["triaged_at"]
    rec = dispatcher.get(f"/api/dispatch/incidents/{iid}/recommendation").json()
    assert rec["ranked"][0]["call_sign"] == "PNP-A-P1"  # 0.2 km away
    d = dispatcher.post(f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol})
    assert d.status_code == 201
    busy = dispatcher.post(
        f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol}
    )
    assert busy.status_code == 422 and "not available" in busy.text
    for status in ("en_route", "on_scene"):
        assert (
            dispatcher.post(
                f"/api/dispatch/incidents/{iid}/status", json={"status": status}
            ).status_code
            == 200
        )
        unit = next(
            u for u in dispatcher.get("/api/command/units").json() if u["id"] == world.patrol
        )
        assert unit["status"] == status and unit["incident_id"] == iid
    bad = dispatcher.post(f"/api/dispatch/incidents/{iid}/status", json={"status": "triaged"})
    assert (
        bad.status_code == 422
        and "se permite: Atendido (cleared) / " in bad.text
        and "allowed: Cleared (cleared)" in bad.text
    )
    done = dispatcher.post(
        f"/api/dispatch/incidents/{iid}/status",
        json={"status": "cleared", "disposition": "detenido"},
    ).json()
    assert all(done["times"].values()) and done["disposition"] == "detenido"
    unit = next(u for u in dispatcher.get("/api/command/units").json() if u["id"] == world.patrol)
    assert unit["status"] == "returning" and unit["incident_id"] is None
    again = dispatcher.post(f"/api/dispatch/incidents/{iid}/status", json={"status": "en_route"})
    assert again.status_code == 422
    kpis = dispatcher.get("/api/dispatch/kpis?group=priority").json()
    row = next(r for r in kpis["rows"] if r["group"] == "1")
    assert row["call_to_dispatch"]["n"] == 1 and row["dispatch_to_arrival"]["p50_s"] >= 0
    assert len(events(engine, "incident.status")) == 4  # the dispatch is its own event
    assert len(events(engine, "incident.dispatched")) == 1


def test_merge_duplicates(world: World, dispatcher: TestClient) -> None:
    a = incident(dispatcher, LIMA_POINT, priority=2)
    b = incident(dispatcher, LIMA_POINT, priority=1)
    r = dispatcher.post(f"/api/dispatch/incidents/{a}/merge", json={"into_id": b})
    assert r.status_code == 200
    t = dispatcher.get(f"/api/dispatch/incidents/{a}/timeline").json()
    assert t["status"] == "cleared" and t["merged_into_id"] == b
    queue = [q["id"] for q in dispatcher.get("/api/dispatch/queue").json()]
    assert b in queue and a not in queue
    assert (
        dispatcher.post(f"/api/dispatch/incidents/{b}/merge", json={"into_id": b}).status_code
        == 422
    )


def test_authorizations_refused_with_reasons_and_audited(
    engine: Engine, world: World, commander: TestClient
) -> None:
    now = utcnow()
    body = {
        "kind": "state_of_emergency",
        "number": "DS 9-2026-PCM",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=75)).isoformat(),
        "forces_role": "control",
        "districts": ["150101"],
        "restricted_rights": ["movement", "vote"],
    }
    r = commander.post("/api/command/authorizations", json=body)
    assert r.status_code == 422 and "60 days" in r.text and "vote" in r.text
    # Every reason in Spanish, then every reason in English.
    said = r.text
    assert said.index("60 días") < said.index("no se pueden restringir") < said.index("60 days")
    assert said.index("60 days") < said.index("may not be restricted")
    refused = events(engine, "legal.authorization.refused")
    assert len(refused) == 1
    reasons = json.loads(refused[0].details)["reasons"]
    assert len(reasons) == 2 and all(" / " in reason for reason in reasons)  # each es / en
    body.update(ends_at=(now + timedelta(days=2)).isoformat(), restricted_rights=["movement"])
    ok = commander.post("/api/command/authorizations", json=body)
    assert ok.status_code == 201 and ok.json()["expires_soon"] is True
    listed = commander.get("/api/command/authorizations").json()
    assert {a["number"] for a in listed} == {"DS 1-2026-PCM", "DS 9-2026-PCM"}
    unknown = commander.post("/api/command/authorizations", json={**body, "districts": ["Narnia"]})
    assert unknown.status_code == 422 and "Narnia" in unknown.text


def test_orders_go_down_the_chain(
    engine: Engine, settings: Settings, world: World, commander: TestClient
) -> None:
    now = utcnow()
    base = {
        "kind": "patrol",
        "text": "Patrullaje preventivo en el Cercado",
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=6)).isoformat(),
        "lon": LIMA_POINT[0],
        "lat": LIMA_POINT[1],
    }
    down = commander.post(
        "/api/command/orders",
        json={**base, "issuer_node_id": world.front, "target_node_id": world.station_a},
    )
    assert down.status_code == 201, down.text
    sideways = commander.post(
        "/api/command/orders",
        json={**base, "issuer_node_id": world.front, "target_node_id": world.army_div},
    )
    assert sideways.status_code == 403 and "chain of command" in sideways.text
    out_of_chain = [e for e in events(engine, "authz.denied") if "chain of command" in e.details]
    assert len(out_of_chain) == 1  # the attempt stays on record
    above = commander.post(
        "/api/command/orders",
        json={**base, "issuer_node_id": world.joint, "target_node_id": world.army_div},
    )
    assert above.status_code == 403  # the front commander cannot speak for the joint command
    assert len([e for e in events(engine, "authz.denied") if "chain of command" in e.details]) == 2
    order_id = down.json()["id"]
    assert commander.post(f"/api/command/orders/{order_id}/acknowledge").status_code == 403
    # The issuer's own desk answering its order is refused and on record (it once was not).
    refused = [e for e in events(engine, "authz.denied") if e.object_type == "order"]
    assert [(e.object_id, "receiving chain" in e.details) for e in refused] == [
        (str(order_id), True)
    ]
    with client_for(engine, settings, "jefe_cercado", ["dispatcher"], world.station_a) as st:
        ack = st.post(f"/api/command/orders/{order_id}/acknowledge")
        assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
        assert st.post(f"/api/command/orders/{order_id}/acknowledge").status_code == 422
        done = st.post(f"/api/command/orders/{order_id}/complete").json()
        assert done["status"] == "completed" and done["completed_at"] >= done["acknowledged_at"]
    assert len(events(engine, "order.issued")) == 1
    assert len(events(engine, "order.acknowledged")) == 1


def test_military_orders_need_a_basis(engine: Engine, settings: Settings, world: World) -> None:
    now = utcnow()
    with client_for(engine, settings, "cmdte_conjunto", ["commander"], world.joint) as c:
        base = {
            "kind": "tasking",
            "text": "Apoyo a la PNP",
            "issuer_node_id": world.joint,
            "target_unit_id": world.platoon,
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=8)).isoformat(),
        }
        north = c.post("/api/command/orders", json={**base, "lon": TRUJILLO[0], "lat": TRUJILLO[1]})
        assert north.status_code == 403 and "no state of emergency" in north.text
        late = c.post(
            "/api/command/orders",
            json={
                **base,
                "lon": LIMA_POINT[0],
                "lat": LIMA_POINT[1],
                "ends_at": (now + timedelta(days=60)).isoformat(),
            },
        )
        assert late.status_code == 403 and "ends before" in late.text
        ok = c.post(
            "/api/command/orders", json={**base, "lon": LIMA_POINT[0], "lat": LIMA_POINT[1]}
        )
        assert ok.status_code == 201 and ok.json()["legal_basis_id"] == world.emergency
        nowhere = c.post("/api/command/orders", json=base)
        assert nowhere.status_code == 422 and "names its place" in nowhere.text
    assert len(events(engine, "legal.military.refused")) == 2


def test_positions_json_and_cot(world: World, dispatcher: TestClient) -> None:
    r = dispatcher.post(
        "/api/command/positions",
        json={"positions": [{"call_sign": "PNP-A-P1", "lon": -77.04, "lat": -12.05}]},
    )
    assert r.status_code == 200 and r.json() == {"accepted": 1}
    unit = next(u for u in dispatcher.get("/api/command/units").json() if u["id"] == world.patrol)
    assert unit["lon"] == -77.04
    unknown = dispatcher.post(
        "/api/command/positions", json={"positions": [{"call_sign": "GHOST", "lon": 1, "lat": 1}]}
    )
    assert unknown.status_code == 422 and "GHOST" in unknown.text
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    cot = (
        b'<events><event uid="PNP-B-M1" time="' + now + b'"><point lat="-12.03" '
        b'lon="-77.02"/></event><event uid="X"/>'
        # A report dated in 2099 once pinned the unit there: refused, the rest stored.
        b'<event uid="PNP-A-P1" time="2099-01-01T00:00:00Z"><point lat="-12.0" lon="-77.0"/>'
        b"</event></events>"
    )
    r = dispatcher.post(
        "/api/command/positions/cot", content=cot, headers={"Content-Type": "application/xml"}
    )
    assert r.status_code == 200 and r.json()["accepted"] == 1
    assert r.json()["rejected"][0]["reason"] == "no <point>"
    assert r.json()["rejected"][1]["index"] == 2 and "future" in r.json()["rejected"][1]["reason"]
    future = dispatcher.post(
        "/api/command/positions",
        json={
            "positions": [
                {"call_sign": "PNP-A-P1", "lon": -77.0, "lat": -12.0, "at": "2099-01-01T00:00:00Z"}
            ]
        },
    )
    assert future.status_code == 422 and "futuro" in future.json()["detail"]
    unit = next(u for u in dispatcher.get("/api/command/units").json() if u["id"] == world.patrol)
    assert unit["lon"] == -77.04  # still where its last true report put it
    bad = dispatcher.post(
        "/api/command/positions/cot", content=b"<event", headers={"Content-Type": "application/xml"}
    )
    assert bad.status_code == 422 and "XML" in bad.text


def test_readiness_board(world: World, dispatcher: TestClient) -> None:
    board = dispatcher.get("/api/command/readiness").json()
    joint = next(n for n in board["nodes"] if n["id"] == world.joint)
    assert joint["by_agency"] == {"PNP": {"available": 2}, "EP": {"available": 1}}
    assert any(d["ubigeo"] == "150101" for d in board["districts"])


def test_permissions(world: World, engine: Engine, settings: Settings) -> None:
    with client_for(engine, settings, "analista", ["crime_analyst"], None) as c:
        assert c.get("/api/command/units").status_code == 403
        assert (
            c.post(
                "/api/command/positions",
                json={"positions": [{"call_sign": "PNP-A-P1", "lon": 1, "lat": 1}]},
            ).status_code
            == 403
        )
    with client_for(engine, settings, "desp2", ["dispatcher"], None) as c:
        now = utcnow()
        r = c.post(
            "/api/command/authorizations",
            json={
                "kind": "state_of_emergency",
                "number": "X",
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=1)).isoformat(),
                "forces_role": "support",
                "districts": ["150101"],
            },
        )
        assert r.status_code == 403


def test_a_tree_table_needs_parents_first(engine: Engine) -> None:
    """``create_tree`` refuses a child listed before its parent; in order, it links them."""
    rows: list[command.TreeRow] = [
        ("st", "Comisaría X", "PNP", "station", "fr", "150101"),
        ("fr", "Frente X", "PNP", "front", None, None),
    ]
    with Session(engine) as db:
        identity.ensure_agencies(db)
        db.commit()
        with pytest.raises(InvalidInput, match="parent 'fr' must come earlier"):
            command.create_tree(Actor(db, RequestContext.system("test")), rows)
        db.rollback()
        nodes = command.create_tree(Actor(db, RequestContext.system("test")), rows[::-1])
        assert nodes["st"].parent_id == nodes["fr"].id


def test_only_a_units_own_agency_reports_its_position_and_status(
    world: World, engine: Engine, settings: Settings
) -> None:
    """Any dispatcher could move or change the status of any agency's unit."""
    from kuntur.audit.models import AuditEvent

    serenazgo = client_for(engine, settings, "sereno", ["dispatcher"], None, agency="SERENAZGO")
    moved = serenazgo.post(
        "/api/command/positions",
        json={"positions": [{"call_sign": "PNP-A-P1", "lon": -77.0, "lat": -12.0}]},
    )
    assert moved.status_code == 403 and "PNP-A-P1" in moved.json()["detail"]
    cot = b'<event uid="PNP-A-P1"><point lat="-12.0" lon="-77.0"/></event>'
    by_cot = serenazgo.post(
        "/api/command/positions/cot", content=cot, headers={"Content-Type": "application/xml"}
    )
    assert by_cot.status_code == 403
    status = serenazgo.post(
        f"/api/command/units/{world.patrol}/status", json={"status": "off_duty"}
    )
    assert status.status_code == 403
    own = client_for(engine, settings, "policia", ["dispatcher"], None, agency="PNP")
    assert own.get("/api/command/units").json()  # the unit did not move or change
    unit = next(u for u in own.get("/api/command/units").json() if u["id"] == world.patrol)
    assert unit["status"] == "available" and unit["lon"] != -77.0
    assert (
        own.post(
            "/api/command/positions",
            json={"positions": [{"call_sign": "PNP-A-P1", "lon": -77.01, "lat": -12.01}]},
        ).status_code
        == 200
    )
    with Session(engine) as db:
        events = db.scalars(select(AuditEvent).order_by(AuditEvent.idx)).all()
    denied = [e for e in events if e.type == "authz.denied" and e.actor == "user:sereno"]
    assert len(denied) == 3
    reported = [e for e in events if e.type == "unit.positions" and e.actor == "user:policia"]
    assert len(reported) == 1 and json.loads(reported[0].details)["units"] == 1


def test_two_dispatchers_taking_the_same_unit_at_once_one_wins(
    engine: Engine, world: World, dispatcher: TestClient
) -> None:
    """Both saw the unit available; without a re-check under the row's lock both won and
    the unit was on two incidents. Now one wins and the other is told why (409)."""
    import threading

    from kuntur.core.errors import Conflict
    from kuntur.dispatch import service as dispatch

    ctx = RequestContext.system("test")
    for round_ in range(4):
        pair = [incident(dispatcher, LIMA_POINT) for _ in range(2)]
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def take(incident_id: int) -> None:
            with Session(engine, expire_on_commit=False) as db:
                # Both read the unit first, as a request does, then race for it.
                assert db.get(Unit, world.patrol) is not None
                barrier.wait()
                try:
                    dispatch.dispatch(Actor(db, ctx), incident_id, world.patrol)
                    db.commit()
                    outcomes.append("won")
                except (Conflict, InvalidInput) as exc:  # the loser, whenever it looked
                    db.rollback()
                    told = "otro despachador" in str(exc) or "not available" in str(exc)
                    outcomes.append("refused" if told else str(exc))

        threads = [threading.Thread(target=take, args=(i,)) for i in pair]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["refused", "won"], (round_, outcomes)
        with Session(engine) as db:
            taken = db.scalars(
                select(Assignment.incident_id).where(Assignment.unit_id == world.patrol)
            ).all()
            assert len([i for i in taken if i in pair]) == 1
            unit = db.get(Unit, world.patrol)
            assert unit is not None and unit.incident_id in pair
        for i in pair:  # free the unit for the next round
            dispatcher.post(f"/api/dispatch/incidents/{i}/status", json={"status": "cancelled"})
        with Session(engine) as db, db.begin():
            u = db.get(Unit, world.patrol)
            assert u is not None
            u.status, u.incident_id = "available", None


def test_a_refused_order_cites_the_extension_not_the_expired_decree(
    engine: Engine, settings: Settings, world: World
) -> None:
    """The demo's case: the October 2025 decree (its number names its kind) expired long
    ago; its extension (the world's emergency, 30 more days) is in force. An order that
    outlasts the extension is refused citing the extension and its end, Spanish first."""
    now = utcnow()
    with Session(engine) as db, db.begin():
        command.create_authorization(
            Actor(db, RequestContext.system("test")),
            kind="state_of_emergency",
            number="Estado de emergencia oct. 2025 (ref.)",
            starts_at=now - timedelta(days=400),
            ends_at=now - timedelta(days=340),
            forces_role="support",
            districts=["150101", "150128"],
            restricted_rights=["movement"],
        )
    with client_for(engine, settings, "cmdte_conjunto", ["commander"], world.joint) as c:
        late = c.post(
            "/api/command/orders",
            json={
                "kind": "tasking",
                "text": "Apoyo a la PNP",
                "issuer_node_id": world.joint,
                "target_unit_id": world.platoon,
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(days=45)).isoformat(),
                "lon": LIMA_POINT[0],
                "lat": LIMA_POINT[1],
            },
        )
    assert late.status_code == 403
    detail = late.json()["detail"]
    es, en = detail.split(" / ")
    assert es.startswith("EP-PEL-1 (EP) no puede ser asignada: la base legal más cercana, ")
    assert "Estado de emergencia DS 1-2026-PCM" in es and "no cubre el plazo (vence el " in es
    assert en.startswith("EP-PEL-1 (EP) may not be tasked: the closest legal basis, ")
    assert "State of emergency DS 1-2026-PCM" in en and "ends before the tasking would" in en
    assert "oct. 2025" not in detail and "expired" not in detail
    assert "Estado de emergencia Estado de emergencia" not in detail
    logged = events(engine, "legal.military.refused")
    assert "DS 1-2026-PCM" in json.loads(logged[-1].details)["reason"]


def test_a_unit_refused_with_every_reason_spanish_first(engine: Engine, world: World) -> None:
    from tests.command.conftest import SYSTEM

    bad = command.UnitSpec(
        "PNP-A-P1", "XX", "spaceship", 10**9, -77.03, -12.04, capabilities=("teleport",)
    )
    with Session(engine) as db, pytest.raises(InvalidInput) as exc:
        command.create_unit(Actor(db, SYSTEM), bad)
    spanish, english = str(exc.value).split(" / ")
    assert spanish.startswith("agency: entidad desconocida 'XX'; unit_type: uno de ")
    assert "capabilities: desconocidas teleport" in spanish and "ya existe" in spanish
    assert english.startswith("agency: unknown agency 'XX'; unit_type: one of ")
    assert "command_unit_id: no command node" in english and "already exists" in english
