"""The citizen liaison desk's keys: an X25519 key pair for the tipsters' contact details
(libsodium sealed boxes, PyNaCl), and a secret for the receipts' keyed hashes and the
proof-of-work challenges.

- **Desk key pair** (``KUNTUR_CITIZENS_DESK_KEY_PATH``, default ``var/citizens-desk.key``,
  mode 0600; its public half beside it in ``citizens-desk.pub``). The server seals contact
  details to the public key: a sealed box is opened only by the private key, so the
  database alone (a dump, a backup, a replica) reveals none. The desk screen opens them on
  the server, for a citizen liaison, with a reason, on record. The private key may be kept
  off a server that only takes tips: with ``citizens-desk.pub`` alone it seals and cannot
  open. Its limit: whoever holds the var folder of a server with the private key holds
  every contact (docs/decisions/0012-anonymous-tips.md).
- **Secret** (``KUNTUR_CITIZENS_SECRET_KEY_PATH``, default ``var/citizens-secret.key``):
  32 bytes; HKDF derives one subkey for receipts and one for the challenges.

Both are made on first use only in development, test and demo; in production ``kuntur
citizens keygen`` makes them first (the server refuses to start without the public key).
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

from kuntur.audit.keys import DEV_ENVIRONMENTS
from kuntur.config import Settings
from kuntur.core.errors import KunturError

SEALED = "v1:"


class CitizensKeyError(KunturError):
    pass


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text + "\n")


def public_path(private: Path) -> Path:
    return private.with_suffix(".pub")


def generate_desk(path: Path) -> PrivateKey:
    """A new desk key pair at ``path`` (private, 0600) and ``<path>.pub`` (never overwrites)."""
    key = PrivateKey.generate()
    _write_new(path, base64.b64encode(bytes(key)).decode())
    pub = public_path(path)
    if not pub.exists():
        _write_new(pub, base64.b64encode(bytes(key.public_key)).decode())
        pub.chmod(0o644)
    return key


def generate_secret(path: Path) -> bytes:
    material = os.urandom(32)
    _write_new(path, base64.b64encode(material).decode())
    return material


def _read(path: Path, size: int) -> bytes:
    try:
        raw = base64.b64decode(path.read_text().strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise CitizensKeyError(f"cannot read the citizens key {path}: {exc}") from None
    if len(raw) != size:
        raise CitizensKeyError(f"the citizens key {path} is not {size} bytes")
    return raw


@dataclass(frozen=True)
class DeskKeys:
    public: PublicKey
    private: PrivateKey | None  # None: this server only seals

    def seal(self, text: str) -> str:
        return SEALED + base64.b64encode(SealedBox(self.public).encrypt(text.encode())).decode()

    def open(self, sealed: str) -> str:
        if self.private is None:
            raise CitizensKeyError(
                "this server holds only the desk's public key: contact details open only "
                "where the private key is (KUNTUR_CITIZENS_DESK_KEY_PATH)"
            )
        try:
            blob = base64.b64decode(sealed.removeprefix(SEALED), validate=True)
            return SealedBox(self.private).decrypt(blob).decode()
        except (CryptoError, ValueError):
            raise CitizensKeyError(
                "these contact details do not open with this desk key (another key, or the "
                "row was altered)"
            ) from None


@dataclass(frozen=True)
class Keys:
    desk: DeskKeys
    receipts: bytes  # HMAC key of the receipts' digests
    challenges: bytes  # HMAC key of the proof-of-work challenges


def _derive(material: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(material)


@lru_cache(maxsize=8)
def keys(desk_path: Path, secret_path: Path, environment: str) -> Keys:
    """The keys at these paths; made on first use only outside production."""
    dev = environment in DEV_ENVIRONMENTS
    private: PrivateKey | None = None
    if desk_path.exists():
        private = PrivateKey(_read(desk_path, 32))
    elif dev and not public_path(desk_path).exists():
        try:
            private = generate_desk(desk_path)
        except FileExistsError:  # another process made it first
            private = PrivateKey(_read(desk_path, 32))
    pub = public_path(desk_path)
    if pub.exists():
        public = PublicKey(_read(pub, 32))
    elif private is not None:
        public = private.public_key
    else:
        raise CitizensKeyError(
            f"no citizen desk key at {desk_path} (nor its public half {pub}): create them "
            "with `kuntur citizens keygen`, or set KUNTUR_CITIZENS_DESK_KEY_PATH"
        )
    if secret_path.exists():
        material = _read(secret_path, 32)
    elif dev:
        try:
            material = generate_secret(secret_path)
        except FileExistsError:
            material = _read(secret_path, 32)
    else:
        raise CitizensKeyError(
            f"no citizens secret at {secret_path}: create it with `kuntur citizens keygen`, "
            "or set KUNTUR_CITIZENS_SECRET_KEY_PATH"
        )
    return Keys(
        desk=DeskKeys(public, private),
        receipts=_derive(material, b"kuntur citizens receipts v1"),
        challenges=_derive(material, b"kuntur citizens challenges v1"),
    )


def for_settings(settings: Settings) -> Keys:
    return keys(
        settings.effective_citizens_desk_key_path,
        settings.effective_citizens_secret_key_path,
        settings.environment,
    )
