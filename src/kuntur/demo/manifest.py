"""What the demo scenario declares: its audit event and its CLI group."""

from __future__ import annotations

from kuntur.core.registry import EventType, Manifest, declare

DEMO_SEEDED = EventType("demo.seed", "Escenario de demostración cargado", "Demo scenario seeded")

MANIFEST = declare(
    Manifest(
        domain="demo",
        events=(DEMO_SEEDED,),
        cli_group=("demo", "Escenario de demostración (datos sintéticos)."),
    )
)
