"""Errors a person can act on: each says what is wrong and how to fix it."""

from __future__ import annotations


class KunturError(Exception):
    """Base for errors shown to users as-is (CLI exits non-zero, API answers 4xx)."""


class NotFound(KunturError):
    pass


class InvalidInput(KunturError):
    pass
