"""Identity service: users, passwords (argon2id), TOTP, lockout, sessions and tokens.

Every logon, failure, lockout, user change and permission change is an audit event in
the same transaction as the change itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kuntur.audit import service as audit
from kuntur.audit.catalogue import EventType
from kuntur.core.context import RequestContext
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.timeutil import utcnow
from kuntur.identity.models import Agency, User, UserSession
from kuntur.identity.roles import AGENCIES, TOTP_REQUIRED, Clearance, Role

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
WEB_SESSION = timedelta(hours=12)
API_TOKEN = timedelta(days=90)
MIN_PASSWORD = 12

_hasher = PasswordHasher()  # argon2id, the library's current recommended parameters


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def ensure_agencies(db: Session) -> None:
    known = set(db.scalars(select(Agency.code)))
    for code, (name, kind) in AGENCIES.items():
        if code not in known:
            db.add(Agency(code=code, name=name, kind=kind))
    db.flush()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD} characters")


def _parse_roles(roles: list[str]) -> list[str]:
    valid = {r.value for r in Role}
    bad = [r for r in roles if r not in valid]
    if bad:
        raise InvalidInput(f"unknown roles {bad}; roles are {sorted(valid)}")
    return sorted(set(roles))


def create_user(
    db: Session,
    ctx: RequestContext,
    *,
    username: str,
    password: str,
    display_name: str,
    agency: str,
    roles: list[str],
    clearance: int = 0,
) -> tuple[User, str | None]:
    """Create a user; returns it and, when a second factor is required, its TOTP secret
    (shown once, for enrolment in an authenticator app)."""
    ensure_agencies(db)
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").isalnum():
        raise InvalidInput("usernames are letters, digits, dots and underscores")
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise InvalidInput(f"user {username!r} exists already")
    if db.get(Agency, agency) is None:
        raise InvalidInput(f"unknown agency {agency!r}; agencies are {sorted(AGENCIES)}")
    if clearance not in {c.value for c in Clearance}:
        raise InvalidInput("clearance is 0 (public) to 3 (secret)")
    _check_password(password)
    role_list = _parse_roles(roles)
    secret = pyotp.random_base32() if TOTP_REQUIRED & set(role_list) else None
    user = User(
        username=username,
        display_name=display_name,
        agency_code=agency,
        roles=",".join(role_list),
        clearance=clearance,
        password_hash=_hasher.hash(password),
        totp_secret=secret,
        created_at=utcnow(),
    )
    db.add(user)
    db.flush()
    audit.record(
        db,
        ctx,
        EventType.USER_CREATED,
        object_type="user",
        object_id=username,
        details={"agency": agency, "roles": role_list, "clearance": clearance},
    )
    return user, secret


@dataclass
class LoginResult:
    user: User | None
    reason: str | None = None  # why it failed (logged; never shown beyond "incorrect")


def authenticate(
    db: Session, ctx: RequestContext, username: str, password: str, totp_code: str | None
) -> LoginResult:
    """Check a logon. The caller commits either way, so failures and lockouts are kept."""
    username = username.strip().lower()
    user = db.scalar(select(User).where(User.username == username))
    now = utcnow()
    if user is None:
        # Same work as for a real user, so response times do not reveal who exists.
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password)
        return _fail(db, ctx, username, "unknown user")
    if user.disabled:
        return _fail(db, ctx, username, "disabled")
    if user.locked_until and user.locked_until > now:
        return _fail(db, ctx, username, "locked")
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return _count_failure(db, ctx, user, "bad password")
    needs_totp = bool(user.totp_secret or TOTP_REQUIRED & user.role_set)
    if needs_totp and not _totp_ok(user.totp_secret, totp_code):
        return _count_failure(db, ctx, user, "bad second factor")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(
        db, _as(ctx, user), EventType.LOGIN_SUCCESS, object_type="user", object_id=user.username
    )
    return LoginResult(user)


def _totp_ok(secret: str | None, code: str | None) -> bool:
    # One step of clock drift either way, as RFC 6238 suggests.
    return bool(secret and code and pyotp.TOTP(secret).verify(code.strip(), valid_window=1))


def _as(ctx: RequestContext, user: User) -> RequestContext:
    """The context of a user who has just proved who they are (no session yet)."""
    return context_for(user, None, request_id=ctx.request_id, purpose=ctx.purpose)


def _count_failure(db: Session, ctx: RequestContext, user: User, reason: str) -> LoginResult:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = utcnow() + LOCKOUT
        user.failed_logins = 0
        reason += f"; locked for {int(LOCKOUT.total_seconds() // 60)} minutes"
    return _fail(db, ctx, user.username, reason)


def _fail(db: Session, ctx: RequestContext, username: str, reason: str) -> LoginResult:
    audit.record(
        db,
        ctx,
        EventType.LOGIN_FAILURE,
        object_type="user",
        object_id=username,
        outcome="failure",
        details={"reason": reason},
    )
    return LoginResult(None, reason)


def open_session(
    db: Session, user: User, kind: str = "web", label: str | None = None
) -> tuple[str, UserSession]:
    """A new session (kind "web") or API token (kind "api"); returns the raw token once."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    sess = UserSession(
        token_hash=token_digest(raw),
        user_id=user.id,
        kind=kind,
        label=label,
        csrf_token=secrets.token_urlsafe(24) if kind == "web" else None,
        created_at=now,
        expires_at=now + (WEB_SESSION if kind == "web" else API_TOKEN),
    )
    db.add(sess)
    db.flush()
    return raw, sess


def resolve(db: Session, raw: str) -> tuple[User, UserSession] | None:
    """The user behind a token, if the session is live and the user enabled. Checked on
    every request, so revocation and disabling take effect at once."""
    # One round trip for both rows: this runs on every request.
    row = db.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_digest(raw))
    ).first()
    if row is None:
        return None
    sess, user = row
    if sess.revoked_at is not None or sess.expires_at <= utcnow() or user.disabled:
        return None
    return user, sess


def context_for(
    user: User, sess: UserSession | None, *, request_id: str, purpose: str | None = None
) -> RequestContext:
    return RequestContext(
        actor=f"user:{user.username}",
        agency=user.agency_code,
        roles=user.role_set,
        clearance=user.clearance,
        user_id=user.id,
        session_id=sess.id if sess else None,
        purpose=purpose,
        request_id=request_id,
    )


def end_session(db: Session, ctx: RequestContext, sess: UserSession) -> None:
    sess.revoked_at = utcnow()
    audit.record(db, ctx, EventType.LOGOUT, object_type="session", object_id=str(sess.id))


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def disable(db: Session, ctx: RequestContext, username: str) -> None:
    user = _user(db, username)
    user.disabled = True
    db.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(db, ctx, EventType.USER_DISABLED, object_type="user", object_id=user.username)


def grant(db: Session, ctx: RequestContext, username: str, role: str) -> str | None:
    """Add a role (effective on the user's next request). Returns a new TOTP secret if the
    role now requires a second factor the user did not have."""
    user = _user(db, username)
    roles = set(user.role_set) | set(_parse_roles([role]))
    user.roles = ",".join(sorted(roles))
    secret = None
    if TOTP_REQUIRED & roles and not user.totp_secret:
        secret = user.totp_secret = pyotp.random_base32()
    audit.record(
        db,
        ctx,
        EventType.PERMISSION_GRANTED,
        object_type="user",
        object_id=user.username,
        details={"role": role},
    )
    return secret


def revoke(db: Session, ctx: RequestContext, username: str, role: str) -> None:
    user = _user(db, username)
    user.roles = ",".join(sorted(set(user.role_set) - {role}))
    audit.record(
        db,
        ctx,
        EventType.PERMISSION_REVOKED,
        object_type="user",
        object_id=user.username,
        details={"role": role},
    )


def session_is_live(engine: Engine, session_id: int | None) -> bool:
    """Whether a session still stands (not revoked or expired, its user enabled): for
    connections that outlive the request that opened them, such as live streams."""
    if session_id is None:
        return False
    with Session(engine) as db:
        row = db.execute(
            select(UserSession.revoked_at, UserSession.expires_at, User.disabled)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.id == session_id)
        ).first()
    if row is None:
        return False
    revoked_at, expires_at, disabled = row
    return revoked_at is None and expires_at > utcnow() and not disabled
