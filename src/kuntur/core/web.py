"""FastAPI plumbing shared by every domain's views: DB session, request context, errors.

Identity comes from a bearer token (``Authorization: Bearer ...``, for programs) or the
session cookie (for the pages). Cookie sessions must also send their CSRF token on
every state-changing request (``X-CSRF-Token``). Nothing is trusted from the client
beyond the token: roles, agency and clearance are read from the store on every request,
so revocation and permission changes apply at once.
"""

from __future__ import annotations

import functools
import hmac
import inspect
import uuid
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated

SESSION_COOKIE = "kuntur_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_db(request: Request) -> Iterator[Session]:
    """One session per request. Its work is committed by the route itself
    (``UnitOfWorkRoute``), in the thread that did the work; what is left at the end (none
    normally) is committed here, and everything is rolled back on error.

    Used with ``scope="function"`` (``DB`` below): the commit happens before the
    response leaves, so a client that acts on the answer (a browser following the
    login redirect) always finds the data committed.
    """
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _sessions_in(values: dict[str, Any]) -> list[Session]:
    return [v for v in values.values() if isinstance(v, Session)]


def _committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint``, committing (or rolling back) its request's session before it returns.

    Why: FastAPI runs a sync view and the exit of its generator dependencies as separate
    calls into the worker-thread pool. A transaction committed at the dependency's exit
    holds its locks (SQLite's write lock, PostgreSQL row locks such as the audit head)
    while it waits for a free thread, and the threads are busy with requests waiting on
    those very locks: 20 concurrent writers locked the server up. Committing inside the
    view's own call ends every transaction in the thread that began it.
    """
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            sessions = _sessions_in(kwargs)
            try:
                result = await endpoint(*args, **kwargs)
            except BaseException:
                for db in sessions:
                    db.rollback()
                raise
            for db in sessions:
                db.commit()
            return result

        return run_async

    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        sessions = _sessions_in(kwargs)
        try:
            result = endpoint(*args, **kwargs)
        except BaseException:
            for db in sessions:
                db.rollback()
            raise
        for db in sessions:
            db.commit()
        return result

    return run


class UnitOfWorkRoute(APIRoute):
    """Every API route: one transaction per request, ended inside the view's own call."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committing(endpoint), **kwargs)


DB = Depends(get_db, scope="function")


def get_context(request: Request, db: Annotated[Session, DB]) -> RequestContext:
    from kuntur.identity import service as identity

    request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
    purpose = (request.headers.get("x-purpose") or "").strip()[:500] or None
    auth = request.headers.get("authorization", "")
    raw = auth[7:].strip() if auth.lower().startswith("bearer ") else None
    via_cookie = raw is None
    if via_cookie:
        raw = request.cookies.get(SESSION_COOKIE)
    found = identity.resolve(db, raw) if raw else None
    # End the identity lookup's transaction here, in this thread (see ``_committing``).
    db.commit()
    if found is None:
        return RequestContext(actor="anonymous", request_id=request_id, purpose=purpose)
    user, sess = found
    if via_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not sess.csrf_token or not hmac.compare_digest(sent, sess.csrf_token):
            raise Forbidden("missing or wrong CSRF token (X-CSRF-Token)")
    return identity.context_for(user, sess, request_id=request_id, purpose=purpose)


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

    @app.exception_handler(Conflict)
    async def _conflict(_request: Request, exc: Conflict) -> JSONResponse:
        body: dict[str, Any] = {"detail": str(exc)}
        if exc.existing_id is not None:
            body["existing_id"] = exc.existing_id
        return JSONResponse(body, status_code=409)

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)
