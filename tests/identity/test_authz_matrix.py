"""Role x action matrix through the API: every grant and every denial asserted, and every
denial audited."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.identity.roles import Role
from tests.conftest import INCIDENT, make_user

ACTIONS = {
    "list incidents": ("GET", "/api/incidents", None),
    "map layer": ("GET", "/api/incidents/map?bbox=-77.1,-12.1,-77.0,-12.0", None),
    "create incident": ("POST", "/api/incidents", INCIDENT),
    "search audit log": ("GET", "/api/audit/events", None),
    "sign checkpoint": ("POST", "/api/audit/checkpoints", None),
    "list forecasts": ("GET", "/api/forecasts", None),
}
ALLOWED = {
    Role.DISPATCHER: {"list incidents", "map layer", "create incident", "list forecasts"},
    Role.COMMANDER: {"list incidents", "map layer", "create incident", "list forecasts"},
    Role.CRIME_ANALYST: {"list incidents", "map layer", "list forecasts"},
    Role.INTEL_ANALYST: {"list incidents", "map layer"},
    Role.BORDER_OFFICER: set(),
    Role.AUDITOR: {
        "list incidents",
        "map layer",
        "search audit log",
        "sign checkpoint",
        "list forecasts",
    },
    Role.ADMIN: {"sign checkpoint"},
}


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(engine: Engine, settings: Settings, role: Role) -> None:
    token, _ = make_user(engine, f"u_{role.value}", [role.value])
    with TestClient(
        create_app(settings, engine), headers={"Authorization": f"Bearer {token}"}
    ) as c:
        for action, (method, path, body) in ACTIONS.items():
            r = c.request(method, path, json=body)
            if action in ALLOWED[role]:
                assert r.status_code in (200, 201), (role, action, r.status_code, r.text)
            else:
                assert r.status_code == 403, (role, action, r.status_code)
    denied = len(ACTIONS) - len(ALLOWED[role])
    with Session(engine) as db:
        logged = db.scalars(
            select(AuditEvent).where(
                AuditEvent.type == "authz.denied", AuditEvent.actor == f"user:u_{role.value}"
            )
        ).all()
    assert len(logged) == denied
    assert all(e.outcome == "denied" for e in logged)
