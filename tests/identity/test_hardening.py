"""Penetration-test findings (issue 11): each test here failed before its fix."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.timeutil import utcnow
from kuntur.identity import service
from kuntur.identity.models import User
from tests.conftest import PASSWORD, make_user

ANON = RequestContext(actor="anonymous")
WRONG = "contraseña equivocada"


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


def test_parallel_wrong_passwords_get_only_the_allowed_attempts(engine: Engine) -> None:
    make_user(engine, "karen", ["dispatcher"])
    n = 3 * service.MAX_FAILURES
    barrier = threading.Barrier(n)
    reasons: list[str | None] = []

    def attempt() -> None:
        barrier.wait()
        with Session(engine, expire_on_commit=False) as db, db.begin():
            reasons.append(service.authenticate(db, ANON, "karen", WRONG, None).reason)

    threads = [threading.Thread(target=attempt) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [r for r in reasons if r and r.startswith("bad password")]
    assert len(reasons) == n and len(checked) == service.MAX_FAILURES, reasons
    with Session(engine) as db:
        result = service.authenticate(db, ANON, "karen", PASSWORD, None)
    assert result.user is None and result.locked_until is not None


def test_a_locked_account_says_so_and_for_how_long(
    engine: Engine, anonymous_client: TestClient
) -> None:
    c = anonymous_client
    make_user(engine, "luis", ["dispatcher"])
    for _ in range(service.MAX_FAILURES - 1):
        assert login(c, "luis", WRONG)["status"] == 401
    for password in (WRONG, PASSWORD):  # the attempt that locks, then the right password
        locked = login(c, "luis", password)
        assert locked["status"] == 423, locked
        assert locked["detail"] == (
            "Cuenta bloqueada por intentos fallidos; intente de nuevo en 15 minutos / "
            "Account locked after failed attempts; try again in 15 minutes"
        )
    form = {"username": "luis", "password": PASSWORD}
    page = c.post("/login", data=form, follow_redirects=False)
    assert page.status_code == 423
    assert "Cuenta bloqueada por intentos fallidos; intente de nuevo en 15 minutos" in page.text
    english = c.post("/login?lang=en", data=form, follow_redirects=False)
    assert "Account locked after failed attempts; try again in 15 minutes" in english.text


class _CountingHasher:
    """Wraps the service's argon2 hasher and counts verifications."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.verified = 0

    def verify(self, hash_: str, password: str) -> bool:
        self.verified += 1
        return bool(self.inner.verify(hash_, password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


@pytest.mark.parametrize("case", ["unknown", "wrong password", "disabled", "locked"])
def test_every_refused_login_costs_one_argon2_check(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    make_user(engine, "mario", ["dispatcher"])
    with Session(engine) as db, db.begin():
        if case == "disabled":
            service.disable(db, RequestContext.system("t"), "mario")
        if case == "locked":
            db.execute(update(User).values(locked_until=utcnow() + timedelta(minutes=5)))
    service._dummy_hash()  # made once per process, not part of any login
    spy = _CountingHasher(service._hasher)
    monkeypatch.setattr(service, "_hasher", spy)
    name = "nadie" if case == "unknown" else "mario"
    password = WRONG if case == "wrong password" else PASSWORD
    with Session(engine) as db, db.begin():
        assert service.authenticate(db, ANON, name, password, None).user is None
    assert spy.verified == 1
