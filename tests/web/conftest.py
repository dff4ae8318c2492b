"""A live Kuntur server on a free port with the demo scenario, and headless Chromium.

Chromium is Debian's package (``/usr/bin/chromium``, or ``KUNTUR_CHROMIUM``),
driven by Playwright with ``executable_path``: no browser download.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuntur.app import create_app
from kuntur.command.models import CommandUnit
from kuntur.config import Settings
from kuntur.core import migrate
from kuntur.core.context import RequestContext
from kuntur.core.db import make_engine
from kuntur.demo import service as demo
from kuntur.demo.border import seed_border
from kuntur.demo.command import seed_command
from kuntur.demo.oversight import seed_oversight
from kuntur.demo.public import seed_public
from kuntur.demo.results import seed_results
from kuntur.forecasting import service as forecasting
from kuntur.identity.actor import Actor
from kuntur.identity.models import User
from kuntur.identity.roles import Role
from kuntur.intelligence import service as intelligence
from tests.conftest import PASSWORD, make_user, serve_in_thread

CHROMIUM = os.environ.get("KUNTUR_CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium quiet on a machine without network or GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("live")
    settings = Settings(
        var_dir=var,
        database_url=f"sqlite:///{var / 'kuntur.db'}",
        environment="test",
        login_attempts_per_client=1000,  # every browser test logs in from 127.0.0.1
    )
    engine = make_engine(settings.effective_database_url)
    migrate.upgrade(engine)
    demo.seed(engine, days=30, seed=7)  # the last 30 days up to now
    with Session(engine) as db, db.begin():  # patrol plans read one without discoveries
        forecasting.run(
            actor=Actor(db, RequestContext.system("test")),
            req=forecasting.RunRequest(exclude_discovered=True),
        )
    with Session(engine) as db, db.begin():  # the forecast page needs one forecast
        forecasting.run(
            actor=Actor(db, RequestContext.system("test")), req=forecasting.RunRequest()
        )
    make_user(engine, "despachador", ["dispatcher"])
    make_user(engine, "despachador2", ["dispatcher"])
    seed_command(engine)  # units, the command tree, the Lima state of emergency
    # Desks in the chain of command, for the orders screen (test_orders_browser.py): a
    # commander at the Lima front and a dispatcher at the San Juan de Lurigancho station.
    _t, front_secret = make_user(engine, "comandantelima", ["commander"])
    os.environ["KUNTUR_TEST_FRONT_TOTP"] = front_secret or ""
    make_user(engine, "despachosjl", ["dispatcher"])
    with Session(engine) as db, db.begin():
        desks = {
            "comandantelima": "Frente Policial Lima y Callao",
            "despachosjl": "Comisaría San Juan de Lurigancho",
        }
        for username, desk in desks.items():
            node = db.scalar(select(CommandUnit.id).where(CommandUnit.name == desk))
            db.execute(update(User).where(User.username == username).values(unit_id=node))
    seed_oversight(engine)  # synthetic personnel, a month of use-of-force reports, flags
    seed_public(engine)  # the first public release and two exercise alerts (/estadisticas)
    seed_border(engine, entries=300)  # a synthetic watchlist and screenings (/frontera)
    seed_results(engine, weeks_after=2)  # a demo intervention with a made effect (/resultados)
    _t, border_secret = make_user(engine, "frontera", ["border_officer"])
    os.environ["KUNTUR_TEST_BORDER_TOTP"] = border_secret or ""
    with Session(engine) as db, db.begin():  # the extortion networks in the demo reports
        intelligence.index_all(Actor(db, RequestContext.system("test")))
    _t, intel_secret = make_user(engine, "inteligencia", ["intel_analyst"])
    os.environ["KUNTUR_TEST_INTEL_TOTP"] = intel_secret or ""
    assert demo.seed_cases(engine) == ["CASO-DEMO-0001", "CASO-DEMO-0002"]  # as `make demo`
    _token, secret = make_user(engine, "auditora", ["auditor"], agency="DP")
    os.environ["KUNTUR_TEST_AUDITOR_TOTP"] = secret or ""
    # One user of every role, for the screens each role sees (test_role_screens.py).
    totp = {}
    for role in Role:
        agency = {Role.AUDITOR: "DP", Role.OMBUDSMAN: "DP", Role.PROSECUTOR: "MP"}.get(role, "PNP")
        _t, totp[role.value] = make_user(
            engine, "rol" + role.value.replace("_", ""), [role.value], agency, 1
        )
    os.environ["KUNTUR_TEST_ROLE_TOTP"] = json.dumps(totp)
    # The administrator who changes accounts in test_users_browser.py (codes of her own).
    _t, admin_secret = make_user(engine, "administradora", ["admin"])
    os.environ["KUNTUR_TEST_ADMIN_TOTP"] = admin_secret or ""
    url, server, thread = serve_in_thread(create_app(settings, engine))
    yield url
    server.should_exit = True  # type: ignore[attr-defined]
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(.ci/run does) or set KUNTUR_CHROMIUM"
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(_playwright: Playwright) -> Iterator[Browser]:
    # A browser per test module, not one for the whole run: after some forty modules in one
    # browser, a renderer crashed ("Target crashed") drawing the link chart, in full runs
    # only; each module now starts from a fresh browser (about a second each).
    b = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def anonymous_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    pg = context.new_page()
    yield pg
    context.close()


_LAST_STEP: dict[str, int] = {}


def fresh_code(secret: str) -> str:
    """A TOTP code of ``secret`` not sent before in this run: each code is good once, so two
    logons of one user within 30 s need two steps (the server takes one step of drift
    either way, so the step before this one is good too while this window has a few
    seconds left); when this window's are spent, wait for the next."""
    now = int(time.time()) // 30
    earliest = now - 1 if time.time() - now * 30 < 20 else now
    step = max(earliest, _LAST_STEP.get(secret, 0) + 1)
    if step > now + 1:
        time.sleep(max(0.0, (step - 1) * 30 - time.time() + 0.2))
    _LAST_STEP[secret] = step
    return pyotp.TOTP(secret).at(step * 30)


def sign_in(pg: Page, username: str, totp_env: str | None = None) -> None:
    """Fill the login form and submit it; ``totp_env`` names the variable with the TOTP secret."""
    pg.fill("#username", username)
    pg.fill("#password", PASSWORD)
    if totp_env:
        pg.fill("#totp", fresh_code(os.environ[totp_env]))
    pg.click("button[type=submit]")


def desk_page(
    browser: Browser, live_server: str, username: str, totp_env: str | None, path: str
) -> Page:
    """A user's browser logged in through the form and landed on ``path``; JavaScript
    errors collect in ``page.context.errors`` for the test to check at its end."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-PE")
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(f"{live_server}/login?next={path}")
    sign_in(pg, username, totp_env)
    pg.wait_for_url(f"{live_server}{path}")
    pg.context.errors = errors  # type: ignore[attr-defined]
    return pg


def _logged_in(browser: Browser, live_server: str, username: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    pg = context.new_page()
    pg.goto(f"{live_server}/login")
    pg.wait_for_load_state("load")
    sign_in(pg, username)
    pg.wait_for_url(f"{live_server}/mapa")
    return pg


@pytest.fixture
def second_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """Another dispatcher's browser (a second screen in the operations room)."""
    pg = _logged_in(browser, live_server, "despachador2")
    yield pg
    pg.context.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A dispatcher's browser, logged in through the real login form."""
    pg = _logged_in(browser, live_server, "despachador")
    context = pg.context
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    # Nothing may leave the machine: every asset is Kuntur's own.
    outside: list[str] = []
    pg.on(
        "request",
        lambda req: (
            outside.append(req.url)
            if not req.url.startswith(("http://127.0.0.1", "data:"))
            else None
        ),
    )
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"
    assert outside == [], f"requests outside Kuntur: {outside}"


def click_map_at(page: Page, lat: float, lon: float) -> None:
    """Click the Leaflet map (``window.kunturMap``) where ``lat, lon`` is drawn now."""
    point = page.evaluate(
        f"(() => {{ const p = window.kunturMap.latLngToContainerPoint([{lat}, "
        f"{lon}]); return [p.x, p.y]; }})()"
    )
    box = page.locator("#map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
