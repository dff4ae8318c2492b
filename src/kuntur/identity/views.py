"""Logon, logoff, API tokens and "who am I"."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from kuntur.audit import commitments
from kuntur.audit import service as audit
from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden, TooManyRequests
from kuntur.core.i18n import _
from kuntur.core.timeutil import utcnow
from kuntur.core.web import (
    MAX_ID,
    SESSION_COOKIE,
    SessionDep,
    UnitOfWorkRoute,
    UserDep,
    client_address,
    request_id,
)
from kuntur.identity import authz, crypto, passwords, service
from kuntur.identity.manifest import LOGIN_RATE_LIMITED
from kuntur.identity.messages import message
from kuntur.identity.models import User, UserSession
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/auth", tags=["auth"])


def check_login_rate(request: Request) -> None:
    """Refuse (429) a logon attempt beyond the per-client or global rate; the first refusal
    of a run is audited, under a keyed commitment of the client's address."""
    client = client_address(request)
    refusal = request.app.state.login_throttle.check(client)
    if refusal is None:
        return
    if refusal.first:
        audit.record_apart(
            request.app.state.engine,
            RequestContext(actor="anonymous", request_id=request_id(request)),
            LOGIN_RATE_LIMITED,
            object_type="client",
            object_id=commitments.commit("client", client),
            outcome="denied",
            details={"scope": refusal.scope, "retry_after_s": refusal.retry_after},
        )
    raise TooManyRequests(message("login_too_many", n=refusal.retry_after), refusal.retry_after)


# What each capped field takes (see service.MAX_*), checked before any hashing or storing.
LIMITS = {
    "username": service.MAX_USERNAME,
    "password": passwords.MAX_LENGTH,
    "totp": service.MAX_TOTP,
    "label": service.MAX_LABEL,
}


def too_long(field: str, value: str | None, lang: str | None = None) -> str | None:
    """The message for ``value`` when it is longer than ``field`` takes, else None."""
    if value is None or len(value) <= LIMITS[field]:
        return None
    return message(f"{field}_too_long", lang, n=LIMITS[field])


def _capped(field: str) -> BeforeValidator:
    """Refuse an over-long value first, with the message people read (pydantic's own
    length check, which the schema still shows, would answer in English only)."""

    def check(value: object) -> object:
        text = too_long(field, value) if isinstance(value, str) else None
        if text:
            raise PydanticCustomError("too_long", text)
        return value

    return BeforeValidator(check)


class LoginIn(BaseModel):
    username: Annotated[str, Field(max_length=service.MAX_USERNAME), _capped("username")]
    password: Annotated[str, Field(max_length=passwords.MAX_LENGTH), _capped("password")]
    totp: Annotated[str | None, Field(max_length=service.MAX_TOTP), _capped("totp")] = None


class TokenIn(BaseModel):
    label: Annotated[str, Field(max_length=service.MAX_LABEL), _capped("label")]
    # Step-up: the password again, and a new TOTP code where the role needs one.
    password: Annotated[str, Field(max_length=passwords.MAX_LENGTH), _capped("password")]
    totp: Annotated[str | None, Field(max_length=service.MAX_TOTP), _capped("totp")] = None


class Me(BaseModel):
    username: str
    agency: str | None
    roles: list[str]
    clearance: int
    csrf_token: str | None = None


@router.post(
    "/login",
    response_model=Me,
    responses={
        401: {"description": "refused"},
        423: {"description": "account locked"},
        429: {"description": "too many attempts from this client, or in all"},
    },
    dependencies=[Depends(check_login_rate)],
)
def login(
    body: LoginIn, request: Request, response: Response, actor: ActorDep
) -> Me | JSONResponse:
    """Check the password (and the TOTP code where required) and open a web session."""
    key = crypto.for_settings(request.app.state.settings)
    result = service.authenticate(actor.db, actor.ctx, body.username, body.password, body.totp, key)
    if result.user is None:
        # Answered, not raised: the transaction then commits the failure count, the
        # lockout and their audit event. The message never says which part was wrong.
        return refusal(result)
    raw, sess = service.open_session(actor.db, result.user, "web")
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


def refusal(result: service.LoginResult, status: int = 401) -> JSONResponse:
    """The answer to a refused logon or step-up: locked (423, how long, Retry-After) or
    incorrect (``status``: 401 for a logon; 403 for a step-up, whose session stays)."""
    if result.locked_until is not None:
        seconds = max(1, math.ceil((result.locked_until - utcnow()).total_seconds()))
        return JSONResponse(
            {"detail": message("login_locked", n=service.minutes_left(result.locked_until))},
            status_code=423,
            headers={"Retry-After": str(seconds)},
        )
    if result.needs_second_factor:
        return JSONResponse(
            {"detail": message("login_totp_needed"), "code": "second_factor_required"},
            status_code=status,
        )
    return JSONResponse({"detail": message("login_failed")}, status_code=status)


@router.post("/logout", status_code=204)
def logout(response: Response, db: SessionDep, ctx: UserDep) -> Response:
    """End this session now: its token stops working on the next request."""
    sess = db.get(UserSession, ctx.session_id) if ctx.session_id else None
    if sess is not None:
        service.end_session(db, ctx, sess)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.status_code = 204
    return response


class TokenInfo(BaseModel):
    """An API token as listed: never its secret."""

    id: int
    label: str | None
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


class NewToken(TokenInfo):
    token: str  # shown once


def _info(tok: UserSession) -> dict[str, object]:
    return {
        "id": tok.id,
        "label": tok.label,
        "created_at": tok.created_at,
        "expires_at": tok.expires_at,
        "last_used_at": tok.last_seen_at,
    }


@router.post(
    "/tokens",
    status_code=201,
    response_model=NewToken,
    responses={403: {"description": "wrong password or code, or asked by a token"}},
)
def create_token(
    body: TokenIn, request: Request, db: SessionDep, ctx: UserDep
) -> NewToken | JSONResponse:
    """An API token for a program acting as this user (shown once). Only from a signed-in
    page session, never from another token, and only after the password (and a new
    second-factor code where the role needs one) is given again."""
    sess = db.get(UserSession, ctx.session_id) if ctx.session_id else None
    user = db.get(User, ctx.user_id)
    assert user is not None
    if sess is None or sess.kind != "web":
        # A stolen token must not be able to outlive its own revocation by minting more.
        authz.deny(db, ctx, {"reason": "token mints token"}, "token", str(ctx.session_id))
        raise Forbidden(
            _("Un token de API no puede emitir tokens: inicie sesión en la página y pídalo ahí")
        )
    key = crypto.for_settings(request.app.state.settings)
    checked = service.step_up(db, ctx, user, body.password, body.totp, key)
    if checked.user is None:
        return refusal(checked, status=403)  # answered: the failure count commits
    raw, tok = service.create_token(db, ctx, user, body.label)
    return NewToken(token=raw, **_info(tok))


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(
    db: SessionDep,
    ctx: UserDep,
    user: Annotated[str | None, Query(max_length=service.MAX_USERNAME)] = None,
) -> list[TokenInfo]:
    """Live API tokens: one's own, or with ``users.manage`` anyone's (``?user=``)."""
    return [TokenInfo(**_info(t)) for t in service.tokens_of(db, ctx, user)]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(
    token_id: Annotated[int, Path(ge=1, le=MAX_ID)], db: SessionDep, ctx: UserDep
) -> Response:
    """End a token now: one's own, or with ``users.manage`` anyone's."""
    service.revoke_token(db, ctx, token_id)
    return Response(status_code=204)


@router.get("/me", response_model=Me)
def me(request: Request, db: SessionDep, ctx: UserDep) -> Me:
    # The session was read to authenticate this request (identity.web.authenticate), so
    # it is not read again. ``db`` is taken all the same: the view ends the request's
    # transaction in its own call (tests/test_concurrency.py).
    del db
    csrf_token = getattr(request.state, "csrf_token", None)
    return Me(
        username=ctx.actor.removeprefix("user:"),
        agency=ctx.agency,
        roles=sorted(ctx.roles),
        clearance=ctx.clearance,
        csrf_token=csrf_token,
    )
