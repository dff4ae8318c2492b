"""User administration from the web (the administrator's screen): list users, create one,
add or remove a role, disable an account.

Each act needs ``users.manage``; creating a user and adding a role, which widen what
someone may do, also need the administrator's password and second factor again (step-up)
from a signed-in page, as minting a token does. Nobody changes their own roles or
disables themselves here: a second administrator does, so that no one widens their own
access unseen. The CLI (``kuntur users``) acts as the system and stays the way in for the
first administrator.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuntur.core.context import RequestContext
from kuntur.core.errors import Forbidden
from kuntur.core.i18n import _
from kuntur.identity import authz, crypto, service
from kuntur.identity.manifest import USERS_MANAGE
from kuntur.identity.models import User, UserSession


class UserOut(BaseModel):
    """One account as the administrator's screen shows it."""

    username: str
    display_name: str
    agency: str
    roles: list[str]
    clearance: int
    disabled: bool
    second_factor: bool = Field(description="whether a TOTP second factor is enrolled")
    last_seen_at: datetime | None


def list_users(db: Session, ctx: RequestContext) -> list[UserOut]:
    authz.require(db, ctx, USERS_MANAGE, object_type="user")
    seen = dict(
        db.execute(
            select(UserSession.user_id, func.max(UserSession.last_seen_at)).group_by(
                UserSession.user_id
            )
        ).all()
    )
    return [
        UserOut(
            username=u.username,
            display_name=u.display_name,
            agency=u.agency_code,
            roles=sorted(u.role_set),
            clearance=u.clearance,
            disabled=bool(u.disabled),
            second_factor=bool(u.totp_sealed or u.totp_secret),
            last_seen_at=seen.get(u.id),
        )
        for u in db.scalars(select(User).order_by(User.username))
    ]


def not_oneself(db: Session, ctx: RequestContext, username: str, what: str) -> None:
    """Refuse (audited) an administrator acting on their own account."""
    if ctx.actor == f"user:{username.strip().lower()}":
        authz.deny(db, ctx, {"reason": f"own account: {what}"}, "user", username)
        raise Forbidden(_("Otro administrador debe hacer este cambio en su propia cuenta"))


def stepped_up(
    db: Session, ctx: RequestContext, password: str, totp: str | None, key: crypto.IdentityKey
) -> service.LoginResult:
    """The step-up of a widening act: only from a signed-in page session (never a token),
    with the password and a new second-factor code. The caller answers a failure."""
    authz.require(db, ctx, USERS_MANAGE, object_type="user")
    sess = db.get(UserSession, ctx.session_id) if ctx.session_id else None
    if sess is None or sess.kind != "web":
        authz.deny(db, ctx, {"reason": "widening access from a token"}, "user", None)
        raise Forbidden(
            _(
                "Hágalo desde la página, con su sesión iniciada: un token de API no puede dar "
                "accesos"
            )
        )
    me = db.get(User, ctx.user_id)
    assert me is not None
    return service.step_up(db, ctx, me, password, totp, key)


def roles_of(db: Session, username: str) -> list[str]:
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    return sorted(user.role_set) if user else []


def disable(db: Session, ctx: RequestContext, username: str) -> None:
    authz.require(db, ctx, USERS_MANAGE, object_type="user", object_id=username)
    not_oneself(db, ctx, username, "disable")
    service.disable(db, ctx, username)


def revoke(db: Session, ctx: RequestContext, username: str, role: str) -> None:
    authz.require(db, ctx, USERS_MANAGE, object_type="user", object_id=username)
    not_oneself(db, ctx, username, "revoke")
    service.revoke(db, ctx, username, role)
