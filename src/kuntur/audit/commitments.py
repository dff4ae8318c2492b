"""Keyed commitments: what the audit log must be able to prove later without holding it.

The log holds no personal data (decision 0004): event details carry ids, counts and codes.
Where a value must still be provable later (which phone number was added to a case, what
a note said, what a refused purpose read), the event carries a commitment instead:
HMAC-SHA256 under a server key of a label and the value. Whoever holds the key and a
candidate value (from the deletable case tables, or from the person asked) can show that it
is the value logged (``kuntur audit commit``). Without the key a commitment cannot be
reversed by trying every value, as a plain hash of a phone number could be (Peruvian mobile
numbers are nine digits starting with 9: a hundred million tries, seconds of work).
Destroying the key makes every commitment meaningless at once: the log forgets without
being rewritten, and its Merkle tree stays valid.

A commitment reads ``hmac-sha256:<key id>:<64 hex>``; the key id (8 hex) says which key
made it, so a rotated key does not make old commitments ambiguous. The label keeps one kind
of value from being compared with another ("entity", "note", "purpose", "case-title").

The key is 32 random bytes (hex) in ``var/audit-commitment.key``, kept like the checkpoint
signing key: created on first use only in development, test and demo; in production it must
exist (``kuntur audit commitment-keygen``), or start-up fails.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

from kuntur.audit.keys import DEV_ENVIRONMENTS, KeyError_
from kuntur.core.i18n import _

PREFIX = "hmac-sha256"
DOMAIN = b"kuntur-commitment-v1\x00"
LABELS = frozenset({"entity", "note", "purpose", "case-title", "username", "client"})

_lock = threading.Lock()
_where: tuple[Path, str] | None = None  # (key path, environment), set by the application
_keys: dict[Path, bytes] = {}


def configure(path: Path, environment: str) -> None:
    """Where this process's key lives (``create_app``; the CLI falls back to the settings)."""
    global _where
    with _lock:
        _where = (path, environment)


def _location() -> tuple[Path, str]:
    if _where is not None:
        return _where
    from kuntur.config import get_settings

    settings = get_settings()
    return settings.effective_audit_commitment_key_path, settings.environment


def generate(path: Path) -> bytes:
    """Create a key file readable by its owner only (never overwrites one)."""
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex() + "\n")
    return key


def load(path: Path) -> bytes:
    try:
        key = bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as exc:
        raise KeyError_(
            _("no se puede leer la clave de compromisos {path} ({detail})", path=path, detail=exc)
        ) from None
    if len(key) != 32:
        raise KeyError_(
            _("{path} no es una clave de compromisos (32 bytes, hexadecimal)", path=path)
        )
    return key


def key_for(path: Path, environment: str) -> bytes:
    """The commitment key at ``path``; outside development, test and demo it must exist
    already (a key made silently at start-up would be a default secret)."""
    with _lock:
        if path in _keys:
            return _keys[path]
        if path.exists():
            key = load(path)
        elif environment in DEV_ENVIRONMENTS:
            try:
                key = generate(path)
            except FileExistsError:  # another process made it first
                key = load(path)
        else:
            raise KeyError_(
                _(
                    "no hay clave de compromisos de auditoría en {path}: cree una con "
                    "`kuntur audit commitment-keygen` (y guarde una copia fuera de línea), o "
                    "defina KUNTUR_AUDIT_COMMITMENT_KEY_PATH",
                    path=path,
                )
            )
        _keys[path] = key
        return key


def key_id(key: bytes) -> str:
    return hmac.new(key, b"kuntur-commitment-key-id", hashlib.sha256).hexdigest()[:8]


def commit(label: str, value: str) -> str:
    """The commitment to ``value`` under ``label`` with this process's key."""
    if label not in LABELS:
        raise ValueError(f"unknown commitment label {label!r}")
    key = key_for(*_location())
    mac = hmac.new(key, DOMAIN + label.encode() + b"\x00" + value.encode(), hashlib.sha256)
    return f"{PREFIX}:{key_id(key)}:{mac.hexdigest()}"


def matches(commitment: str, label: str, value: str) -> bool:
    """Whether ``commitment`` commits to ``value`` (with this process's key)."""
    return hmac.compare_digest(commitment, commit(label, value))
