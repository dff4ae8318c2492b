"""Receipt codes: 20 random digits in five groups of four (66 bits of entropy), kept in the
store only as a keyed hash.

Digits, not words: they are the same in Spanish, Quechua and English, a phone's keypad
types them, and a receipt shaped like a long number draws less attention written on a
piece of paper (GlobaLeaks gives its whistleblowers 16 digits; 20 give more than the 64
bits the issue asks for). ``digest`` is HMAC-SHA-256 under a server key, so a copy of the
database alone can neither list receipts nor test guesses against them; lookups go by the
digest and end in ``hmac.compare_digest``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

DIGITS = 20
GROUP = 4
ENTROPY_BITS = DIGITS * math.log2(10)  # 66.4
_SEPARATORS = re.compile(r"[\s\-\.·_/]+")


def new() -> str:
    """A fresh receipt: 20 digits from the system's CSPRNG, as stored (no separators)."""
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def grouped(code: str) -> str:
    """``code`` as the citizen writes it: "1234 5678 9012 3456 7890"."""
    return " ".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalise(text: str) -> str | None:
    """The receipt in ``text`` (spaces, dashes and dots allowed between digits), or None
    when it is not 20 digits."""
    bare = _SEPARATORS.sub("", text or "")
    if len(bare) != DIGITS or not bare.isascii() or not bare.isdigit():
        return None
    return bare


def digest(key: bytes, code: str) -> str:
    """The keyed hash the store keeps for ``code`` (hex)."""
    return hmac.new(key, b"kuntur-receipt v1:" + code.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two digests."""
    return hmac.compare_digest(a.encode(), b.encode())
