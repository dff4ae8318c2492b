"""Service accounts for integrators (issue 19): an account that is a program, not a person,
and its tokens, each limited to named scopes and ending at an expiry.

Nothing here is a second way in: a service account is a ``User`` (agency, roles,
clearance, as for a person) with ``is_service`` set and no usable password, and its token
is an API token (``UserSession``, kind "api") with ``scopes``. ``identity.web`` resolves it
as it resolves every token (revoked, expired, disabled: 401), and ``authz`` lets it use a
permission only when its roles hold it *and* one of its scopes covers it (otherwise 403,
saying which scope would). The scopes are declared by the domains in their manifests
(``core.registry.Scope``). Creating an account and minting a token need ``users.manage``
and are on record (the scopes and the expiry, never the token).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuntur.audit import service as audit
from kuntur.core import registry
from kuntur.core.context import RequestContext
from kuntur.core.errors import InvalidInput
from kuntur.core.i18n import _
from kuntur.core.timeutil import to_utc, utcnow
from kuntur.identity import authz, service
from kuntur.identity.manifest import SERVICE_ACCOUNT_CREATED, TOKEN_CREATED, USERS_MANAGE
from kuntur.identity.models import Agency, User, UserSession
from kuntur.identity.roles import AGENCIES, Clearance

MAX_VALID = timedelta(days=365)  # a year at most: an integrator's token is rotated
DEFAULT_VALID = timedelta(days=90)


def create(
    db: Session,
    ctx: RequestContext,
    *,
    name: str,
    display_name: str,
    agency: str,
    roles: list[str],
    clearance: int = 0,
) -> User:
    """A new service account: ``name`` (letters, digits, dots, underscores), the agency it
    acts for and its roles. Its password is a random secret nobody knows: it never logs in,
    it only presents tokens."""
    authz.require(db, ctx, USERS_MANAGE, object_type="user", object_id=name)
    service.ensure_agencies(db)
    username = name.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").isalnum():
        raise InvalidInput(_("el usuario lleva letras, dígitos, puntos y guiones bajos"))
    if len(username) > service.MAX_USERNAME or len(display_name) > 200:
        raise InvalidInput(
            _("el usuario admite a lo sumo {n} caracteres y el nombre 200", n=service.MAX_USERNAME)
        )
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidInput(_("el usuario {username!r} ya existe", username=username))
    if db.get(Agency, agency) is None:
        raise InvalidInput(
            _(
                "agencia desconocida {agency!r}; las agencias son {agencies}",
                agency=agency,
                agencies=sorted(AGENCIES),
            )
        )
    if clearance not in {c.value for c in Clearance}:
        raise InvalidInput(_("el nivel va de 0 (público) a 3 (secreto)"))
    role_list = service._parse_roles(roles)
    if not role_list:
        raise InvalidInput(_("una cuenta de servicio necesita al menos un rol"))
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        agency_code=agency,
        roles=",".join(role_list),
        clearance=clearance,
        # A hash of a secret thrown away at once: no password opens this account.
        password_hash=service._hasher.hash(secrets.token_urlsafe(32)),
        is_service=True,
        created_at=utcnow(),
    )
    db.add(user)
    db.flush()
    audit.record(
        db,
        ctx,
        SERVICE_ACCOUNT_CREATED,
        object_type="user",
        object_id=username,
        details={"agency": agency, "roles": role_list, "clearance": clearance},
    )
    return user


def _account(db: Session, name: str) -> User:
    user = db.scalar(select(User).where(User.username == name.strip().lower()))
    if user is None or not user.is_service:
        raise InvalidInput(_("no existe la cuenta de servicio {name!r}", name=name))
    return user


def check_scopes(scopes: list[str]) -> list[str]:
    """The scopes, each one declared; an unknown one is named with the list of known ones."""
    known = {str(s) for s in registry.scopes()}
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    if not wanted:
        raise InvalidInput(
            _("indique al menos un alcance: {known}", known=", ".join(sorted(known)))
        )
    bad = [s for s in wanted if s not in known]
    if bad:
        raise InvalidInput(
            _(
                "alcance desconocido {bad}; los alcances son {known}",
                bad=", ".join(bad),
                known=", ".join(sorted(known)),
            )
        )
    return wanted


def mint(
    db: Session,
    ctx: RequestContext,
    name: str,
    *,
    scopes: list[str],
    expires_at: datetime | None = None,
    label: str | None = None,
) -> tuple[str, UserSession]:
    """A token for service account ``name``, limited to ``scopes``, ending at
    ``expires_at`` (default in 90 days; at most a year). The raw token is returned once."""
    authz.require(db, ctx, USERS_MANAGE, object_type="user", object_id=name)
    user = _account(db, name)
    if user.disabled:
        raise InvalidInput(_("la cuenta de servicio {name!r} está deshabilitada", name=name))
    wanted = check_scopes(scopes)
    now = utcnow()
    until = to_utc(expires_at) if expires_at else now + DEFAULT_VALID
    if until <= now:
        raise InvalidInput(_("el vencimiento debe ser futuro"))
    if until > now + MAX_VALID:
        raise InvalidInput(_("un token de servicio vence a lo sumo en {days} días", days=365))
    text = (label or f"{user.username} {','.join(wanted)}").strip()[: service.MAX_LABEL]
    raw, tok = service.open_session(db, user, "api", label=text)
    tok.scopes = ",".join(wanted)
    tok.expires_at = until
    db.flush()
    audit.record(
        db,
        ctx,
        TOKEN_CREATED,
        object_type="token",
        object_id=str(tok.id),
        details={
            "user_id": user.id,
            "service_account": user.username,
            "scopes": wanted,
            "expires_at": until.isoformat(),
        },
    )
    return raw, tok


def accounts(db: Session, ctx: RequestContext) -> list[tuple[User, list[UserSession]]]:
    """Every service account with its tokens (live, expired and revoked: the record of what
    was handed out), oldest first. Never the token itself: only its digest is stored."""
    authz.require(db, ctx, USERS_MANAGE, object_type="user")
    users = list(db.scalars(select(User).where(User.is_service.is_(True)).order_by(User.username)))
    tokens: dict[int, list[UserSession]] = {u.id: [] for u in users}
    if users:
        for tok in db.scalars(
            select(UserSession)
            .where(UserSession.user_id.in_(list(tokens)), UserSession.kind == "api")
            .order_by(UserSession.created_at, UserSession.id)
        ):
            tokens[tok.user_id].append(tok)
    return [(u, tokens[u.id]) for u in users]


def token_state(tok: UserSession, now: datetime | None = None) -> str:
    """live, expired or revoked."""
    if tok.revoked_at is not None:
        return "revoked"
    return "expired" if tok.expires_at <= (now or utcnow()) else "live"
