"""The border API on both stores: screening with explanations, decisions and the
remembered false positive, vehicles, permissions, audit of every screening and decision,
updates that apply without a restart, expiry, retention."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.border import service
from kuntur.border.models import Hit, Screening
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import system
from tests.border.conftest import WATCHLIST_CSV

POST = "Desaguadero"


def _load(commander: TestClient, csv: str = WATCHLIST_CSV) -> dict:
    r = commander.post("/api/border/watchlist", json={"csv": csv})
    assert r.status_code == 201, r.text
    return r.json()


def _events(engine: Engine, type_: str) -> int:
    with Session(engine) as db:
        return int(db.scalar(select(func.count()).where(AuditEvent.type == type_)) or 0)


def test_screen_explains_and_decision_is_remembered(
    engine: Engine, officer: TestClient, commander: TestClient
) -> None:
    _load(commander)
    body = {
        "post": POST,
        "name": "QUISPE MAMANI, Jose Luis",
        "birth_date": "1985-12-03",
        "document_number": "41234568",
        "nationality": "PE",
    }
    r = officer.post("/api/border/screenings", json=body)
    assert r.status_code == 201, r.text
    hits = r.json()["hits"]
    assert hits[0]["watchlist_id"] == "W1"
    assert hits[0]["alarm"] is True
    assert "fecha con día y mes invertidos" in hits[0]["explanation"]
    assert "documento con un dígito distinto" in hits[0]["explanation"]
    assert {f["feature"] for f in hits[0]["features"]} >= {"given_names", "birth_date", "document"}

    d = officer.post(
        f"/api/border/hits/{hits[0]['hit_id']}/decision",
        json={"outcome": "cleared", "reason": "homónimo: DNI verificado en RENIEC"},
    )
    assert d.status_code == 201, d.text
    assert d.json()["decided_by"].endswith("oficial_frontera")

    # The same traveller again, the name written another way: no alarm, the clearing shown.
    again = officer.post(
        "/api/border/screenings", json={**body, "name": "José Luis Quispe Mamani"}
    ).json()["hits"][0]
    assert again["alarm"] is False
    assert "descartado antes por" in again["remembered"]["text"]
    assert "RENIEC" in again["remembered"]["text"]
    # Another traveller against the same entry still raises it.
    other = officer.post(
        "/api/border/screenings",
        json={**body, "document_number": "41234567", "birth_date": "1985-03-12"},
    ).json()["hits"][0]
    assert other["alarm"] is True

    assert _events(engine, "border.screened") == 3
    assert _events(engine, "border.decided") == 1


def test_confirmed_after_a_clearing_raises_the_alarm_again(
    officer: TestClient, commander: TestClient
) -> None:
    _load(commander)
    body = {"post": POST, "name": "Yorbis Hernandes Marcano", "birth_date": "1990"}
    h = officer.post("/api/border/screenings", json=body).json()["hits"][0]
    assert h["watchlist_id"] == "W2"
    officer.post(
        f"/api/border/hits/{h['hit_id']}/decision", json={"outcome": "cleared", "reason": "x"}
    )
    h2 = officer.post("/api/border/screenings", json=body).json()["hits"][0]
    assert h2["alarm"] is False
    officer.post(
        f"/api/border/hits/{h2['hit_id']}/decision", json={"outcome": "confirmed", "reason": "y"}
    )
    assert officer.post("/api/border/screenings", json=body).json()["hits"][0]["alarm"] is True


def test_update_applies_to_the_next_screening_and_expiry(
    engine: Engine, officer: TestClient, commander: TestClient
) -> None:
    _load(commander)
    body = {"post": POST, "name": "Wilmer Condori Apaza", "birth_date": "1970-05-05"}
    assert officer.post("/api/border/screenings", json=body).json()["hits"] == []
    _load(commander, "id,name,birth_date,list\nW5,Wuilmer Condori Apaza,1970-05-05,interpol\n")
    hits = officer.post("/api/border/screenings", json=body).json()["hits"]
    assert [h["watchlist_id"] for h in hits] == ["W5"]
    with Session(engine) as db, db.begin():
        service.expire(system(db, "test"), "W5")
    assert officer.post("/api/border/screenings", json=body).json()["hits"] == []


def test_entry_expiring_on_a_date_no_longer_hits(
    officer: TestClient, commander: TestClient
) -> None:
    yesterday = (utcnow() - timedelta(days=2)).date().isoformat()
    _load(
        commander,
        f"id,name,birth_date,list,expires\nW6,Ana Ticona Poma,1980-01-01,interpol,{yesterday}\n",
    )
    body = {"post": POST, "name": "Ana Ticona Poma", "birth_date": "1980-01-01"}
    assert officer.post("/api/border/screenings", json=body).json()["hits"] == []


def test_vehicle_plate_confusion(officer: TestClient, commander: TestClient) -> None:
    _load(
        commander,
        "id,name,kind,value,list,network\n"
        "V1,Toyota Hilux,plate,ABO-123,requisitoria,Los Injertos del Sur\n",
    )
    r = officer.post("/api/border/things", json={"post": POST, "kind": "plate", "value": "AB0-I23"})
    assert r.status_code == 201, r.text
    h = r.json()["hits"][0]
    assert h["watchlist_id"] == "V1" and h["network"] == "Los Injertos del Sur"
    assert "O/0" in h["explanation"] or "0/O" in h["explanation"]


def test_manifest(engine: Engine, officer: TestClient, commander: TestClient) -> None:
    _load(commander)
    r = officer.post(
        "/api/border/manifests",
        json={
            "post": "Iñapari",
            "travellers": [
                {"id": "P1", "name": "Maria Fernanda Rojas Cardenas", "birth_date": "1979-02-11"},
                {"id": "P2", "name": "Nadie Enlista Aquí"},
            ],
        },
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out[0]["hits"][0]["watchlist_id"] == "W3"
    assert out[1]["hits"] == []
    assert _events(engine, "border.manifest") == 1


def test_permissions(dispatcher: TestClient, officer: TestClient) -> None:
    body = {"post": POST, "name": "José Quispe"}
    assert dispatcher.post("/api/border/screenings", json=body).status_code == 403
    assert officer.post("/api/border/watchlist", json={"csv": WATCHLIST_CSV}).status_code == 403


def test_bad_input(officer: TestClient) -> None:
    r = officer.post(
        "/api/border/screenings", json={"post": POST, "name": "X", "birth_date": "ayer"}
    )
    assert r.status_code in (400, 422)
    r = officer.post("/api/border/hits/999999/decision", json={"outcome": "cleared", "reason": "x"})
    assert r.status_code == 404


def test_retention_sweep(engine: Engine, officer: TestClient, commander: TestClient) -> None:
    _load(commander)
    officer.post("/api/border/screenings", json={"post": POST, "name": "José Luis Quispe Mamani"})
    officer.post("/api/border/screenings", json={"post": POST, "name": "Ana Nadie"})
    with Session(engine) as db, db.begin():
        old = db.scalars(select(Screening)).first()
        assert old is not None
        old.created_at = utcnow() - timedelta(days=91)
        old_id = old.id
    with Session(engine) as db, db.begin():
        out = service.sweep(system(db, "test"), retention_days=90, clearance_days=365)
    assert out["screenings"] == 1
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(Screening)) == 1
        assert (
            db.scalar(select(func.count()).select_from(Hit).where(Hit.screening_id == old_id)) == 0
        )
    assert _events(engine, "border.swept") == 1


def test_post_page(officer: TestClient, dispatcher: TestClient) -> None:
    r = officer.get("/frontera")
    assert r.status_code == 200 and 'data-testid="border-post"' in r.text
    assert dispatcher.get("/frontera").status_code == 403


def test_watchlist_row_with_a_bad_birth_date_is_kept_with_a_warning(
    commander: TestClient, officer: TestClient
) -> None:
    csv = (
        "id,name,aliases,birth_date,nationality,document_number,list\n"
        "K1,Pedro Ramos Soto,,1980-02-30,PE,41234567,requisitoria\n"
        "K2,,,1980-01-01,PE,,requisitoria\n"
    )
    out = _load(commander, csv)
    assert out["added"] == 1
    assert len(out["errors"]) == 1 and "fila 2, campo name" in out["errors"][0]
    assert len(out["warnings"]) == 1
    assert "watchlist.csv, fila 1, campo birth_date" in out["warnings"][0]
    r = officer.post(
        "/api/border/screenings",
        json={"post": POST, "name": "Pedro Ramos Soto", "document_number": "41234567"},
    )
    assert [h["watchlist_id"] for h in r.json()["hits"]] == ["K1"]


def test_a_carriage_return_inside_a_watchlist_field_is_a_bad_row_not_a_server_error(
    commander: TestClient,
) -> None:
    """Found by the API fuzzer: a lone \\r in an unquoted field (a file from an old Mac, or
    text pasted from another program) made the csv module fail and the server answer 500.
    Now the \\r ends the line, as it did on that machine: the good rows load, the broken one
    is reported with its row and field."""
    csv = "id,name\nK7,Rosa Quispe\rHuamán\nK8,Luis Mamani\n"
    out = _load(commander, csv)
    assert out["added"] == 2  # K7 (its name cut at the \r) and K8
    assert len(out["errors"]) == 1 and "fila 2" in out["errors"][0]
