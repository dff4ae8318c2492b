"""Every declared permission is checked where its action happens: a permission no service
asks for is a promise nobody keeps (incidents.import was one)."""

from __future__ import annotations

import re
from pathlib import Path

from kuntur.identity.authz import Permission

SRC = Path(__file__).resolve().parents[2] / "src" / "kuntur"


def test_every_declared_permission_is_checked_somewhere() -> None:
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for p in SRC.rglob("*.py")
        if p.name != "authz.py" or p.parent.name != "identity"
    )
    unchecked = [
        p.name for p in Permission if not re.search(rf"\b(?:Permission|P)\.{p.name}\b", code)
    ]
    assert unchecked == []
