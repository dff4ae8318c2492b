"""Penetration-test findings (issue 11): each test here failed before its fix."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import PASSWORD, make_user


@pytest.mark.parametrize(
    "target",
    [
        "/\\evil.example/x",
        "//evil.example/x",
        "/\t/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_redirects_only_to_local_paths(
    engine: Engine, anonymous_client: TestClient, target: str
) -> None:
    make_user(engine, "hugo", ["dispatcher"])
    form = {"username": "hugo", "password": PASSWORD, "next": target}
    r = anonymous_client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    page = anonymous_client.get("/login", params={"next": target})
    assert 'name="next" value="/"' in page.text


def test_login_keeps_a_local_next(engine: Engine, anonymous_client: TestClient) -> None:
    make_user(engine, "ines", ["dispatcher"])
    form = {"username": "ines", "password": PASSWORD, "next": "/despacho?x=1"}
    r = anonymous_client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/despacho?x=1"
