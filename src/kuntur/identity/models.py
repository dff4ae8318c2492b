"""Identity tables. Passwords are argon2id hashes; session and API tokens are stored
only as SHA-256 digests, so a copy of the database opens no session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from kuntur.core.db import Base, BigId, UTCDateTime


class Agency(Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("command_units.id"), nullable=True)
    roles: Mapped[str] = mapped_column(String(300), default="")  # comma-separated Role values
    clearance: Mapped[int] = mapped_column(Integer, default=0)
    password_hash: Mapped[str] = mapped_column(String(200))
    # Legacy: the plaintext TOTP secret older code wrote. Migration 0009 seals and empties
    # it, and a secret found here later is sealed on use; nothing writes it any more.
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The TOTP secret sealed with the identity key (identity/crypto.py), bound to this id.
    totp_sealed: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # The last TOTP time step accepted (RFC 6238 counter): a code at or before it is refused.
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # A program's account (an integrator's system, issue 19): no usable password, and its
    # tokens carry scopes (``UserSession.scopes``).
    is_service: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class UserSession(Base):
    """A web session (cookie) or an API token (bearer): one table, one revocation path."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # web | api
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    csrf_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Last use, noted at most once a minute (identity.service.resolve): the idle timeout of
    # web sessions, and "last used" in a token list. None: an API token never used.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The scopes an API token is limited to (comma-separated, ``core.registry.Scope``); None:
    # only the roles limit it (a person's token).
    scopes: Mapped[str | None] = mapped_column(String(500), nullable=True)

    @property
    def scope_set(self) -> frozenset[str] | None:
        return None if self.scopes is None else frozenset(s for s in self.scopes.split(",") if s)


class SharingRule(Base):
    """``owner_agency`` lets ``grantee_agency`` ("*" = every agency) see its records
    (incidents, and the intelligence drawn from them)."""

    __tablename__ = "sharing_rules"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    owner_agency: Mapped[str] = mapped_column(String(16))
    grantee_agency: Mapped[str] = mapped_column(String(16))
