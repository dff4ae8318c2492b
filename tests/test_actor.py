"""The actor is the one way domains reach authorization, the audit log and the store's
records: services take an ``Actor``; no domain calls the mechanisms itself; every ORM
query in an actor's session sees only what that actor may read, so a query that forgets
the reader cannot leak (the class of the hardening issue's duplicate-check and
intelligence leaks)."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from kuntur.audit.models import AuditEvent
from kuntur.core.context import RequestContext
from kuntur.core.errors import NotFound
from kuntur.core.timeutil import utcnow
from kuntur.identity.actor import EVERY_RECORD, Actor
from kuntur.incidents import service as incidents
from kuntur.incidents.categories import Category, Source
from kuntur.incidents.models import Incident
from kuntur.incidents.schemas import IncidentCreate

SRC = Path(__file__).resolve().parents[1] / "src" / "kuntur"
# The mechanisms behind the actor. Only identity (who acts) and audit (the log) use them.
MECHANISMS = {
    ("authz", "require"),
    ("authz", "require_record"),
    ("authz", "refuse_record"),
    ("authz", "deny"),
    ("authz", "may_read"),
    ("authz", "visible_owners"),
    ("authz", "max_classification"),
    ("authz", "can"),
    ("audit", "record"),
    ("audit", "record_apart"),
}
KERNEL = ("identity", "audit", "core")
MECHANISM_MODULES = {"kuntur.identity.authz", "kuntur.audit.service"}
# The bulk importer appends its batch's one audit event on the Core connection that writes
# the rows (one transaction for both, so neither outlives the other); ``import_file`` has
# checked the caller through the actor first.
# The backup reads the audit log's size and Merkle root into its manifest, in the snapshot's
# own transaction, and appends nothing; the backup and the restore are recorded through the
# actor (ops/service.py).
EXCEPTIONS = {"incidents/importing/store.py", "ops/backup.py"}


def violations(source: str, where: str) -> list[str]:
    """Calls to the mechanisms, and functions taking a store session and a bare request
    context side by side (a service that skips the actor), in ``source``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            named = {f"{node.module}.{a.name}" for a in node.names} | {node.module}
            if named & MECHANISM_MODULES:
                out.append(f"{where}:{node.lineno} imports {sorted(named & MECHANISM_MODULES)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name) and (owner.id, node.func.attr) in MECHANISMS:
                out.append(f"{where}:{node.lineno} calls {owner.id}.{node.func.attr}")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args.args + node.args.kwonlyargs
            kinds = {ast.unparse(a.annotation) for a in args if a.annotation}
            if "Session" in kinds and "RequestContext" in kinds:
                out.append(f"{where}:{node.lineno} {node.name} takes (Session, RequestContext)")
    return out


def test_domains_reach_authorization_and_the_log_only_through_the_actor() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        domain = path.relative_to(SRC).parts[0]
        if domain in KERNEL or str(path.relative_to(SRC)) in EXCEPTIONS:
            continue
        found += violations(path.read_text(encoding="utf-8"), str(path.relative_to(SRC)))
    assert found == []


def test_the_check_finds_a_service_that_skips_the_actor() -> None:
    forgetful = (
        "from kuntur.identity import authz\n"
        "def leak(db: Session, ctx: RequestContext, incident_id: int):\n"
        "    authz.require(db, ctx, INCIDENTS_READ)\n"
        "    audit.record(db, ctx, INCIDENT_CREATED)\n"
    )
    assert len(violations(forgetful, "new.py")) == 4


def _store(engine: Engine) -> dict[str, int]:
    """Two army incidents (public, secret) and one police incident, filed by the system."""
    ids = {}
    with Session(engine, expire_on_commit=False) as db, db.begin():
        for i, (name, agency, classification) in enumerate(
            (("army public", "EP", 0), ("army secret", "EP", 3), ("police", "PNP", 0))
        ):
            filer = RequestContext(actor="system:test", agency=agency, roles=frozenset({"system"}))
            row = incidents.create(
                actor=Actor(db, filer),
                data=IncidentCreate(
                    source=Source.POLICE_REPORT,
                    external_id=f"ACT-{i}",
                    category=Category.THEFT,
                    occurred_at=utcnow() - timedelta(hours=1 + i),
                    latitude=-12.05 + 0.001 * i,
                    longitude=-77.03,
                    classification=classification,
                ),
            )
            ids[name] = row.id
    with engine.begin() as conn:  # no sharing: each agency sees its own
        conn.execute(text("DELETE FROM sharing_rules"))
    return ids


def _reader(agency: str, clearance: int) -> RequestContext:
    return RequestContext(
        actor=f"user:{agency.lower()}",
        agency=agency,
        roles=frozenset({"dispatcher"}),
        clearance=clearance,
        user_id=999_999,
    )


def test_every_query_in_an_actors_session_sees_only_what_it_may_read(engine: Engine) -> None:
    ids = _store(engine)
    with Session(engine) as db:
        Actor(db, _reader("EP", 0))
        # A query written without any filter, as a new service might write it:
        seen = set(db.scalars(select(Incident.id).where(Incident.id.in_(ids.values()))))
        assert seen == {ids["army public"]}
        counted = db.scalar(
            select(func.count()).select_from(Incident).where(Incident.id.in_(ids.values()))
        )
        assert counted == 1
        # A query that checks each record itself says so, and sees them all.
        every = db.scalars(
            select(Incident.id)
            .where(Incident.id.in_(ids.values()))
            .execution_options(**{EVERY_RECORD: True})
        )
        assert set(every) == set(ids.values())
    with Session(engine) as db:  # a session bound to no actor: the system's own work
        assert len(set(db.scalars(select(Incident.id).where(Incident.id.in_(ids.values()))))) == 3


def test_a_record_the_actor_may_not_read_is_not_found_and_the_attempt_is_on_record(
    engine: Engine,
) -> None:
    ids = _store(engine)
    with Session(engine) as db:
        actor = Actor(db, _reader("EP", 1))
        assert (
            actor.get(Incident, ids["army public"], object_type="incident").id == ids["army public"]
        )
        for name in ("army secret", "police"):
            with pytest.raises(NotFound):
                actor.get(Incident, ids[name], object_type="incident")
    with Session(engine) as db:
        refused = db.scalars(
            select(AuditEvent.object_id).where(
                AuditEvent.type == "authz.denied", AuditEvent.actor == "user:ep"
            )
        )
        assert sorted(refused) == sorted([str(ids["army secret"]), str(ids["police"])])
