"""User administration API (``/api/users``), behind the administrator's screen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kuntur.core.web import UnitOfWorkRoute
from kuntur.identity import admin, crypto, passwords, service
from kuntur.identity.roles import Role
from kuntur.identity.views import refusal
from kuntur.identity.web import ActorDep

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/api/users", tags=["users"])
Username = Annotated[str, Path(min_length=1, max_length=service.MAX_USERNAME)]


class StepUp(BaseModel):
    """The administrator's own password again, and a new second-factor code."""

    password: Annotated[str, Field(max_length=passwords.MAX_LENGTH)]
    totp: Annotated[str | None, Field(max_length=service.MAX_TOTP)] = None


class UserIn(StepUp):
    username: Annotated[str, Field(max_length=service.MAX_USERNAME)]
    display_name: Annotated[str, Field(max_length=200)]
    agency: Annotated[str, Field(max_length=16)]
    roles: list[Role] = Field(max_length=len(Role))
    clearance: Annotated[int, Field(ge=0, le=3)] = 0
    initial_password: Annotated[str, Field(max_length=passwords.MAX_LENGTH)]


class RoleIn(StepUp):
    role: Role


class Enrolment(BaseModel):
    """What the new user's authenticator needs, shown once (None: no second factor)."""

    username: str
    roles: list[str]
    totp_secret: str | None = None
    totp_uri: str | None = None


def _enrolment(username: str, roles: list[str], secret: str | None) -> Enrolment:
    uri = None
    if secret:
        import pyotp

        uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="Kuntur")
    return Enrolment(username=username, roles=roles, totp_secret=secret, totp_uri=uri)


@router.get("", response_model=list[admin.UserOut])
def list_users(actor: ActorDep) -> list[admin.UserOut]:
    """Every account, with its roles, second factor and last use."""
    return admin.list_users(actor.db, actor.ctx)


@router.post("", status_code=201, response_model=Enrolment)
def create_user(body: UserIn, request: Request, actor: ActorDep) -> Enrolment | JSONResponse:
    """A new account (step-up needed); its TOTP secret, where its roles need one, is shown
    once here for enrolment and kept only sealed."""
    key = crypto.for_settings(request.app.state.settings)
    checked = admin.stepped_up(actor.db, actor.ctx, body.password, body.totp, key)
    if checked.user is None:
        return refusal(checked, status=403)  # answered: the failure count commits
    user, secret = service.create_user(
        actor.db,
        actor.ctx,
        username=body.username,
        password=body.initial_password,
        display_name=body.display_name,
        agency=body.agency,
        roles=[r.value for r in body.roles],
        clearance=body.clearance,
        key=key,
    )
    return _enrolment(user.username, sorted(user.role_set), secret)


@router.post("/{username}/roles", response_model=Enrolment)
def grant_role(
    username: Username, body: RoleIn, request: Request, actor: ActorDep
) -> Enrolment | JSONResponse:
    """Add a role (step-up needed; never to oneself); a new TOTP secret if the role needs a
    second factor the user did not have."""
    admin.not_oneself(actor.db, actor.ctx, username, "grant")
    key = crypto.for_settings(request.app.state.settings)
    checked = admin.stepped_up(actor.db, actor.ctx, body.password, body.totp, key)
    if checked.user is None:
        return refusal(checked, status=403)
    secret = service.grant(actor.db, actor.ctx, username, body.role.value, key)
    roles = admin.roles_of(actor.db, username)
    return _enrolment(username, roles, secret)


@router.delete("/{username}/roles/{role}", status_code=204)
def revoke_role(username: Username, role: Role, actor: ActorDep) -> Response:
    """Remove a role (effective on the user's next request)."""
    admin.revoke(actor.db, actor.ctx, username, role.value)
    return Response(status_code=204)


@router.post("/{username}/disable", status_code=204)
def disable_user(username: Username, actor: ActorDep) -> Response:
    """Disable an account and end all its sessions and tokens at once."""
    admin.disable(actor.db, actor.ctx, username)
    return Response(status_code=204)
