"""The witness's side: check Kuntur's latest checkpoint against the last one this
witness countersigned, and countersign it. Needs only the HTTP API and a key file,
so an outside body (the Defensoría del Pueblo, the Fiscalía) can run it on its own
machine. Plain standard library HTTP: the witness trusts no Kuntur code but this file
(and the proofs and keys it checks with; its refusals are worded from the catalogues).
"""

from __future__ import annotations

import base64
import json
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kuntur.audit import keys, merkle
from kuntur.core.errors import KunturError
from kuntur.core.i18n import _


class WitnessRefusal(KunturError):
    """The log is not what it claimed to be: do not countersign, raise the alarm."""


@dataclass
class WitnessState:
    server_key: str  # base64, pinned at the first run
    size: int
    root: str  # base64
    checkpoint_id: int


def _get(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 (the operator's URL)
        data: dict[str, Any] = json.loads(resp.read())
        return data


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    req = urllib.request.Request(  # noqa: S310 (scheme checked in countersign)
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
        data: dict[str, Any] = json.loads(resp.read())
        return data


def load_state(path: Path) -> WitnessState | None:
    return WitnessState(**json.loads(path.read_text())) if path.exists() else None


def countersign(base_url: str, name: str, key_path: Path, state_path: Path) -> dict[str, Any]:
    """One witnessing round; returns what was countersigned. Raises WitnessRefusal."""
    base = base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise KunturError(_("--url debe ser una dirección http(s), no {url!r}", url=base_url))
    witness_key = keys.load(key_path)
    state = load_state(state_path)
    server_key = _get(f"{base}/api/audit/public-key")["public_key"]
    if state and state.server_key != server_key:
        raise WitnessRefusal(_("la clave con que firma el registro cambió desde la última ronda"))
    cp = _get(f"{base}/api/audit/checkpoints/latest")
    root = base64.b64decode(cp["root"])
    at = datetime.fromisoformat(cp["at"].replace("Z", "+00:00"))
    note = keys.checkpoint_note(cp["size"], root, at)
    if not keys.verify(base64.b64decode(server_key), base64.b64decode(cp["signature"]), note):
        raise WitnessRefusal(
            _("el punto de control {id} no está firmado con la clave del registro", id=cp["id"])
        )
    if state:
        if cp["size"] < state.size:
            raise WitnessRefusal(
                _(
                    "el registro se encogió de {old} a {new} eventos",
                    old=state.size,
                    new=cp["size"],
                )
            )
        if cp["size"] == state.size and cp["root"] != state.root:
            raise WitnessRefusal(
                _(
                    "dos raíces distintas para el tamaño {size}: una vista dividida",
                    size=cp["size"],
                )
            )
        if cp["size"] > state.size:
            p = _get(f"{base}/api/audit/proofs/consistency?first={state.size}&second={cp['size']}")
            try:
                merkle.verify_consistency(
                    state.size,
                    cp["size"],
                    base64.b64decode(state.root),
                    root,
                    [base64.b64decode(x) for x in p["proof"]],
                )
            except merkle.ProofError as exc:
                raise WitnessRefusal(
                    _(
                        "el punto de control {id} no extiende el registro que este testigo "
                        "firmó con tamaño {size} ({detail})",
                        id=cp["id"],
                        size=state.size,
                        detail=exc,
                    )
                ) from None
    signature = witness_key.sign(note)
    _post(
        f"{base}/api/audit/checkpoints/{cp['id']}/countersignatures",
        {"witness": name, "signature": base64.b64encode(signature).decode()},
    )
    new_state = WitnessState(
        server_key=server_key, size=cp["size"], root=cp["root"], checkpoint_id=cp["id"]
    )
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.write_text(json.dumps(vars(new_state), indent=1))
    return {
        "checkpoint_id": cp["id"],
        "size": cp["size"],
        "root": cp["root"],
        "previous_size": state.size if state else None,
    }
