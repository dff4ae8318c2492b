"""Helpers for the intelligence tests: users of any agency and clearance, reports, cases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.core.timeutil import utcnow
from tests.conftest import make_user


def user_client(
    engine: Engine,
    settings: Settings,
    name: str,
    roles: tuple[str, ...] = ("intel_analyst",),
    agency: str = "PNP",
    clearance: int = 0,
) -> TestClient:
    token, _ = make_user(engine, name, list(roles), agency=agency, clearance=clearance)
    return TestClient(create_app(settings, engine), headers={"Authorization": f"Bearer {token}"})


def report(c: TestClient, text: str, category: str = "extortion", classification: int = 0) -> int:
    r = c.post(
        "/api/incidents",
        json={
            "source": "police_report",
            "category": category,
            "occurred_at": utcnow().isoformat(),
            "latitude": -12.05,
            "longitude": -77.03,
            "narrative": text,
            "classification": classification,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def open_case(c: TestClient, number: str, network: str, title: str = "Caso de prueba") -> Any:
    r = c.post(
        "/api/intel/cases",
        json={"number": number, "title": title, "network": network},
        headers={"X-Purpose": number},
    )
    assert r.status_code == 201, r.text
    return r.json()
