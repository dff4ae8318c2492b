"""Ed25519 keys for checkpoints (Kuntur's) and countersignatures (each witness's own).

The checkpoint note a key signs is plain text, so anyone can check it with any
Ed25519 implementation:

    kuntur-audit-v1
    <tree size>
    <root, base64>
    <UTC time, ISO 8601>
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kuntur.core.errors import KunturError
from kuntur.core.i18n import _

NOTE_HEADER = "kuntur-audit-v1"


class KeyError_(KunturError):
    pass


def checkpoint_note(size: int, root: bytes, at: datetime) -> bytes:
    stamp = at.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return f"{NOTE_HEADER}\n{size}\n{base64.b64encode(root).decode()}\n{stamp}\n".encode()


def public_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def generate(path: Path) -> Ed25519PrivateKey:
    """Create a private key file readable by its owner only."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def load(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise KeyError_(
            _("no se puede leer la clave Ed25519 {path} ({detail})", path=path, detail=exc)
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(_("{path} no es una clave privada Ed25519", path=path))
    return key


def verify(public: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


DEV_ENVIRONMENTS = ("development", "test", "demo")


def signing_key(path: Path, environment: str) -> Ed25519PrivateKey:
    """Kuntur's checkpoint key. Outside development, test and demo it must already
    exist: a key made silently at start-up would be a default secret."""
    if path.exists():
        return load(path)
    if environment in DEV_ENVIRONMENTS:
        return generate(path)
    raise KeyError_(
        _(
            "no hay clave de firma de auditoría en {path}: cree una con `kuntur audit keygen` "
            "(y guarde una copia fuera de línea), o defina KUNTUR_AUDIT_KEY_PATH",
            path=path,
        )
    )
