"""Errors a person can act on: each says what is wrong and how to fix it."""

from __future__ import annotations


class KunturError(Exception):
    """Base for errors shown to users as-is (CLI exits non-zero, API answers 4xx)."""


class NotFound(KunturError):
    pass


class InvalidInput(KunturError):
    pass


class Unauthenticated(KunturError):
    """No valid session or token (HTTP 401)."""


class Conflict(KunturError):
    """The request clashes with a stored record (HTTP 409). ``existing_id`` names that
    record only when the caller may read it; otherwise nothing of it is said."""

    def __init__(self, message: str, existing_id: int | None = None) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class Forbidden(KunturError):
    """Authenticated, but not allowed (HTTP 403). The denial is audited by the caller."""
