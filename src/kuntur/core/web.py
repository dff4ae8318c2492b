"""FastAPI plumbing shared by every domain's views: DB session, request context, errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import InvalidInput, NotFound


def get_db(request: Request) -> Iterator[Session]:
    """One session per request: committed when the view returns, rolled back on error."""
    with Session(request.app.state.engine, expire_on_commit=False) as session, session.begin():
        yield session


def get_context(request: Request) -> RequestContext:
    # Identity arrives with the accountability issue; until then every web
    # request is attributed to the anonymous web actor, with its own request id.
    return RequestContext(
        actor="web:anonymous",
        request_id=request.headers.get("x-request-id") or RequestContext.system("web").request_id,
    )


SessionDep = Annotated[Session, Depends(get_db)]
ContextDep = Annotated[RequestContext, Depends(get_context)]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def _not_found(_request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=404)

    @app.exception_handler(InvalidInput)
    async def _invalid(_request: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)
