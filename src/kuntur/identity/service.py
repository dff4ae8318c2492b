"""Identity service: users, passwords (argon2id), TOTP, lockout, sessions and tokens.

Every logon, failure, lockout, user change and permission change is an audit event in
the same transaction as the change itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pyotp.exceptions import OTPVerificationError
from sqlalchemy import CursorResult, Engine, and_, case, func, null, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from kuntur.audit import commitments
from kuntur.audit import service as audit
from kuntur.core.context import RequestContext
from kuntur.core.errors import InvalidInput, NotFound
from kuntur.core.i18n import _
from kuntur.core.registry import EventType
from kuntur.core.timeutil import utcnow
from kuntur.identity import crypto, passwords
from kuntur.identity.crypto import IdentityKey
from kuntur.identity.manifest import (
    LOGIN_FAILURE,
    LOGIN_SUCCESS,
    LOGOUT,
    PERMISSION_GRANTED,
    PERMISSION_REVOKED,
    STEP_UP_FAILURE,
    TOKEN_CREATED,
    TOKEN_REVOKED,
    USER_CREATED,
    USER_DISABLED,
    USERS_MANAGE,
)
from kuntur.identity.models import Agency, SharingRule, User, UserSession
from kuntur.identity.roles import AGENCIES, TOTP_REQUIRED, Clearance, Role

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
WEB_SESSION = timedelta(hours=12)  # absolute
WEB_IDLE = timedelta(minutes=30)  # a web session unused this long ends
TOUCH_EVERY = timedelta(minutes=1)  # how often a session's last use is written, at most
API_TOKEN = timedelta(days=90)
FIELD_SHIFT = timedelta(hours=12)  # a field device's token lasts the shift, never longer
MIN_PASSWORD = passwords.MIN_LENGTH
# Caps on what logons and token requests take (the API and the form refuse longer values
# with a message before any hashing or storing; authenticate refuses them too).
MAX_USERNAME = 64  # the column's size
MAX_TOTP = 10
MAX_LABEL = 100

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


def _parse_roles(roles: list[str]) -> list[str]:
    valid = {r.value for r in Role}
    bad = [r for r in roles if r not in valid]
    if bad:
        raise InvalidInput(
            _("roles desconocidos {bad}; los roles son {valid}", bad=bad, valid=sorted(valid))
        )
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
    key: IdentityKey | None = None,
) -> tuple[User, str | None]:
    """Create a user; returns it and, when a second factor is required, its TOTP secret
    (shown once, for enrolment in an authenticator app; stored only sealed)."""
    ensure_agencies(db)
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").isalnum():
        raise InvalidInput(_("el usuario lleva letras, dígitos, puntos y guiones bajos"))
    if len(username) > MAX_USERNAME or len(display_name) > 200:
        raise InvalidInput(
            _("el usuario admite a lo sumo {n} caracteres y el nombre 200", n=MAX_USERNAME)
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
    passwords.check(password, username)
    role_list = _parse_roles(roles)
    secret = pyotp.random_base32() if TOTP_REQUIRED & set(role_list) else None
    user = User(
        username=username,
        display_name=display_name,
        agency_code=agency,
        roles=",".join(role_list),
        clearance=clearance,
        password_hash=_hasher.hash(password),
        created_at=utcnow(),
    )
    db.add(user)
    db.flush()
    if secret:  # sealed to the user's id, which the flush has just given
        user.totp_sealed = (key or crypto.default_key()).seal(secret, user.id)
    audit.record(
        db,
        ctx,
        USER_CREATED,
        object_type="user",
        object_id=username,
        details={"agency": agency, "roles": role_list, "clearance": clearance},
    )
    return user, secret


@dataclass
class LoginResult:
    user: User | None
    reason: str | None = None  # why it failed (logged; never shown beyond "incorrect")
    # Set while the account is locked (the answer then says so, and until when).
    locked_until: datetime | None = None
    # The password was right but no second-factor code came with it: the answer says the
    # code is needed (it tells nothing to whoever lacks the password).
    needs_second_factor: bool = False


def authenticate(
    db: Session,
    ctx: RequestContext,
    username: str,
    password: str,
    totp_code: str | None,
    key: IdentityKey | None = None,
) -> LoginResult:
    """Check a logon. The caller commits either way, so failures and lockouts are kept.

    Every refusal costs one argon2 verification, whatever its reason (unknown user,
    disabled, locked, wrong password), so response times do not tell them apart. A name
    that belongs to no one is logged only as a keyed commitment (identity/crypto.py): it
    may be a typo of someone's real name, or anything at all."""
    if (
        len(username) > MAX_USERNAME
        or len(password) > passwords.MAX_LENGTH
        or len(totp_code or "") > MAX_TOTP
    ):
        raise InvalidInput(_("Datos de acceso demasiado largos"))
    key = key or crypto.default_key()
    username = username.strip().lower()
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        _burn(password)
        return _fail(db, ctx, commitments.commit("username", username), "unknown user")
    if user.disabled:
        _burn(password)
        return _fail(db, ctx, username, "disabled")
    checked = _check_credentials(db, ctx, user, password, totp_code, key)
    if checked.user is None:
        return checked
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(db, _as(ctx, user), LOGIN_SUCCESS, object_type="user", object_id=user.username)
    return checked


def _burn(password: str) -> None:
    """One argon2 verification against a hash no password matches: the work a real check
    costs, for refusals decided without one."""
    with contextlib.suppress(VerificationError):
        _hasher.verify(_dummy_hash(), password)


def _check_credentials(
    db: Session,
    ctx: RequestContext,
    user: User,
    password: str,
    totp_code: str | None,
    key: IdentityKey,
    event: EventType = LOGIN_FAILURE,
) -> LoginResult:
    """Password and (where required) second factor of an enabled user, under the lockout;
    a failure is logged as ``event``.

    The attempt is counted before the password is checked, by one atomic UPDATE that
    returns the new count: parallel attempts each get their own number (the row lock
    orders them), so at most ``MAX_FAILURES`` passwords are ever tried per lockout."""
    attempt, locked_until = _reserve_attempt(db, user)
    now = utcnow()
    if locked_until is not None and locked_until > now:
        _burn(password)
        return _fail(db, ctx, user.username, "locked", locked_until=locked_until, event=event)
    if attempt > MAX_FAILURES:  # attempts raced past the limit: refuse them all, locked
        _burn(password)
        return _lock(db, ctx, user, "too many attempts", event)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return _count_failure(db, ctx, user, attempt, "bad password", event)
    needs_totp = bool(user.totp_sealed or user.totp_secret or TOTP_REQUIRED & user.role_set)
    try:
        totp_ok = not needs_totp or _use_totp(db, user, totp_code, key)
    except crypto.IdentityKeyError:  # the operator's problem, said so in the log
        reason = "second factor sealed with another key"
        return _count_failure(db, ctx, user, attempt, reason, event)
    if not totp_ok and not (totp_code or "").strip():
        # Still counted: the lockout must bound password guesses that stop here too.
        failed = _count_failure(db, ctx, user, attempt, "second factor missing", event)
        failed.needs_second_factor = failed.locked_until is None
        return failed
    if not totp_ok:
        return _count_failure(db, ctx, user, attempt, "bad second factor", event)
    user.failed_logins = 0
    user.locked_until = None
    return LoginResult(user)


def _reserve_attempt(db: Session, user: User) -> tuple[int, datetime | None]:
    """Count one attempt now; returns (its number, the lock in force). An expired lock is
    cleared and counting starts again at 1."""
    now = utcnow()
    expired = and_(User.locked_until.is_not(None), User.locked_until <= now)
    row = db.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            failed_logins=case((expired, 1), else_=User.failed_logins + 1),
            locked_until=case((expired, null()), else_=User.locked_until),
        )
        .returning(User.failed_logins, User.locked_until)
        .execution_options(synchronize_session=False)
    ).one()
    attempt, locked_until = int(row[0]), row[1]
    # The session's copy of the row learns the new values without writing them again.
    set_committed_value(user, "failed_logins", attempt)
    set_committed_value(user, "locked_until", locked_until)
    return attempt, locked_until


def _totp_secret(user: User, key: IdentityKey) -> str | None:
    """The user's TOTP secret, unsealed. A plaintext one (written before secrets were
    sealed, or by older code still running) is sealed now, in the caller's transaction."""
    if user.totp_sealed:
        return key.open(user.totp_sealed, user.id)
    if user.totp_secret:
        secret = user.totp_secret
        user.totp_sealed, user.totp_secret = key.seal(secret, user.id), None
        return secret
    return None


def _use_totp(db: Session, user: User, code: str | None, key: IdentityKey) -> bool:
    """Check ``code`` and spend it: each code is good once. One step of clock drift either
    way, as RFC 6238 suggests; a code whose time step is at or before the last one accepted
    is a replay (RFC 6238 section 5.2), even inside the drift window."""
    secret = _totp_secret(user, key)
    if not secret or not code:
        return False
    try:
        step = pyotp.TOTP(secret).verify_and_get_timecode(code.strip(), valid_window=1)
    except OTPVerificationError:
        return False
    # One conditional UPDATE, so two requests racing with the same code cannot both win.
    claimed = db.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[Any], claimed).rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _as(ctx: RequestContext, user: User) -> RequestContext:
    """The context of a user who has just proved who they are (no session yet)."""
    return context_for(user, None, request_id=ctx.request_id, purpose=ctx.purpose)


def _count_failure(
    db: Session, ctx: RequestContext, user: User, attempt: int, reason: str, event: EventType
) -> LoginResult:
    if attempt >= MAX_FAILURES:
        return _lock(db, ctx, user, reason, event)
    return _fail(db, ctx, user.username, reason, event=event)


def _lock(
    db: Session, ctx: RequestContext, user: User, reason: str, event: EventType
) -> LoginResult:
    user.locked_until = utcnow() + LOCKOUT
    user.failed_logins = 0
    reason += f"; locked for {int(LOCKOUT.total_seconds() // 60)} minutes"
    return _fail(db, ctx, user.username, reason, locked_until=user.locked_until, event=event)


def _fail(
    db: Session,
    ctx: RequestContext,
    username: str,
    reason: str,
    locked_until: datetime | None = None,
    event: EventType = LOGIN_FAILURE,
) -> LoginResult:
    audit.record(
        db,
        ctx,
        event,
        object_type="user",
        object_id=username,
        outcome="failure",
        details={"reason": reason},
    )
    return LoginResult(None, reason, locked_until)


def minutes_left(until: datetime) -> int:
    """Whole minutes until ``until``, rounded up (a lock never reads "0 minutes")."""
    return max(1, math.ceil((until - utcnow()).total_seconds() / 60))


def open_session(
    db: Session,
    user: User,
    kind: str = "web",
    label: str | None = None,
    lifetime: timedelta | None = None,
) -> tuple[str, UserSession]:
    """A new session (kind "web"), API token (kind "api") or field-device token (kind
    "field", the field app's: a bearer token that lasts the shift, ``lifetime``, at most
    ``FIELD_SHIFT``); returns the raw token once."""
    if kind == "field":
        lifetime = min(lifetime or FIELD_SHIFT, FIELD_SHIFT)
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    sess = UserSession(
        token_hash=token_digest(raw),
        user_id=user.id,
        kind=kind,
        label=label,
        csrf_token=secrets.token_urlsafe(24) if kind == "web" else None,
        created_at=now,
        expires_at=now + (lifetime or (WEB_SESSION if kind == "web" else API_TOKEN)),
        last_seen_at=now if kind == "web" else None,  # a token is "used" when it is used
    )
    db.add(sess)
    db.flush()
    return raw, sess


@dataclass
class Resolution:
    """What a presented token turned out to be: a live session (``user`` set), or why
    not (``reason``; ``sess`` is the row when the token matched one)."""

    user: User | None
    sess: UserSession | None = None
    reason: str | None = None
    stale: bool = False  # its last use is older than TOUCH_EVERY: note this one (touch)
    # The agencies that share their records with the user's agency (sharing rules to it or
    # to "*"), read in the same statement: what ``authz.visible_owners`` needs on every
    # scoped read.
    shared_by: frozenset[str] = frozenset()


MAX_TOKEN = 200  # ours are 43 characters; anything much longer is not one of ours


def resolve(db: Session, raw: str) -> Resolution:
    """The user behind a token, if the session is live and the user enabled. Checked on
    every request, so revocation and disabling take effect at once. A web session also
    ends after ``WEB_IDLE`` without use. Nothing is written here: ``stale`` says the use
    should be noted (``touch``), which happens at most once per ``TOUCH_EVERY``."""
    if len(raw) > MAX_TOKEN:
        return Resolution(None, None, "malformed")
    # One round trip for both rows and the agency's sharing rules: this runs on every
    # request, and the rules were a statement of their own on every scoped read.
    shared = (
        select(func.aggregate_strings(SharingRule.owner_agency, ","))
        .where(
            or_(SharingRule.grantee_agency == User.agency_code, SharingRule.grantee_agency == "*")
        )
        .scalar_subquery()
    )
    row = db.execute(
        select(UserSession, User, shared)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_digest(raw))
    ).first()
    if row is None:
        return Resolution(None, None, "unknown")
    sess, user, owners = row
    now = utcnow()
    reason = _ended(sess, user, now)
    if reason is not None:
        return Resolution(None, sess, reason)
    stale = sess.last_seen_at is None or now - sess.last_seen_at >= TOUCH_EVERY
    shared_by = frozenset(owners.split(",")) if owners else frozenset()
    return Resolution(user, sess, stale=stale, shared_by=shared_by)


def _ended(sess: UserSession, user: User, now: datetime) -> str | None:
    """Why a session no longer stands (revoked, expired, disabled, idle), or None."""
    return _ended_by(
        sess.kind,
        sess.revoked_at,
        sess.expires_at,
        sess.last_seen_at or sess.created_at,
        user.disabled,
        now,
    )


def _ended_by(
    kind: str,
    revoked_at: datetime | None,
    expires_at: datetime,
    last: datetime,
    disabled: bool,
    now: datetime,
) -> str | None:
    """``_ended`` on the columns alone (for many sessions at once, without loading them)."""
    if revoked_at is not None:
        return "revoked"
    if expires_at <= now:
        return "expired"
    if disabled:
        return "disabled"
    if kind == "web" and now - last >= WEB_IDLE:
        return "idle"
    return None


def touch(bind: Engine, session_id: int) -> None:
    """Note a session's use now, in a transaction of its own, unless another request did
    within ``TOUCH_EVERY``. Run after the response (core.web): a write inside the request
    would hold SQLite's write lock for the rest of it, and an audit event written apart
    (a denial) would then wait on it."""
    now = utcnow()
    with Session(bind) as side, side.begin():
        side.execute(
            update(UserSession)
            .where(
                UserSession.id == session_id,
                or_(
                    UserSession.last_seen_at.is_(None),
                    UserSession.last_seen_at <= now - TOUCH_EVERY,
                ),
            )
            .values(last_seen_at=now)
        )


def context_for(
    user: User,
    sess: UserSession | None,
    *,
    request_id: str,
    purpose: str | None = None,
    shared_by: frozenset[str] | None = None,
) -> RequestContext:
    """The context of a request by ``user``; ``shared_by`` as ``resolve`` read it (None:
    not read, ``authz.visible_owners`` reads it when needed)."""
    return RequestContext(
        actor=f"user:{user.username}",
        agency=user.agency_code,
        roles=user.role_set,
        clearance=user.clearance,
        user_id=user.id,
        session_id=sess.id if sess else None,
        purpose=purpose,
        request_id=request_id,
        scopes=sess.scope_set if sess else None,
        shared_by=shared_by,
    )


def end_session(db: Session, ctx: RequestContext, sess: UserSession) -> None:
    sess.revoked_at = utcnow()
    audit.record(db, ctx, LOGOUT, object_type="session", object_id=str(sess.id))


def step_up(
    db: Session,
    ctx: RequestContext,
    user: User,
    password: str,
    totp_code: str | None,
    key: IdentityKey | None = None,
) -> LoginResult:
    """Ask a signed-in user for the password again (and a new second-factor code where the
    role needs one) before a sensitive act. Failures count toward the lockout like logons
    and are logged as ``auth.step_up.failure``; the caller commits either way."""
    if len(password) > passwords.MAX_LENGTH or len(totp_code or "") > MAX_TOTP:
        raise InvalidInput(_("Datos de acceso demasiado largos"))
    key = key or crypto.default_key()
    if user.disabled:
        _burn(password)
        return _fail(db, ctx, user.username, "disabled", event=STEP_UP_FAILURE)
    return _check_credentials(db, ctx, user, password, totp_code, key, event=STEP_UP_FAILURE)


def create_token(
    db: Session, ctx: RequestContext, user: User, label: str
) -> tuple[str, UserSession]:
    """A new API token for ``user`` (after ``step_up``); returns the raw token once."""
    if not label.strip() or len(label) > MAX_LABEL:
        raise InvalidInput(_("el nombre del token lleva de 1 a {n} caracteres", n=MAX_LABEL))
    raw, tok = open_session(db, user, "api", label=label.strip())
    audit.record(
        db,
        ctx,
        TOKEN_CREATED,
        object_type="token",
        object_id=str(tok.id),
        details={"user_id": user.id, "valid_days": API_TOKEN.days},  # never the label
    )
    return raw, tok


def tokens_of(db: Session, ctx: RequestContext, username: str | None = None) -> list[UserSession]:
    """The live API tokens of ``username`` (default: the actor); another user's need
    ``users.manage`` (a refusal is audited)."""
    from kuntur.identity import authz

    if username is None:
        if ctx.user_id is None:
            raise InvalidInput(_("¿de qué usuario?"))
        user_id = ctx.user_id
    else:
        user = _user(db, username)
        if user.id != ctx.user_id:
            authz.require(db, ctx, USERS_MANAGE, object_type="user", object_id=user.username)
        user_id = user.id
    return list(
        db.scalars(
            select(UserSession)
            .where(
                UserSession.user_id == user_id,
                UserSession.kind == "api",
                UserSession.revoked_at.is_(None),
                UserSession.expires_at > utcnow(),
            )
            .order_by(UserSession.created_at, UserSession.id)
        )
    )


def revoke_token(db: Session, ctx: RequestContext, token_id: int) -> None:
    """End an API token now: its owner's or, with ``users.manage``, anyone's."""
    from kuntur.identity import authz

    tok = db.get(UserSession, token_id)
    if tok is None or tok.kind != "api":
        raise NotFound(_("no existe el token {id}", id=token_id))
    if tok.user_id != ctx.user_id:
        authz.require(db, ctx, USERS_MANAGE, object_type="token", object_id=str(token_id))
    if tok.revoked_at is not None:
        return  # already ended: nothing changes, nothing to log
    tok.revoked_at = utcnow()
    audit.record(
        db,
        ctx,
        TOKEN_REVOKED,
        object_type="token",
        object_id=str(tok.id),
        details={"user_id": tok.user_id},
    )


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(_("no existe el usuario {username!r}", username=username))
    return user


def disable(db: Session, ctx: RequestContext, username: str) -> None:
    user = _user(db, username)
    user.disabled = True
    db.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    audit.record(db, ctx, USER_DISABLED, object_type="user", object_id=user.username)


def grant(
    db: Session, ctx: RequestContext, username: str, role: str, key: IdentityKey | None = None
) -> str | None:
    """Add a role (effective on the user's next request). Returns a new TOTP secret if the
    role now requires a second factor the user did not have."""
    user = _user(db, username)
    roles = set(user.role_set) | set(_parse_roles([role]))
    user.roles = ",".join(sorted(roles))
    secret = None
    if TOTP_REQUIRED & roles and not (user.totp_sealed or user.totp_secret):
        secret = pyotp.random_base32()
        user.totp_sealed = (key or crypto.default_key()).seal(secret, user.id)
    audit.record(
        db,
        ctx,
        PERMISSION_GRANTED,
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
        PERMISSION_REVOKED,
        object_type="user",
        object_id=user.username,
        details={"role": role},
    )


def session_is_live(engine: Engine, session_id: int | None) -> bool:
    """Whether a session still stands, by the rules every request meets (``_ended``): for
    connections that outlive the request that opened them, such as live streams."""
    if session_id is None:
        return False
    with Session(engine) as db:
        row = db.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.id == session_id)
        ).first()
    return row is not None and _ended(row[0], row[1], utcnow()) is None


def live_sessions(engine: Engine, session_ids: Iterable[int]) -> set[int]:
    """Which of ``session_ids`` still stand (``session_is_live`` for many at once): one
    query for all the streams a process holds open, instead of one per stream."""
    ids = sorted(set(session_ids))
    out: set[int] = set()
    now = utcnow()
    # The columns the rule reads, not the ORM objects: 1,000 streams a process, each second.
    with Session(engine) as db:
        for i in range(0, len(ids), 500):  # bounded IN lists
            for sid, kind, revoked, expires, seen, created, disabled in db.execute(
                select(
                    UserSession.id,
                    UserSession.kind,
                    UserSession.revoked_at,
                    UserSession.expires_at,
                    UserSession.last_seen_at,
                    UserSession.created_at,
                    User.disabled,
                )
                .join(User, User.id == UserSession.user_id)
                .where(UserSession.id.in_(ids[i : i + 500]))
            ):
                if _ended_by(kind, revoked, expires, seen or created, disabled, now) is None:
                    out.add(sid)
    return out
