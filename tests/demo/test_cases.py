"""The demo analyst gets open cases of their own (their purpose), once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.config import Settings
from kuntur.demo import service as demo
from tests.intelligence.support import report, user_client


def test_demo_cases_make_the_analyst_a_member_once(
    engine: Engine, settings: Settings, client: TestClient
) -> None:
    assert demo.seed_cases(engine) == []  # no demo analyst yet: nothing to seed
    for text in ("Llaman del 987654321.", "Yapear al 987 654 321.", "Llaman del 955111222."):
        report(client, text)
    report(client, "Piden yapear al 955 111 222.")
    analyst = user_client(engine, settings, "inteligencia")
    assert demo.seed_cases(engine) == ["CASO-DEMO-0001", "CASO-DEMO-0002"]
    assert demo.seed_cases(engine) == ["CASO-DEMO-0001", "CASO-DEMO-0002"]  # reused
    mine = analyst.get("/api/intel/cases").json()
    assert sorted(c["number"] for c in mine) == ["CASO-DEMO-0001", "CASO-DEMO-0002"]
    r = analyst.get("/api/intel/networks", headers={"X-Purpose": "CASO-DEMO-0001"})
    assert r.status_code == 200 and r.json()[0]["reports"] == 2
