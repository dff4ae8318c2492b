"""The later step of issue 17: seizures at the posts (an arm's serial checked against the
arms watchlist; people rescued as a count and their case, never identities), the command's
summary per post, and the trafficking complaints of Lambayeque."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.border import trafficking
from kuntur.border.models import Seizure

ARMS = (
    "id,name,kind,value,list,network\n"
    "A1,Pistola Glock 17,serial,GLK-4471-X,requisitoria,Los Injertos del Sur\n"
)


def test_an_arm_on_the_watchlist_is_found_by_its_serial(
    engine: Engine, officer: TestClient, commander: TestClient
) -> None:
    assert commander.post("/api/border/watchlist", json={"csv": ARMS}).status_code == 201
    r = officer.post(
        "/api/border/seizures",
        json={
            "post": "Desaguadero",
            "kind": "arms",
            "quantity": 1,
            "unit": "units",
            "serial": "glk 4471 x",
        },
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["serial_hits"] == ["A1"] and out["watchlist_hit"] == "A1"
    assert out["network"] == "Los Injertos del Sur"
    other = officer.post(
        "/api/border/seizures",
        json={
            "post": "Desaguadero",
            "kind": "arms",
            "quantity": 1,
            "unit": "units",
            "serial": "X1",
        },
    ).json()
    assert other["serial_hits"] == [] and other["watchlist_hit"] is None
    with Session(engine) as db:
        assert db.scalar(select(func.count()).where(AuditEvent.type == "border.seizure")) == 2


def test_people_rescued_need_their_case_and_carry_no_identity(
    engine: Engine, officer: TestClient
) -> None:
    body = {"post": "Tumbes (Aguas Verdes)", "kind": "people", "quantity": 3, "unit": "persons"}
    assert officer.post("/api/border/seizures", json=body).status_code == 422
    r = officer.post("/api/border/seizures", json={**body, "case_ref": "CASO-TRATA-1"})
    assert r.status_code == 201, r.text
    assert set(r.json()) >= {"case_ref", "quantity"}
    assert "name" not in r.json()
    assert [c.name for c in Seizure.__table__.columns if "name" in c.name] == []


def test_units_must_fit_the_kind(officer: TestClient) -> None:
    body = {"post": "Iñapari", "kind": "cash", "quantity": 1500, "unit": "kg"}
    assert officer.post("/api/border/seizures", json=body).status_code == 422
    r = officer.post("/api/border/seizures", json={**body, "unit": "USD"})
    assert r.status_code == 201
    assert officer.get("/api/border/seizures").json()[0]["unit"] == "USD"


def test_command_summary_and_trafficking(
    officer: TestClient, commander: TestClient, dispatcher: TestClient
) -> None:
    officer.post("/api/border/screenings", json={"post": "Desaguadero", "name": "Ana Poma"})
    officer.post(
        "/api/border/seizures",
        json={"post": "Desaguadero", "kind": "drugs", "quantity": 2.5, "unit": "kg"},
    )
    s = commander.get("/api/border/summary")
    assert s.status_code == 200, s.text
    rows = {p["post"]: p for p in s.json()["posts"]}
    assert set(rows) >= {"Tumbes (Aguas Verdes)", "Desaguadero", "Tacna (Santa Rosa)", "Iñapari"}
    assert rows["Desaguadero"]["screenings"] == 1
    assert rows["Desaguadero"]["seizures"] == {"drugs": 1}
    assert rows["Desaguadero"]["lat"] < -16
    t = commander.get("/api/border/trafficking").json()
    assert t["total"] == 404
    assert {y["year"]: y["complaints"] for y in t["by_year"]}[2019] == 112
    assert t["by_district"][0] == {"district": "CHICLAYO", "complaints": 310}
    assert officer.get("/api/border/summary").status_code == 403
    assert dispatcher.get("/api/border/trafficking").status_code == 403
    assert commander.get("/frontera/mando").status_code == 200


def test_trafficking_counts_from_the_file() -> None:
    s = trafficking.summary()
    assert sum(m["complaints"] for m in s["by_month"]) == s["total"] == 404
    assert sum(d["complaints"] for d in s["by_district"]) == 404
    assert s["by_purpose"][0]["purpose"] == "Explotacion sexual"
    assert s["trend"]["years"] == [2017, 2018, 2019, 2020, 2021]
    assert trafficking.slope([1, 2, 3], [2, 4, 6]) == 2.0
