"""Every role opens every page of its navigation, as a new user of that role would: no
JavaScript or console error, no failed request, no untranslated text on the screen, and a
navigation with only what the role may use.

``make screens`` runs this with ``KUNTUR_SCREENS=docs/screens/roles``: a screenshot of each
page as each role sees it, so a reviewer sees the UI without running it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from kuntur.core import registry
from kuntur.identity.authz import role_permissions
from kuntur.identity.roles import Role
from tests.conftest import PASSWORD
from tests.web.conftest import fresh_code

SHOTS = os.environ.get("KUNTUR_SCREENS")

# Text that means a label or value never reached the screen in words.
RAW = re.compile(r"^(undefined|null|NaN|\[object Object\]|[a-z]+(?:_[a-z0-9]+)+)$")
UNTRANSLATED = """() => {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest("script,style,code,[hidden]") || !el.offsetParent) continue;
    const text = n.textContent.trim();
    if (text) out.push(text);
  }
  return out;
}"""


def _expected_nav(role: Role) -> list[str]:
    held = role_permissions(role)
    return [
        p.path for p in registry.pages() if p.nav and (p.permission in held or not p.permission)
    ]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_every_page_of_a_role_opens_cleanly(live_server: str, browser: Browser, role: Role) -> None:
    username = "rol" + role.value.replace("_", "")
    secret = json.loads(os.environ["KUNTUR_TEST_ROLE_TOTP"])[role.value]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-PE")
    page = context.new_page()
    problems: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            problems.append(f"console: {msg.text}")

    def on_response(resp: Response) -> None:
        if resp.status >= 400 and resp.url.startswith(live_server):
            problems.append(f"{resp.status} {resp.request.method} {resp.url[len(live_server) :]}")

    page.on("pageerror", lambda exc: problems.append(f"JavaScript: {exc}"))
    page.on("console", on_console)
    # A request cut short because the page moved on (a live stream left open) is no failure.
    page.on(
        "requestfailed",
        lambda req: (
            None
            if req.failure == "net::ERR_ABORTED"
            else problems.append(f"failed: {req.url} {req.failure}")
        ),
    )
    for attempt in (1, 2, 3):
        page.goto(f"{live_server}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        if secret:
            page.fill("#totp", fresh_code(secret))
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        if "/login" not in page.url:
            break
        # Still on the login page: say why. On a loaded machine a code can reach the
        # server a window late; one more logon with the next code tells that apart from
        # a refusal that repeats (which fails below, with the page's words). Twice: under a
        # full suite beside other work both a code and the next have reached it late.
        refusal = page.locator("[role=alert], .error").all_inner_texts()
        assert attempt < 3, f"{username} could not log in: {refusal}"
        problems.clear()
    nav = page.eval_on_selector_all(
        "header nav a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert nav == _expected_nav(role), "the navigation shows what the role may use, no more"
    if not nav:  # a role with no pages yet is told so, in words, and whom to ask
        answer = page.goto(f"{live_server}/")
        assert answer is not None and answer.status == 403
        assert "administrador" in page.get_by_role("alert").inner_text()
        problems.clear()  # the 403 of that very answer
    page.on("response", on_response)  # from here on: the pages of the role's own navigation
    for path in nav:
        answer = page.goto(f"{live_server}{path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # what the pages draw after their data arrives
        status = answer.status if answer else 0
        assert status == 200, f"{role.value} {path}: {status}"
        raw = sorted({t for t in page.evaluate(UNTRANSLATED) if RAW.match(t)})
        problems += [f"{path}: untranslated {t!r}" for t in raw]
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            slug = path.strip("/") or "inicio"
            page.screenshot(path=f"{SHOTS}/{role.value}-{slug}.png")
    context.close()
    assert problems == [], f"{role.value}: {problems}"


def test_a_failed_action_says_what_failed_and_what_to_do(page: Page) -> None:
    """Not "No se pudo cargar" for everything: the kind of failure and what to do, then the
    server's own words, never raw JSON."""
    page.goto(page.url)
    missing = page.evaluate("getJSON('/api/incidents/999999999').catch((e) => e.message)")
    assert missing.startswith("No se encontró: puede haber sido retirado")
    assert "999999999" in missing and "{" not in missing
    invalid = page.evaluate(
        "postJSON('/api/incidents', {category: 'theft'}).catch((e) => e.message)"
    )
    assert invalid.startswith("Datos no válidos: corrija lo indicado")
    assert "source" in invalid and "[" not in invalid
