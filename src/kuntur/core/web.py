"""FastAPI plumbing shared by every domain's views: DB session, request context, errors.

Identity comes from a bearer token (``Authorization: Bearer ...``, for programs) or the
session cookie (for the pages). Cookie sessions must also send their CSRF token on
every state-changing request (``X-CSRF-Token``). Nothing is trusted from the client
beyond the token: roles, agency and clearance are read from the store on every request,
so revocation and permission changes apply at once.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthenticated,
)

SESSION_COOKIE = "kuntur_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_db(request: Request) -> Iterator[Session]:
    """One session per request: committed when the view returns, rolled back on error.

    Used with ``scope="function"`` (``DB`` below): the commit happens before the
    response leaves, so a client that acts on the answer (a browser following the
    login redirect) always finds the data committed.
    """
    with Session(request.app.state.engine, expire_on_commit=False) as session, session.begin():
        yield session


DB = Depends(get_db, scope="function")


def request_id(request: Request) -> str:
    """The client's X-Request-Id (cut to 64 characters), or a new one."""
    return request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex


def get_context(
    request: Request, db: Annotated[Session, DB], background: BackgroundTasks
) -> RequestContext:
    from kuntur.identity import service as identity

    rid = request_id(request)
    purpose = (request.headers.get("x-purpose") or "").strip()[:500] or None
    auth = request.headers.get("authorization", "")
    raw = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    via_cookie = raw is None
    if via_cookie:
        raw = request.cookies.get(SESSION_COOKIE)
    found = identity.resolve(db, raw) if raw else None
    if found is None or found.user is None or found.sess is None:
        return RequestContext(actor="anonymous", request_id=rid, purpose=purpose)
    user, sess = found.user, found.sess
    if found.stale:  # at most once a minute per session, after the response
        background.add_task(identity.touch, request.app.state.engine, sess.id)
    if via_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not sess.csrf_token or not hmac.compare_digest(sent, sess.csrf_token):
            raise Forbidden("missing or wrong CSRF token (X-CSRF-Token)")
    return identity.context_for(user, sess, request_id=rid, purpose=purpose)


def client_address(request: Request) -> str:
    """The address the server sees (a proxy's, unless uvicorn is told to trust it)."""
    return request.client.host if request.client else "unknown"


def require_user(ctx: Annotated[RequestContext, Depends(get_context)]) -> RequestContext:
    if not ctx.authenticated:
        raise Unauthenticated("log in first: a session cookie or an Authorization: Bearer token")
    return ctx


SessionDep = Annotated[Session, DB]
MAX_ID = 2**63 - 1  # ids and sizes are 64-bit in the store; larger numbers are simply wrong
ContextDep = Annotated[RequestContext, Depends(get_context)]
UserDep = Annotated[RequestContext, Depends(require_user)]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidInput)
    async def _invalid(_request: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Unauthenticated)
    async def _unauthenticated(_request: Request, exc: Unauthenticated) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(TooManyRequests)
    async def _too_many(_request: Request, exc: TooManyRequests) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after)}
        )
