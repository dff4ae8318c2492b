"""Every declared permission is checked where its action happens: a permission no service
asks for is a promise nobody keeps (incidents.import was one)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from kuntur import domains
from kuntur.core.registry import Permission

SRC = Path(__file__).resolve().parents[2] / "src" / "kuntur"


def declared_names() -> dict[str, str]:
    """``{constant name: code}`` of every permission the domains' manifests declare."""
    out = {}
    for manifest in domains.manifests():
        module = importlib.import_module(f"kuntur.{manifest.domain}.manifest")
        out |= {k: str(v) for k, v in vars(module).items() if isinstance(v, Permission)}
    return out


def test_every_declared_permission_is_checked_somewhere() -> None:
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if p.name != "manifest.py"
    )
    names = declared_names()
    assert len(names) >= 14
    # A check is a call to ``require`` or ``can`` that names the permission.
    checked = re.compile(
        r"\b(?:require|can)\((?:[^()]|\([^()]*\))*?\b({})\b".format("|".join(names))
    )
    unchecked = sorted(set(names) - set(checked.findall(code)))
    assert unchecked == []
