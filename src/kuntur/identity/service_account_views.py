"""Service accounts API (``/api/service-accounts``, docs/exchange.md): the administrator
creates an integrator's account, mints it tokens limited to scopes with an expiry, lists
them and revokes one (``DELETE /api/auth/tokens/{id}``, as for every token). Creating and
minting widen access, so they ask for the step-up from a page session, as creating a user
does (``admin.stepped_up``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel, Field

from kuntur.core import registry
from kuntur.core.web import UnitOfWorkRoute, UserDep
from kuntur.identity import admin, crypto, service, service_accounts
from kuntur.identity.admin_views import StepUp
from kuntur.identity.models import User, UserSession
from kuntur.identity.roles import Role
from kuntur.identity.views import refusal
from kuntur.identity.web import ActorDep

router = APIRouter(
    route_class=UnitOfWorkRoute, prefix="/api/service-accounts", tags=["service accounts"]
)
Name = Annotated[str, Path(min_length=1, max_length=service.MAX_USERNAME)]


class AccountIn(StepUp):
    name: Annotated[str, Field(max_length=service.MAX_USERNAME)]
    display_name: Annotated[str, Field(max_length=200)] = ""
    agency: Annotated[str, Field(max_length=16)]
    roles: list[Role] = Field(min_length=1, max_length=len(Role))
    clearance: Annotated[int, Field(ge=0, le=3)] = 0


class TokenIn(StepUp):
    scopes: list[Annotated[str, Field(max_length=60)]] = Field(min_length=1, max_length=20)
    expires_at: AwareDatetime | None = Field(
        None, description="when the token ends (default: in 90 days; at most a year)"
    )
    label: Annotated[str | None, Field(max_length=service.MAX_LABEL)] = None


class ServiceToken(BaseModel):
    id: int
    label: str | None
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    state: str = Field(description="live, expired or revoked")


class NewServiceToken(ServiceToken):
    token: str = Field(description="the bearer token, shown once: only its digest is kept")


class Account(BaseModel):
    name: str
    display_name: str
    agency: str
    roles: list[str]
    clearance: int
    disabled: bool
    tokens: list[ServiceToken]


class ScopeOut(BaseModel):
    scope: str
    title: str
    permissions: list[str]


def _token(tok: UserSession) -> ServiceToken:
    return ServiceToken(
        id=tok.id,
        label=tok.label,
        scopes=sorted(tok.scope_set or ()),
        created_at=tok.created_at,
        expires_at=tok.expires_at,
        last_used_at=tok.last_seen_at,
        revoked_at=tok.revoked_at,
        state=service_accounts.token_state(tok),
    )


def _account(user: User, tokens: list[UserSession]) -> Account:
    return Account(
        name=user.username,
        display_name=user.display_name,
        agency=user.agency_code,
        roles=sorted(user.role_set),
        clearance=user.clearance,
        disabled=bool(user.disabled),
        tokens=[_token(t) for t in tokens],
    )


@router.get("/scopes", response_model=list[ScopeOut])
def scopes(_ctx: UserDep, _actor: ActorDep) -> list[ScopeOut]:
    """The scopes a service token may be limited to, and the permissions each covers (for
    any signed-in caller: an integrator's token may ask what it could be given)."""
    return [
        ScopeOut(scope=str(s), title=s.label(None), permissions=sorted(s.permissions))
        for s in registry.scopes()
    ]


@router.get("", response_model=list[Account])
def list_accounts(actor: ActorDep) -> list[Account]:
    """Every service account with its tokens (live, expired, revoked; never the secret)."""
    return [_account(u, t) for u, t in service_accounts.accounts(actor.db, actor.ctx)]


@router.post("", status_code=201, response_model=Account)
def create_account(body: AccountIn, request: Request, actor: ActorDep) -> Account | JSONResponse:
    """A new service account for an integrator's system (step-up needed)."""
    key = crypto.for_settings(request.app.state.settings)
    checked = admin.stepped_up(actor.db, actor.ctx, body.password, body.totp, key)
    if checked.user is None:
        return refusal(checked, status=403)
    user = service_accounts.create(
        actor.db,
        actor.ctx,
        name=body.name,
        display_name=body.display_name,
        agency=body.agency,
        roles=[r.value for r in body.roles],
        clearance=body.clearance,
    )
    return _account(user, [])


@router.post("/{name}/tokens", status_code=201, response_model=NewServiceToken)
def mint_token(
    name: Name, body: TokenIn, request: Request, actor: ActorDep
) -> NewServiceToken | JSONResponse:
    """A token for the account, limited to ``scopes``, ending at ``expires_at``; shown once
    (step-up needed)."""
    key = crypto.for_settings(request.app.state.settings)
    checked = admin.stepped_up(actor.db, actor.ctx, body.password, body.totp, key)
    if checked.user is None:
        return refusal(checked, status=403)
    raw, tok = service_accounts.mint(
        actor.db, actor.ctx, name, scopes=body.scopes, expires_at=body.expires_at, label=body.label
    )
    return NewServiceToken(token=raw, **_token(tok).model_dump())
