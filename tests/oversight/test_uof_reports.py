"""Use-of-force reports through the API: an incident closed with force makes a report due;
a report cannot close without each mandatory element; deaths are referred at once; a
reviewer in the involved members' chain of command is refused; zero reports; deadlines
flagged; the desk's figures carry their record ids."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.core.db import Scoped
from kuntur.core.timeutil import LIMA, utcnow
from kuntur.identity.actor import system
from kuntur.oversight import service
from kuntur.oversight.models import Personnel, UofReport
from tests.command.conftest import World, client_for
from tests.conftest import INCIDENT
from tests.oversight.helpers import body, events, late_report, member


def test_closing_with_force_makes_a_report_due_and_filing_fulfils_it(
    world: World, dispatcher: TestClient, engine: Engine
) -> None:
    inc = dispatcher.post("/api/incidents", json=INCIDENT).json()["id"]
    assert dispatcher.post(
        f"/api/dispatch/incidents/{inc}/dispatch", json={"unit_id": world.patrol}
    ).is_success
    quiet = dispatcher.post("/api/incidents", json={**INCIDENT, "address": "otra"}).json()["id"]
    closed = dispatcher.post(
        f"/api/dispatch/incidents/{inc}/status", json={"status": "cleared", "force": True}
    )
    assert closed.status_code == 200, closed.text
    dispatcher.post(f"/api/dispatch/incidents/{quiet}/status", json={"status": "cleared"})
    pending = dispatcher.get("/api/oversight/uof/pending").json()
    assert [p["incident_id"] for p in pending] == [inc]  # only the one closed with force
    assert "reported_at" in pending[0]["missing"]
    assert pending[0]["unit_id"] == world.patrol
    (due,) = events(engine, "uof.obligation")
    assert due.actor == "user:desp"
    with Session(engine) as db, db.begin():
        pid = service.create_personnel(
            system(db, "test"),
            service_number="PNP-0001",
            name="Agente Sintético",
            rank="Suboficial",
            agency="PNP",
            command_unit_id=world.station_a,
        ).id
    r = dispatcher.post(
        "/api/oversight/uof",
        json={"incident_id": inc, "force": [{"personnel_id": pid, "level": "physical"}]},
    )
    assert r.status_code == 201, r.text
    assert r.json()["id"] == pending[0]["id"] and r.json()["status"] == "filed"
    assert dispatcher.get("/api/oversight/uof/pending").json() == []
    again = dispatcher.post(
        "/api/oversight/uof",
        json={"incident_id": inc, "force": [{"personnel_id": pid, "level": "verbal"}]},
    )
    assert again.status_code == 409


def test_a_report_cannot_close_without_each_mandatory_element(
    world: World, commander: TestClient, army_commander: TestClient, engine: Engine
) -> None:
    soldier = member(commander, "EP-0001", "EP", world.army_div)
    r = commander.post(
        "/api/oversight/uof",
        json=body(
            [{"personnel_id": soldier, "level": "firearm", "rounds": 2}],
            affected=[{"outcome": "death", "age": 22, "sex": "M"}],
        ),
    )
    assert r.status_code == 201, r.text
    rep = r.json()
    assert rep["firearm_discharged"] and rep["rounds"] == 2
    assert rep["check"]["missing"] == [
        "legal_basis",
        "medical_aid_at",
        "family_notified_at",
        "reviewed_by",
        "reviewed_at",
    ]
    # Referred at once (UN principle 22), on record.
    assert rep["check"]["referrals"] == ["fiscalia", "defensoria"] and rep["referred_at"]
    (referred,) = events(engine, "uof.referred")
    assert referred.object_id == str(rep["id"])
    url = f"/api/oversight/uof/{rep['id']}"
    steps: list[tuple[str, dict[str, Any]]] = [
        ("follow-up", {"legal_basis_id": world.emergency}),
        ("follow-up", {"medical_aid_at": utcnow().isoformat(), "medical_aid_by": "SAMU"}),
        ("follow-up", {"family_notified_at": utcnow().isoformat()}),
    ]
    for path, step in steps:
        refused = commander.post(f"{url}/close")
        assert refused.status_code == 422
        assert refused.json()["detail"].startswith("No se puede cerrar")
        assert commander.post(f"{url}/{path}", json=step).status_code == 200
    refused = commander.post(f"{url}/close")
    assert refused.status_code == 422 and "reviewed_at" in refused.json()["detail"]
    # The review: the army commander sits above the soldier's unit; the police front does not.
    chain = army_commander.post(
        f"{url}/review", json={"finding": "within_policy", "text": "Conforme."}
    )
    assert chain.status_code == 403
    assert [e.outcome for e in events(engine, "uof.review.refused")] == ["denied"]
    review = commander.post(
        f"{url}/review", json={"finding": "criminal_referral", "text": "Uso desproporcionado."}
    )
    assert review.status_code == 201, review.text
    done = commander.post(f"{url}/close")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "closed" and done.json()["check"]["complete"]
    assert commander.post(f"{url}/follow-up", json={"supervisor_present": True}).status_code == 422


def test_the_reviewer_may_not_be_involved_nor_above_the_members(
    world: World, commander: TestClient, inspector: TestClient, engine: Engine, settings: Settings
) -> None:
    officer = member(commander, "PNP-0100", "PNP", world.station_a)
    rep = commander.post(
        "/api/oversight/uof", json=body([{"personnel_id": officer, "level": "non_lethal"}])
    ).json()
    url = f"/api/oversight/uof/{rep['id']}/review"
    # The Lima front is above station A.
    assert commander.post(url, json={"finding": "training", "text": "x"}).status_code == 403
    # So is station A itself.
    with client_for(engine, settings, "jefe_a", ["commander"], world.station_a) as own:
        assert own.post(url, json={"finding": "training", "text": "x"}).status_code == 403
    # Station B is a sibling: outside the chain.
    with client_for(engine, settings, "jefe_b", ["commander"], world.station_b) as other:
        assert other.post(url, json={"finding": "training", "text": "x"}).status_code == 201
    # The member's own account is involved, wherever it sits.
    with Session(engine) as db:
        from kuntur.identity.models import User

        uid = db.scalar(select(User.id).where(User.username == "inspector"))
    with Session(engine) as db, db.begin():
        row = db.get(Personnel, officer)
        assert row is not None
        row.user_id = uid
    assert inspector.post(url, json={"finding": "training", "text": "x"}).status_code == 403
    reasons = [e.details for e in events(engine, "uof.review.refused")]
    assert ['"involved"' in d for d in reasons] == [False, False, True]


def test_the_orders_behind_the_action_are_attached_to_the_review(
    world: World, commander: TestClient, settings: Settings, engine: Engine
) -> None:
    officer = member(commander, "PNP-0200", "PNP", world.station_a)
    now = utcnow()
    order = commander.post(
        "/api/command/orders",
        json={
            "issuer_node_id": world.front,
            "target_node_id": world.station_a,
            "kind": "patrol",
            "text": "Patrullaje",
            "starts_at": (now - timedelta(hours=5)).isoformat(),
            "ends_at": (now + timedelta(hours=5)).isoformat(),
        },
    )
    assert order.status_code == 201, order.text
    rep = commander.post(
        "/api/oversight/uof", json=body([{"personnel_id": officer, "level": "physical"}])
    ).json()
    with client_for(engine, settings, "jefe_b", ["commander"], world.station_b) as other:
        v = other.post(
            f"/api/oversight/uof/{rep['id']}/review",
            json={"finding": "within_policy", "text": "Conforme a la orden."},
        )
    assert v.status_code == 201
    assert v.json()["order_ids"] == [order.json()["id"]]


def test_zero_reports(world: World, commander: TestClient) -> None:
    now = utcnow()
    lima = now.astimezone(LIMA)
    last = (lima.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    zero = {"command_unit_id": world.station_b, "period": last}
    r = commander.post("/api/oversight/uof/zero", json=zero)
    assert r.status_code == 201, r.text
    assert r.json()["kind"] == "zero" and r.json()["check"]["complete"]
    assert commander.post("/api/oversight/uof/zero", json=zero).status_code == 409
    future = {"command_unit_id": world.station_b, "period": f"{now.year + 1}-01"}
    assert commander.post("/api/oversight/uof/zero", json=future).status_code == 422
    # A unit that used force this month cannot say it did not.
    officer = member(commander, "PNP-0300", "PNP", world.station_a)
    commander.post(
        "/api/oversight/uof",
        json=body(
            [{"personnel_id": officer, "level": "verbal"}],
            unit_id=world.patrol,
            incident_at=now.isoformat(),
        ),
    )
    this = {"command_unit_id": world.station_a, "period": f"{now.astimezone(LIMA):%Y-%m}"}
    assert commander.post("/api/oversight/uof/zero", json=this).status_code == 422
    zeros = commander.get("/api/oversight/uof?kind=zero").json()
    assert [z["period"] for z in zeros] == [last]


def test_overdue_items_are_flagged_once_and_listed(
    world: World, commander: TestClient, engine: Engine
) -> None:
    late = late_report(commander, world, "PNP-0400")
    listed = commander.get("/api/oversight/deadlines").json()
    assert [(d["report_id"], d["overdue"]) for d in listed] == [
        (late, ["reported_at", "reviewed_at"])
    ]
    with Session(engine) as db, db.begin():
        assert service.flag_overdue(system(db, "test")) == [late]
    with Session(engine) as db, db.begin():
        assert service.flag_overdue(system(db, "test")) == []  # once
    (flagged,) = events(engine, "uof.overdue")
    assert '"reviewed_at"' in flagged.details


def test_the_desk_figures_carry_their_records_and_export_as_csv(
    world: World, commander: TestClient, inspector: TestClient
) -> None:
    officer = member(commander, "PNP-0500", "PNP", world.station_a)
    soldier = member(commander, "EP-0500", "EP", world.army_div)
    a = commander.post(
        "/api/oversight/uof", json=body([{"personnel_id": officer, "level": "verbal"}])
    ).json()
    b = commander.post(
        "/api/oversight/uof",
        json=body(
            [
                {"personnel_id": officer, "level": "physical"},
                {"personnel_id": soldier, "level": "firearm", "rounds": 1},
            ],
            legal_basis_id=world.emergency,
            affected=[{"outcome": "serious_injury", "age": 33, "sex": "F"}],
        ),
    ).json()
    d = inspector.get("/api/oversight/dashboard")
    assert d.status_code == 200, d.text
    data = d.json()
    by_agency = {f["key"]: f["ids"] for f in data["by_agency"]}
    assert by_agency == {"PNP": sorted([a["id"], b["id"]]), "EP": [b["id"]]}
    assert data["referrals"]["ids"] == [b["id"]]
    month = {f["key"]: f["count"] for f in data["by_month"]}
    assert sum(month.values()) == 2
    # Districts by name (located from the report's place), legal bases by kind in words.
    assert [f["key"] for f in data["by_district"]] == ["Lima (150101)"]
    from kuntur.oversight.desk import _kind_words

    assert _kind_words("state_of_emergency").startswith("Estado de emergencia / ")
    reported = next(x for x in data["deadlines"] if x["deadline"] == "reported_at")
    assert sorted(reported["met"]) == sorted([a["id"], b["id"]])
    review = next(x for x in data["deadlines"] if x["deadline"] == "reviewed_at")
    assert sorted(review["pending"]) == sorted([a["id"], b["id"]])
    out = inspector.get("/api/oversight/dashboard.csv")
    assert out.status_code == 200 and out.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(out.text)))
    assert rows[0][0].startswith("seccion")
    assert ["by_agency", "EP", "1", str(b["id"])] in rows


def test_every_personnel_read_is_on_record(
    world: World, commander: TestClient, inspector: TestClient, engine: Engine
) -> None:
    pid = member(commander, "PNP-0600", "PNP", world.station_a)
    assert inspector.get(f"/api/oversight/personnel/{pid}").json()["service_number"] == "PNP-0600"
    assert len(inspector.get("/api/oversight/personnel").json()) == 1
    reads = events(engine, "personnel.read")
    assert [e.actor for e in reads] == ["user:inspector", "user:inspector"]
    # Names never enter the log.
    with Session(engine) as db:
        details = db.scalars(select(AuditEvent.details)).all()
    assert not any("Agente Sintético" in (d or "") for d in details)


def test_report_rows_are_scoped(engine: Engine) -> None:
    assert issubclass(UofReport, Scoped)
