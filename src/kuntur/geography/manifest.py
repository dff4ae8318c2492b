"""What geography declares: its CLI group (it reads public data; nothing to authorise)."""

from __future__ import annotations

from kuntur.core.registry import Manifest, declare

MANIFEST = declare(
    Manifest(domain="geography", cli_group=("geo", "Geografía: distritos (ubigeo INEI)."))
)
