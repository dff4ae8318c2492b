"""FastAPI plumbing shared by every domain's views: DB session, unit of work, request
context, errors.

The caller's context comes from ``app.state.authenticate`` (identity installs it: a bearer
token for programs, the session cookie for pages, CSRF on cookie writes); the kernel only
carries it. Roles, agency and clearance are read from the store on every request, so
revocation and permission changes apply at once.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import anyio.to_thread
import pydantic_core
from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute, APIRouter
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session
from starlette.routing import Match
from starlette.types import Scope

from kuntur.core.context import RequestContext
from kuntur.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthenticated,
)
from kuntur.core.ids import new_request_id
from kuntur.core.validation import in_words

SESSION_COOKIE = "kuntur_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One session per request. Its work is committed by the route itself
    (``UnitOfWorkRoute``), in the thread that did the work; what is left at the end (none
    normally) is committed here, and everything is rolled back on error.

    Used with ``scope="function"`` (``DB`` below): the commit happens before the
    response leaves, so a client that acts on the answer (a browser following the
    login redirect) always finds the data committed.

    A coroutine, not a sync generator: FastAPI runs each sync dependency's entry and exit
    in the worker-thread pool, two more thread hand-offs per request, and under load those
    hand-offs (each a pass of the interpreter lock) cost more than the work they wrapped.
    Making a session does no I/O, nor does closing one whose transaction has ended, as
    every route's has; a transaction still open is ended in a worker thread.
    """
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
    except BaseException:
        await _finish(session, commit=False)
        raise
    await _finish(session, commit=True)


async def _finish(session: Session, *, commit: bool) -> None:
    if not session.in_transaction():
        session.close()
        return
    with anyio.CancelScope(shield=True):  # a client gone away must not leak the connection
        await anyio.to_thread.run_sync(_close, session, commit)


def _close(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _sessions(values: dict[str, Any]) -> list[Session]:
    """The store sessions among an endpoint's arguments: given as such, or held by an
    argument as its ``db`` (the actor every service takes carries the request's session)."""
    found: dict[int, Session] = {}
    for value in values.values():
        db = value if isinstance(value, Session) else getattr(value, "db", None)
        if isinstance(db, Session):
            found[id(db)] = db
    return list(found.values())


def _end(values: dict[str, Any], *, commit: bool) -> None:
    """Commit (or roll back) every session among an endpoint's arguments."""
    for db in _sessions(values):
        if commit:
            db.commit()
        else:
            db.rollback()


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
            try:
                result = await endpoint(*args, **kwargs)
            except BaseException:
                _end(kwargs, commit=False)
                raise
            _end(kwargs, commit=True)
            return result

        return run_async

    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = endpoint(*args, **kwargs)
        except BaseException:
            _end(kwargs, commit=False)
            raise
        _end(kwargs, commit=True)
        return result

    # A sync view runs in one worker-thread call that also validates nothing more: FastAPI
    # would validate a sync view's response model in a second call into the pool, and
    # under load each call waits its turn behind every queued request (50 clients: p95 of
    # the views with a response model 243 ms against 170 for those without, one run).
    # Declared a coroutine, the view's answer is validated on the event loop instead.
    @functools.wraps(endpoint)
    async def in_thread(*args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(functools.partial(run, *args, **kwargs))

    return in_thread


class UnitOfWorkRoute(APIRoute):
    """Every API route: one transaction per request, ended inside the view's own call."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _committing(endpoint), **kwargs)
        # The path up to its first parameter: a request whose path does not start with it
        # cannot match, and is told so without FastAPI's per-route bookkeeping. The app
        # tries its two hundred routes in order for every request, and that bookkeeping
        # was most of the cost of finding the route (see add_routes).
        self._literal = self.path.split("{", 1)[0]
        self._exact = "{" not in self.path

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]  # as Starlette's get_route_path
        if (path != self._literal) if self._exact else not path.startswith(self._literal):
            return Match.NONE, {}
        return super().matches(scope)


def add_routes(app: FastAPI, router: APIRouter) -> None:
    """A domain's routes on the app itself, in their order, as if declared there.

    Not ``include_router``: in the FastAPI this project pins, an included router stays a
    nested router that the app's router asks, route by route, twice per request (to match,
    then to handle); with some twenty domains that walk cost about as much as the work of
    a small request (decision 0008, amendment of 2026-12-02). The domains' routers carry
    their prefix, tags and dependencies in their routes already and are included with no
    options, so the routes themselves are the same; what an include would add (lifespans, startup
    handlers, per-include options) they do not use, and that is checked here.
    """
    if router.on_startup or router.on_shutdown:
        raise ValueError(f"router {router.prefix or '/'} has startup handlers: include it")
    app.router.routes.extend(router.routes)
    app.router._mark_routes_changed()  # FastAPI's own cache of effective routes


DB = Depends(get_db, scope="function")
# (request, request's session, background tasks) -> the caller's context.
Authenticate = Callable[[Request, Session, BackgroundTasks], RequestContext]


def request_id(request: Request) -> str:
    """The client's X-Request-Id (cut to 64 characters), or a new one."""
    return request.headers.get("x-request-id", "")[:64] or new_request_id()


def get_context(
    request: Request, db: Annotated[Session, DB], background: BackgroundTasks
) -> RequestContext:
    """Who is calling, as ``identity`` establishes it (the app installs that as
    ``app.state.authenticate``): the kernel knows the request context, not the users."""
    authenticate: Authenticate = request.app.state.authenticate
    return authenticate(request, db, background)


def client_address(request: Request) -> str:
    """The address the server sees (a proxy's, unless uvicorn is told to trust it)."""
    return request.client.host if request.client else "unknown"


async def require_user(ctx: Annotated[RequestContext, Depends(get_context)]) -> RequestContext:
    # A coroutine: nothing to wait for, so no thread hand-off (see ``get_db``).
    if not ctx.authenticated:
        raise Unauthenticated("log in first: a session cookie or an Authorization: Bearer token")
    return ctx


def json_response(content: Any) -> Response:
    """Plain data (dicts, lists, strings, numbers) as JSON, encoded by pydantic's serializer
    (the one FastAPI encodes response models with) and not validated against the route's
    model again: for long lists built from plain rows, where that second pass over every
    row cost more than building them (docs/benchmarks.md, Load)."""
    return Response(pydantic_core.to_json(content), media_type="application/json")


SessionDep = Annotated[Session, DB]
MAX_ID = 2**63 - 1  # ids and sizes are 64-bit in the store; larger numbers are simply wrong
ContextDep = Annotated[RequestContext, Depends(get_context)]
UserDep = Annotated[RequestContext, Depends(require_user)]


def _document_own_422(app: FastAPI) -> None:
    """The schema says what a 422 carries: FastAPI's field errors (a list) or, from the
    services (``InvalidInput``), the reason in words (a string). Undocumented, every such
    answer broke the published schema."""
    stock = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = stock()
            error = schema.get("components", {}).get("schemas", {}).get("HTTPValidationError")
            if error is not None:
                listed = error["properties"]["detail"]
                error["properties"]["detail"] = {
                    "title": "Detail",
                    "anyOf": [
                        {k: v for k, v in listed.items() if k != "title"},
                        {"type": "string"},
                    ],
                    "description": "the fields refused, or the service's reason in words",
                }
        return app.openapi_schema or stock()

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    _document_own_422(app)

    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(RequestValidationError)
    async def _shape(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer, with pydantic's English reasons said in both languages.
        return JSONResponse({"detail": jsonable_encoder(in_words(list(exc.errors())))}, 422)

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

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        # PostgreSQL refuses NUL characters in text (SQLite stores them): that is the
        # caller's input, not a server fault. Any other data error stays a server error.
        if "NUL" not in str(exc.orig):
            raise exc
        return JSONResponse(
            {"detail": "el texto no puede contener el carácter NUL / text may not contain NUL"},
            status_code=422,
        )

    @app.exception_handler(Forbidden)
    async def _forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(TooManyRequests)
    async def _too_many(_request: Request, exc: TooManyRequests) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)}, status_code=429, headers={"Retry-After": str(exc.retry_after)}
        )
