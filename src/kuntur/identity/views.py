"""Logon, logoff, API tokens and "who am I"."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kuntur.core.web import SESSION_COOKIE, ContextDep, SessionDep, UnitOfWorkRoute, UserDep
from kuntur.identity import service
from kuntur.identity.models import UserSession

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/auth", tags=["auth"])


class LoginIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)
    totp: str | None = Field(None, max_length=10)


class TokenIn(BaseModel):
    label: str = Field(max_length=200)


class Me(BaseModel):
    username: str
    agency: str | None
    roles: list[str]
    clearance: int
    csrf_token: str | None = None


@router.post("/login", response_model=Me, responses={401: {"description": "refused"}})
def login(
    body: LoginIn, request: Request, response: Response, db: SessionDep, ctx: ContextDep
) -> Me | JSONResponse:
    """Check the password (and the TOTP code where required) and open a web session."""
    result = service.authenticate(db, ctx, body.username, body.password, body.totp)
    if result.user is None:
        # Answered, not raised: the transaction then commits the failure count, the
        # lockout and their audit event. The message never says which part was wrong.
        return JSONResponse({"detail": "usuario, contraseña o código incorrectos"}, status_code=401)
    raw, sess = service.open_session(db, result.user, "web")
    secure = request.app.state.settings.environment == "production"
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        httponly=True,
        samesite="strict",
        secure=secure,
        max_age=int(service.WEB_SESSION.total_seconds()),
        path="/",
    )
    return Me(
        username=result.user.username,
        agency=result.user.agency_code,
        roles=sorted(result.user.role_set),
        clearance=result.user.clearance,
        csrf_token=sess.csrf_token,
    )


@router.post("/logout", status_code=204)
def logout(response: Response, db: SessionDep, ctx: UserDep) -> Response:
    """End this session now: its token stops working on the next request."""
    sess = db.get(UserSession, ctx.session_id) if ctx.session_id else None
    if sess is not None:
        service.end_session(db, ctx, sess)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response


@router.post("/tokens", status_code=201)
def create_token(body: TokenIn, db: SessionDep, ctx: UserDep) -> dict[str, str]:
    """An API token for a program acting as this user (shown once; revoke by logout)."""
    from kuntur.identity.models import User

    user = db.get(User, ctx.user_id)
    assert user is not None
    raw, sess = service.open_session(db, user, "api", label=body.label)
    return {"token": raw, "expires_at": sess.expires_at.isoformat()}


@router.get("/me", response_model=Me)
def me(db: SessionDep, ctx: UserDep) -> Me:
    sess = db.get(UserSession, ctx.session_id) if ctx.session_id else None
    return Me(
        username=ctx.actor.removeprefix("user:"),
        agency=ctx.agency,
        roles=sorted(ctx.roles),
        clearance=ctx.clearance,
        csrf_token=sess.csrf_token if sess else None,
    )
