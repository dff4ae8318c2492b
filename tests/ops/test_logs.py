"""Structured logs: JSON lines with the request id and the route template, never the filled
path, the query string or the client's address."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from kuntur.app import create_app
from kuntur.config import Settings
from kuntur.ops.logs import JsonFormatter


def test_an_access_line_per_request_as_json(
    engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    json_settings = settings.model_copy(update={"log_format": "json"})
    with (
        TestClient(create_app(json_settings, engine)) as c,
        caplog.at_level(logging.INFO, logger="kuntur.access"),
    ):
        r = c.get("/api/incidents/4242?q=Quispe", headers={"X-Request-Id": "req-abc-1"})
        assert r.status_code == 401
    records = [r for r in caplog.records if r.name == "kuntur.access"]
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    out = json.loads(line)
    assert out["route"] == "/api/incidents/{incident_id}" and out["status"] == 401
    assert out["request_id"] == "req-abc-1" and out["method"] == "GET"
    assert out["level"] == "info" and isinstance(out["ms"], float)
    assert "4242" not in line and "Quispe" not in line and "127.0.0.1" not in line
    assert "testclient" not in line


def test_no_access_lines_unless_asked(
    engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(settings, engine)) as c, caplog.at_level(logging.INFO):
        c.get("/health/live")
    assert not [r for r in caplog.records if r.name == "kuntur.access"]
