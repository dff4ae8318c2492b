"""A small proof of work (hashcash) for the tip form: rate limiting that keeps no address.

The server hands out a challenge it can check without storing it:
``v1.<time>.<random>.<bits>.<mac>``,
the MAC an HMAC-SHA-256 of the rest under a server key. The page's script finds a nonce
such that SHA-256("<challenge>:<nonce>") starts with ``bits`` zero bits (2**bits hashes on
average: 14 bits are about 16,000, well under a second on a cheap phone) and sends both.
A challenge is good for ``max_age_s`` and once (the service remembers the spent ones until
they expire). Pure: no web framework, no store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, b"kuntur-pow v1:" + body.encode(), hashlib.sha256).hexdigest()[:32]


def issue(key: bytes, now: float, bits: int) -> str:
    """A new challenge, issued at ``now`` (seconds), asking for ``bits`` zero bits."""
    body = f"v1.{int(now)}.{secrets.token_hex(12)}.{bits}"
    return f"{body}.{_mac(key, body)}"


def leading_zero_bits(digest: bytes) -> int:
    n = 0
    for byte in digest:
        if byte == 0:
            n += 8
            continue
        return n + 8 - byte.bit_length()
    return n


def work(challenge: str, nonce: str) -> int:
    """The zero bits that ``nonce`` earns for ``challenge``."""
    return leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest())


def check(key: bytes, challenge: str, nonce: str, now: float, max_age_s: float) -> str | None:
    """None when ``nonce`` solves a genuine, fresh ``challenge``; else why not (a code:
    ``forged``, ``expired``, ``insufficient``)."""
    parts = challenge.split(".")
    if len(parts) != 5 or parts[0] != "v1" or len(nonce) > 32:
        return "forged"
    body, mac = ".".join(parts[:4]), parts[4]
    if not hmac.compare_digest(mac.encode(), _mac(key, body).encode()):
        return "forged"
    try:
        issued, bits = int(parts[1]), int(parts[3])
    except ValueError:
        return "forged"
    if not (issued - 5 <= now <= issued + max_age_s):
        return "expired"
    if work(challenge, nonce) < bits:
        return "insufficient"
    return None


def solve(challenge: str) -> str:
    """A nonce for ``challenge`` (what the page's script does; for tests and field tools)."""
    bits = int(challenge.split(".")[3])
    n = 0
    while work(challenge, str(n)) < bits:
        n += 1
    return str(n)
