"""What geography declares: its CLI group (it reads public data; nothing to authorise)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import Manifest, declare

MANIFEST = declare(
    Manifest(domain="geography", cli_group=("geo", N_("Geografía: distritos (ubigeo INEI).")))
)
