"""The identity key: TOTP secrets sealed at rest (the log's commitments use audit.commitments).

One 256-bit key in a file (``KUNTUR_IDENTITY_KEY_PATH``, default ``var/identity.key``);
HKDF derives one subkey per use, so the two uses never share key material:

- **Sealing** (AES-256-GCM, ``cryptography``): a TOTP secret is stored as
  ``v1:`` + base64url(nonce || ciphertext || tag), bound to its user's id as associated
  data, so a sealed secret copied onto another user's row does not open. A copy of the
  database alone then yields no second factor.
- **Commitments** (HMAC-SHA-256): what the audit log must be able to correlate but not
  hold in clear (a username typed at the login form that belongs to no one, a client
  address) is logged as a keyed digest: equal inputs give equal digests, and without the
  key nobody can test guesses against them (decision 0004: personal data stays out of
  the log).

Like the audit signing key, the file is created on first use only in development, test and
demo; in production it must exist (``kuntur users keygen``) or start-up fails. Losing it
means enrolling every second factor again: keep a copy offline.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kuntur.audit.keys import DEV_ENVIRONMENTS
from kuntur.config import Settings, get_settings
from kuntur.core.errors import KunturError

SEALED = "v1:"
_NONCE = 12  # bytes, as GCM wants


class IdentityKeyError(KunturError):
    pass


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material)


def _aad(user_id: int) -> bytes:
    return f"kuntur-user:{user_id}".encode()


class IdentityKey:
    def __init__(self, material: bytes) -> None:
        if len(material) != 32:
            raise IdentityKeyError("an identity key is 32 bytes")
        self._aead = AESGCM(_derive(material, b"kuntur totp-secret v1"))

    def seal(self, secret: str, user_id: int) -> str:
        nonce = os.urandom(_NONCE)
        blob = nonce + self._aead.encrypt(nonce, secret.encode(), _aad(user_id))
        return SEALED + base64.urlsafe_b64encode(blob).decode()

    def open(self, sealed: str, user_id: int) -> str:
        if not sealed.startswith(SEALED):
            raise IdentityKeyError("not a sealed secret")
        try:
            blob = base64.urlsafe_b64decode(sealed.removeprefix(SEALED))
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], _aad(user_id)).decode()
        except (InvalidTag, ValueError):
            raise IdentityKeyError(
                f"the second factor of user {user_id} does not open with this identity key "
                "(KUNTUR_IDENTITY_KEY_PATH points at another key, or the row was altered)"
            ) from None


def generate(path: Path) -> IdentityKey:
    """Create a key file readable by its owner only (never overwrites one)."""
    material = os.urandom(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(material).decode() + "\n")
    return IdentityKey(material)


def load(path: Path) -> IdentityKey:
    try:
        return IdentityKey(base64.b64decode(path.read_text().strip(), validate=True))
    except (OSError, ValueError) as exc:
        raise IdentityKeyError(f"cannot read the identity key {path}: {exc}") from None


@lru_cache(maxsize=8)
def identity_key(path: Path, environment: str) -> IdentityKey:
    """The key at ``path``. Outside development, test and demo it must exist already:
    a key made silently at start-up would be a default secret."""
    if path.exists():
        return load(path)
    if environment in DEV_ENVIRONMENTS:
        try:
            return generate(path)
        except FileExistsError:  # another process made it first
            return load(path)
    raise IdentityKeyError(
        f"no identity key at {path}: create one with `kuntur users keygen` (and keep a copy "
        "offline), or set KUNTUR_IDENTITY_KEY_PATH"
    )


def for_settings(settings: Settings) -> IdentityKey:
    return identity_key(settings.effective_identity_key_path, settings.environment)


def default_key() -> IdentityKey:
    """The key of this process's settings (the command line, migrations)."""
    return for_settings(get_settings())
