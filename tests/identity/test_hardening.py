"""Penetration-test findings (issue 11): each test here failed before its fix."""

from __future__ import annotations

import time

import pyotp
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


def login(
    c: TestClient, username: str, password: str = PASSWORD, totp: str | None = None
) -> dict[str, object]:
    c.cookies.clear()  # each attempt from a fresh browser
    r = c.post("/api/auth/login", json={"username": username, "password": password, "totp": totp})
    return {"status": r.status_code, **(r.json() if r.content else {})}


def test_a_totp_code_is_accepted_once(engine: Engine, anonymous_client: TestClient) -> None:
    _token, secret = make_user(engine, "julia", ["auditor"], agency="DP")
    assert secret
    totp = pyotp.TOTP(secret)
    code = totp.now()
    assert login(anonymous_client, "julia", totp=code)["status"] == 200
    assert login(anonymous_client, "julia", totp=code)["status"] == 401  # replayed
    # The previous step's code is still inside the drift window, but older than the last
    # code accepted: refused too.
    assert login(anonymous_client, "julia", totp=totp.at(time.time() - 30))["status"] == 401
    # The next step's code (a phone clock a little ahead) is newer: accepted, once.
    ahead = totp.at(time.time() + 30)
    assert login(anonymous_client, "julia", totp=ahead)["status"] == 200
    assert login(anonymous_client, "julia", totp=ahead)["status"] == 401
