"""Adding a domain touches no central file: a domain written outside the source tree (the
worked example of docs/decisions/0009-kernel-and-layers.md) gets its API, its page with
its navigation entry, its permission checked, its audit event titled and its CLI group,
with nothing in ``src/`` edited. It runs in a fresh interpreter so that its declarations
do not stay in this one's registry."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

FILES = {
    "__init__.py": '"""Rondas: a worked example of a domain (patrol rounds)."""\n',
    "manifest.py": '''
        """What the example domain declares."""

        from kuntur.core.i18n import N_
        from kuntur.core.registry import EventType, Manifest, Page, Permission, declare
        from kuntur.identity.roles import Role

        # Spanish in the code; English in rondas/locale/en/LC_MESSAGES/kuntur.po.
        ROUNDS_LOG = Permission("rounds.log", "Registrar rondas", roles=(Role.DISPATCHER,))
        ROUND_LOGGED = EventType("round.logged", "Ronda registrada")

        MANIFEST = declare(
            Manifest(
                domain="rondas",
                permissions=(ROUNDS_LOG,),
                events=(ROUND_LOGGED,),
                pages=(Page("/rondas", "rondas.html", ROUNDS_LOG, nav="rounds", nav_order=35,
                            active="rounds"),),
                texts={"rounds": N_("Rondas de patrullaje")},
                cli_group=("rondas", N_("Rondas de patrullaje.")),
            )
        )
    ''',
    "locale/en/LC_MESSAGES/kuntur.po": """
        msgid ""
        msgstr ""
        "Language: en\\n"
        "Plural-Forms: nplurals=2; plural=(n != 1);\\n"
        "Content-Type: text/plain; charset=utf-8\\n"

        msgid "Registrar rondas"
        msgstr "Log patrol rounds"

        msgid "Ronda registrada"
        msgstr "Patrol round logged"

        msgid "Rondas de patrullaje"
        msgstr "Patrol rounds"

        msgid "Rondas de patrullaje."
        msgstr "Patrol rounds."
    """,
    "views.py": '''
        """The example domain's API."""

        from fastapi import APIRouter
        from pydantic import BaseModel

        from kuntur.core.web import UnitOfWorkRoute
        from kuntur.identity.web import ActorDep
        from kuntur.rondas.manifest import ROUND_LOGGED, ROUNDS_LOG

        router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/rondas", tags=["rondas"])


        class Logged(BaseModel):
            by: str


        @router.post("", response_model=Logged)
        def log_round(actor: ActorDep) -> Logged:
            actor.require(ROUNDS_LOG, object_type="round")
            actor.record(ROUND_LOGGED, object_type="round", object_id="1")
            return Logged(by=actor.who)
    ''',
    "cli.py": """
        import typer

        from kuntur.rondas.manifest import MANIFEST

        app = typer.Typer(help=MANIFEST.cli_help)


        @app.command()
        def hoy() -> None:
            print("sin rondas")
    """,
    "templates/rondas.html": """
        {% extends "base.html" %}
        {% set active = 'rounds' %}
        {% block body %}<main data-testid="rondas">{{ i18n.text.rounds }}</main>{% endblock %}
    """,
}

SCRIPT = r"""
import json, sys
import kuntur
kuntur.__path__.append(sys.argv[1])  # the new domain lives outside the source tree

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur import cli
from kuntur.app import create_app
from kuntur.audit.models import AuditEvent
from kuntur.config import Settings
from kuntur.core import migrate, registry
from kuntur.core.context import RequestContext
from kuntur.core.db import engine_for
from kuntur.identity import service as identity

settings = Settings(var_dir=sys.argv[2], database_url=f"sqlite:///{sys.argv[2]}/k.db",
                    environment="test")
engine = engine_for(settings.database_url)
migrate.upgrade(engine)
app = create_app(settings, engine)
tokens = {}
with Session(engine, expire_on_commit=False) as db, db.begin():
    for name, role in (("despacho", "dispatcher"), ("analista", "crime_analyst")):
        user, _ = identity.create_user(db, RequestContext.system("t"), username=name,
            password="contraseña-de-prueba-1", display_name=name, agency="PNP", roles=[role])
        tokens[name] = identity.open_session(db, user, "api", label="t")[0]
out = {}
for name, token in tokens.items():
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as c:
        page = c.get("/rondas")
        out[name] = {
            "page": page.status_code,
            "page_text": "Rondas de patrullaje" in page.text,
            "nav": 'href="/rondas"' in c.get("/incidentes").text,
            "api": c.post("/api/rondas").status_code,
        }
with Session(engine) as db:
    out["events"] = sorted(db.scalars(select(AuditEvent.type).where(
        AuditEvent.type.in_(["round.logged", "authz.denied"]))))
out["title"] = registry.event_title("round.logged")
out["title_en"] = registry.event_title("round.logged", "en")
out["help"] = cli._declared_groups()["rondas"][1]
out["cli"] = "rondas" in cli._declared_groups()
print(json.dumps(out))
"""


def test_a_new_domain_plugs_in_without_a_central_edit(tmp_path: Path) -> None:
    ext = tmp_path / "ext"
    for name, body in FILES.items():
        path = ext / "rondas" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    var = tmp_path / "var"
    var.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ext), str(var)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["despacho"] == {"page": 200, "page_text": True, "nav": True, "api": 200}
    assert out["analista"]["page"] == 403 and out["analista"]["api"] == 403
    assert out["analista"]["nav"] is False
    assert out["events"] == ["authz.denied", "round.logged"]
    assert out["title"] == "Ronda registrada"
    assert out["title_en"] == "Patrol round logged"  # from the domain's own catalogue
    assert out["help"] == "Rondas de patrullaje. / Patrol rounds."
    assert out["cli"] is True
