"""The field app's API (issue 20): a device token bound to the officer's unit for the
shift, refused at once when revoked or shown from another device; the unit's dispatch and
orders; reports applied once with their own times; another unit's position refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.command.models import Unit
from kuntur.config import Settings
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.identity.models import User, UserSession
from kuntur.incidents.models import Incident
from tests.command.conftest import LIMA_POINT, World, build_world, client_for
from tests.conftest import PASSWORD, make_user

DEVICE = "a" * 32


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


@pytest.fixture
def dispatcher(engine: Engine, settings: Settings, world: World) -> Iterator[TestClient]:
    with client_for(engine, settings, "desp", ["dispatcher"], world.front) as c:
        yield c


@pytest.fixture
def app_client(engine: Engine, settings: Settings, world: World) -> Iterator[TestClient]:
    """An anonymous client (the phone before sign-in); the officer of station A exists."""
    make_user(engine, "agente", ["field_officer"])
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.username == "agente").values(unit_id=world.station_a))
    with TestClient(create_app(settings, engine)) as c:
        yield c


def sign_in(c: TestClient, device: str = DEVICE, **kw: Any) -> dict[str, Any]:
    r = c.post(
        "/api/field/signin",
        json={"username": "agente", "password": PASSWORD, "device_key": device, **kw},
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def headers(token: str, device: str = DEVICE) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "X-Device-Key": device}


def incident_at(c: TestClient) -> int:
    r = c.post(
        "/api/incidents",
        json={
            "source": "emergency_call",
            "category": "aggravated_robbery",
            "occurred_at": utcnow().isoformat(),
            "longitude": LIMA_POINT[0],
            "latitude": LIMA_POINT[1],
            "address": "Jr. de la Unión 300",
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def audit_types(engine: Engine) -> list[str]:
    with Session(engine) as db:
        return list(db.scalars(select(AuditEvent.type).order_by(AuditEvent.idx)))


def test_the_token_is_bound_to_the_officers_unit_and_device_for_the_shift(
    engine: Engine, world: World, app_client: TestClient
) -> None:
    signed = sign_in(app_client, hours=8)
    assert signed["call_sign"] == "PNP-A-P1"  # the only unit of the officer's station
    expires = to_utc(__import__("datetime").datetime.fromisoformat(signed["expires_at"]))
    assert timedelta(hours=7, minutes=59) < expires - utcnow() <= timedelta(hours=8)
    with Session(engine) as db:
        sess = db.scalar(select(UserSession).where(UserSession.kind == "field"))
        assert sess is not None and sess.expires_at == expires
    state = app_client.get("/api/field/state", headers=headers(signed["token"]))
    assert state.status_code == 200, state.text
    assert state.json()["unit"]["call_sign"] == "PNP-A-P1"
    assert state.json()["dispatch"] is None
    # The same token from another phone (a copy of it) is refused and on record.
    other = app_client.get("/api/field/state", headers=headers(signed["token"], "b" * 32))
    assert other.status_code == 403 and "otro equipo" in other.text
    # A unit outside the officer's station is not for the taking.
    r = app_client.post(
        "/api/field/signin",
        json={
            "username": "agente",
            "password": PASSWORD,
            "device_key": DEVICE,
            "call_sign": "PNP-B-M1",
        },
    )
    assert r.status_code == 422 and "PNP-A-P1" in r.text
    assert "field.signed_in" in audit_types(engine)


def test_a_user_without_the_field_role_gets_no_device_token(
    engine: Engine, world: World, app_client: TestClient
) -> None:
    make_user(engine, "oficinista", ["crime_analyst"])
    r = app_client.post(
        "/api/field/signin",
        json={"username": "oficinista", "password": PASSWORD, "device_key": DEVICE},
    )
    assert r.status_code == 403
    wrong = app_client.post(
        "/api/field/signin",
        json={"username": "agente", "password": "no-es-la-clave", "device_key": DEVICE},
    )
    assert wrong.status_code == 401


def test_dispatch_received_acknowledged_and_seen_by_the_dispatcher(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    signed = sign_in(app_client)
    h = headers(signed["token"])
    iid = incident_at(dispatcher)
    d = dispatcher.post(f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol})
    assert d.status_code == 201, d.text
    row = next(r for r in dispatcher.get("/api/field/deliveries").json() if r["incident_id"] == iid)
    assert row["state"] == "sent" and row["on_app"] is True
    state = app_client.get("/api/field/state", headers=h).json()
    got = state["dispatch"]
    assert got["incident_id"] == iid and got["address"] == "Jr. de la Unión 300"
    assert got["links"]["geo"].startswith(f"geo:{LIMA_POINT[1]:.6f},{LIMA_POINT[0]:.6f}")
    assert "openstreetmap.org" in got["links"]["osm"]
    row = next(r for r in dispatcher.get("/api/field/deliveries").json() if r["incident_id"] == iid)
    assert row["state"] == "received"
    ack = app_client.post(
        "/api/field/ack", json={"kind": "dispatch", "id": got["assignment_id"]}, headers=h
    )
    assert ack.status_code == 200 and ack.json()["state"] == "acknowledged"
    row = next(r for r in dispatcher.get("/api/field/deliveries").json() if r["incident_id"] == iid)
    assert row["state"] == "acknowledged"
    devices = dispatcher.get("/api/field/devices").json()
    assert [x["call_sign"] for x in devices] == ["PNP-A-P1"]


def test_a_revoked_device_is_refused_at_once(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    signed = sign_in(app_client)
    h = headers(signed["token"])
    assert app_client.get("/api/field/state", headers=h).status_code == 200
    r = dispatcher.post(f"/api/field/devices/{signed['device_id']}/revoke")
    assert r.status_code == 204
    assert app_client.get("/api/field/state", headers=h).status_code == 401
    assert dispatcher.get("/api/field/devices").json() == []
    assert "field.device_revoked" in audit_types(engine)
    # The officer herself may not revoke devices (nor list them).
    assert (
        app_client.get(
            "/api/field/devices", headers=headers(sign_in(app_client)["token"])
        ).status_code
        == 403
    )


def test_reports_apply_once_in_order_with_their_original_times(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    signed = sign_in(app_client)
    h = headers(signed["token"])
    iid = incident_at(dispatcher)
    assert (
        dispatcher.post(
            f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol}
        ).status_code
        == 201
    )
    now = utcnow()
    with Session(engine) as db, db.begin():  # dispatched before the phone lost its network
        db.execute(
            update(Incident)
            .where(Incident.id == iid)
            .values(dispatched_at=now - timedelta(minutes=12))
        )
        db.execute(
            update(Unit)
            .where(Unit.id == world.patrol)
            .values(position_at=now - timedelta(minutes=15))
        )
    t1, t2, t3 = (now - timedelta(minutes=m) for m in (9, 6, 3))
    items = [
        {
            "client_id": "c-0001-route",
            "kind": "status",
            "status": "en_route",
            "incident_id": iid,
            "at": t1.isoformat(),
        },
        {
            "client_id": "c-0002-pos",
            "kind": "position",
            "lon": -77.031,
            "lat": -12.046,
            "at": t1.isoformat(),
        },
        {
            "client_id": "c-0003-scene",
            "kind": "status",
            "status": "on_scene",
            "incident_id": iid,
            "at": t2.isoformat(),
        },
        {
            "client_id": "c-0004-note",
            "kind": "note",
            "text": "Dos sospechosos huyeron",
            "incident_id": iid,
            "at": t2.isoformat(),
        },
        {
            "client_id": "c-0005-clear",
            "kind": "status",
            "status": "cleared",
            "incident_id": iid,
            "at": t3.isoformat(),
        },
    ]
    r = app_client.post("/api/field/reports", json={"items": items}, headers=h)
    assert r.status_code == 200, r.text
    assert [x["outcome"] for x in r.json()["results"]] == ["applied"] * 5
    with Session(engine) as db:
        inc = db.get(Incident, iid)
        assert inc is not None
        assert (inc.en_route_at, inc.on_scene_at, inc.cleared_at) == (t1, t2, t3)
        unit = db.get(Unit, world.patrol)
        assert unit is not None and unit.position_at == t1 and unit.lon == -77.031
    # Sent again (the phone lost the answer): acknowledged, not applied twice.
    again = app_client.post("/api/field/reports", json={"items": items}, headers=h)
    assert [x["outcome"] for x in again.json()["results"]] == ["duplicate"] * 5
    assert [x["first_outcome"] for x in again.json()["results"]] == ["applied"] * 5
    timeline = dispatcher.get(f"/api/dispatch/incidents/{iid}/timeline").json()
    assert len(timeline["notes"]) == 1
    assert audit_types(engine).count("incident.status") == 3  # once each, not twice


def test_future_times_refused_and_conflicts_answered_with_the_reason(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    signed = sign_in(app_client)
    h = headers(signed["token"])
    iid = incident_at(dispatcher)
    dispatcher.post(f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol})
    # Recalled while the phone was offline: its queued "en route" meets a conflict.
    assert (
        dispatcher.post(
            f"/api/dispatch/incidents/{iid}/status", json={"status": "triaged"}
        ).status_code
        == 200
    )
    ahead = utcnow() + timedelta(minutes=30)
    slightly = utcnow() + timedelta(seconds=30)
    r = app_client.post(
        "/api/field/reports",
        json={
            "items": [
                {
                    "client_id": "k-route-1",
                    "kind": "status",
                    "status": "en_route",
                    "incident_id": iid,
                    "at": utcnow().isoformat(),
                },
                {
                    "client_id": "k-future-1",
                    "kind": "position",
                    "lon": -77.03,
                    "lat": -12.04,
                    "at": ahead.isoformat(),
                },
                {
                    "client_id": "k-ahead-1",
                    "kind": "position",
                    "lon": -77.03,
                    "lat": -12.04,
                    "at": slightly.isoformat(),
                },
            ]
        },
        headers=h,
    )
    res = r.json()["results"]
    assert res[0]["outcome"] == "conflict" and "ya no está asignado" in res[0]["reason"]
    assert res[1]["outcome"] == "conflict" and "futuro" in res[1]["reason"]
    assert res[2]["outcome"] == "applied"
    assert to_utc(__import__("datetime").datetime.fromisoformat(res[2]["at"])) <= utcnow()
    with Session(engine) as db:
        inc = db.get(Incident, iid)
        assert inc is not None and inc.en_route_at is None  # the conflict changed nothing


def test_positions_only_as_the_tokens_unit(
    engine: Engine, world: World, app_client: TestClient
) -> None:
    signed = sign_in(app_client)
    r = app_client.post(
        "/api/field/reports",
        json={
            "items": [
                {
                    "client_id": "p-other-1",
                    "kind": "position",
                    "call_sign": "PNP-B-M1",
                    "lon": -77.0,
                    "lat": -12.0,
                    "at": utcnow().isoformat(),
                },
            ]
        },
        headers=headers(signed["token"]),
    )
    res = r.json()["results"][0]
    assert res["outcome"] == "refused" and "PNP-A-P1" in res["reason"]
    with Session(engine) as db:
        moto = db.get(Unit, world.moto)
        assert moto is not None and moto.lon != -77.0
    # Nor through the command API: the officer's token holds no units.report.
    with_token = app_client.post(
        "/api/command/positions",
        json={"positions": [{"call_sign": "PNP-B-M1", "lon": -77.0, "lat": -12.0}]},
        headers=headers(signed["token"]),
    )
    assert with_token.status_code in (403, 404, 405, 422)


def test_an_illegal_move_is_answered_in_words(
    engine: Engine, world: World, app_client: TestClient, dispatcher: TestClient
) -> None:
    signed = sign_in(app_client)
    iid = incident_at(dispatcher)
    dispatcher.post(f"/api/dispatch/incidents/{iid}/dispatch", json={"unit_id": world.patrol})
    h = headers(signed["token"])
    ok = {
        "client_id": "m-scene-1",
        "kind": "status",
        "status": "on_scene",
        "incident_id": iid,
        "at": utcnow().isoformat(),
    }
    back = {
        "client_id": "m-route-2",
        "kind": "status",
        "status": "en_route",
        "incident_id": iid,
        "at": utcnow().isoformat(),
    }
    res = app_client.post("/api/field/reports", json={"items": [ok, back]}, headers=h).json()
    assert res["results"][0]["outcome"] == "applied"
    assert res["results"][1]["outcome"] == "conflict"
    assert "no puede pasar" in res["results"][1]["reason"]


def test_orders_to_the_units_station_reach_the_phone_and_are_acknowledged(
    engine: Engine, settings: Settings, world: World, app_client: TestClient
) -> None:
    signed = sign_in(app_client)
    h = headers(signed["token"])
    now = utcnow()
    with client_for(engine, settings, "cmdte", ["commander"], world.front) as commander:
        order = commander.post(
            "/api/command/orders",
            json={
                "kind": "patrol",
                "text": "Patrullaje en el Cercado",
                "issuer_node_id": world.front,
                "target_node_id": world.station_a,
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(hours=4)).isoformat(),
                "lon": LIMA_POINT[0],
                "lat": LIMA_POINT[1],
            },
        )
        assert order.status_code == 201, order.text
    got = app_client.get("/api/field/state", headers=h).json()["orders"]
    assert [o["text"] for o in got] == ["Patrullaje en el Cercado"]
    ack = app_client.post("/api/field/ack", json={"kind": "order", "id": got[0]["id"]}, headers=h)
    assert ack.status_code == 200
    assert (
        app_client.get("/api/field/state", headers=h).json()["orders"][0]["status"]
        == "acknowledged"
    )


def _plan_on_shift(engine: Engine, world: World, stops: int = 3) -> int:
    """An approved plan on shift now with a post for PNP-A-P1 and ``stops`` hot-spot stops
    (rows as the planner writes them; the planner is tested in tests/patrol)."""
    import json

    from kuntur.forecasting.models import Forecast
    from kuntur.patrol.models import PatrolPlan, PatrolPost

    now = utcnow()
    schedule = [
        {
            "cell": 100 + i,
            "lon": -77.03 + i * 0.002,
            "lat": -12.046,
            "risk": 2.0 - i * 0.1,
            "district": "150101",
            "arrive": (now + timedelta(minutes=20 * i)).isoformat(),
            "leave": (now + timedelta(minutes=20 * i + 12)).isoformat(),
        }
        for i in range(stops)
    ]
    with Session(engine) as db, db.begin():
        f = Forecast(
            created_at=now, created_by="test", method="auto", chosen="kde", data_version="x",
            events_used=0, cell_size=250.0, crs="EPSG:32718", x0=0.0, y0=0.0, nx=1, ny=1,
            area_cells=1, horizon_days=7.0, valid_from=now, valid_until=now + timedelta(days=7),
        )  # fmt: skip
        db.add(f)
        db.flush()
        plan = PatrolPlan(
            created_at=now, created_by="test", forecast_id=f.id, node_id=world.front,
            starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7),
            status="approved", approved_by="jefe", approved_at=now,
        )  # fmt: skip
        db.add(plan)
        db.flush()
        post = PatrolPost(
            plan_id=plan.id, unit_id=world.patrol, site="cell:100", lon=-77.03, lat=-12.046,
            reach_m=800.0, covered_risk=3.0, kind="patrol", schedule=json.dumps(schedule),
        )  # fmt: skip
        db.add(post)
        db.flush()
        return post.id


def test_the_phone_shows_the_patrol_schedule_and_logs_each_stop_once(
    app_client: TestClient, engine: Engine, world: World
) -> None:
    post = _plan_on_shift(engine, world)
    signed = sign_in(app_client)
    h = headers(signed["token"])
    patrol = app_client.get("/api/field/state", headers=h).json()["patrol"]
    assert patrol["post_id"] == post and patrol["next"] == 0
    assert [s["minutes"] for s in patrol["stops"]] == [12, 12, 12]
    assert patrol["stops"][0]["links"]["geo"].startswith("geo:-12.046")

    def stop(n: int, cid: str, post_id: int = post) -> dict[str, Any]:
        item = {"client_id": cid, "kind": "stop", "post_id": post_id, "stop": n}
        r = app_client.post(
            "/api/field/reports", headers=h, json={"items": [{**item, "at": utcnow().isoformat()}]}
        )
        assert r.status_code == 200, r.text
        return dict(r.json()["results"][0])

    assert stop(0, "parada-0001")["outcome"] == "applied"
    assert stop(0, "parada-0001")["outcome"] == "duplicate"  # the same report again: once
    again = stop(0, "parada-0002")  # another report of a stop already logged
    assert again["outcome"] == "conflict" and "ya estaba registrada" in again["reason"]
    assert stop(7, "parada-0003")["outcome"] == "conflict"  # no such stop in the schedule
    foreign = stop(1, "parada-0004", post_id=post + 999)  # not this unit's current plan
    assert foreign["outcome"] == "conflict" and "plan de patrullaje vigente" in foreign["reason"]
    patrol = app_client.get("/api/field/state", headers=h).json()["patrol"]
    assert [s["logged"] for s in patrol["stops"]] == [True, False, False]
    assert patrol["next"] == 1
