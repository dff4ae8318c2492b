"""How a request's caller is established: token or cookie, CSRF, refused credentials
audited. Installed into the kernel's ``get_context`` by the app (``app.state.authenticate``),
so that ``core`` depends on no domain."""

from __future__ import annotations

import dataclasses
import hmac
from typing import Annotated, Any

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kuntur.audit import commitments
from kuntur.audit import service as audit
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden
from kuntur.core.i18n import _
from kuntur.core.web import (
    SAFE_METHODS,
    SESSION_COOKIE,
    ContextDep,
    SessionDep,
    client_address,
    request_id,
)
from kuntur.identity import service as identity
from kuntur.identity.actor import Actor
from kuntur.identity.manifest import CSRF_FAILED, TOKEN_REJECTED


def _resolve(engine: Engine, raw: str) -> identity.Resolution:
    """The token's session and user, read outside the request's transaction and outside
    any transaction of its own: one statement on every request, where a transaction would
    add a BEGIN and a COMMIT (on PostgreSQL two more round trips to the server, and a
    sixth of the load mix's time there went to commits). Nothing is held across the
    hand-off to the view's thread."""
    with (
        engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
        Session(bind=conn, expire_on_commit=False) as lookup,
    ):
        return identity.resolve(lookup, raw)


def authenticate(request: Request, db: Session, background: BackgroundTasks) -> RequestContext:
    """The caller's context, from a bearer token (programs) or the session cookie (pages).

    Cookie sessions must also send their CSRF token on every state-changing request
    (``X-CSRF-Token``). Nothing is trusted from the client beyond the token: roles, agency
    and clearance are read from the store on every request.
    """
    rid = request_id(request)
    purpose = (request.headers.get("x-purpose") or "").strip()[:500] or None
    auth = request.headers.get("authorization", "")
    raw = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    via_cookie = raw is None
    if via_cookie:
        raw = request.cookies.get(SESSION_COOKIE)
    anonymous = RequestContext(actor="anonymous", request_id=rid, purpose=purpose)
    if not raw:
        return anonymous
    found = _resolve(db.get_bind().engine, raw)
    if found.user is None or found.sess is None:
        # Forged, expired, revoked, idle: the request goes on as anonymous (401 wherever a
        # login is needed); the attempt is logged, never the token itself.
        _security_event(
            request,
            anonymous,
            TOKEN_REJECTED,
            object_type="session" if found.sess is None else found.sess.kind,
            object_id=str(found.sess.id) if found.sess else None,
            details={"via": "cookie" if via_cookie else "bearer", "reason": found.reason},
        )
        return dataclasses.replace(anonymous, refused_credential=found.reason)
    user, sess = found.user, found.sess
    if found.stale:  # at most once a minute per session, after the response
        background.add_task(identity.touch, request.app.state.engine, sess.id)
    ctx = identity.context_for(
        user, sess, request_id=rid, purpose=purpose, shared_by=found.shared_by
    )
    if via_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not sess.csrf_token or not hmac.compare_digest(sent, sess.csrf_token):
            _security_event(
                request,
                ctx,
                CSRF_FAILED,
                object_type="session",
                object_id=str(sess.id),
                details={"method": request.method, "sent": bool(sent)},
            )
            raise Forbidden(_("Falta el token CSRF o no es el de esta sesión (X-CSRF-Token)"))
    request.state.csrf_token = sess.csrf_token  # for /api/auth/me, without reading it again
    return ctx


def _security_event(request: Request, ctx: RequestContext, type_: Any, **kw: Any) -> None:
    """Audit a refused credential in a transaction of its own (the request may be rolled
    back; the attempt stays logged). Each client may write only so many per minute
    (identity.ratelimit.EventThrottle), so a flood of forged tokens cannot fill the log;
    the next event written says how many were left out. The client is logged as a keyed
    commitment of its address, never the address itself."""
    client = client_address(request)
    skipped = request.app.state.event_throttle.admit(client)
    if skipped is None:
        return
    details = dict(kw.pop("details", {}))
    details["client"] = commitments.commit("client", client)
    if skipped:
        details["left_out"] = skipped
    audit.record_apart(
        request.app.state.engine, ctx, type_, outcome="denied", details=details, **kw
    )


async def get_actor(db: SessionDep, ctx: ContextDep) -> Actor:
    """The caller as an actor bound to the request's unit of work: what every view hands
    to its service. A coroutine: it does no I/O, and a sync dependency would cost one more
    worker-thread hand-off per request (decision 0008)."""
    return Actor(db, ctx)


ActorDep = Annotated[Actor, Depends(get_actor)]
