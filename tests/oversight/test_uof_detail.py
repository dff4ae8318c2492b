"""Naming members in a report by service number or name, a report due starting from who
was on the unit's shift, and one report's page in words, for those who may read it."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.config import Settings
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import system
from kuntur.oversight import service
from tests.command.conftest import World, client_for
from tests.conftest import INCIDENT
from tests.oversight.helpers import body, events, member


def test_members_are_found_by_service_number_or_name(
    world: World, commander: TestClient, dispatcher: TestClient, engine: Engine
) -> None:
    officer = member(commander, "PNP-1234", "PNP", world.station_a)
    soldier = member(commander, "EP-1234", "EP", world.army_div)
    found = dispatcher.get("/api/oversight/uof/members", params={"q": "pnp-12"})
    assert found.status_code == 200, found.text
    assert [p["id"] for p in found.json()] == [officer]
    by_name = dispatcher.get("/api/oversight/uof/members", params={"q": "sintético ep"})
    # A PNP reporting desk finds its own agency's members, not the army's.
    assert by_name.json() == []
    army = commander.get("/api/oversight/uof/members", params={"q": "ep-1"})
    assert [p["id"] for p in army.json()] == [soldier]  # oversight readers: every agency
    both = commander.get("/api/oversight/uof/members", params={"q": "agente sint"})
    assert {p["id"] for p in both.json()} == {officer, soldier}
    short = dispatcher.get("/api/oversight/uof/members", params={"q": "p"})
    assert short.status_code == 422 and short.json()["detail"].startswith("q: escriba")
    searched = [e for e in events(engine, "personnel.read") if "search" in (e.details or "")]
    assert len(searched) == 4  # each answered search on record


def test_a_report_due_starts_from_who_was_on_shift(
    world: World, commander: TestClient, dispatcher: TestClient, engine: Engine
) -> None:
    on, off = (member(commander, n, "PNP", world.station_a) for n in ("PNP-2001", "PNP-2002"))
    now = utcnow()
    for pid, start in ((on, now - timedelta(hours=2)), (off, now + timedelta(hours=6))):
        shift = commander.post(
            f"/api/oversight/personnel/{pid}/shifts",
            json={
                "unit_id": world.patrol,
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=8)).isoformat(),
            },
        )
        assert shift.status_code == 201, shift.text
    inc = dispatcher.post(
        "/api/incidents",
        json={**INCIDENT, "occurred_at": (now - timedelta(minutes=30)).isoformat()},
    ).json()["id"]
    assert dispatcher.post(
        f"/api/dispatch/incidents/{inc}/dispatch", json={"unit_id": world.patrol}
    ).is_success
    assert dispatcher.post(
        f"/api/dispatch/incidents/{inc}/status", json={"status": "cleared", "force": True}
    ).is_success
    (due,) = dispatcher.get("/api/oversight/uof/pending").json()
    r = dispatcher.get("/api/oversight/uof/members", params={"report": due["id"]})
    assert r.status_code == 200, r.text
    assert [p["id"] for p in r.json()] == [on]  # the other's shift starts later
    page = dispatcher.get("/uso-fuerza", params={"incident": inc, "report": due["id"]})
    assert page.status_code == 200 and 'data-testid="uof-member-search"' in page.text


def test_one_report_in_words_for_those_who_may_read_it(
    world: World,
    commander: TestClient,
    dispatcher: TestClient,
    engine: Engine,
    settings: Settings,
) -> None:
    soldier = member(commander, "EP-3001", "EP", world.army_div)
    filed = commander.post(
        "/api/oversight/uof",
        json=body(
            [{"personnel_id": soldier, "level": "firearm", "rounds": 2}],
            unit_id=world.platoon,
            legal_basis_id=world.emergency,
            affected=[{"outcome": "serious_injury", "age": 30, "sex": "F"}],
            bodycam_refs=["BWC-0001"],
            evidence_refs=["ACTA-77"],
        ),
    ).json()
    with Session(engine) as db, db.begin():
        service.review(system(db, "test"), filed["id"], finding="training", text="Reentrenar")
    url = f"/uso-fuerza/{filed['id']}"
    page = commander.get(url)
    assert page.status_code == 200, page.text
    html = page.text
    for words in (
        "Informe de uso de la fuerza n.º",
        "EP-3001",
        "arma de fuego",
        "lesión grave",
        "Estado de emergencia DS 1-2026-PCM",
        "el auxilio médico",  # missing
        "Fiscalía",  # referred
        "reentrenamiento",  # the review's finding
        "BWC-0001",
        "ACTA-77",
        "EP-PEL-1 (EP)",
        "Jr. Sintético 123",
    ):
        assert words in html, words
    english = commander.get(url, params={"lang": "en"}).text
    assert "Use-of-force report no." in english and "serious injury" in english
    page_reads = [e for e in events(engine, "uof.read") if '"page"' in (e.details or "")]
    assert [(e.object_id, e.actor) for e in page_reads] == [
        (str(filed["id"]), "user:cmdte_frente")
    ] * 2  # each reading, in either language, on record
    # The internal affairs reviewer reads it; a PNP desk outside the army chain does not.
    with client_for(engine, settings, "inspector", ["internal_affairs"], None) as ia:
        assert ia.get(url).status_code == 200
    refused = dispatcher.get(url)
    assert refused.status_code == 403 and "oversight.read" in refused.text
    assert dispatcher.get(f"/api/oversight/uof/{filed['id']}").status_code == 403
    # The army division's reporting desk (the filing unit's chain) reads it, JSON and page.
    with client_for(engine, settings, "desp_ep", ["dispatcher"], world.army_front, "EP") as ep:
        assert ep.get(url).status_code == 200
        assert ep.get(f"/api/oversight/uof/{filed['id']}").status_code == 200
    assert commander.get("/uso-fuerza/999999").status_code == 404
