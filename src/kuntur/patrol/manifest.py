"""What patrol planning declares: for now its command group (plans, orders and pages come
with a later step of issue 15)."""

from __future__ import annotations

from kuntur.core.i18n import N_
from kuntur.core.registry import Manifest, declare

MANIFEST = declare(
    Manifest(
        domain="patrol",
        cli_group=(
            "patrol",
            N_("Patrullaje: ubicar puestos para cubrir el riesgo pronosticado."),
        ),
        api=(),
    )
)
